//! What only the built `pacto lsp` can show: its stdio framing under malformed input and its panic hook. The
//! features are tested in process, in `server/lsp/src/testing`.

mod support;

use serde_json::{Value, json};
use support::{Client, contract_bundle, render_diagnostics};

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";

#[test]
fn the_server_survives_malformed_input_and_hostile_requests() {
    let mut client = Client::start_default();
    client.send_raw(b"Content-Length: nope\r\n\r\n{}");
    client.send_raw(b"Content-Length: 7\r\n\r\nnotjson");
    client.send_raw(b"Content-Length: 2\r\n\r\n[]");
    let unknown = client.request_raw("pacto/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let (_dir, uri) = contract_bundle(CONTRACT);
    // Edits to a document that was never opened are ignored.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": "x"}]}),
    );
    client.open(&uri, CONTRACT);
    client.diagnostics(&uri, 1);
    // Positions far outside the text, and a range whose end comes before its start.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9999, "character": 9999}}),
    );
    assert_eq!(hover, Value::Null);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 99}, "end": {"line": 1, "character": 0}}, "text": "service:\n  name: svc\n  version: 2.0.0"}
        ]}),
    );
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 2)), "none\n");
    let cancelled = client.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    client.notify("$/cancelRequest", json!({"id": 1}));
    assert!(cancelled.get("result").is_some() || cancelled.get("error").is_some());
    assert!(client.is_alive());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_panic_in_a_handler_is_an_error_reply_and_a_log_message() {
    let (mut client, _) = Client::start_with(json!({}), &[("PACTO_LSP_TEST_HOOKS", "1")]);
    let reply = client.request_raw("pacto/test/panic", json!({}));
    assert_eq!(reply["error"]["code"], -32603);
    let log = client.wait_for(|it| it["method"] == "window/logMessage");
    assert_eq!(log["params"]["type"], 1);
    assert!(log["params"]["message"].as_str().unwrap().starts_with("test/panic failed"), "{log}");
    let (_dir, uri) = contract_bundle(CONTRACT);
    client.open(&uri, CONTRACT);
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 1)), "none\n");
    assert_eq!(client.shutdown(), Some(0));
}
