//! The migration in the editor, through the server: the hint on a valid 1.0 contract (on by
//! default, off with `pacto.migration.hint`) and the "Migrate to Pacto 2.0" workspace edit.

use serde_json::{Value, json};

use crate::testing::{Client, uri_of};

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\n";

fn open(client: &mut Client, uri: &str) -> Vec<Value> {
    client.open(uri, CONTRACT);
    client.diagnostics(uri, 1)
}

fn lines(diagnostics: &[Value]) -> String {
    let mut out = String::new();
    for it in diagnostics {
        let (start, end) = (&it["range"]["start"], &it["range"]["end"]);
        out.push_str(&format!(
            "{}:{}-{}:{} {} {} {}\n",
            start["line"],
            start["character"],
            end["line"],
            end["character"],
            it["severity"],
            it["code"].as_str().unwrap_or(""),
            it["source"].as_str().unwrap_or("")
        ));
    }
    out
}

#[test]
fn migrate_hint_and_action_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pacto.yaml");
    std::fs::write(&path, CONTRACT).unwrap();
    let uri = uri_of(&path);
    let (mut client, _) = Client::start_configured(json!({}), json!({"migration": {"hint": true}}));
    let published = open(&mut client, &uri);
    assert_eq!(
        lines(&published),
        "0:0-0:12 3 MIGRATION_AVAILABLE pacto-migrate\n5:4-5:8 4 MIGRATION_PLACEHOLDER pacto-migrate\n7:4-7:8 4 MIGRATION_DROPPED pacto-migrate\n"
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 3}}, "context": {"diagnostics": []}}),
    );
    let action =
        actions.as_array().unwrap().iter().find(|it| it["title"] == "Migrate to Pacto 2.0").expect("the action");
    let operations = action["edit"]["documentChanges"].as_array().unwrap();
    let placeholder = uri_of(&dir.path().join("interfaces/api.yaml"));
    assert_eq!(
        operations[0],
        json!({"kind": "create", "uri": placeholder, "options": {"overwrite": false, "ignoreIfExists": false}})
    );
    assert_eq!(operations[1]["textDocument"], json!({"uri": placeholder, "version": null}));
    assert!(operations[1]["edits"][0]["newText"].as_str().unwrap().contains("openapi: 3.1.0\n"));
    assert_eq!(operations[2]["textDocument"], json!({"uri": uri, "version": 1}));
    assert_eq!(
        operations[2]["edits"][0],
        json!({"range": {"start": {"line": 0, "character": 15}, "end": {"line": 7, "character": 14}}, "newText": "2.0\"\nservice:\n  name: svc\n  version: 1.0.0\ninterfaces:\n  - name: api\n    type: openapi\n    ref: interfaces/api.yaml"})
    );
    client.shutdown();
}

#[test]
fn migrate_hint_off_by_setting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pacto.yaml");
    std::fs::write(&path, CONTRACT).unwrap();
    let (mut client, _) = Client::start_configured(json!({}), json!({"migration": {"hint": false}}));
    assert_eq!(lines(&open(&mut client, &uri_of(&path))), "");
    client.shutdown();
}

/// A keystroke is published with the hints last computed, moved with the text (those on the edited line left out);
/// once the document is still, its own hints are computed and published for the same version. A big contract is
/// opened with the hint on `pactoVersion` alone, a small one with all its hints.
#[test]
fn migrate_hints_are_carried_while_typing_then_recomputed() {
    carried_then_recomputed(0);
    carried_then_recomputed(7_000);
}

fn carried_then_recomputed(padding_lines: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pacto.yaml");
    let padding = "# padding\n".repeat(padding_lines);
    let text = format!("{CONTRACT}{padding}");
    std::fs::write(&path, &text).unwrap();
    let uri = uri_of(&path);
    let (mut client, _) = Client::start_configured(json!({}), json!({"migration": {"hint": true}}));
    client.open(&uri, &text);
    if text.len() >= crate::features::migrate::HINT_ALONE_ON_OPEN_FROM_BYTES {
        // Opened: the hint on `pactoVersion` alone at once, then the migration's own hints.
        let alone = client.diagnostics(&uri, 1);
        assert_eq!(lines(&alone), "0:0-0:12 3 MIGRATION_AVAILABLE pacto-migrate\n");
        assert_eq!(
            alone[0]["message"],
            "Format 1.0: Pacto 2.0 is the current format. The code action \"Migrate to Pacto 2.0\" rewrites this contract."
        );
    }
    let computed = "0:0-0:12 3 MIGRATION_AVAILABLE pacto-migrate\n5:4-5:8 4 MIGRATION_PLACEHOLDER pacto-migrate\n7:4-7:8 4 MIGRATION_DROPPED pacto-migrate\n";
    assert_eq!(lines(&client.diagnostics(&uri, 1)), computed);
    // A line inserted under `pactoVersion`: the hints below move down; then the port edited (its hint quotes the
    // old value, so it goes until the hints are computed again); then the comment edited, which moves no hint (the
    // publish writes them as the one before did); then a type made invalid (no hints) and mended (the same again).
    let moved = "0:0-0:12 3 MIGRATION_AVAILABLE pacto-migrate\n6:4-6:8 4 MIGRATION_PLACEHOLDER pacto-migrate\n8:4-8:8 4 MIGRATION_DROPPED pacto-migrate\n";
    let carried = "0:0-0:12 3 MIGRATION_AVAILABLE pacto-migrate\n6:4-6:8 4 MIGRATION_PLACEHOLDER pacto-migrate\n";
    let invalid = "7:10-7:15 1 SCHEMA_VIOLATION pacto\n";
    for (version, line, character, text, expected) in [
        (2, 1, 0, "# owned by payments\n", moved),
        (3, 8, 10, "1", carried),
        (4, 1, 2, "x", carried),
        (5, 7, 14, "x", invalid),
        (6, 7, 14, "", carried),
    ] {
        let at = json!({"line": line, "character": character});
        let end = json!({"line": line, "character": character + usize::from(text.is_empty())});
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": {"start": at, "end": end}, "text": text}]}),
        );
        assert_eq!(lines(&client.diagnostics(&uri, version)), expected, "version {version}");
    }
    let recomputed = "0:0-0:12 3 MIGRATION_AVAILABLE pacto-migrate\n6:4-6:8 4 MIGRATION_PLACEHOLDER pacto-migrate\n8:4-8:8 4 MIGRATION_DROPPED pacto-migrate\n";
    let again = client.diagnostics(&uri, 6);
    assert_eq!(lines(&again), recomputed);
    let dropped = again.iter().find(|it| it["code"] == "MIGRATION_DROPPED").unwrap();
    assert_eq!(
        dropped["message"],
        "Migration to 2.0 (dropped): 18080: no 2.0 field; ports belong in deployment manifests"
    );
    client.shutdown();
}
