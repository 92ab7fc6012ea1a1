//! The real server in the test's process: the `Backend` that `run_stdio` serves, driven through its `LspService` with
//! JSON-RPC messages as JSON values, and what it sends the client read from its `ClientSocket`. It speaks the same
//! JSON as `server/cli/tests/support` so that a test reads the same in either place; only what needs a process (stdio
//! framing, the panic hook, plugins and the commands that run the binary) is left to those. Each server reads its own
//! environment (`pacto_oci::Env`): a scratch HOME, cache and credentials never touch the process's.

use std::path::Path;
use std::sync::mpsc::channel;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{Request, Response};

use pacto_oci::Env;
use pacto_testkit::registry::home::Home;
use pacto_testkit::{Inbox, WAIT, migration_hint_off};
pub use pacto_testkit::{
    contract_bundle, copy_dir, diagnostic_lines, position_of, range_text, render_diagnostics, render_diagnostics_with,
    uri_of,
};

use crate::fixture;
use crate::server::Backend;

pub struct Client {
    runtime: Option<tokio::runtime::Runtime>,
    service: LspService<Backend>,
    inbox: Inbox,
    next_id: i64,
}

impl Client {
    /// Starts the server and runs `initialize` with the given client capabilities.
    pub fn start(capabilities: Value) -> (Client, Value) {
        Client::start_in(None, capabilities, Value::Null)
    }

    pub fn start_default() -> Client {
        Client::start(json!({})).0
    }

    /// Starts the server with `initializationOptions` (settings in the `pacto` section's shape, and
    /// `virtualDocuments`).
    pub fn start_configured(capabilities: Value, options: Value) -> (Client, Value) {
        Client::start_in(None, capabilities, options)
    }

    /// As [`Client::start_configured`], with `root` as the one workspace folder when given (the folder the
    /// workspace index scans).
    pub fn start_in(root: Option<&Path>, capabilities: Value, options: Value) -> (Client, Value) {
        Client::start_with_env(Env::process(), root, capabilities, options)
    }

    /// Starts the server in the scratch `home`: its HOME, with its cache in `home/<cache>`, and `envs`, and nothing
    /// else of the environment, so that nothing of the machine's (a login, an old cache, `PACTO_OFFLINE`) takes part;
    /// `root`, when given, is the one workspace folder.
    pub fn start_at_home(
        home: &Path,
        cache: &str,
        root: Option<&Path>,
        capabilities: Value,
        options: Value,
        envs: &[(&str, &str)],
    ) -> Client {
        let home_vars = Home::vars_of(home, cache).map(|(name, value)| (name.to_owned(), value.into_os_string()));
        let envs = envs.iter().map(|(name, value)| ((*name).to_owned(), (*value).into()));
        Client::start_with_env(Env::fixed(home_vars.into_iter().chain(envs)), root, capabilities, options).0
    }

    /// As [`Client::start_in`], the server reading `env` rather than the process's environment.
    pub fn start_with_env(env: Env, root: Option<&Path>, capabilities: Value, options: Value) -> (Client, Value) {
        let mut options = if options.is_object() { options } else { json!({}) };
        match options.get_mut("pacto") {
            Some(section) => migration_hint_off(section),
            None => migration_hint_off(&mut options),
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(4)
            .enable_all()
            .build()
            .expect("a runtime");
        let (frames, mut diagnostics) = tokio::sync::mpsc::channel::<Vec<u8>>(16);
        let (service, socket) = runtime.block_on(async { crate::service(env, frames, |_| {}).finish() });
        let (tx, incoming) = channel();
        // Diagnostics come as the frames run_stdio writes to stdout: read the way a client reads them.
        let diagnostics_tx = tx.clone();
        runtime.spawn(async move {
            while let Some(frame) = diagnostics.recv().await {
                if diagnostics_tx.send(body_of(&frame)).is_err() {
                    return;
                }
            }
        });
        // Answers the server's own requests (registerCapability, configuration, refreshes) at once, as a client
        // that accepts them does, and hands every message to the test.
        runtime.spawn(async move {
            let (mut requests, mut responses) = socket.split();
            while let Some(request) = requests.next().await {
                let message = serde_json::to_value(&request).expect("a request as JSON");
                if let Some(id) = request.id().cloned() {
                    let _ = responses.send(Response::from_ok(id, Value::Null)).await;
                }
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client { runtime: Some(runtime), service, inbox: Inbox::new(incoming), next_id: 0 };
        let mut params =
            json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options});
        if let Some(root) = root {
            params["workspaceFolders"] = json!([{"uri": uri_of(root), "name": "workspace"}]);
        }
        let result = client.request("initialize", params);
        client.notify("initialized", json!({}));
        (client, result)
    }

    /// Starts the server with `root` as its one workspace folder (the folder the workspace index scans).
    pub fn start_in_workspace(root: &Path, capabilities: Value, options: Value) -> (Client, Value) {
        Client::start_in(Some(root), capabilities, options)
    }

    fn call(&mut self, message: Value) -> Option<Value> {
        self.answer(message).unwrap_or_else(|err| panic!("{err}"))
    }

    /// The server's answer to `message` (none for a notification), or why there was none within [`WAIT`].
    fn answer(&mut self, message: Value) -> Result<Option<Value>, String> {
        let request: Request = serde_json::from_value(message).expect("a JSON-RPC message");
        let service = &mut self.service;
        let runtime = self.runtime.as_ref().expect("a running server");
        let response = runtime.block_on(async {
            let call = async { service.ready().await?.call(request).await };
            tokio::time::timeout(WAIT, call).await
        });
        let response = response.map_err(|_| format!("no answer within {WAIT:?}"))?.map_err(|err| err.to_string())?;
        Ok(response.map(|it| serde_json::to_value(it).expect("a response as JSON")))
    }

    /// Whether the server still answers a request: in process no exit can be seen, only a server that stopped
    /// serving.
    pub fn is_alive(&mut self) -> bool {
        self.next_id += 1;
        let probe =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": "workspace/symbol", "params": {"query": ""}});
        self.answer(probe).is_ok_and(|it| it.is_some())
    }

    /// Sends a notification and returns once the server has handled it, so that notifications keep their order.
    pub fn notify(&mut self, method: &str, params: Value) {
        let mut params = params;
        if method == "workspace/didChangeConfiguration" {
            if let Some(section) = params.pointer_mut("/settings/pacto").filter(|it| it.is_object()) {
                migration_hint_off(section);
            }
        }
        self.call(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.call(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .unwrap_or_else(|| panic!("{method} had no response"))
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The next message from the server matching `wanted` (its requests are answered as they come).
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        self.inbox.wait_for(wanted, |_| {})
    }

    /// Removes and returns the messages seen so far that match `wanted`, without waiting.
    pub fn take_pending(&mut self, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.inbox.take_pending(wanted)
    }

    /// Waits for the end of the `$/progress` with `token` (the client must offer `window.workDoneProgress`).
    pub fn wait_progress_end(&mut self, token: &str) -> Value {
        self.wait_for(|it| {
            it["method"] == "$/progress" && it["params"]["token"] == token && it["params"]["value"]["kind"] == "end"
        })
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// Writes `text` to `path` (creating its directory) and opens it; returns its URI.
    pub fn open_path(&mut self, path: &Path, text: &str) -> String {
        std::fs::create_dir_all(path.parent().expect("a file in a directory")).expect("the directory");
        std::fs::write(path, text).expect("the file written");
        let uri = uri_of(path);
        self.open(&uri, text);
        uri
    }

    /// Replaces the whole text of `uri` by `text`, as `version`.
    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        let change = json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]});
        self.notify("textDocument/didChange", change);
    }

    /// Writes the fixture's bundle (see `fixture.rs`) and opens its contract; the bundle lives as long as `Opened`.
    pub fn open_fixture(&mut self, text: &str) -> Opened {
        let it = fixture::fixture(text);
        let uri = uri_of(&it.path);
        self.open(&uri, it.text());
        let position = position_of(it.text(), it.offset);
        Opened { uri, position, _fixture: it }
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(|it| pacto_testkit::is_publish_of(it, uri, version));
        message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Analyses may still run on blocking threads: leave without waiting for them, as `run_stdio` does.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A fixture opened in the server: its contract's URI, and the first `$0` as an LSP position.
pub struct Opened {
    pub uri: String,
    pub position: Value,
    /// Holds the bundle on disk for as long as the document is used.
    _fixture: fixture::Fixture,
}

impl Opened {
    /// `{"textDocument", "position"}` at the `$0` marker.
    pub fn at(&self) -> Value {
        json!({"textDocument": {"uri": self.uri}, "position": self.position})
    }
}

mod commands;
mod dependencies;
mod lens;
mod migrate;
mod network;
mod policies;
mod protocol;
mod workspace;

/// The JSON body of a whole frame, its `Content-Length` checked.
fn body_of(frame: &[u8]) -> Value {
    let end = frame.windows(4).position(|it| it == b"\r\n\r\n").expect("a frame's header");
    let header = std::str::from_utf8(&frame[..end]).expect("an ASCII header");
    let length: usize = header.strip_prefix("Content-Length: ").and_then(|it| it.parse().ok()).expect("Content-Length");
    let body = &frame[end + 4..];
    assert_eq!(body.len(), length, "the frame's body is as long as its header says");
    serde_json::from_slice(body).expect("a frame's body as JSON")
}
