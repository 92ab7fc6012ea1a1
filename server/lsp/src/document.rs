//! One open document: its text as a rope, its version, and the analysis of that version.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ropey::Rope;

use crate::analysis::Analysis;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// The file on disk, when the URI is a `file:` URI: its directory is the bundle.
    pub path: Option<PathBuf>,
    /// The analysis of `version`, built once and shared by every request against it.
    analysis: Mutex<Option<Arc<Analysis>>>,
}

impl Document {
    pub fn new(text: &str, version: i32, path: Option<PathBuf>) -> Document {
        Document { rope: Rope::from_str(text), version, path, analysis: Mutex::new(None) }
    }

    /// A cheap copy of what a worker needs: ropes share their chunks.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { rope: self.rope.clone(), version: self.version, path: self.path.clone() }
    }

    pub fn cached_analysis(&self) -> Option<Arc<Analysis>> {
        let guard = self.analysis.lock().unwrap_or_else(|it| it.into_inner());
        guard.as_ref().filter(|it| it.version == self.version).cloned()
    }

    pub fn store_analysis(&self, analysis: Arc<Analysis>) {
        if analysis.version == self.version {
            *self.analysis.lock().unwrap_or_else(|it| it.into_inner()) = Some(analysis);
        }
    }

    pub fn invalidate(&mut self) {
        *self.analysis.lock().unwrap_or_else(|it| it.into_inner()) = None;
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
    pub fn analyze(&self) -> Analysis {
        Analysis::new(self.rope.clone(), self.version, self.path.as_deref())
    }
}

/// Whether a document is a contract: named `pacto.yaml` / `pacto.yml`, or YAML whose first key
/// is `pactoVersion`. Other YAML is left alone, so the server can run beside yaml-language-server.
pub fn is_contract(path: &str, text: &Rope) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "pacto.yaml" || name == "pacto.yml" {
        return true;
    }
    for line in text.lines().take(200) {
        let line = line.to_string();
        let trimmed = line.trim_start_matches('\u{feff}').trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
            continue;
        }
        return trimmed.starts_with("pactoVersion:") || trimmed.starts_with("\"pactoVersion\":");
    }
    false
}
