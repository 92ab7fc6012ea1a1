//! `pacto.dependencyGraph` through the real server: the graph of the open buffer (saved or not), the same
//! text, JSON and Mermaid as `pacto graph`, local refs relative to the document, `oci://` ones from the
//! loopback registry under the server's settings.

mod common;
mod support;
mod support_registry;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::{Client, uri_of};
use support_registry::home::{Home, ok};
use support_registry::{Mode, Registry};

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
        ok(&home.pacto(&["push", &target, "-p", &dir.display().to_string()], &[]));
    }
    let cache = home.path().join("lsp-cache");
    let (mut client, _) = Client::start_with(json!({}), &[("XDG_CACHE_HOME", cache.to_str().unwrap())]);
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
