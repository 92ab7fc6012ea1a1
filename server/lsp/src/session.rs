//! The open documents and what was negotiated with the client.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent, Uri};

use crate::document::{AnalysisCell, Document, Snapshot};
use crate::features::migrate::Carried;
use crate::proto::{self, Encoding};
use crate::settings::Settings;
use crate::{deps, lens, workspace};

#[derive(Default)]
pub struct Session {
    pub documents: DashMap<Uri, Document>,
    encoding: OnceLock<Encoding>,
    watch_files: AtomicBool,
    pull_diagnostics: AtomicBool,
    settings: RwLock<Arc<Settings>>,
    pub client: ClientSupport,
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
}

/// What the client said it can do, beyond what `Session`'s own flags hold.
#[derive(Default)]
pub struct ClientSupport {
    /// `workspace/configuration` requests are answered.
    pub configuration: AtomicBool,
    pub inlay_hint_refresh: AtomicBool,
    pub code_lens_refresh: AtomicBool,
    /// `workspace/diagnostic/refresh` is handled: a pull client that does not say so (Neovim 0.11 without our
    /// plugin's configuration) answers it with an error and pulls nothing.
    pub diagnostic_refresh: AtomicBool,
    /// `$/progress` with `window/workDoneProgress/create`.
    pub work_done_progress: AtomicBool,
    /// The client serves `pacto-diff:` documents through `pacto/diffDocument` (initializationOptions
    /// `virtualDocuments: true`, as the VS Code extension sends).
    pub virtual_documents: AtomicBool,
}

impl ClientSupport {
    pub fn get(flag: &AtomicBool) -> bool {
        flag.load(Ordering::Relaxed)
    }

    pub fn set(flag: &AtomicBool, on: bool) {
        flag.store(on, Ordering::Relaxed);
    }
}

impl Session {
    pub fn set_encoding(&self, encoding: Encoding) {
        let _ = self.encoding.set(encoding);
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or(Encoding::Utf16)
    }

    /// Whether the client lets us register a file watcher (for `FILE_NOT_FOUND` re-checks).
    pub fn set_watch_files(&self, on: bool) {
        self.watch_files.store(on, Ordering::Relaxed);
    }

    pub fn watch_files(&self) -> bool {
        self.watch_files.load(Ordering::Relaxed)
    }

    /// Whether the client pulls diagnostics (`textDocument/diagnostic`). Such a client is not
    /// pushed to: clients keep pulled and pushed diagnostics apart, and would show each twice.
    pub fn set_pull_diagnostics(&self, on: bool) {
        self.pull_diagnostics.store(on, Ordering::Relaxed);
    }

    pub fn pull_diagnostics(&self) -> bool {
        self.pull_diagnostics.load(Ordering::Relaxed)
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
    pub fn carried_hints(&self, uri: &Uri) -> Option<Arc<Carried>> {
        self.documents.get(uri).and_then(|it| it.carried_hints.clone())
    }

    /// Keeps `hints` for the document, unless hints of a newer version are kept already.
    pub fn carry_hints(&self, uri: &Uri, hints: Carried) {
        if let Some(mut document) = self.documents.get_mut(uri) {
            if document.carried_hints.as_ref().is_none_or(|it| it.version <= hints.version) {
                document.carried_hints = Some(Arc::new(hints));
            }
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
