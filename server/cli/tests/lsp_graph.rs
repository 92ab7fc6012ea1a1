//! `pacto.dependencyGraph` through the real server against the real binary: the same text, JSON and Mermaid as
//! `pacto graph` (the rest of the command's tests run in process, in pacto-lsp's `testing/commands.rs`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::{Client, uri_of};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph").canonicalize().unwrap()
}

fn dependency_graph(client: &mut Client, arguments: Value) -> Value {
    client.request_raw("workspace/executeCommand", json!({"command": "pacto.dependencyGraph", "arguments": arguments}))
}

fn cli_graph(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["graph", "--output-format", format, "app"])
        .current_dir(data())
        .env("PACTO_OFFLINE", "1")
        .env_remove("PACTO_OUTPUT_FORMAT")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    String::from_utf8(output.stdout).unwrap()
}

/// A document not opened is read from disk: text, Mermaid and JSON are exactly `pacto graph`'s.
#[test]
fn lsp_dependency_graph_matches_the_cli() {
    let (mut client, _) = Client::start_with(json!({}), &[("PACTO_OFFLINE", "1")]);
    let uri = uri_of(&data().join("app/pacto.yaml"));
    let response = dependency_graph(&mut client, json!([uri]));
    let result = &response["result"];
    assert_eq!(result["text"].as_str(), Some(cli_graph("text").as_str()), "{response}");
    assert_eq!(result["mermaid"].as_str(), Some(cli_graph("mermaid").as_str()));
    assert_eq!(result["json"], serde_json::from_str::<Value>(&cli_graph("json")).unwrap());
    assert!(
        result["text"].as_str().unwrap().contains(
            "remote-pacto:1.0.0 (error: not fetched: oci://127.0.0.1:9/acme/remote-pacto:1.0.0 (offline: \
             PACTO_OFFLINE is set))"
        ),
        "{response}"
    );
}
