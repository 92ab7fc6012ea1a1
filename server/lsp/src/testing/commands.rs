//! Commands and requests that read beyond the document (the dependency graph, typed params), in process; the graph's
//! `oci://` refs from a real registry on 127.0.0.1 through the cache of the server's own environment.

use std::fs;
use std::path::{Path, PathBuf};

use pacto_oci::Env;
use pacto_testkit::registry::home::Home;
use pacto_testkit::registry::{Mode, Registry, push};
use pacto_testkit::{code_actions_at_start, preview_actions_in};
use serde_json::{Value, json};

use crate::testing::{Client, copy_dir, uri_of};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph").canonicalize().unwrap()
}

fn dependency_graph(client: &mut Client, arguments: Value) -> Value {
    client.request_raw("workspace/executeCommand", json!({"command": "pacto.dependencyGraph", "arguments": arguments}))
}

/// The unsaved buffer is graphed, not the file; `pacto.offline` keeps the server off the network.
#[test]
fn lsp_dependency_graph_of_the_unsaved_buffer_offline() {
    let (mut client, _) = Client::start_configured(json!({}), json!({"offline": true}));
    let uri = uri_of(&data().join("app/pacto.yaml"));
    client.open(
        &uri,
        "pactoVersion: \"1.0\"\nservice: {name: app, version: 1.1.0}\ndependencies:\n  - {ref: ../db2, compatibility: \"^2\"}\n  \
         - {ref: \"oci://127.0.0.1:9/acme/remote:1.0.0\", compatibility: \"^1\"}\n",
    );
    let response = dependency_graph(&mut client, json!([uri]));
    assert_eq!(
        response["result"]["text"],
        "app@1.1.0\n├─ db@2.0.0 [local]\n└─ remote:1.0.0 (error: not fetched: oci://127.0.0.1:9/acme/remote:1.0.0 \
         (offline: pacto.offline is set))\n",
        "{response}"
    );
    assert_eq!(
        response["result"]["mermaid"],
        "graph TD\n  n0[\"app@1.1.0\"]\n  n1[\"db@2.0.0 [local]\"]\n  n2[\"remote:1.0.0 (error: not fetched: \
         oci://127.0.0.1:9/acme/remote:1.0.0 (offline: pacto.offline is set))\"]\n  n0 --> n1\n  n0 -.-> n2\n  classDef \
         root stroke-width:3px\n  class n0 root\n  classDef local stroke-dasharray:6 3\n  class n1 local\n  classDef \
         failed stroke:#c92a2a,color:#c92a2a,stroke-dasharray:3 3\n  class n2 failed\n  linkStyle 1 \
         stroke:#c92a2a,stroke-dasharray:3 3\n"
    );
    assert_eq!(response["result"]["json"]["root"]["dependencies"][0]["node"]["version"], "2.0.0");
}

/// Bad arguments are invalid params; a buffer that does not parse fails the request with the position.
#[test]
fn lsp_dependency_graph_rejects_bad_arguments_and_unparsable_buffers() {
    let mut client = Client::start_default();
    let response = dependency_graph(&mut client, json!([]));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    assert_eq!(response["error"]["message"], "expected [\"<file uri of the contract>\"]");
    let response = dependency_graph(&mut client, json!(["untitled:Untitled-1"]));
    assert_eq!(response["error"]["message"], "the contract must be a file on disk", "{response}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pacto.yaml");
    let uri = uri_of(&file);
    client.open(&uri, "pactoVersion: \"1.0\"\nservice: [not, a, mapping]\n");
    let response = dependency_graph(&mut client, json!([uri]));
    assert_eq!(response["error"]["code"], -32803, "{response}");
    let message = response["error"]["message"].as_str().unwrap().replace(&file.display().to_string(), "<file>");
    assert_eq!(
        message,
        "failed to parse <file>: parse error: failed to parse YAML: yaml: unmarshal errors:\n  line 2: cannot \
         unmarshal !!seq into contract.ServiceIdentity (<file>:2:11)"
    );
}

/// `oci://` dependencies come from the registry (a tag-less one within its `compatibility`) through the
/// cache of the server's environment.
#[test]
fn lsp_dependency_graph_resolves_through_the_registry() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    for (name, version, deps) in [
        ("ledger", "1.0.0", String::new()),
        ("ledger", "2.0.0", String::new()),
        (
            "payments",
            "1.0.0",
            format!(
                "dependencies:\n  - {{ref: \"oci://{}/acme/ledger:2.0.0\", compatibility: \"^2\"}}\n",
                registry.addr
            ),
        ),
    ] {
        let dir = home.path().join(format!("src/{name}-{version}"));
        fs::create_dir_all(&dir).unwrap();
        let text = format!("pactoVersion: \"1.0\"\nservice: {{name: {name}, version: {version}}}\n{deps}");
        fs::write(dir.join("pacto.yaml"), text).unwrap();
        let target = format!("oci://{}/acme/{name}:{version}", registry.addr);
        push(&dir, &target, &[], Some(&home.path().join("cache/pacto")));
    }
    let cache = home.path().join("lsp-cache");
    let env = Env::fixed([("XDG_CACHE_HOME", cache.clone())]);
    let (mut client, _) = Client::start_with_env(env, None, json!({}), Value::Null);
    let file = home.path().join("app/pacto.yaml");
    let uri = uri_of(&file);
    let addr = &registry.addr;
    client.open(
        &uri,
        &format!(
            "pactoVersion: \"1.0\"\nservice: {{name: app, version: 1.0.0}}\ndependencies:\n  - {{ref: \
             \"oci://{addr}/acme/payments\", compatibility: \"^1.0.0\"}}\n  - {{ref: \"oci://{addr}/acme/ledger\", \
             compatibility: \"~1.0\"}}\n"
        ),
    );
    let response = dependency_graph(&mut client, json!([uri]));
    assert_eq!(
        response["result"]["text"].as_str().map(|it| it.replace(addr, "<registry>")).as_deref(),
        Some(
            "app@1.0.0\n├─ payments@1.0.0\n│  └─ ledger@2.0.0\n└─ ledger@1.0.0\n\nConflicts (1):\n  ledger: \
             [ledger@1.0.0 ledger@2.0.0]\n"
        ),
        "{response}"
    );
    assert!(cache.join("pacto").is_dir(), "the pulls went through the server's cache");
}

fn preview_actions(client: &mut Client, uri: &str) -> Vec<Value> {
    preview_actions_in(&client.request("textDocument/codeAction", code_actions_at_start(uri)))
}

#[test]
fn an_invalid_contract_is_not_offered_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&pacto_testkit::example(), dir.path());
    let uri = uri_of(&dir.path().join("pacto.yaml"));
    let mut client = Client::start_default();
    client.open(&uri, "pactoVersion: \"1.0\"\nservice:\n  version: 1.0.0\n");
    assert_eq!(preview_actions(&mut client, &uri), Vec::<Value>::new());
    client.shutdown();
}

/// Params that do not fit the typed ones of `lsp_ext` are invalid params naming what did not fit: the
/// request's field in the message, a command's arguments in the data beside the command's usage.
#[test]
fn lsp_protocol_extensions_reject_params_of_another_shape() {
    let mut client = Client::start_default();
    let response = client.request_raw("pacto/diffDocument", json!({"against": "head"}));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    assert_eq!(response["error"]["message"], "missing field `uri`");
    let response = client.request_raw(
        "workspace/executeCommand",
        json!({"command": "pacto.showDiff", "arguments": ["file:///a/pacto.yaml", "tip"]}),
    );
    assert_eq!(response["error"]["code"], -32602, "{response}");
    assert_eq!(response["error"]["message"], "pacto.showDiff takes [uri, \"published\" | \"head\"]");
    assert_eq!(response["error"]["data"], "unknown variant `tip`, expected `published` or `head`");
}
