//! The open documents and what was negotiated with the client.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use tower_lsp_server::ls_types::{
    ClientCapabilities, Position, PositionEncodingKind, TextDocumentContentChangeEvent, Uri,
};

use crate::document::{AnalysisCell, Document, Snapshot};
use crate::features::migrate::Carried;
use crate::lsp_ext::InitializationOptions;
use crate::proto::{self, Encoding};
use crate::settings::Settings;
use crate::{deps, lens, workspace};

#[derive(Default)]
pub struct Session {
    pub documents: DashMap<Uri, Document>,
    client: OnceLock<ClientSupport>,
    settings: RwLock<Arc<Settings>>,
    workspace_folders: RwLock<Vec<PathBuf>>,
    /// Registry resolution of dependencies (issue #7).
    pub deps: deps::State,
    /// Baselines for lenses and diff diagnostics (issue #5).
    pub lens: lens::State,
    /// `oci://` policy bundles of 2.0 contracts (issue #14).
    pub policy_refs: deps::policy_refs::State,
    /// Every contract of the workspace folders and who depends on whom (issue #18).
    pub workspace: workspace::State,
    /// Recent answers about bundle files, shared by the analyses of a burst of edits (issue #15).
    pub files: crate::analysis::FileFacts,
    pub publishes: PublishOrder,
    /// Memory given back once the documents' work has been quiet a moment.
    pub idle: Arc<crate::idle::Idle>,
}

/// The order diagnostics were computed in, per document: a list computed from older knowledge never follows a newer
/// one to the client. Two publishes of one version (the edit's own, computed before the registry answered, and the
/// refresh's, computed after) can otherwise finish in either order, and the older one would stay on screen.
#[derive(Default)]
pub struct PublishOrder {
    next: std::sync::atomic::AtomicU64,
    last_sent: tokio::sync::Mutex<std::collections::HashMap<String, u64>>,
}

impl PublishOrder {
    /// Taken just before a list is computed (or, for a list that needs no computing, made).
    pub fn ticket(&self) -> u64 {
        self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// Runs `send` unless a list with a later ticket was sent for `document`; one send at a time, so that what was
    /// checked still holds when it is sent. Whether it was sent.
    pub async fn send_in_order(&self, document: &str, ticket: u64, send: impl Future<Output = ()>) -> bool {
        let mut last_sent = self.last_sent.lock().await;
        let last = last_sent.entry(document.to_owned()).or_default();
        if ticket < *last {
            return false;
        }
        *last = ticket;
        send.await;
        true
    }
}

/// What the client said at `initialize` it can do: decided once, then only read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientSupport {
    /// How positions count columns: UTF-8 when the client offers it, else LSP's UTF-16.
    pub encoding: Encoding,
    /// The client lets us register a file watcher (for `FILE_NOT_FOUND` re-checks).
    pub watch_files: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`). Such a client is not pushed to: clients keep
    /// pulled and pushed diagnostics apart, and would show each twice.
    pub pull_diagnostics: bool,
    /// `workspace/configuration` requests are answered.
    pub configuration: bool,
    pub inlay_hint_refresh: bool,
    pub code_lens_refresh: bool,
    /// `workspace/diagnostic/refresh` is handled: a pull client that does not say so (Neovim 0.11 without our
    /// plugin's configuration) answers it with an error and pulls nothing.
    pub diagnostic_refresh: bool,
    /// `$/progress` with `window/workDoneProgress/create`.
    pub work_done_progress: bool,
    /// The client serves `pacto-diff:` documents through `pacto/diffDocument` (initializationOptions
    /// `virtualDocuments: true`, as the VS Code extension sends).
    pub virtual_documents: bool,
}

impl ClientSupport {
    /// Before `initialize` (and for a client that offers nothing): LSP's defaults, every extra off.
    pub const NOTHING: ClientSupport = ClientSupport {
        encoding: Encoding::Utf16,
        watch_files: false,
        pull_diagnostics: false,
        configuration: false,
        inlay_hint_refresh: false,
        code_lens_refresh: false,
        diagnostic_refresh: false,
        work_done_progress: false,
        virtual_documents: false,
    };

    pub fn new(capabilities: &ClientCapabilities, options: &InitializationOptions) -> ClientSupport {
        let offered = capabilities.general.as_ref().and_then(|it| it.position_encodings.as_ref());
        let utf8 = offered.is_some_and(|it| it.contains(&PositionEncodingKind::UTF8));
        let workspace = capabilities.workspace.as_ref();
        let flag = |it: Option<bool>| it.unwrap_or(false);
        ClientSupport {
            encoding: if utf8 { Encoding::Utf8 } else { Encoding::Utf16 },
            watch_files: flag(workspace.and_then(|it| it.did_change_watched_files.as_ref()?.dynamic_registration)),
            pull_diagnostics: capabilities.text_document.as_ref().is_some_and(|it| it.diagnostic.is_some()),
            configuration: flag(workspace.and_then(|it| it.configuration)),
            inlay_hint_refresh: flag(workspace.and_then(|it| it.inlay_hint.as_ref()?.refresh_support)),
            code_lens_refresh: flag(workspace.and_then(|it| it.code_lens.as_ref()?.refresh_support)),
            diagnostic_refresh: flag(workspace.and_then(|it| it.diagnostics.as_ref()?.refresh_support)),
            work_done_progress: flag(capabilities.window.as_ref().and_then(|it| it.work_done_progress)),
            virtual_documents: flag(options.virtual_documents),
        }
    }
}

impl Session {
    /// A session whose registry work reads `env` rather than the process's environment (a test's own HOME, cache
    /// and credentials).
    pub fn with_env(env: pacto_oci::Env) -> Session {
        let session = Session::default();
        session.set_settings(Settings { env, ..Settings::default() });
        session
    }

    /// The client's `pacto` section as settings, over this session's environment.
    pub fn read_settings(&self, section: &serde_json::Value) -> (Settings, Vec<String>) {
        let (settings, warnings) = Settings::from_json(section);
        (Settings { env: self.settings().env.clone(), ..settings }, warnings)
    }

    /// Called once, by `initialize`; a second call (a client that initializes twice) changes nothing.
    pub fn set_client(&self, support: ClientSupport) {
        let _ = self.client.set(support);
    }

    pub fn client(&self) -> &ClientSupport {
        self.client.get().unwrap_or(&ClientSupport::NOTHING)
    }

    pub fn encoding(&self) -> Encoding {
        self.client().encoding
    }

    pub fn settings(&self) -> Arc<Settings> {
        self.settings.read().map(|it| it.clone()).unwrap_or_default()
    }

    pub fn set_settings(&self, settings: Settings) {
        if let Ok(mut current) = self.settings.write() {
            *current = Arc::new(settings);
        }
    }

    /// The workspace folders' directories, from `initialize`; publish globs are relative to them.
    pub fn workspace_folders(&self) -> Vec<PathBuf> {
        self.workspace_folders.read().map(|it| it.clone()).unwrap_or_default()
    }

    pub fn set_workspace_folders(&self, folders: Vec<PathBuf>) {
        if let Ok(mut current) = self.workspace_folders.write() {
            *current = folders;
        }
    }

    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let path = uri.to_file_path().map(|it| it.into_owned());
        self.documents.insert(uri, Document::new(text, version, path));
    }

    /// Applies edits in order, synchronously: no request may see half of them. Ranges are
    /// clamped to the text, so a confused client cannot corrupt or crash the document.
    pub fn change(&self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> bool {
        let encoding = self.encoding();
        let Some(mut document) = self.documents.get_mut(uri) else {
            tracing::warn!("change to a document that is not open: {}", uri.as_str());
            return false;
        };
        for change in changes {
            let rope = &mut document.rope;
            match change.range {
                None => *rope = ropey::Rope::from_str(&change.text),
                Some(range) => {
                    let (start, end) = ordered(range.start, range.end);
                    let start = rope.byte_to_char(proto::offset(rope, encoding, start));
                    let end = rope.byte_to_char(proto::offset(rope, encoding, end));
                    rope.remove(start..end);
                    rope.insert(start, &change.text);
                }
            }
        }
        document.version = version;
        document.invalidate();
        true
    }

    pub fn close(&self, uri: &Uri) {
        self.documents.remove(uri);
    }

    pub fn current_version(&self, uri: &Uri) -> Option<i32> {
        self.documents.get(uri).map(|it| it.version)
    }

    /// The cell of the document's current analysis and its text, for building or awaiting it.
    pub fn analysis_cell(&self, uri: &Uri) -> Option<(AnalysisCell, Snapshot)> {
        self.documents.get(uri).map(|it| it.analysis_cell())
    }

    /// Keeps `analysis` as the document's newest finished one, unless a newer one finished first.
    pub fn finished(&self, uri: &Uri, analysis: &Arc<crate::analysis::Analysis>) {
        let Some(mut document) = self.documents.get_mut(uri) else {
            return;
        };
        if document.finished.as_ref().is_none_or(|it| it.version <= analysis.version) {
            let replaced = document.finished.replace(analysis.clone());
            drop(document);
            // Freeing a big contract's tree costs as much as a tenth of its analysis: not on the way to the next publish.
            if replaced.as_ref().is_some_and(|it| it.text.len() >= crate::pool::DROP_APART_FROM_BYTES) {
                crate::pool::spawn(move || drop(replaced));
            }
        }
    }

    /// The migration hints last computed for a big version of the document.
    pub fn carried_hints(&self, document: &str) -> Option<Arc<Carried>> {
        let uri = document.parse::<Uri>().ok()?;
        self.documents.get(&uri).and_then(|it| it.carried_hints.clone())
    }

    /// Keeps `hints` for the document, unless hints of a newer version are kept already.
    pub fn carry_hints(&self, document: &str, hints: Carried) {
        let Ok(uri) = document.parse::<Uri>() else { return };
        if let Some(mut document) = self.documents.get_mut(&uri) {
            if document.carried_hints.as_ref().is_none_or(|it| it.version <= hints.version) {
                document.carried_hints = Some(Arc::new(hints));
            }
        }
    }

    /// The migration hints as the document's last publish serialized them.
    pub fn serialized_hints(&self, uri: &Uri) -> Option<Arc<crate::handlers::to_lsp::SerializedHints>> {
        self.documents.get(uri).and_then(|it| it.serialized_hints.clone())
    }

    pub fn keep_serialized_hints(&self, uri: &Uri, hints: crate::handlers::to_lsp::SerializedHints) {
        if let Some(mut document) = self.documents.get_mut(uri) {
            document.serialized_hints = Some(Arc::new(hints));
        }
    }

    pub fn invalidate_all(&self) {
        self.files.clear();
        for mut document in self.documents.iter_mut() {
            document.invalidate();
        }
    }
}

fn ordered(a: Position, b: Position) -> (Position, Position) {
    if (b.line, b.character) < (a.line, a.character) { (b, a) } else { (a, b) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn support(capabilities: serde_json::Value, options: serde_json::Value) -> ClientSupport {
        let capabilities = serde_json::from_value(capabilities).unwrap();
        ClientSupport::new(&capabilities, &serde_json::from_value(options).unwrap())
    }

    #[test]
    fn a_client_that_offers_nothing_gets_lsp_defaults() {
        assert_eq!(support(json!({}), json!({})), ClientSupport::NOTHING);
        assert_eq!(Session::default().client(), &ClientSupport::NOTHING);
    }

    #[test]
    fn each_capability_is_read_from_its_place() {
        let capabilities = json!({
            "general": { "positionEncodings": ["utf-16", "utf-8"] },
            "workspace": {
                "configuration": true,
                "didChangeWatchedFiles": { "dynamicRegistration": true },
                "inlayHint": { "refreshSupport": true },
                "codeLens": { "refreshSupport": true },
                "diagnostics": { "refreshSupport": true },
            },
            "textDocument": { "diagnostic": {} },
            "window": { "workDoneProgress": true },
        });
        let all = ClientSupport {
            encoding: Encoding::Utf8,
            watch_files: true,
            pull_diagnostics: true,
            configuration: true,
            inlay_hint_refresh: true,
            code_lens_refresh: true,
            diagnostic_refresh: true,
            work_done_progress: true,
            virtual_documents: true,
        };
        assert_eq!(support(capabilities, json!({ "virtualDocuments": true, "offline": true })), all);
        let session = Session::default();
        session.set_client(all);
        session.set_client(ClientSupport::NOTHING);
        assert_eq!(session.encoding(), Encoding::Utf8, "the first initialize decides");
    }

    /// A list computed earlier is dropped once a later one was sent for the same document; other documents and
    /// later lists go through.
    #[test]
    fn an_older_list_never_follows_a_newer_one() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let order = PublishOrder::default();
        let sent = std::sync::Mutex::new(Vec::new());
        let sent_to = &sent;
        let send = move |name: &'static str| async move { sent_to.lock().unwrap().push(name) };
        let (before_registry, after_registry) = (order.ticket(), order.ticket());
        runtime.block_on(async {
            assert!(order.send_in_order("file:///a", after_registry, send("a: after the registry")).await);
            assert!(!order.send_in_order("file:///a", before_registry, send("a: before the registry")).await);
            assert!(order.send_in_order("file:///b", before_registry, send("b: its own")).await);
            let closed = order.ticket();
            assert!(order.send_in_order("file:///a", closed, send("a: closed")).await);
        });
        assert_eq!(*sent.lock().unwrap(), ["a: after the registry", "b: its own", "a: closed"]);
    }
}
