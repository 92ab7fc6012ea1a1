//! Lenses, diff diagnostics, the bump quick fix and the diff document of the language server (issue #5), in process,
//! against a real registry on 127.0.0.1 and a real git repository; each server in its own scratch HOME and cache.

use std::fs;
use std::path::Path;
use std::process::Command;

use expect_test::{Expect, expect};
use pacto_testkit::registry::home::Home;
use pacto_testkit::registry::{Mode, Registry, pull, push};
use serde_json::{Value, json};

use crate::testing::{Client, range_text, render_diagnostics_with, uri_of};

/// A client that is asked to refresh lenses, so a test can wait for the registry's answer.
fn capabilities() -> Value {
    json!({"workspace": {"codeLens": {"refreshSupport": true}}})
}

/// The server in `home` (its own HOME and cache), with `options` as initializationOptions.
fn start(home: &Path, options: Value) -> Client {
    Client::start_at_home(home, "cache", None, capabilities(), options, &[("PACTO_OFFLINE", "")])
}

/// Pushes the example (`payments-api` 2.1.0) as the published version and returns its repository.
fn publish_example(registry: &Registry, home: &Home) -> String {
    let repository = format!("oci://{}/acme/payments-api", registry.addr);
    push(&home.path().join("payments-api"), &repository, &[], Some(&home.path().join("cache/pacto")));
    repository
}

fn repository_setting(repository: &str) -> Value {
    json!({"publish": {"repository": {"**/pacto.yaml": repository}}})
}

/// The lenses once the baselines have arrived: each arrival asks the client for a lens refresh (other
/// registry work may ask too, so the lenses are read again until they stop resolving).
fn settled_lenses(client: &mut Client, uri: &str) -> String {
    loop {
        client.wait_for(|it| it["method"] == "workspace/codeLens/refresh");
        let lenses = lenses(client, uri);
        if !lenses.contains("resolving…") {
            return lenses;
        }
    }
}

/// A scratch home whose contract has no `oci://` dependencies: the tests reach no registry but their own.
fn home() -> Home {
    let home = Home::new();
    let path = home.path().join("payments-api/pacto.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let (start, end) = (text.find("# Other contracts").unwrap(), text.find("# Payments own").unwrap());
    fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    home
}

fn lenses(client: &mut Client, uri: &str) -> String {
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let mut out = String::new();
    for it in lenses.as_array().into_iter().flatten() {
        let command = &it["command"];
        out.push_str(&format!(
            "{} {} -> {} {}\n",
            range_text(&it["range"]),
            command["title"].as_str().unwrap_or("?"),
            command["command"].as_str().unwrap_or("?"),
            command["arguments"][1]
        ));
    }
    out
}

/// The diagnostics the server publishes for `uri` at `version` once they hold a `pacto-diff` one or, with
/// `diff_expected` false, the first ones (the baseline is known before the edit).
fn diff_diagnostics(client: &mut Client, uri: &str, version: i64, diff_expected: bool) -> Vec<Value> {
    let message = client.wait_for(|it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == uri
            && it["params"]["version"] == json!(version)
            && (!diff_expected
                || it["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|all| all.iter().any(|d| d["source"] == "pacto-diff")))
    });
    message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// One line per diagnostic, the related location's path made relative to `home` and the digest hidden.
fn render_diagnostics(diagnostics: &[Value], home: &Path) -> String {
    render_diagnostics_with(diagnostics, |related| {
        let uri = related["location"]["uri"].as_str().unwrap_or("?");
        let uri = hide_digest(&uri.replace(&uri_of(home), "$HOME"));
        let message = related["message"].as_str().unwrap_or("?");
        format!("{uri} {}: {message}", range_text(&related["location"]["range"]))
    })
}

/// `…/bundles/<64 hex>/…` → `…/bundles/<digest>/…`.
fn hide_digest(text: &str) -> String {
    match text.find("/bundles/") {
        Some(at) if text.len() >= at + 9 + 64 => format!("{}<digest>{}", &text[..at + 9], &text[at + 9 + 64..]),
        _ => text.to_owned(),
    }
}

/// The example with a breaking port change, a visibility change and a larger scaling maximum.
fn edited_example(home: &Home) -> String {
    fs::read_to_string(home.path().join("payments-api/pacto.yaml"))
        .unwrap()
        .replace("port: 8080", "port: 8081")
        .replace("visibility: public", "visibility: internal")
        .replace("max: 10", "max: 12")
}

#[test]
fn lens_vs_published_counts_changes_and_diagnostics_point_at_them() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let mut client = start(home.path(), repository_setting(&repository));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    let published_text = fs::read_to_string(&path).unwrap();
    client.open(&uri, &edited_example(&home));
    expect![[r#"
        5:1-5:8 vs 2.1.0: 1 breaking · 1 potential · 1 safe -> pacto.showDiff "published"
    "#]]
    .assert_eq(&settled_lenses(&mut client, &uri));
    let diagnostics = diff_diagnostics(&mut client, &uri, 1, true);
    expect![[r#"
        17:11-17:15 3 pacto-diff interfaces.port: breaking vs 2.1.0: interfaces.port modified [8080 -> 8081]
          related $HOME/cache/pacto/bundles/<digest>/pacto.yaml 17:11-17:15: in 2.1.0: 8080
        18:17-18:25 4 pacto-diff interfaces.visibility: potentially breaking vs 2.1.0: interfaces.visibility modified [rest-api: public -> rest-api: internal]
          related $HOME/cache/pacto/bundles/<digest>/pacto.yaml 18:17-18:23: in 2.1.0: rest-api: public
        7:12-7:17 2 pacto-diff MISSING_BREAKING_BUMP: breaking changes need a major version bump from 2.1.0, service.version is 2.1.0; bump to 3.0.0
    "#]]
    .assert_eq(&render_diagnostics(&diagnostics, home.path()));
    // The published side lies read-only in the cache, where relatedInformation points.
    let related = diagnostics.iter().find_map(|it| it["relatedInformation"][0]["location"]["uri"].as_str()).unwrap();
    let published = Path::new(related.strip_prefix("file://").unwrap());
    assert_eq!(fs::read_to_string(published).unwrap(), published_text);
    assert!(fs::metadata(published).unwrap().permissions().readonly());

    // The bump quick fix on service.version, applied.
    let version_range = json!({"start": {"line": 6, "character": 11}, "end": {"line": 6, "character": 16}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": version_range, "context": {"diagnostics": []}}),
    );
    let bump = actions.as_array().unwrap().iter().find(|it| it["title"] == "Bump to 3.0.0").expect("a bump action");
    assert_eq!(bump["kind"], "quickfix");
    assert_eq!(bump["diagnostics"][0]["code"], "MISSING_BREAKING_BUMP");
    let edits = bump["edit"]["changes"][uri.as_str()].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!((range_text(&edits[0]["range"]), edits[0]["newText"].as_str()), ("7:12-7:17".to_owned(), Some("3.0.0")));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": edits[0]["range"], "text": "3.0.0"}]}),
    );
    let codes: Vec<String> = diff_diagnostics(&mut client, &uri, 2, true)
        .iter()
        .map(|it| format!("{} {}", it["code"].as_str().unwrap(), it["severity"]))
        .collect();
    assert_eq!(codes, ["interfaces.port 3", "interfaces.visibility 4"], "the bump warning is gone");
    expect![[r#"
        5:1-5:8 vs 2.1.0: 1 breaking · 1 potential · 2 safe -> pacto.showDiff "published"
    "#]]
    .assert_eq(&lenses(&mut client, &uri));

    // A version at or below the published one, with only a safe change: a warning to bump the minor.
    let downgraded = published_text.replace("version: 2.1.0", "version: 2.0.0").replace("max: 10", "max: 12");
    client.change(&uri, 3, &downgraded);
    expect![[r#"
        7:12-7:17 2 pacto-diff VERSION_NOT_INCREASED: service.version 2.0.0 is not greater than the previous version 2.1.0; bump to 2.2.0
    "#]]
    .assert_eq(&render_diagnostics(&diff_diagnostics(&mut client, &uri, 3, true), home.path()));
    client.shutdown();
}

#[test]
fn lens_follows_an_edit_that_introduces_then_removes_a_breaking_change() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let mut client = start(home.path(), repository_setting(&repository));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    let original = fs::read_to_string(&path).unwrap();
    client.open(&uri, &original);
    let lens_text = |client: &mut Client| lenses(client, &uri);
    assert_eq!(settled_lenses(&mut client, &uri), "5:1-5:8 vs 2.1.0: no changes -> pacto.showDiff \"published\"\n");

    // Remove the grpc interface: BREAKING, with a diagnostic on the `interfaces` key.
    let without_grpc = original
        .replace("  - name: grpc-api\n    type: grpc\n    port: 9090\n    contract: interfaces/payments.proto\n", "");
    client.change(&uri, 2, &without_grpc);
    assert_eq!(
        lens_text(&mut client),
        "5:1-5:8 vs 2.1.0: 1 breaking · 0 potential · 0 safe -> pacto.showDiff \"published\"\n"
    );
    expect![[r#"
        14:1-14:11 3 pacto-diff interfaces: breaking vs 2.1.0: interfaces removed [- grpc-api]
          related $HOME/cache/pacto/bundles/<digest>/pacto.yaml 20:5-23:40: in 2.1.0: grpc-api
        7:12-7:17 2 pacto-diff MISSING_BREAKING_BUMP: breaking changes need a major version bump from 2.1.0, service.version is 2.1.0; bump to 3.0.0
    "#]]
    .assert_eq(&render_diagnostics(&diff_diagnostics(&mut client, &uri, 2, true), home.path()));

    // Momentarily broken YAML while typing: the lens keeps its last counts, and no diff diagnostics
    // claim that what the parser could not read was removed.
    client.change(&uri, 3, &format!("{without_grpc}broken: [\n"));
    assert_eq!(
        lens_text(&mut client),
        "5:1-5:8 vs 2.1.0: 1 breaking · 0 potential · 0 safe -> pacto.showDiff \"published\"\n"
    );
    assert_eq!(
        render_diagnostics(&diff_diagnostics(&mut client, &uri, 3, false), home.path()),
        "56:1-56:1 1 pacto PARSE_ERROR: while parsing a node, did not find expected node content\n"
    );

    // Put it back: no changes, no diff diagnostics.
    client.change(&uri, 4, &original);
    assert_eq!(lens_text(&mut client), "5:1-5:8 vs 2.1.0: no changes -> pacto.showDiff \"published\"\n");
    assert_eq!(render_diagnostics(&diff_diagnostics(&mut client, &uri, 4, false), home.path()), "");
    client.shutdown();
}

#[test]
fn diagnostics_for_a_change_in_an_openapi_file_sit_on_the_field_that_names_it() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    // The working copy's spec loses `GET /health`: BREAKING, in another file than the contract.
    let spec = home.path().join("payments-api/interfaces/openapi.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let health = "  /health:\n    get:\n      summary: Health check\n      operationId: getHealth\n      responses:\n        \"200\":\n          description: The service is ready to take traffic.\n";
    assert!(text.contains(health));
    fs::write(&spec, text.replace(health, "")).unwrap();
    let mut client = start(home.path(), repository_setting(&repository));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    client.open(&uri, &fs::read_to_string(&path).unwrap());
    assert_eq!(
        settled_lenses(&mut client, &uri),
        "5:1-5:8 vs 2.1.0: 1 breaking · 0 potential · 0 safe -> pacto.showDiff \"published\"\n"
    );
    expect![[r#"
        19:15-19:38 3 pacto-diff openapi.paths: breaking vs 2.1.0: API path /health removed [- /health]
          related $HOME/cache/pacto/bundles/<digest>/interfaces/openapi.yaml 7:3-7:10: in 2.1.0: /health
        7:12-7:17 2 pacto-diff MISSING_BREAKING_BUMP: breaking changes need a major version bump from 2.1.0, service.version is 2.1.0; bump to 3.0.0
    "#]]
    .assert_eq(&render_diagnostics(&diff_diagnostics(&mut client, &uri, 1, true), home.path()));
    client.shutdown();
}

#[test]
fn lens_with_the_registry_down_says_why_in_its_title() {
    let home = home();
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    let mut client = start(home.path(), repository_setting("oci://127.0.0.1:9/acme/payments-api"));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    client.open(&uri, &fs::read_to_string(&path).unwrap());
    let lens = settled_lenses(&mut client, &uri);
    assert_eq!(
        lens,
        "5:1-5:8 published version unavailable: registry unreachable for 127.0.0.1:9/acme/payments-api: \
         Connection refused (os error 111) -> pacto.showDiff \"published\"\n"
    );
    // Never a popup: no showMessage was sent.
    assert_eq!(client.take_pending(|it| it["method"] == "window/showMessage"), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn lens_offline_compares_with_the_version_seen_last() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    let edited = edited_example(&home);
    let mut online = start(home.path(), repository_setting(&repository));
    online.open(&uri, &edited);
    let seen = settled_lenses(&mut online, &uri);
    assert_eq!(seen, "5:1-5:8 vs 2.1.0: 1 breaking · 1 potential · 1 safe -> pacto.showDiff \"published\"\n");
    online.shutdown();
    // A new session, offline: the tag list and the bundle come from the cache, never the network.
    drop(registry);
    let mut settings = repository_setting(&repository);
    settings["offline"] = json!(true);
    let mut offline = start(home.path(), settings);
    offline.open(&uri, &edited);
    assert_eq!(settled_lenses(&mut offline, &uri), seen);
    offline.shutdown();
}

#[test]
fn lens_without_a_publish_repository_explains_how_to_set_one() {
    let home = home();
    let mut client = start(home.path(), json!({}));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    client.open(&uri, &fs::read_to_string(&path).unwrap());
    client.diagnostics(&uri, 1);
    assert_eq!(lenses(&mut client, &uri), "5:1-5:8 Set publish repository… -> pacto.showDiff \"published\"\n");
    let result = client
        .request("workspace/executeCommand", json!({"command": "pacto.showDiff", "arguments": [uri, "published"]}));
    assert_eq!(result, Value::Null);
    let message = client.wait_for(|it| it["method"] == "window/showMessage");
    assert_eq!(message["params"]["type"], 3);
    expect![[r#"pacto: no publish repository is known for this contract. Add a comment `# pacto:publish oci://<registry>/<repository>` to the contract, or map a glob to the repository in the setting `pacto.publish.repository` (for example { "**/pacto.yaml": "oci://ghcr.io/acme/payments-api" })."#]]
    .assert_eq(message["params"]["message"].as_str().unwrap());
    client.shutdown();
}

#[test]
fn lens_repository_from_a_publish_comment() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let mut client = start(home.path(), json!({}));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    let text = format!("# pacto:publish {repository}\n{}", edited_example(&home));
    client.open(&uri, &text);
    // One line lower: the comment is line 1.
    assert_eq!(
        settled_lenses(&mut client, &uri),
        "6:1-6:8 vs 2.1.0: 1 breaking · 1 potential · 1 safe -> pacto.showDiff \"published\"\n"
    );
    client.shutdown();
}

#[test]
fn lens_repository_from_where_the_bundle_was_pulled() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    pull(&format!("{repository}:2.1.0"), &home.path().join("pulled"), &home.path().join("cache/pacto"));
    let mut client = start(home.path(), json!({}));
    let path = home.path().join("pulled/pacto.yaml");
    let uri = uri_of(&path);
    let pulled = fs::read_to_string(&path).unwrap();
    client.open(&uri, &pulled.replace("port: 8080", "port: 8081"));
    assert_eq!(
        settled_lenses(&mut client, &uri),
        "5:1-5:8 vs 2.1.0: 1 breaking · 0 potential · 0 safe -> pacto.showDiff \"published\"\n"
    );
    // A copy elsewhere was not pulled: nothing is known of it.
    let copy = home.path().join("copy");
    fs::create_dir(&copy).unwrap();
    fs::write(copy.join("pacto.yaml"), &pulled).unwrap();
    let copy_uri = uri_of(&copy.join("pacto.yaml"));
    client.open(&copy_uri, &pulled);
    assert_eq!(lenses(&mut client, &copy_uri), "5:1-5:8 Set publish repository… -> pacto.showDiff \"published\"\n");
    client.shutdown();
}

fn diff_document(client: &mut Client, uri: &str, against: &str) -> Value {
    client.request("pacto/diffDocument", json!({"uri": uri, "against": against}))
}

#[test]
fn diff_document_and_show_diff_open_the_markdown() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let mut options = repository_setting(&repository);
    options["virtualDocuments"] = json!(true);
    let mut client = start(home.path(), options);
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    client.open(&uri, &edited_example(&home));
    settled_lenses(&mut client, &uri);
    let document = diff_document(&mut client, &uri, "published");
    assert_eq!(document["title"], "pacto.yaml vs 2.1.0");
    check_markdown(
        &document["markdown"],
        expect![[r#"
            ## Contract Diff

            **Classification:** `BREAKING`

            **Version check:** breaking changes need a major version bump from 2.1.0, service.version is 2.1.0; bump to 3.0.0

            ### Changes (3)

            | Classification | Path | Type | Reason | Old | New |
            |---|---|---|---|---|---|
            | BREAKING | `interfaces.port` | modified | interfaces.port modified | `8080` | `8081` |
            | POTENTIAL_BREAKING | `interfaces.visibility` | modified | interfaces.visibility modified | `rest-api: public` | `rest-api: internal` |
            | NON_BREAKING | `scaling.max` | modified | scaling.max modified | `10` | `12` |

        "#]],
    );
    // The virtual document is opened by the client, through its `pacto-diff:` URI.
    let result = client
        .request("workspace/executeCommand", json!({"command": "pacto.showDiff", "arguments": [uri, "published"]}));
    assert_eq!(result, Value::Null);
    let shown = client.wait_for(|it| it["method"] == "window/showDocument");
    assert_eq!(shown["params"]["uri"], format!("pacto-diff:{}.diff.md?against=published", path.display()));
    assert_eq!(shown["params"]["takeFocus"], true);
    // Bad arguments are an error reply, not a crash.
    let bad =
        client.request_raw("workspace/executeCommand", json!({"command": "pacto.showDiff", "arguments": [uri, "tip"]}));
    assert_eq!(bad["error"]["code"], -32602);
    client.shutdown();
}

#[test]
fn show_diff_without_virtual_documents_writes_a_markdown_file() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let mut client = start(home.path(), repository_setting(&repository));
    let path = home.path().join("payments-api/pacto.yaml");
    let uri = uri_of(&path);
    client.open(&uri, &edited_example(&home));
    settled_lenses(&mut client, &uri);
    client.request("workspace/executeCommand", json!({"command": "pacto.showDiff", "arguments": [uri, "published"]}));
    let shown = client.wait_for(|it| it["method"] == "window/showDocument");
    let file = shown["params"]["uri"].as_str().unwrap().strip_prefix("file://").unwrap().replace("%20", " ");
    assert!(file.starts_with(&home.path().join("cache/pacto/diffs").display().to_string()), "{file}");
    assert!(file.ends_with("/pacto.yaml vs 2.1.0.md"), "{file}");
    let markdown = fs::read_to_string(&file).unwrap();
    assert_eq!(markdown, diff_document(&mut client, &uri, "published")["markdown"].as_str().unwrap());
    client.shutdown();
}

fn check_markdown(markdown: &Value, expect: Expect) {
    expect.assert_eq(markdown.as_str().unwrap());
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=pacto", "-c", "user.email=pacto@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn lens_vs_git_head_when_the_buffer_differs_from_the_commit() {
    let home = home();
    let repo = home.path().join("payments-api");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "baseline"]);
    fs::write(repo.join("untracked.yaml"), "pactoVersion: \"1.0\"\nservice: {name: u, version: 1.0.0}\n").unwrap();
    let mut client = start(home.path(), json!({}));
    let uri = uri_of(&repo.join("pacto.yaml"));
    let original = fs::read_to_string(repo.join("pacto.yaml")).unwrap();
    let untracked = uri_of(&repo.join("untracked.yaml"));
    client.open(&untracked, &fs::read_to_string(repo.join("untracked.yaml")).unwrap());
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("pacto.yaml"), &original).unwrap();
    let outside_uri = uri_of(&outside.path().join("pacto.yaml"));
    client.open(&outside_uri, &original.replace("port: 8080", "port: 1"));
    client.open(&uri, &edited_example(&home));
    // Asked right after opening: the request waits for HEAD to be read rather than saying there is none.
    let document = diff_document(&mut client, &uri, "head");
    assert_eq!(document["title"], "pacto.yaml vs git HEAD");
    assert!(
        document["markdown"].as_str().unwrap().contains("| BREAKING | `interfaces.port` | modified |"),
        "{document}"
    );
    expect![[r#"
        5:1-5:8 Set publish repository… -> pacto.showDiff "published"
        5:1-5:8 vs git HEAD: 1 breaking · 1 potential · 1 safe -> pacto.showDiff "head"
    "#]]
    .assert_eq(&settled_lenses(&mut client, &uri));
    // Their HEAD reads are settled by the diff requests, so the lenses below are final.
    for no_head in [&untracked, &outside_uri] {
        let document = diff_document(&mut client, no_head, "head");
        assert!(document["markdown"].as_str().unwrap().starts_with("pacto: no committed version of "), "{document}");
    }
    assert_eq!(lenses(&mut client, &untracked), "2:1-2:8 Set publish repository… -> pacto.showDiff \"published\"\n");
    assert_eq!(lenses(&mut client, &outside_uri), "5:1-5:8 Set publish repository… -> pacto.showDiff \"published\"\n");
    // The buffer back as committed: no HEAD lens.
    client.change(&uri, 2, &original);
    assert_eq!(lenses(&mut client, &uri), "5:1-5:8 Set publish repository… -> pacto.showDiff \"published\"\n");
    client.shutdown();
}

/// The 2.0 example in `<home>/payments-v2/`, without its registry dependencies and its platform
/// configuration (they would reach ghcr.io): the tests reach no registry but their own.
fn add_v2_bundle(home: &Home) -> std::path::PathBuf {
    let source = pacto_testkit::example().with_file_name("payments-api-v2");
    let dest = home.path().join("payments-v2");
    for rel in [
        "pacto.yaml",
        "configuration/schema.json",
        "docs/README.md",
        "interfaces/events.yaml",
        "interfaces/openapi.yaml",
        "interfaces/payments.proto",
        "policy/schema.json",
    ] {
        fs::create_dir_all(dest.join(rel).parent().unwrap()).unwrap();
        fs::copy(source.join(rel), dest.join(rel)).unwrap();
    }
    let text = fs::read_to_string(dest.join("pacto.yaml")).unwrap();
    let platform = "  - name: platform\n    ref: oci://ghcr.io/acme/platform-config-pacto:1.4.0\n    required: false\n";
    let (start, end) = (text.find("# Other contracts").unwrap(), text.find("# A long-running").unwrap());
    assert!(text.contains(platform));
    fs::write(dest.join("pacto.yaml"), format!("{}{}", &text[..start], &text[end..]).replace(platform, "")).unwrap();
    dest
}

/// The 2.0 example with an interface removed (BREAKING), a visibility changed (POTENTIAL_BREAKING)
/// and a configuration value changed (NON_BREAKING, 2.0 values are defaults).
fn edited_v2(dir: &Path) -> String {
    let events = "  - name: order-events\n    type: asyncapi\n    ref: interfaces/events.yaml\n";
    let text = fs::read_to_string(dir.join("pacto.yaml")).unwrap();
    assert!(text.contains(events));
    text.replace(events, "")
        .replace("visibility: public", "visibility: internal")
        .replace("log_level: info", "log_level: debug")
}

#[test]
fn lens_on_2_0_vs_published_2_0_with_diagnostics_and_bump() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let dir = add_v2_bundle(&home);
    let repository = format!("oci://{}/acme/payments-v2", registry.addr);
    push(&dir, &repository, &[], Some(&home.path().join("cache/pacto")));
    // The working copy's spec also loses `GET /health`: BREAKING, shown on the `ref` naming the file.
    let spec = dir.join("interfaces/openapi.yaml");
    let health = "  /health:\n    get:\n      summary: Health check\n      operationId: getHealth\n      responses:\n        \"200\":\n          description: The service is ready to take traffic.\n";
    fs::write(&spec, fs::read_to_string(&spec).unwrap().replace(health, "")).unwrap();
    let mut client = start(home.path(), repository_setting(&repository));
    let uri = uri_of(&dir.join("pacto.yaml"));
    client.open(&uri, &edited_v2(&dir));
    expect![[r#"
        5:1-5:8 vs 2.1.0: 2 breaking · 1 potential · 1 safe -> pacto.showDiff "published"
    "#]]
    .assert_eq(&settled_lenses(&mut client, &uri));
    expect![[r#"
        20:1-20:11 3 pacto-diff interfaces: breaking vs 2.1.0: interfaces removed [- order-events]
          related $HOME/cache/pacto/bundles/<digest>/pacto.yaml 29:11-29:23: in 2.1.0: order-events
        24:17-24:25 4 pacto-diff interfaces.visibility: potentially breaking vs 2.1.0: interfaces.visibility modified [rest-api: public -> rest-api: internal]
          related $HOME/cache/pacto/bundles/<digest>/pacto.yaml 24:17-24:23: in 2.1.0: rest-api: public
        23:10-23:33 3 pacto-diff openapi.paths: breaking vs 2.1.0: API path /health removed [- /health]
          related $HOME/cache/pacto/bundles/<digest>/interfaces/openapi.yaml 7:3-7:10: in 2.1.0: /health
        7:12-7:17 2 pacto-diff MISSING_BREAKING_BUMP: breaking changes need a major version bump from 2.1.0, service.version is 2.1.0; bump to 3.0.0
    "#]]
    .assert_eq(&render_diagnostics(&diff_diagnostics(&mut client, &uri, 1, true), home.path()));
    // The bump quick fix, as on 1.0.
    let version_range = json!({"start": {"line": 6, "character": 11}, "end": {"line": 6, "character": 16}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": version_range, "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = actions.as_array().unwrap().iter().filter_map(|it| it["title"].as_str()).collect();
    assert!(titles.contains(&"Bump to 3.0.0"), "{titles:?}");
    let document = diff_document(&mut client, &uri, "published");
    assert_eq!(document["title"], "pacto.yaml vs 2.1.0");
    check_markdown(
        &document["markdown"],
        expect![[r#"
        ## Contract Diff

        **Classification:** `BREAKING`

        **Version check:** breaking changes need a major version bump from 2.1.0, service.version is 2.1.0; bump to 3.0.0

        ### Changes (4)

        | Classification | Path | Type | Reason | Old | New |
        |---|---|---|---|---|---|
        | NON_BREAKING | `configurations[default].values.log_level` | modified | configurations[default].values.log_level changed | `info` | `debug` |
        | BREAKING | `interfaces` | removed | interfaces removed | `order-events` |  |
        | POTENTIAL_BREAKING | `interfaces.visibility` | modified | interfaces.visibility modified | `rest-api: public` | `rest-api: internal` |
        | BREAKING | `openapi.paths[/health]` | removed | API path /health removed | `/health` |  |

    "#]],
    );
    client.shutdown();
}

#[test]
fn lens_on_2_0_vs_git_head_and_a_1_0_head_compares_through_the_migration() {
    let home = home();
    let dir = add_v2_bundle(&home);
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "baseline"]);
    let mut client = start(home.path(), json!({}));
    let uri = uri_of(&dir.join("pacto.yaml"));
    client.open(&uri, &edited_v2(&dir));
    let document = diff_document(&mut client, &uri, "head");
    assert_eq!(document["title"], "pacto.yaml vs git HEAD");
    expect![[r#"
        5:1-5:8 Set publish repository… -> pacto.showDiff "published"
        5:1-5:8 vs git HEAD: 1 breaking · 1 potential · 1 safe -> pacto.showDiff "head"
    "#]]
    .assert_eq(&settled_lenses(&mut client, &uri));

    // The 1.0 example committed, the 2.0 example in the buffer: the pair is compared as `pacto diff`
    // compares it (the 1.0 side migrated), with what the migration left out in the document.
    let v1 = home.path().join("payments-api");
    git(&v1, &["init", "-q"]);
    git(&v1, &["add", "."]);
    git(&v1, &["commit", "-q", "-m", "baseline"]);
    let v1_uri = uri_of(&v1.join("pacto.yaml"));
    client.open(&v1_uri, &fs::read_to_string(dir.join("pacto.yaml")).unwrap());
    let document = diff_document(&mut client, &v1_uri, "head");
    expect![[r###"
        ## Contract Diff

        **Classification:** `POTENTIAL_BREAKING`

        ### Changes (12)

        | Classification | Path | Type | Reason | Old | New |
        |---|---|---|---|---|---|
        | NON_BREAKING | `capabilities` | added | capabilities added |  | `extension (acme.example/pci-scope)` |
        | NON_BREAKING | `capabilities` | added | capabilities added |  | `metrics` |
        | NON_BREAKING | `configurations[default].values.database_url` | added | configurations[default].values.database_url added |  | `postgres://payments@db:5432/payments` |
        | NON_BREAKING | `configurations[default].values.log_level` | added | configurations[default].values.log_level added |  | `info` |
        | POTENTIAL_BREAKING | `interfaces.visibility` | modified | interfaces.visibility modified | `grpc-api: ` | `grpc-api: internal` |
        | NON_BREAKING | `pactoVersion` | modified | pactoVersion modified | `1.0` | `2.0` |
        | NON_BREAKING | `policies` | added | policies added |  | `platform-standards: policy/schema.json` |
        | NON_BREAKING | `readiness` | added | readiness added |  | `readiness` |
        | NON_BREAKING | `service.owner.contacts[email:payments@acme.example]` | added | service.owner.contacts[email:payments@acme.example] added |  | `email:payments@acme.example (ownership)` |
        | NON_BREAKING | `service.owner.contacts[oncall:https://oncall.acme.example/payments]` | added | service.owner.contacts[oncall:https://oncall.acme.example/payments] added |  | `oncall:https://oncall.acme.example/payments (escalation)` |
        | NON_BREAKING | `service.owner.dri` | added | service.owner.dri added | `` | `jane.doe` |
        | NON_BREAKING | `service.owner.team` | modified | service.owner.team modified | `team/payments` | `payments` |


        Not carried over by the migration of the old contract to 2.0 (informational, 6):
          - service.image: {"ref":"ghcr.io/acme/payments-api:2.1.0","private":true}: no 2.0 field; the image belongs in deployment manifests (pacto generate kubernetes --option image=<ref>)
          - interfaces[0].port: 8080: no 2.0 field; ports belong in deployment manifests
          - interfaces[1].port: 9090: no 2.0 field; ports belong in deployment manifests
          - runtime.lifecycle: {"upgradeStrategy":"ordered","gracefulShutdownSeconds":30}: no 2.0 field; upgrade strategy and shutdown grace belong in deployment manifests
          - runtime.health.initialDelaySeconds: 15: no 2.0 field; probe timing belongs in deployment manifests
          - scaling: {"min":2,"max":10}: no 2.0 field; replicas belong in deployment manifests
    "###]].assert_eq(document["markdown"].as_str().unwrap());
    expect![[r#"
        5:1-5:8 Set publish repository… -> pacto.showDiff "published"
        5:1-5:8 vs git HEAD: 0 breaking · 1 potential · 11 safe -> pacto.showDiff "head"
    "#]]
    .assert_eq(&lenses(&mut client, &v1_uri));
    client.shutdown();
}

/// With breaking changes against the published version, the lens counts the workspace's services that
/// depend on the contract (issue #18): here one, by path.
#[test]
fn lens_vs_published_names_the_dependents_a_breaking_change_affects() {
    let registry = Registry::start(Mode::Plain);
    let home = home();
    let repository = publish_example(&registry, &home);
    let consumer = home.path().join("orders/pacto.yaml");
    fs::create_dir_all(consumer.parent().unwrap()).unwrap();
    fs::write(
        &consumer,
        "pactoVersion: \"1.0\"\nservice: {name: orders, version: 1.0.0}\ndependencies:\n  - {ref: ../payments-api, compatibility: \"^2.0.0\"}\n",
    )
    .unwrap();
    let capabilities =
        json!({"workspace": {"codeLens": {"refreshSupport": true}}, "window": {"workDoneProgress": true}});
    let root = home.path().canonicalize().unwrap();
    let options = repository_setting(&repository);
    let mut client =
        Client::start_at_home(home.path(), "cache", Some(&root), capabilities, options, &[("PACTO_OFFLINE", "")]);
    client.wait_progress_end("pacto/workspaceIndex");
    let uri = uri_of(&root.join("payments-api/pacto.yaml"));
    client.open(&uri, &edited_example(&home));
    expect![[r#"
        5:1-5:8 vs 2.1.0: 1 breaking · 1 potential · 1 safe · 1 dependent affected -> pacto.showDiff "published"
        5:1-5:8 used by 1 service -> pacto.showReferences {"line":5,"character":8}
    "#]]
    .assert_eq(&settled_lenses(&mut client, &uri));
    client.shutdown();
}
