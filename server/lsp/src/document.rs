//! One open document: its text as a rope, its version, and the analysis of that version.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ropey::Rope;
use tokio::sync::OnceCell;

use crate::analysis::Analysis;

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
}

impl Document {
    pub fn new(text: &str, version: i32, path: Option<PathBuf>) -> Document {
        Document { rope: Rope::from_str(text), version, path, analysis: Mutex::default() }
    }

    /// A cheap copy of what a worker needs: ropes share their chunks.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { rope: self.rope.clone(), version: self.version, path: self.path.clone() }
    }

    /// The cell of the current version's analysis, with the text it is built from.
    pub fn analysis_cell(&self) -> (AnalysisCell, Snapshot) {
        (self.cell().clone(), self.snapshot())
    }

    /// Forgets the analysis: the text changed, or a file it read did.
    pub fn invalidate(&mut self) {
        *self.cell() = AnalysisCell::default();
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
}

impl Snapshot {
    pub fn analyze(&self, policies: &crate::deps::policy_refs::State) -> Analysis {
        Analysis::with_policies(self.rope.clone(), self.version, self.path.as_deref(), Some(policies))
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
