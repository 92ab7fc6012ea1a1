//! Commands and requests that read beyond the document (the dependency graph, a local dependency's contract), in process:
//! none of these tests needs the binary, a registry or the environment.

use std::fs;
use std::path::{Path, PathBuf};

use expect_test::expect;
use serde_json::{Value, json};

use crate::testing::{Client, copy_dir, range_text, uri_of};

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

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/lsp-deps").join(name)
}

fn at(text: &str, needle: &str, delta: usize) -> Value {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text")) + delta;
    crate::testing::position_of(text, offset)
}

fn hover(client: &mut Client, uri: &str, position: Value) -> String {
    let result = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position}));
    if result.is_null() {
        return "null".to_owned();
    }
    format!("{}\n{}", range_text(&result["range"]), result["contents"]["value"].as_str().unwrap())
}

#[test]
fn hover_on_a_local_ref_summarises_its_contract() {
    let home = tempfile::tempdir().unwrap();
    copy_dir(&fixture("ledger"), &home.path().join("ledger"));
    let text = "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ../ledger\n    compatibility: \"^1.0.0\"\n  - ref: file://../nowhere\n    compatibility: \"^1.0.0\"\n";
    let path = home.path().join("app/pacto.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start_default();
    client.open(&uri, text);
    let root = home.path().canonicalize().unwrap().display().to_string();
    let answer = |client: &mut Client, needle| {
        hover(client, &uri, at(text, needle, 0))
            .replace(&root, "HOME")
            .replace(&home.path().display().to_string(), "HOME")
    };
    expect![[r#"
        6:10-6:19
        **`../ledger`**

        Local bundle: `HOME/ledger/pacto.yaml`

        **ledger** 1.0.0 · owner `team/ledger`

        - interfaces: `rpc` grpc port 9090
        - runtime: service, stateful
        - dependencies: 0"#]]
    .assert_eq(&answer(&mut client, "../ledger"));
    expect![[r#"
        8:10-8:27
        **`file://../nowhere`**

        No readable `pacto.yaml` at `HOME/nowhere/pacto.yaml`."#]]
    .assert_eq(&answer(&mut client, "file://"));
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
