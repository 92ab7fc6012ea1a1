//! `pacto.generate` and the "Preview generated manifests" action through the real server, which runs
//! the Kubernetes plugin installed beside it (`cargo build --workspace` first, as scripts/test does). What runs no
//! plugin is tested in process (pacto-lsp's `testing/commands.rs`).

mod common;
mod support;

use common::copy_dir;
use std::path::Path;

use pacto_testkit::{code_actions_at_start, preview_actions_in};
use serde_json::{Value, json};
use support::{Client, uri_of};

/// A copy of the example bundle, its contract's URI and text.
fn example() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments-api");
    copy_dir(&example, dir.path());
    let file = dir.path().join("pacto.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    (dir, uri_of(&file), text)
}

fn generate(client: &mut Client, arguments: Value) -> Value {
    client.request_raw("workspace/executeCommand", json!({"command": "pacto.generate", "arguments": [arguments]}))
}

fn paths(result: &Value) -> Vec<&str> {
    result["files"].as_array().unwrap().iter().map(|it| it["path"].as_str().unwrap()).collect()
}

#[test]
fn generate_returns_the_plugins_files_with_their_options() {
    let (_dir, uri, text) = example();
    let mut client = Client::start_default();
    client.open(&uri, &text);
    let response = generate(&mut client, json!({"uri": uri, "plugin": "kubernetes", "options": {"namespace": "shop"}}));
    let result = &response["result"];
    assert_eq!(
        paths(result),
        ["horizontalpodautoscaler.yaml", "poddisruptionbudget.yaml", "service.yaml", "statefulset.yaml"],
        "{response}"
    );
    assert_eq!(result["message"], "Generated 4 file(s) using kubernetes: Kubernetes manifests for payments-api@2.1.0");
    let statefulset = result["files"][3]["content"].as_str().unwrap();
    assert!(statefulset.contains("kind: StatefulSet\n"), "{statefulset}");
    assert!(statefulset.contains("namespace: shop\n"), "{statefulset}");
    // Nothing is opened: no showDocument request.
    let shown = client.take_pending(|it| it["method"] == "window/showDocument");
    assert_eq!(shown, Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn generate_says_when_unsaved_changes_are_left_out() {
    let (_dir, uri, text) = example();
    let mut client = Client::start_default();
    client.open(&uri, &format!("{text}\n# an unsaved comment\n"));
    let response = generate(&mut client, json!({"uri": uri, "plugin": "kubernetes"}));
    assert_eq!(
        response["result"]["message"],
        "Generated 4 file(s) using kubernetes: Kubernetes manifests for payments-api@2.1.0 (from the saved file: \
         unsaved changes are not included)"
    );
    client.shutdown();
}

#[test]
fn generate_failures_are_errors_with_the_cause() {
    let (_dir, uri, text) = example();
    let mut client = Client::start_default();
    client.open(&uri, &text);

    let missing = generate(&mut client, json!({"uri": uri, "plugin": "nosuch"}));
    assert_eq!(missing["error"]["code"], -32803, "{missing}");
    let message = missing["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("plugin \"nosuch\" not found (looked for pacto-plugin-nosuch in $PATH"), "{message}");

    let escaping = generate(&mut client, json!({"uri": uri, "plugin": "../kubernetes"}));
    assert_eq!(escaping["error"]["code"], -32602);
    assert_eq!(escaping["error"]["message"], "`../kubernetes` is not a plugin name");

    let shapeless = generate(&mut client, json!({"plugin": "kubernetes"}));
    assert_eq!(shapeless["error"]["code"], -32602);
    assert_eq!(shapeless["error"]["message"], "expected [{ uri, plugin, options?, open? }]");

    let unknown = client.request_raw("workspace/executeCommand", json!({"command": "pacto.nothing", "arguments": []}));
    assert_eq!(unknown["error"]["code"], -32602);
    assert_eq!(
        unknown["error"]["message"],
        "unknown command `pacto.nothing`; this server has pacto.showDiff, pacto.dependencyGraph, pacto.generate"
    );
    assert!(client.is_alive());
    client.shutdown();
}

fn preview_actions(client: &mut Client, uri: &str) -> Vec<Value> {
    preview_actions_in(&client.request("textDocument/codeAction", code_actions_at_start(uri)))
}

#[test]
fn the_preview_action_opens_every_generated_file() {
    let (_dir, uri, text) = example();
    let mut client = Client::start_default();
    client.open(&uri, &text);
    let actions = preview_actions(&mut client, &uri);
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source");
    let command = &actions[0]["command"];
    assert_eq!(command["command"], "pacto.generate");
    assert_eq!(command["arguments"], json!([{"uri": uri, "plugin": "kubernetes", "open": true}]));

    let response = client.request_raw("workspace/executeCommand", command.clone());
    assert_eq!(paths(&response["result"]).len(), 4, "{response}");
    let shown = client.take_pending(|it| it["method"] == "window/showDocument");
    let mut files = Vec::new();
    let opened: Vec<(String, Value)> = shown
        .iter()
        .map(|it| {
            let uri = it["params"]["uri"].as_str().unwrap();
            let name = uri.rsplit('/').next().unwrap().to_owned();
            let path = uri.strip_prefix("file://").unwrap();
            assert!(std::fs::read_to_string(path).unwrap().contains("apiVersion:"), "{path}");
            files.push(std::path::PathBuf::from(path));
            (name, it["params"]["takeFocus"].clone())
        })
        .collect();
    assert_eq!(
        opened,
        [
            ("horizontalpodautoscaler.yaml".to_owned(), json!(true)),
            ("poddisruptionbudget.yaml".to_owned(), json!(false)),
            ("service.yaml".to_owned(), json!(false)),
            ("statefulset.yaml".to_owned(), json!(false)),
        ]
    );
    client.shutdown();
    // The server removes its previews when it exits.
    let left: Vec<_> = files.iter().filter(|it| it.exists()).collect();
    assert_eq!(left, Vec::<&std::path::PathBuf>::new());
}

/// A copy of the 2.0 example bundle, its contract's URI and text.
fn example_v2() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments-api-v2");
    copy_dir(&example, dir.path());
    let file = dir.path().join("pacto.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    (dir, uri_of(&file), text)
}

#[test]
fn preview_on_2_0_names_the_missing_options_and_the_setting_then_takes_them_from_it() {
    let (_dir, uri, text) = example_v2();
    let mut client = Client::start_default();
    client.open(&uri, &text);
    let actions = preview_actions(&mut client, &uri);
    assert_eq!(actions.len(), 1, "{actions:?}");
    let response = client.request_raw("workspace/executeCommand", actions[0]["command"].clone());
    assert_eq!(response["error"]["code"], -32803, "{response}");
    expect_test::expect![[r#"plugin kubernetes: missing option(s) for a pactoVersion 2.0 contract: image (--option image=<ref>: 2.0 contracts name no image); port.rest-api (--option port.rest-api=<port>: 2.0 interfaces carry no port); port.grpc-api (--option port.grpc-api=<port>: 2.0 interfaces carry no port); replicas (--option replicas=<n>, or <min>-<max> to autoscale: 2.0 contracts carry no scaling); in the editor, set them in the setting `pacto.generate.options`, for example { "image": "ghcr.io/acme/api:1.0.0", "port.api": "8080", "replicas": "2" }"#]].assert_eq(response["error"]["message"].as_str().unwrap());
    client.shutdown();

    // The setting supplies them; an option of the request wins over the setting's.
    let options = json!({"generate": {"options": {"image": "ghcr.io/acme/payments:2.1.0", "port.rest-api": 8080,
        "port.grpc-api": "9090", "replicas": "1"}}});
    let mut client = Client::start_configured(json!({}), options, &[]).0;
    client.open(&uri, &text);
    let response = generate(&mut client, json!({"uri": uri, "plugin": "kubernetes", "options": {"replicas": "2-5"}}));
    let result = &response["result"];
    expect_test::expect![[
        r#"["horizontalpodautoscaler.yaml", "poddisruptionbudget.yaml", "service.yaml", "statefulset.yaml"]"#
    ]]
    .assert_eq(&format!("{:?}", paths(result)));
    let all: String = result["files"].as_array().unwrap().iter().map(|it| it["content"].as_str().unwrap()).collect();
    assert!(all.contains("image: ghcr.io/acme/payments:2.1.0"), "{all}");
    assert!(all.contains("maxReplicas: 5"), "{all}");
    client.shutdown();
}
