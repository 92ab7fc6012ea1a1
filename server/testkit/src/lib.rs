//! What the language server's tests share, whether they drive the server in process (pacto-lsp's `testing`) or
//! through the built binary (the CLI's `tests/support`): waiting for a server message without waiting forever, and
//! the renderings of LSP values that the tests compare exactly; and the registries and scratch homes of the tests
//! that reach one (`registry`).

pub mod registry;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for any one message before failing (not a speed assertion).
pub const WAIT: Duration = Duration::from_secs(20);

/// What the server sent and the test has not taken yet.
pub struct Inbox {
    incoming: Receiver<Value>,
    /// Notifications and server requests seen while waiting for something else.
    pending: VecDeque<Value>,
}

impl Inbox {
    pub fn new(incoming: Receiver<Value>) -> Inbox {
        Inbox { incoming, pending: VecDeque::new() }
    }

    /// The next message matching `wanted`. Each new message is shown to `seen` first (a client that answers the
    /// server's requests while it waits does so there) and kept for later when it does not match.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool, mut seen: impl FnMut(&Value)) -> Value {
        if let Some(at) = self.pending.iter().position(&wanted) {
            return self.pending.remove(at).expect("a pending message");
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no matching message within {WAIT:?}; pending: {:?}", self.pending)
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server is gone"),
            };
            seen(&message);
            if wanted(&message) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// Removes and returns the messages seen so far that match `wanted`, without waiting.
    pub fn take_pending(&mut self, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.pending.push_back(message);
        }
        let (taken, kept): (Vec<Value>, Vec<Value>) = self.pending.drain(..).partition(|it| wanted(it));
        self.pending = kept.into();
        taken
    }
}

/// Every file of `examples/payments-api`, bundle-relative.
pub const EXAMPLE_FILES: [&str; 6] = [
    "configuration/schema.json",
    "docs/README.md",
    "interfaces/events.yaml",
    "interfaces/openapi.yaml",
    "interfaces/payments.proto",
    "pacto.yaml",
];

/// The shipped example bundle, `examples/payments-api`.
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments-api")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Turns the migration hint off in a `pacto` settings section that does not set it: it adds a line to every valid
/// 1.0 contract's diagnostics, and most tests are about something else.
pub fn migration_hint_off(section: &mut Value) {
    if section.is_object() && section.pointer("/migration/hint").is_none() {
        section["migration"] = json!({"hint": false});
    }
}

/// `line:col-line:col` of an LSP range, 1-based like an editor's status bar.
/// Whether `message` publishes the diagnostics of `uri` at `version`.
pub fn is_publish_of(message: &Value, uri: &str, version: i64) -> bool {
    message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["uri"] == uri
        && message["params"]["version"] == json!(version)
}

pub fn range_text(range: &Value) -> String {
    let at = |position: &Value, key: &str| position[key].as_u64().expect("a position") + 1;
    let (start, end) = (&range["start"], &range["end"]);
    format!("{}:{}-{}:{}", at(start, "line"), at(start, "character"), at(end, "line"), at(end, "character"))
}

/// One line per diagnostic (range, severity, source, code, message), its related information indented below;
/// `none` when there are none.
pub fn render_diagnostics(diagnostics: &[Value]) -> String {
    let related = |it: &Value| format!("{}: {}", range_text(&it["location"]["range"]), it["message"]);
    let out = render_diagnostics_with(diagnostics, related);
    if out.is_empty() { "none\n".to_owned() } else { out }
}

/// As [`render_diagnostics`], each related information rendered by `related` (a test that names the related file),
/// and empty when there are none.
pub fn render_diagnostics_with(diagnostics: &[Value], related: impl Fn(&Value) -> String) -> String {
    let mut out = String::new();
    for it in diagnostics {
        let text = |key: &str| it[key].as_str().unwrap_or("?");
        let (range, severity) = (range_text(&it["range"]), &it["severity"]);
        out.push_str(&format!("{range} {severity} {} {}: {}\n", text("source"), text("code"), text("message")));
        for info in it["relatedInformation"].as_array().into_iter().flatten() {
            out.push_str(&format!("  related {}\n", related(info)));
        }
    }
    out
}

/// One line per diagnostic: range, severity, code and message, without source or related information; empty when
/// there are none.
pub fn diagnostic_lines(diagnostics: &[Value]) -> String {
    let text = |it: &Value, key: &str| it[key].as_str().unwrap_or("?").to_owned();
    let line = |it: &Value| {
        format!("{} {} {}: {}\n", range_text(&it["range"]), it["severity"], text(it, "code"), text(it, "message"))
    };
    diagnostics.iter().map(line).collect()
}

/// `textDocument/codeAction` params for the start of `uri`, with no diagnostics: the source actions a contract is
/// offered wherever the cursor is.
pub fn code_actions_at_start(uri: &str) -> Value {
    let start = json!({"line": 0, "character": 0});
    json!({"textDocument": {"uri": uri}, "range": {"start": start, "end": start}, "context": {"diagnostics": []}})
}

/// The "Preview generated manifests" actions among a `textDocument/codeAction` answer.
pub fn preview_actions_in(actions: &Value) -> Vec<Value> {
    let preview = |it: &&Value| it["title"] == "Preview generated manifests (kubernetes)";
    actions.as_array().into_iter().flatten().filter(preview).cloned().collect()
}

/// A scratch bundle holding `text` as its `pacto.yaml`, and that file's URI.
pub fn contract_bundle(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a scratch directory");
    std::fs::write(dir.path().join("pacto.yaml"), text).expect("the contract written");
    let uri = uri_of(&dir.path().join("pacto.yaml"));
    (dir, uri)
}

/// Copies the tree under `from` to `to` (created).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the target directory");
    for entry in std::fs::read_dir(from).expect("a readable directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("the file copied");
        }
    }
}

/// The LSP position (UTF-16 columns) of byte `offset` in `text`.
pub fn position_of(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = before.rsplit('\n').next().unwrap_or("").encode_utf16().count();
    json!({"line": line, "character": character})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings_are_one_based_and_count_utf16() {
        let range = json!({"start": {"line": 0, "character": 3}, "end": {"line": 2, "character": 0}});
        assert_eq!(range_text(&range), "1:4-3:1");
        assert_eq!(position_of("a: 😀\nb", "a: 😀\nb".len()), json!({"line": 1, "character": 1}));
        assert_eq!(position_of("a: 😀x", "a: 😀".len()), json!({"line": 0, "character": 5}));
        let diagnostic = json!({"range": range, "severity": 1, "source": "pacto", "code": "X", "message": "m",
            "relatedInformation": [{"location": {"uri": "file:///a", "range": range}, "message": "r"}]});
        assert_eq!(
            render_diagnostics(std::slice::from_ref(&diagnostic)),
            "1:4-3:1 1 pacto X: m\n  related 1:4-3:1: \"r\"\n"
        );
        assert_eq!(render_diagnostics(&[]), "none\n");
        assert_eq!(diagnostic_lines(&[diagnostic]), "1:4-3:1 1 X: m\n");
        assert_eq!(diagnostic_lines(&[]), "");
    }

    #[test]
    fn a_message_waited_for_leaves_the_others_pending() {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut inbox = Inbox::new(rx);
        for n in 0..3 {
            tx.send(json!({"n": n})).unwrap();
        }
        let mut seen = 0;
        assert_eq!(inbox.wait_for(|it| it["n"] == 1, |_| seen += 1), json!({"n": 1}));
        assert_eq!(seen, 2);
        assert_eq!(inbox.take_pending(|it| it["n"] == 2), [json!({"n": 2})]);
        assert_eq!(inbox.wait_for(|it| it["n"] == 0, |_| seen += 1), json!({"n": 0}));
        assert_eq!(seen, 2, "a pending message is not shown again");
    }
}
