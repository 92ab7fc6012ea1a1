//! The workspace index through the server (issue #18), on a copy of the fixture workspace of
//! `tests/data/graph-reverse/` (local and oci:// edges, a cycle, a duplicate publisher, a contract
//! that does not parse, a 2.0 dependent, a contract found by its first key): references on
//! `service.name`, and edits, saved or not, that change the answers live.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::testing::{Client, copy_dir, range_text, uri_of};

const INDEXED: &str = "pacto/workspaceIndex";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph-reverse")
}

/// The fixture workspace in a scratch directory (canonical, as the index records paths), without
/// the expected outputs.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&data(), dir.path());
    fs::remove_dir_all(dir.path().join("expected")).unwrap();
    dir
}

/// A server on `root`, its first scan finished.
fn indexed(root: &Path) -> Client {
    let capabilities = json!({
        "window": {"workDoneProgress": true},
        "workspace": {"codeLens": {"refreshSupport": true}},
    });
    // The fixtures' oci:// refs name ghcr.io: the registry is never asked.
    let (mut client, _) = Client::start_in_workspace(root, capabilities, json!({"offline": true}));
    client.wait_progress_end(INDEXED);
    client
}

/// References once the index has taken a change the client cannot otherwise wait for (a watched file or a
/// close publish nothing; an edit's diagnostics may come from a refresh before the index has the edit):
/// asked again until they number `n`, for as long as the client waits for any message.
fn references_once(client: &mut Client, uri: &str, position: Value, n: usize) -> Value {
    eventually(
        client,
        |client| references(client, uri, position.clone(), false),
        |it| it.as_array().map_or(0, Vec::len) == n,
    )
}

/// What `ask` answers once `done` holds of it (or the last answer, after as long as the client waits for any message):
/// for answers that follow a change the client cannot wait for.
fn eventually(client: &mut Client, mut ask: impl FnMut(&mut Client) -> Value, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let result = ask(client);
        if done(&result) || std::time::Instant::now() > deadline {
            return result;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Opens the file at `path` in `client` as it is on disk: its URI and text.
fn open_file(client: &mut Client, path: &Path) -> (String, String) {
    let (uri, text) = (uri_of(path), fs::read_to_string(path).unwrap());
    client.open(&uri, &text);
    (uri, text)
}

fn root_of(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().canonicalize().unwrap()
}

/// The position of the first `needle` in `text`, plus `shift` characters.
fn position(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} in {text}"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |it| it + 1) + shift;
    json!({"line": line, "character": column})
}

/// Each location as `path:range` relative to the workspace.
fn locations(root: &Path, result: &Value) -> Vec<String> {
    let prefix = format!("{}/", uri_of(root));
    (result.as_array().cloned().unwrap_or_default().iter())
        .map(|it| format!("{}:{}", it["uri"].as_str().unwrap().trim_start_matches(&prefix), range_text(&it["range"])))
        .collect()
}

fn references(client: &mut Client, uri: &str, position: Value, include_declaration: bool) -> Value {
    client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position, "context": {"includeDeclaration": include_declaration}}),
    )
}

/// Every entry pointing at payments, by path (checkout, the broken contract, the first-key contract)
/// or by its repository with or without a tag (billing, web's second entry), each at its `ref` line;
/// the same from the `service` key; the declaration first when asked for.
/// The scan reports its end through the server's reader of what providers learn, with the count it indexed.
#[test]
fn lsp_index_progress_ends_with_the_number_of_contracts() {
    let dir = workspace();
    let root = root_of(&dir);
    let capabilities = json!({"window": {"workDoneProgress": true}});
    let (mut client, _) = Client::start_in_workspace(&root, capabilities, json!({"offline": true}));
    let end = client.wait_progress_end(INDEXED);
    assert_eq!(end["params"]["value"], json!({"kind": "end", "message": "8 contracts"}));
}

#[test]
fn lsp_references_on_service_name_list_dependents() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let path = root.join("payments/pacto.yaml");
    let (uri, text) = open_file(&mut client, &path);
    let result = references(&mut client, &uri, position(&text, "payments, version", 2), false);
    let expected = [
        "billing/pacto.yaml:5:1-6:1",
        "broken/pacto.yaml:5:1-6:1",
        "checkout/pacto.yaml:5:1-6:1",
        "extra/orders.contract.yaml:5:1-6:1",
        "web/pacto.yaml:12:1-13:1",
    ];
    assert_eq!(locations(&root, &result), expected, "{result}");
    let result = references(&mut client, &uri, position(&text, "service:", 1), true);
    let mut with_declaration = vec!["payments/pacto.yaml:4:17-4:25"];
    with_declaration.extend(expected);
    assert_eq!(locations(&root, &result), with_declaration, "{result}");
    // The fork claims the same repository: its dependents are the oci:// ones.
    let fork = root.join("payments-fork/pacto.yaml");
    let fork_text = fs::read_to_string(&fork).unwrap();
    client.open(&uri_of(&fork), &fork_text);
    let result = references(&mut client, &uri_of(&fork), position(&fork_text, "payments-fork,", 1), false);
    assert_eq!(locations(&root, &result), ["billing/pacto.yaml:5:1-6:1", "web/pacto.yaml:12:1-13:1"]);
    // Elsewhere, references are the contract's own names, as before.
    let result = references(&mut client, &uri, position(&text, "version: 1.4.0", 10), false);
    assert_eq!(result, Value::Null);
}

/// An unsaved edit of a dependent, of the contract itself (its publish comment), and a file created
/// and deleted on disk change the answer as they happen.
#[test]
fn lsp_references_follow_edits_and_watched_files() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let payments = uri_of(&root.join("payments/pacto.yaml"));
    let text = fs::read_to_string(root.join("payments/pacto.yaml")).unwrap();
    client.open(&payments, &text);
    let at = position(&text, "payments, version", 0);
    // checkout stops depending on payments in its buffer.
    let checkout_path = root.join("checkout/pacto.yaml");
    let checkout = uri_of(&checkout_path);
    client.open(&checkout, &fs::read_to_string(&checkout_path).unwrap());
    client.diagnostics(&checkout, 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": checkout, "version": 2}, "contentChanges": [{"text":
            "pactoVersion: \"1.0\"\nservice: {name: checkout, version: 2.1.0}\n"}]}),
    );
    client.diagnostics(&checkout, 2);
    let result = references_once(&mut client, &payments, at.clone(), 4);
    assert_eq!(
        locations(&root, &result),
        [
            "billing/pacto.yaml:5:1-6:1",
            "broken/pacto.yaml:5:1-6:1",
            "extra/orders.contract.yaml:5:1-6:1",
            "web/pacto.yaml:12:1-13:1"
        ]
    );
    // Closed unsaved, checkout is read from disk again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": checkout}}));
    let result = references_once(&mut client, &payments, at.clone(), 5);
    assert_eq!(locations(&root, &result)[2], "checkout/pacto.yaml:5:1-6:1");
    // Without its publish comment, payments keeps its local dependents only.
    let unpublished = text.replace("# pacto:publish oci://ghcr.io/acme/payments\n", "");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": payments, "version": 2}, "contentChanges": [{"text": unpublished}]}),
    );
    let result = references_once(&mut client, &payments, position(&unpublished, "payments, version", 0), 3);
    assert_eq!(
        locations(&root, &result),
        ["broken/pacto.yaml:5:1-6:1", "checkout/pacto.yaml:5:1-6:1", "extra/orders.contract.yaml:5:1-6:1"]
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": payments, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    // A new contract on disk, announced by the watcher, then deleted.
    let added = root.join("added/pacto.yaml");
    fs::create_dir_all(added.parent().unwrap()).unwrap();
    fs::write(
        &added,
        "pactoVersion: \"1.0\"\nservice: {name: added, version: 1.0.0}\ndependencies:\n  - ref: ../payments\n",
    )
    .unwrap();
    client.diagnostics(&payments, 3);
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri_of(&added), "type": 1}]}));
    let result = references_once(&mut client, &payments, at.clone(), 6);
    assert_eq!(locations(&root, &result)[0], "added/pacto.yaml:4:1-5:1");
    assert_eq!(locations(&root, &result).len(), 6);
    fs::remove_dir_all(added.parent().unwrap()).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(added.parent().unwrap()), "type": 3}]}),
    );
    let result = references_once(&mut client, &payments, at, 5);
    assert_eq!(locations(&root, &result)[0], "billing/pacto.yaml:5:1-6:1");
}

fn used_by_lens(client: &mut Client, uri: &str) -> Value {
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses.as_array().cloned().unwrap_or_default();
    let found = lenses.iter().find(|it| it["command"]["command"] == "pacto.showReferences");
    found.cloned().unwrap_or_else(|| panic!("no used-by lens in {lenses:?}"))
}

/// The lens on `service` counts depending services (web's two entries count once: it points at
/// payments directly only once, and the count is of services) and carries what references answer.
#[test]
fn lsp_lens_used_by_n_services_runs_the_references() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let path = root.join("payments/pacto.yaml");
    let (uri, text) = open_file(&mut client, &path);
    let lens = used_by_lens(&mut client, &uri);
    assert_eq!(range_text(&lens["range"]), "4:1-4:8");
    assert_eq!(lens["command"]["title"], "used by 5 services");
    let arguments = &lens["command"]["arguments"];
    assert_eq!(arguments[0], uri.as_str());
    assert_eq!(arguments[1], json!({"line": 3, "character": 16}));
    let from_references = references(&mut client, &uri, position(&text, "payments, version", 0), false);
    assert_eq!(arguments[2], from_references);
    // billing depends on ledger, which depends on billing: one service each way.
    let ledger = root.join("ledger/pacto.yaml");
    open_file(&mut client, &ledger);
    assert_eq!(used_by_lens(&mut client, &uri_of(&ledger))["command"]["title"], "used by 1 service");
    let web = root.join("web/pacto.yaml");
    open_file(&mut client, &web);
    let lens = used_by_lens(&mut client, &uri_of(&web));
    assert_eq!(
        (lens["command"]["title"].as_str(), range_text(&lens["range"])),
        (Some("used by 0 services"), "3:1-3:8".into())
    );
}

/// Workspace symbols come from the index, unopened files and the contract that does not parse included.
#[test]
fn lsp_workspace_symbols_from_the_index() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let result = client.request("workspace/symbol", json!({"query": "pay"}));
    let prefix = format!("{}/", uri_of(&root));
    let found: Vec<String> = (result.as_array().unwrap().iter())
        .map(|it| {
            let uri = it["location"]["uri"].as_str().unwrap().trim_start_matches(&prefix);
            format!("{} {} {uri}:{}", it["kind"], it["name"].as_str().unwrap(), range_text(&it["location"]["range"]))
        })
        .collect();
    assert_eq!(found, ["2 payments payments/pacto.yaml:4:1-5:1", "2 payments-fork payments-fork/pacto.yaml:4:1-5:1"]);
    let all = client.request("workspace/symbol", json!({"query": ""}));
    let names: Vec<&str> = all.as_array().unwrap().iter().map(|it| it["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["billing", "broken", "checkout", "orders", "ledger", "payments", "payments-fork", "web"]);
}

/// `service.name` is not renamed: the editor is told why (RequestFailed), before and instead of a rename.
#[test]
fn lsp_prepare_rename_on_service_name_says_why_not() {
    let (mut client, _) = Client::start(json!({}));
    let uri = "file:///w/payments/pacto.yaml";
    let text = "pactoVersion: \"1.0\"\nservice: {name: payments, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 8080}\n";
    client.open(uri, text);
    let response = client.request_raw(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": position(text, "payments", 2)}),
    );
    let expected = json!({
        "code": -32803,
        "message": "renaming a service is not offered across files: other contracts point at it by its oci:// \
                    repository or its path, not by service.name (find them with references on the name)",
    });
    assert_eq!(response["error"], expected, "{response}");
    let response = client.request_raw(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": position(text, "payments", 2), "newName": "billing"}),
    );
    assert_eq!(response["error"], expected, "{response}");
    // Interface names are renamed as before.
    let result = client.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": position(text, "api", 1)}),
    );
    assert_eq!(range_text(&result), "4:12-4:15");
}

/// The impact findings of a publish: `(line:col code message | related…)`.
fn impact(diagnostics: &[Value], root: &Path) -> Vec<String> {
    let kept: Vec<Value> = diagnostics.iter().filter(|it| it["code"] != "DUPLICATE_PUBLISHER").cloned().collect();
    workspace_findings(&kept, root)
}

/// Every finding from the workspace index in a publish: `(line:col code message | related…)`.
fn workspace_findings(diagnostics: &[Value], root: &Path) -> Vec<String> {
    let prefix = format!("{}/", uri_of(root));
    (diagnostics.iter())
        .filter(|it| it["source"] == "pacto-workspace")
        .map(|it| {
            let related: Vec<String> = (it["relatedInformation"].as_array().cloned().unwrap_or_default().iter())
                .map(|it| {
                    let uri = it["location"]["uri"].as_str().unwrap().trim_start_matches(&prefix).to_owned();
                    format!(
                        "{uri}:{} {}",
                        it["location"]["range"]["start"]["line"].as_u64().unwrap() + 1,
                        it["message"].as_str().unwrap()
                    )
                })
                .collect();
            format!(
                "{} {} {} {}: {} | {}",
                range_text(&it["range"]),
                it["severity"],
                it["code"].as_str().unwrap(),
                it["source"].as_str().unwrap(),
                it["message"].as_str().unwrap(),
                related.join(" | ")
            )
        })
        .collect()
}

/// A version that leaves dependents behind: a hint on `service.version` naming them (related: their
/// `compatibility` lines), and a warning in each dependent on the unmet `compatibility` (related: the
/// version it points at); an unsaved version bump changes both sides.
#[test]
fn lsp_impact_of_a_version_on_its_dependents() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let (payments, text) = open_file(&mut client, &root.join("payments/pacto.yaml"));
    assert_eq!(
        impact(&client.diagnostics(&payments, 1), &root),
        [
            "4:36-4:41 4 DEPENDENT_NOT_SATISFIED pacto-workspace: payments 1.4.0 does not satisfy billing requires ^2.0.0 \
          | billing/pacto.yaml:5 billing requires payments ^2.0.0"
        ]
    );
    // billing's oci:// ref is claimed by payments and by the fork: neither satisfies it.
    let billing_path = root.join("billing/pacto.yaml");
    let billing = uri_of(&billing_path);
    client.open(&billing, &fs::read_to_string(&billing_path).unwrap());
    assert_eq!(
        impact(&client.diagnostics(&billing, 1), &root),
        ["5:63-5:71 2 DEPENDENCY_WORKSPACE_VERSION_NOT_SATISFIED pacto-workspace: no contract of the workspace it \
          points at satisfies ^2.0.0: payments is 1.4.0, payments-fork is 0.9.0 | payments/pacto.yaml:4 payments \
          1.4.0 | payments-fork/pacto.yaml:4 payments-fork 0.9.0"]
    );
    // Bumped to 2.0.0 (unsaved): billing is met, the others are left behind.
    client.take_pending(|it| it["method"] == "textDocument/publishDiagnostics");
    let bumped = text.replace("version: 1.4.0", "version: 2.0.0");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": payments, "version": 2}, "contentChanges": [{"text": bumped}]}),
    );
    assert_eq!(
        impact(&client.diagnostics(&payments, 2), &root),
        ["4:36-4:41 4 DEPENDENT_NOT_SATISFIED pacto-workspace: payments 2.0.0 does not satisfy checkout requires \
          ^1.0.0, orders requires 1.x, web requires ~1.4.0 | checkout/pacto.yaml:5 checkout requires payments ^1.0.0 \
          | extra/orders.contract.yaml:5 orders requires payments 1.x | web/pacto.yaml:13 web requires payments ~1.4.0"]
    );
    let republished = client.wait_for(|it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == billing.as_str()
            && impact(it["params"]["diagnostics"].as_array().unwrap(), &root).is_empty()
    });
    assert_eq!(republished["params"]["version"], 1);
}

/// A contract outside the workspace folder counts while it is open, and no longer once closed.
#[test]
fn lsp_references_from_a_document_outside_the_folder_last_while_it_is_open() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let (payments, text) = open_file(&mut client, &root.join("payments/pacto.yaml"));
    let at = position(&text, "payments, version", 0);
    let outside = tempfile::tempdir().unwrap();
    let loose = uri_of(&outside.path().canonicalize().unwrap().join("pacto.yaml"));
    client.open(
        &loose,
        "pactoVersion: \"1.0\"\nservice: {name: loose, version: 1.0.0}\ndependencies:\n  - ref: oci://ghcr.io/acme/payments\n",
    );
    client.diagnostics(&loose, 1);
    // The index takes the opened document in after its diagnostics may have been published.
    let result = references_once(&mut client, &payments, at.clone(), 6);
    assert_eq!(result.as_array().unwrap().len(), 6);
    assert!(result.as_array().unwrap().iter().any(|it| it["uri"] == loose.as_str()), "{result}");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": loose}}));
    let result = references_once(&mut client, &payments, at, 5);
    assert!(result.as_array().unwrap().iter().all(|it| it["uri"] != loose.as_str()), "{result}");
    assert_eq!(result.as_array().unwrap().len(), 5);
}

/// On an `oci://` ref, definition offers the workspace contracts published there (the source) first.
#[test]
fn lsp_definition_of_an_oci_ref_offers_the_workspace_source() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let web_path = root.join("web/pacto.yaml");
    let web = uri_of(&web_path);
    let text = fs::read_to_string(&web_path).unwrap();
    client.open(&web, &text);
    let definition = |client: &mut Client, at: Value| {
        let result = client.request("textDocument/definition", json!({"textDocument": {"uri": web}, "position": at}));
        locations(&root, &result)
    };
    assert_eq!(
        definition(&mut client, position(&text, "oci://ghcr.io/acme/checkout", 3)),
        ["checkout/pacto.yaml:1:1-1:1"]
    );
    assert_eq!(
        definition(&mut client, position(&text, "oci://ghcr.io/acme/payments", 3)),
        ["payments/pacto.yaml:1:1-1:1", "payments-fork/pacto.yaml:1:1-1:1"]
    );
}

/// Two contracts claiming one repository: each claim is warned about, pointing at the other, and the
/// warning goes when one stops claiming it (unsaved).
#[test]
fn lsp_duplicate_publishers_warn_on_their_claims() {
    let dir = workspace();
    let root = root_of(&dir);
    let mut client = indexed(&root);
    let payments = uri_of(&root.join("payments/pacto.yaml"));
    client.open(&payments, &fs::read_to_string(root.join("payments/pacto.yaml")).unwrap());
    let duplicates = |diagnostics: &[Value]| -> Vec<String> {
        let kept: Vec<Value> = diagnostics.iter().filter(|it| it["code"] == "DUPLICATE_PUBLISHER").cloned().collect();
        workspace_findings(&kept, &root)
    };
    assert_eq!(
        duplicates(&client.diagnostics(&payments, 1)),
        ["2:1-2:44 2 DUPLICATE_PUBLISHER pacto-workspace: oci://ghcr.io/acme/payments is claimed by 2 contracts of \
          the workspace: dependencies on it point at all of them | payments-fork/pacto.yaml:4 also published to \
          oci://ghcr.io/acme/payments"]
    );
    let fork_path = root.join("payments-fork/pacto.yaml");
    let fork = uri_of(&fork_path);
    let fork_text = fs::read_to_string(&fork_path).unwrap();
    client.open(&fork, &fork_text);
    assert_eq!(
        duplicates(&client.diagnostics(&fork, 1)),
        ["2:1-2:44 2 DUPLICATE_PUBLISHER pacto-workspace: oci://ghcr.io/acme/payments is claimed by 2 contracts of \
          the workspace: dependencies on it point at all of them | payments/pacto.yaml:4 also published to \
          oci://ghcr.io/acme/payments"]
    );
    client.take_pending(|it| it["method"] == "textDocument/publishDiagnostics");
    let unclaimed = fork_text.replace("# pacto:publish oci://ghcr.io/acme/payments\n", "");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": fork, "version": 2}, "contentChanges": [{"text": unclaimed}]}),
    );
    client.wait_for(|it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == payments.as_str()
            && duplicates(it["params"]["diagnostics"].as_array().unwrap()).is_empty()
    });
    assert_eq!(duplicates(&client.diagnostics(&fork, 2)), Vec::<String>::new());
}

/// Where a contract is published can come from `pacto.publish.repository`, as for the lens; a change of
/// the setting indexes the workspace again.
#[test]
fn lsp_references_follow_the_publish_repository_setting() {
    let dir = tempfile::tempdir().unwrap();
    let root = root_of(&dir);
    for (name, text) in [
        ("api", "pactoVersion: \"1.0\"\nservice: {name: api, version: 1.0.0}\n"),
        (
            "web",
            "pactoVersion: \"1.0\"\nservice: {name: web, version: 1.0.0}\ndependencies:\n  - ref: oci://h/acme/api:1.0.0\n",
        ),
    ] {
        fs::create_dir_all(root.join(name)).unwrap();
        fs::write(root.join(name).join("pacto.yaml"), text).unwrap();
    }
    let capabilities = json!({"window": {"workDoneProgress": true}});
    let options = json!({"offline": true, "publish": {"repository": {"api/pacto.yaml": "oci://h/acme/api"}}});
    let (mut client, _) = Client::start_in_workspace(&root, capabilities, options);
    client.wait_progress_end(INDEXED);
    let api = uri_of(&root.join("api/pacto.yaml"));
    let text = fs::read_to_string(root.join("api/pacto.yaml")).unwrap();
    client.open(&api, &text);
    let at = position(&text, "api, version", 0);
    assert_eq!(locations(&root, &references(&mut client, &api, at.clone(), false)), ["web/pacto.yaml:4:1-5:1"]);
    // From the dependent, the unopened api is found where the setting publishes it.
    let web = uri_of(&root.join("web/pacto.yaml"));
    let web_text = fs::read_to_string(root.join("web/pacto.yaml")).unwrap();
    client.open(&web, &web_text);
    let on_ref = json!({"textDocument": {"uri": web}, "position": position(&web_text, "oci://h/acme/api", 3)});
    let definition = client.request("textDocument/definition", on_ref.clone());
    assert_eq!(locations(&root, &definition), ["api/pacto.yaml:1:1-1:1"]);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pacto": {"offline": true, "publish": {"repository": {"api/pacto.yaml": "oci://h/acme/other"}}}}}),
    );
    client.wait_progress_end(INDEXED);
    // The open api is indexed again from its buffer with the new setting, which may end after the scan does.
    assert_eq!(locations(&root, &references_once(&mut client, &api, at, 0)), Vec::<String>::new());
    let definition =
        eventually(&mut client, |client| client.request("textDocument/definition", on_ref.clone()), Value::is_null);
    assert_eq!(definition, Value::Null);
}
