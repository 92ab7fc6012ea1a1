//! A small synchronous LSP client for the tests that need the built `pacto lsp` (stdio framing, the panic hook, plugins
//! run beside the binary): spawns it, speaks JSON-RPC over its pipes, answers the server's own requests, and never
//! waits forever. Every other LSP test runs in process (`server/lsp/src/testing`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use pacto_testkit::{Inbox, WAIT, migration_hint_off};
// Each test file uses a part of them.
#[allow(unused_imports)]
pub use pacto_testkit::{contract_bundle, render_diagnostics, uri_of};
use serde_json::{Value, json};

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: Inbox,
    next_id: i64,
}

impl Client {
    /// Starts `pacto lsp` and runs `initialize` with the given client capabilities.
    pub fn start(capabilities: Value) -> (Client, Value) {
        Client::start_with(capabilities, &[])
    }

    /// Starts `pacto lsp` with extra environment variables.
    pub fn start_with(capabilities: Value, envs: &[(&str, &str)]) -> (Client, Value) {
        Client::start_configured(capabilities, Value::Null, envs)
    }

    /// Starts `pacto lsp` with `initializationOptions` (settings in the `pacto` section's shape, and
    /// `virtualDocuments`) and extra environment variables.
    pub fn start_configured(capabilities: Value, options: Value, envs: &[(&str, &str)]) -> (Client, Value) {
        // The migration hint (on by default) adds a line to every valid 1.0 contract's diagnostics; these
        // suites test other features, so it is off unless a test sets it (lsp_migrate.rs does).
        let mut options = if options.is_object() { options } else { json!({}) };
        match options.get_mut("pacto") {
            Some(section) => migration_hint_off(section),
            None => migration_hint_off(&mut options),
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_pacto"))
            .arg("lsp")
            .envs(envs.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("PACTO_TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
            .env("PACTO_LOG", std::env::var("PACTO_TEST_LOG").unwrap_or_default())
            .spawn()
            .expect("pacto lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client { child, stdin, inbox: Inbox::new(incoming), next_id: 0 };
        let params =
            json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options});
        let result = client.request("initialize", params);
        client.notify("initialized", json!({}));
        (client, result)
    }

    pub fn start_default() -> Client {
        Client::start(json!({})).0
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        write_raw(&mut self.stdin, bytes);
    }

    fn send(&mut self, message: &Value) {
        write_message(&mut self.stdin, message);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut params = params;
        if method == "workspace/didChangeConfiguration" {
            if let Some(section) = params.pointer_mut("/settings/pacto").filter(|it| it.is_object()) {
                migration_hint_off(section);
            }
        }
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|it| it.get("id") == Some(&json!(id)) && it.get("method").is_none())
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The next message matching `wanted`, answering server requests on the way.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let stdin = &mut self.stdin;
        self.inbox.wait_for(wanted, |message| {
            if message.get("method").is_some() && message.get("id").is_some() {
                // A request from the server (registerCapability, configuration): accept it.
                write_message(stdin, &json!({"jsonrpc": "2.0", "id": message["id"].clone(), "result": null}));
            }
        })
    }

    /// Removes and returns the messages seen so far that match `wanted`, without waiting.
    pub fn take_pending(&mut self, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.inbox.take_pending(wanted)
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(|it| pacto_testkit::is_publish_of(it, uri, version));
        message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub fn is_alive(&mut self) -> bool {
        self.child.try_wait().map(|it| it.is_none()).unwrap_or(false)
    }

    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        panic!("the server did not exit after `exit`");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_raw(stdin: &mut ChildStdin, bytes: &[u8]) {
    stdin.write_all(bytes).unwrap();
    stdin.flush().unwrap();
}

fn write_message(stdin: &mut ChildStdin, message: &Value) {
    let body = serde_json::to_vec(message).unwrap();
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    write_raw(stdin, &[header.as_bytes(), &body].concat());
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
