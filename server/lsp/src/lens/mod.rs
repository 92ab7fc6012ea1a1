//! The baselines provider: the contract against its published version and against git HEAD (issue #5), read by
//! the code lens feature, the diff document, the diagnostics on changed nodes and the version-bump check.
//! Baselines are fetched once per digest off the request path, and their arrival is said on the `Learned`
//! channel; every comparison is recomputed from them in memory.

mod baseline;
pub mod compute;
pub mod head;
pub mod publish;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pacto_core::diff::BundleReader;
use pacto_core::syntax::limits::MAX_CONTRACT_BYTES;
use pacto_core::validate::Format;
use pacto_core::validate::bundle::valid_path;

pub use baseline::{Published, State, ensure_head, ensure_published};
use compute::{Against, Buffer, Comparison, Finding, Side};

use crate::analysis::Analysis;
use crate::learned::Ctx;
use crate::session::Session;

/// The title of the lens while the first resolution of the published version is under way.
pub const RESOLVING: &str = "vs published: resolving…";
/// The title of the lens when no publish repository is known; its command explains how to set one.
pub const SET_REPOSITORY: &str = "Set publish repository…";

/// A new version was analysed: fetch its baselines if they are not known (never awaited by the caller).
pub fn document_changed(ctx: &Ctx, path: Option<&Path>, analysis: &Analysis) {
    let session = &ctx.session;
    forget_closed(session);
    if let Some(repository) = repository(session, analysis, path) {
        ensure_published(ctx, &repository);
    }
    if let Some(path) = path {
        ensure_head(ctx, path);
    }
}

/// Comparisons and HEAD texts are kept for open documents only.
fn forget_closed(session: &Session) {
    let open_paths: Vec<PathBuf> = session.documents.iter().filter_map(|it| it.path.clone()).collect();
    session.lens.retain_open(|key| session.documents.iter().any(|it| it.key().as_str() == key), &open_paths);
}

/// Changes against the published version of `document` (its URI), published to `repository`, and the version-bump
/// check (pure).
pub fn diagnostics(state: &State, document: &str, repository: Option<&str>, analysis: &Analysis) -> Vec<Finding> {
    if broken(analysis) {
        return Vec::new();
    }
    let Some(Published::Ready(side)) = repository.and_then(|it| state.published(it)) else {
        return Vec::new();
    };
    let comparison = comparison(state, document, analysis, &side, Against::Published);
    let mut out = compute::change_diagnostics(&side, &comparison, &buffer(analysis));
    out.extend(comparison.bump.as_ref().map(compute::bump_diagnostic));
    out
}

/// The publish repository of a document, from its text, its path and the settings, else where
/// `pacto pull` extracted it from.
pub fn repository(session: &Session, analysis: &Analysis, path: Option<&Path>) -> Option<String> {
    let settings = session.settings();
    publish::repository(analysis.publish_comment.as_deref(), path, &settings, &session.workspace_folders())
        .or_else(|| session.lens.origin(path?.parent()?, &settings))
}

/// The comparison of `analysis` against `side`, kept per document (`document`: its URI) and side.
pub fn comparison(
    state: &State,
    document: &str,
    analysis: &Analysis,
    side: &Arc<Side>,
    against: Against,
) -> Arc<Comparison> {
    let key = (document.to_owned(), against);
    if broken(analysis) {
        if let Some(last) = state.last_comparison(&key, side) {
            return last;
        }
    }
    state.comparison(key, analysis, side, || {
        let files = DiskFiles { root: analysis.bundle_dir.clone() };
        match analysis.format() {
            Format::V1 => compute::compare(side, &analysis.validation.decoded.contract, &files, against),
            // The 2.0 model in the 1.0 shape the diff takes; made once per version (the comparison is kept).
            Format::V2 => compute::compare(side, &compute::contract_of(analysis.root()), &files, against),
        }
    })
}

/// YAML that does not parse, as while typing: what the parser skipped would read as removed, so the
/// lens keeps its last comparison and changed-node diagnostics wait for the next readable version.
pub fn broken(analysis: &Analysis) -> bool {
    !analysis.validation.parse.errors.is_empty()
}

fn buffer(analysis: &Analysis) -> Buffer<'_> {
    let contract = &analysis.validation.decoded.contract;
    Buffer { root: analysis.root(), contract, v2: analysis.v2(), rope: &analysis.rope }
}

/// The buffer's bundle files, read from its directory as `pacto diff` reads a local bundle: valid
/// paths to regular files, UTF-8, up to the contract size limit.
struct DiskFiles {
    root: Option<PathBuf>,
}

impl BundleReader for DiskFiles {
    fn read(&self, path: &str) -> Option<String> {
        let full = self.root.as_ref()?.join(path);
        let meta = fs::metadata(&full).ok()?;
        // A FIFO would block and a huge file would be read whole: both count as missing.
        if !valid_path(path) || !meta.is_file() || meta.len() > MAX_CONTRACT_BYTES as u64 {
            return None;
        }
        fs::read_to_string(full).ok()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let Some(entries) =
            self.root.as_ref().filter(|_| valid_path(dir)).and_then(|it| fs::read_dir(it.join(dir)).ok())
        else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(std::result::Result::ok)
            .filter(|it| fs::metadata(it.path()).is_ok_and(|meta| meta.is_file()))
            .filter_map(|it| it.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}
