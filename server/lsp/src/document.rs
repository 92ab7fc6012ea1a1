//! One open document: its text as a rope, its version, and the analysis of that version.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ropey::Rope;
use tokio::sync::OnceCell;

use crate::analysis::Analysis;

/// Documents from this size on answer read-only requests from their last finished analysis while the current version's
/// is being built: the build takes hundreds of milliseconds there (a 5 MB paste, issue #15), a few below.
pub const STALE_ANSWERS_FROM_BYTES: usize = 512 * 1024;

/// The analysis of one version, built once by whoever asks first (the edit's pipeline or a request) and awaited by
/// everyone else who asks meanwhile: a version is parsed and validated once.
pub type AnalysisCell = Arc<OnceCell<Arc<Analysis>>>;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// The file on disk, when the URI is a `file:` URI: its directory is the bundle.
    pub path: Option<PathBuf>,
    /// The analysis of `version`; replaced by an empty cell on every edit.
    analysis: Mutex<AnalysisCell>,
    /// The newest analysis finished so far, of this version or an earlier one: what requests read while a big
    /// version is being analysed.
    pub finished: Option<Arc<Analysis>>,
    /// Set when `version` is outdated: its analysis, if under way, stops early.
    cancelled: Arc<AtomicBool>,
    /// The migration hints last computed for a big version, standing in for those of newer versions until theirs are.
    pub carried_hints: Option<Arc<crate::features::migrate::Carried>>,
    /// The migration hints as the last publish serialized them.
    pub serialized_hints: Option<Arc<crate::handlers::to_lsp::SerializedHints>>,
}

impl Document {
    pub fn new(text: &str, version: i32, path: Option<PathBuf>) -> Document {
        Document {
            rope: Rope::from_str(text),
            version,
            path,
            analysis: Mutex::default(),
            finished: None,
            cancelled: Arc::default(),
            carried_hints: None,
            serialized_hints: None,
        }
    }

    /// A cheap copy of what a worker needs: ropes share their chunks.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            rope: self.rope.clone(),
            version: self.version,
            path: self.path.clone(),
            cancelled: self.cancelled.clone(),
            previous: self.finished.clone(),
        }
    }

    /// The cell of the current version's analysis, with the text it is built from.
    pub fn analysis_cell(&self) -> (AnalysisCell, Snapshot) {
        (self.cell().clone(), self.snapshot())
    }

    /// The last finished analysis, for a read-only request on `line`, when this version is big and its own analysis is
    /// not finished, and `line` reads the same in both texts (so the answer's ranges hold).
    pub fn stale_analysis(&self, line: usize) -> Option<Arc<Analysis>> {
        let finished = self.finished.as_ref()?;
        if finished.version == self.version || self.rope.len_bytes() < STALE_ANSWERS_FROM_BYTES {
            return None;
        }
        if self.cell().initialized() {
            return None;
        }
        let (old, new) = (&finished.rope, &self.rope);
        let same_line = line < old.len_lines() && line < new.len_lines() && old.line(line) == new.line(line);
        same_line.then(|| finished.clone())
    }

    /// Forgets the analysis: the text changed, or a file it read did.
    pub fn invalidate(&mut self) {
        *self.cell() = AnalysisCell::default();
        self.cancelled.store(true, Ordering::Relaxed);
        self.cancelled = Arc::default();
    }

    fn cell(&self) -> std::sync::MutexGuard<'_, AnalysisCell> {
        self.analysis.lock().unwrap_or_else(|it| it.into_inner())
    }
}

/// What a background worker gets: the text of one version, never a lock.
#[derive(Clone)]
pub struct Snapshot {
    pub rope: Rope,
    pub version: i32,
    pub path: Option<PathBuf>,
    cancelled: Arc<AtomicBool>,
    /// The newest finished analysis of an earlier version (or this one): its tree is reused where the edits since
    /// did not reach.
    previous: Option<Arc<Analysis>>,
}

impl Snapshot {
    /// The analysis of this version; `None` when the version became outdated and the analysis stopped early.
    pub fn analyze(
        &self,
        policies: &crate::deps::policy_refs::State,
        files: &crate::analysis::FileFacts,
    ) -> Option<Analysis> {
        let (rope, path) = (self.rope.clone(), self.path.as_deref());
        let previous = self.previous.as_deref();
        let build = || Analysis::with_context(rope, self.version, path, Some(policies), Some(files), previous);
        let (analysis, stopped) = pacto_core::cancel::run(self.cancelled.clone(), build);
        (!stopped).then_some(analysis)
    }
}

/// Lines looked at for the first key; a longer preamble is not a contract.
pub const FIRST_KEY_LINES: usize = 50;

/// Whether a document is a contract: named `pacto.yaml` / `pacto.yml`, or YAML whose first key is `pactoVersion`.
/// Other YAML is left alone, so the server can run beside yaml-language-server. The rule is the editors' own
/// (`editors/nvim/plugin/pacto.lua`, `editors/vscode/src/contract.ts`), so a file the editor sends is one the server
/// answers: blank lines, comments, `%` directives and `---` may come first; the key is at column 0, bare or quoted.
pub fn is_contract(path: &str, text: &Rope) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "pacto.yaml" || name == "pacto.yml" {
        return true;
    }
    for (idx, line) in text.lines().take(FIRST_KEY_LINES).enumerate() {
        let line = line.to_string();
        let line = if idx == 0 { line.trim_start_matches('\u{feff}') } else { line.as_str() };
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%') || trimmed_end(line) == "---" {
            continue;
        }
        let key = ["pactoVersion", "\"pactoVersion\"", "'pactoVersion'", "\"pactoVersion'", "'pactoVersion\""]
            .iter()
            .find_map(|it| line.strip_prefix(it));
        return key.is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'));
    }
    false
}

/// `line` without its trailing whitespace (and line break).
fn trimmed_end(line: &str) -> &str {
    line.trim_end_matches([' ', '\t', '\r', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(text: &str) -> bool {
        is_contract("file:///w/service.yaml", &Rope::from_str(text))
    }

    #[test]
    fn a_big_version_being_analysed_answers_from_the_last_finished_analysis_on_an_unchanged_line() {
        let small = "pactoVersion: \"1.0\"\nservice:\n  name: app\n";
        let mut document = Document::new(small, 1, None);
        document.finished = document.snapshot().analyze(&Default::default(), &Default::default()).map(Arc::new);
        let padding = "# padding\n".repeat(STALE_ANSWERS_FROM_BYTES / 10);
        let big = format!("pactoVersion: \"1.0\"\nservice:\n  name: other\n{padding}");
        document.rope = Rope::from_str(&big);
        document.version = 2;
        document.invalidate();
        // Line 1 reads the same; line 2 does not; line 5 is not in the old text.
        assert_eq!(document.stale_analysis(1).map(|it| it.version), Some(1));
        assert_eq!(document.stale_analysis(2).map(|it| it.version), None);
        assert_eq!(document.stale_analysis(5).map(|it| it.version), None);
        // Once the version's own analysis is there, it answers.
        let own = Arc::new(document.snapshot().analyze(&Default::default(), &Default::default()).unwrap());
        assert!(document.cell().set(own).is_ok());
        assert_eq!(document.stale_analysis(1).map(|it| it.version), None);
        // Below the size, requests wait for the version's own analysis.
        let mut small_edit = Document::new(small, 1, None);
        small_edit.finished = small_edit.snapshot().analyze(&Default::default(), &Default::default()).map(Arc::new);
        small_edit.rope = Rope::from_str(&format!("{small}# one more line\n"));
        small_edit.version = 2;
        small_edit.invalidate();
        assert_eq!(small_edit.stale_analysis(1).map(|it| it.version), None);
    }

    #[test]
    fn the_analysis_of_an_outdated_version_stops_early() {
        let text = "pactoVersion: \"1.0\"\nmetadata:\n  key: value\n";
        let mut document = Document::new(text, 1, None);
        let outdated = document.snapshot();
        document.invalidate();
        assert!(outdated.analyze(&Default::default(), &Default::default()).is_none());
        let current = document.snapshot().analyze(&Default::default(), &Default::default()).map(|it| it.version);
        assert_eq!(current, Some(1));
    }

    #[test]
    fn is_contract_by_name_or_first_key() {
        assert!(is_contract("file:///w/pacto.yml", &Rope::from_str("anything: 1\n")));
        assert!(contract("pactoVersion: \"1.0\"\n"));
        assert!(contract("\u{feff}# a contract\n\n%YAML 1.2\n---\npactoVersion: \"2.0\"\n"));
        assert!(contract("'pactoVersion' : \"1.0\"\n"));
        // Another first key, an indented key, or a key nested under another: not a contract.
        assert!(!contract("name: x\npactoVersion: \"1.0\"\n"));
        assert!(!contract("  pactoVersion: \"1.0\"\n"));
        assert!(!contract("pactoVersionX: 1\n"));
        assert!(!contract(""));
    }

    #[test]
    fn is_contract_looks_at_the_first_key_lines_only() {
        let at_limit = format!("{}pactoVersion: \"1.0\"\n", "#\n".repeat(FIRST_KEY_LINES - 1));
        assert!(contract(&at_limit));
        let over_limit = format!("{}pactoVersion: \"1.0\"\n", "#\n".repeat(FIRST_KEY_LINES));
        assert!(!contract(&over_limit));
    }
}
