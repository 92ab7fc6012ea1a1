//! The workspace index in the server (issue #18): every contract under the workspace folders, built by
//! the core scanner in the background after `initialized` and kept current from open documents and
//! watched-file events. Requests read it as it is and never wait for it: until the first scan ends
//! they see the open documents only, and the code lens says it is indexing. A provider: it says what it
//! learned (`Learned::Workspace`, `Learned::Indexing`) and the server decides what to refresh.

pub mod definition;
pub mod impact;
pub mod references;
pub mod symbols;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use pacto_core::syntax::Span;
use pacto_core::syntax::limits::MAX_CONTRACT_BYTES;
use pacto_core::workspace::scan::{SKIPPED_DIRS, scan};
use pacto_core::workspace::{
    Entry, Index, entry_of_validation, is_bundle_file, looks_like_contract, read_entry, repository_key,
};

use crate::analysis::Analysis;
use crate::learned::{Ctx, Indexing, Learned};
use crate::lens::publish;
use crate::session::Session;

/// The `$/progress` token of the workspace scan; a client shows "Indexing contracts" meanwhile.
pub const PROGRESS_TOKEN: &str = "pacto/workspaceIndex";

#[derive(Default)]
pub struct State {
    index: RwLock<Index>,
    /// The first scan has ended: until then an empty answer may only mean "not indexed yet".
    ready: AtomicBool,
    /// Bumped by each scan started: a scan overtaken by a newer one (the settings changed) is dropped.
    generation: AtomicU64,
}

impl State {
    /// The index as it is now; held only for the time of one answer (writers wait meanwhile).
    pub fn read(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A scan was started (after `initialized`): later setting changes scan again.
    pub fn is_started(&self) -> bool {
        self.generation.load(Ordering::SeqCst) > 0
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Replaces the contract at its path; whether what others see of it changed (`problem` aside,
    /// which no other contract's answer shows).
    pub fn update(&self, entry: Entry) -> bool {
        let mut index = self.write();
        let known = index.get(&entry.path);
        let same = known.is_some_and(|it| same_but_problem(it, &entry));
        // Most keystrokes change nothing the index holds: its edges are left as they are.
        if !(same && known.is_some_and(|it| it.problem == entry.problem)) {
            index.insert(entry);
        }
        !same
    }

    /// Forgets the contract at `path`, or every contract under it when it is a directory (a deleted
    /// folder is one event); whether anything was indexed there.
    pub fn remove(&self, path: &Path) -> bool {
        let mut index = self.write();
        let under: Vec<PathBuf> =
            index.entries().filter(|it| it.path.starts_with(path)).map(|it| it.path.clone()).collect();
        for it in &under {
            index.remove(it);
        }
        !under.is_empty()
    }

    /// A finished scan becomes the index; the contracts of `open` documents keep their buffer's entry,
    /// which is newer than the disk's.
    fn install(&self, mut scanned: Index, open: &HashSet<PathBuf>) {
        let mut index = self.write();
        for path in open {
            if let Some(entry) = index.get(path) {
                scanned.insert(entry.clone());
            }
        }
        *index = scanned;
        self.ready.store(true, Ordering::SeqCst);
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whether two entries say the same but perhaps why they are only partly read (not shown by the index's answers).
fn same_but_problem(a: &Entry, b: &Entry) -> bool {
    let Entry { path, format, name, name_line, version, version_line, interfaces, published, dependencies, problem: _ } =
        a;
    (path, format, name, name_line, version, version_line)
        == (&b.path, &b.format, &b.name, &b.name_line, &b.version, &b.version_line)
        && (interfaces, published, dependencies) == (&b.interfaces, &b.published, &b.dependencies)
}

/// The entry of a contract text, published where the lenses say it is: its comment, else the
/// `pacto.publish.repository` settings, else where `pacto pull` extracted it from.
pub fn entry_of(session: &Session, path: &Path, text: &str) -> Entry {
    with_published_elsewhere(session, read_entry(path, text))
}

/// What the index needs to answer about a buffer (who points at it, what version it is), read from its
/// analysis without parsing again: its name, version and publish repository (the lens's rules); no
/// dependencies.
pub fn buffer_entry(session: &Session, path: &Path, analysis: &Analysis) -> Entry {
    let service = analysis.root().and_then(|it| it.get("service"));
    let field = |key: &str| service.and_then(|it| it.get(key)).and_then(|it| it.scalar_text()).unwrap_or_default();
    Entry {
        path: path.to_path_buf(),
        format: String::new(),
        name: field("name").to_owned(),
        name_line: 0,
        version: field("version").to_owned(),
        version_line: 0,
        interfaces: Vec::new(),
        published: crate::lens::repository(session, analysis, Some(path)).map(|it| repository_key(&it)),
        dependencies: Vec::new(),
        problem: None,
    }
}

/// The path as the scanner records it: canonical (the scan canonicalises its root), so that a local ref
/// and an open document name one file alike. A deleted file keeps its canonical directory.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(it) = fs::canonicalize(path) {
        return it;
    }
    match (path.parent().and_then(|it| fs::canonicalize(it).ok()), path.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Starts a scan of the workspace folders in the background (after `initialized`, and again when the
/// settings that place contracts change); lenses are refreshed when it ends.
pub fn start(ctx: &Ctx) {
    let generation = ctx.session.workspace.generation.fetch_add(1, Ordering::SeqCst) + 1;
    if ctx.session.workspace_folders().is_empty() {
        // Nothing to scan (a single file opened): the open documents are the workspace.
        ctx.session.workspace.ready.store(true, Ordering::SeqCst);
        return;
    }
    let ctx = ctx.clone();
    tokio::spawn(async move {
        ctx.say(Learned::Indexing(Indexing::Begin { generation }));
        let session = ctx.session.clone();
        let scanned = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let mut index = Index::new();
            for folder in session.workspace_folders() {
                match scan(&folder) {
                    Ok(found) => {
                        for skipped in found.skipped {
                            tracing::info!("workspace index: skipped {}: {}", skipped.path.display(), skipped.reason);
                        }
                        for entry in found.index.entries() {
                            if let Some(problem) = &entry.problem {
                                tracing::info!("workspace index: {} is read in part: {problem}", entry.path.display());
                            }
                            index.insert(with_published_elsewhere(&session, entry.clone()));
                        }
                    }
                    Err(err) => tracing::warn!("workspace index: {err}"),
                }
            }
            let open: HashSet<PathBuf> =
                session.documents.iter().filter_map(|it| it.path.as_deref().map(canonical)).collect();
            if session.workspace.generation.load(Ordering::SeqCst) == generation {
                let n_contracts = index.len();
                session.workspace.install(index, &open);
                tracing::debug!("workspace index: {n_contracts} contracts in {:?}", started.elapsed());
            }
            session.workspace.read().len()
        })
        .await;
        if let Err(err) = &scanned {
            tracing::error!("the workspace scan failed: {err}");
        }
        ctx.say(Learned::Indexing(Indexing::End { generation, n_contracts: scanned.ok() }));
        ctx.say(Learned::Workspace);
    });
}

/// The scanner knows publish comments only; the settings and pulled origins count too.
fn with_published_elsewhere(session: &Session, mut entry: Entry) -> Entry {
    if entry.published.is_some() {
        return entry;
    }
    let settings = session.settings();
    let published = publish::from_settings(&entry.path, &settings, &session.workspace_folders())
        .or_else(|| session.lens.origin(entry.path.parent()?, &settings));
    entry.published = published.map(|it| repository_key(&it));
    entry
}

/// A document's new version is indexed (its buffer, saved or not); awaited by the pipeline so that
/// the diagnostics published for a version come after the index knows it.
/// `is_current` tells whether the analysis is still of the document's newest version.
pub async fn document_changed(
    ctx: &Ctx,
    path: Option<PathBuf>,
    analysis: &Arc<Analysis>,
    is_current: impl Fn() -> bool + Send + 'static,
) {
    // Without a workspace folder there is no index: an edit costs no second parse.
    if ctx.session.workspace_folders().is_empty() {
        return;
    }
    let Some(path) = path else {
        return;
    };
    let session = ctx.session.clone();
    let analysis = analysis.clone();
    let changed = crate::pool::spawn(move || {
        let entry = entry_of_validation(&canonical(&path), &analysis.text, &analysis.validation);
        // A pipeline overtaken by a newer version's (whose diagnostics a refresh may have published first) would
        // put the older buffer back over the newer one.
        if !is_current() {
            return false;
        }
        session.workspace.update(with_published_elsewhere(&session, entry))
    })
    .await;
    match changed {
        Ok(true) => ctx.say(Learned::Workspace),
        Ok(false) => {}
        Err(err) => tracing::error!("workspace index failed: {err}"),
    }
}

/// A closed document is indexed from disk again: its unsaved edits are gone with it.
pub fn document_closed(ctx: &Ctx, path: PathBuf) {
    files_changed(ctx, vec![(path, FileChange::Changed)]);
}

/// What a watched-file event says of a file; a created file is read as a changed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileChange {
    Changed,
    Deleted,
}

/// `workspace/didChangeWatchedFiles`: the contracts among the changed files are read again.
pub fn files_changed(ctx: &Ctx, changes: Vec<(PathBuf, FileChange)>) {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let session = ctx.session.clone();
        let changed = tokio::task::spawn_blocking(move || {
            let open: HashSet<PathBuf> =
                session.documents.iter().filter_map(|it| it.path.as_deref().map(canonical)).collect();
            let folders = session.workspace_folders();
            let mut changed = false;
            for (path, typ) in changes {
                let path = canonical(&path);
                // An open document's buffer is newer than its file.
                if open.contains(&path) {
                    continue;
                }
                // A document closed outside the folders was indexed while open only.
                if !indexed_place(&path, &folders) {
                    changed |= session.workspace.remove(&path);
                    continue;
                }
                changed |= match typ {
                    FileChange::Deleted => session.workspace.remove(&path),
                    FileChange::Changed => read_again(&session, &path),
                };
            }
            changed
        })
        .await;
        if changed.unwrap_or(false) {
            ctx.say(Learned::Workspace);
        }
    });
}

/// Under a workspace folder and outside the directories the scanner skips.
fn indexed_place(path: &Path, folders: &[PathBuf]) -> bool {
    let Some(relative) = folders.iter().find_map(|it| path.strip_prefix(canonical(it)).ok()) else {
        return false;
    };
    !relative.iter().any(|it| SKIPPED_DIRS.iter().any(|skipped| it == *skipped))
}

/// Reads what is at `path` now: a contract file, a directory that appeared (a checkout), or nothing.
fn read_again(session: &Session, path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return session.workspace.remove(path);
    };
    if meta.is_dir() {
        let Ok(found) = scan(path) else {
            return false;
        };
        let mut changed = false;
        for entry in found.index.entries() {
            changed |= session.workspace.update(with_published_elsewhere(session, entry.clone()));
        }
        return changed;
    }
    let name = path.file_name().and_then(|it| it.to_str()).unwrap_or_default();
    if !(name.ends_with(".yaml") || name.ends_with(".yml")) || meta.len() > MAX_CONTRACT_BYTES as u64 {
        return false;
    }
    match fs::read_to_string(path) {
        Ok(text) if is_bundle_file(path) || looks_like_contract(&text) => {
            session.workspace.update(entry_of(session, path, &text))
        }
        // No longer a contract (or not readable as text): whatever was indexed there goes.
        _ => session.workspace.remove(path),
    }
}

/// How many services of the workspace depend on the buffer's contract; `None` without an index.
pub fn n_dependents(session: &Session, path: &Path, analysis: &Analysis) -> Option<usize> {
    if session.workspace_folders().is_empty() {
        return None;
    }
    let entry = buffer_entry(session, &canonical(path), analysis);
    Some(references::n_services(&references::dependents(&session.workspace.read(), &entry)))
}

/// The "used by N services" lens on `service`, which lists them in the client's reference view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedBy {
    /// The `service` key, where the lens sits.
    pub span: Span,
    /// The service's name (else its key): where the reference view opens.
    pub at: Span,
    pub title: String,
    pub sites: Vec<references::Site>,
}

/// The used-by lens of a contract with a file.
pub fn used_by(session: &Session, path: &Path, analysis: &Analysis) -> Option<UsedBy> {
    // Without a workspace folder the open documents are all the server sees: "used by 0" would mislead.
    if session.workspace_folders().is_empty() {
        return None;
    }
    let path = canonical(path);
    let root = analysis.root()?;
    let service = root.entry("service")?;
    let entry = buffer_entry(session, &path, analysis);
    let sites = references::dependents(&session.workspace.read(), &entry);
    let ready = session.workspace.is_ready();
    let title = references::lens_title(ready.then(|| references::n_services(&sites)));
    let at = service.value.get("name").map_or(service.key.span, |it| it.span);
    Some(UsedBy { span: service.key.span, at, title, sites })
}

/// An impact finding: what this contract and the others of the workspace disagree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub span: Span,
    pub level: Level,
    pub code: &'static str,
    pub message: String,
    /// The other contracts' lines involved, each with what it says there.
    pub related: Vec<(references::Site, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Hint,
    Warning,
}

/// The impact findings of a buffer: a hint on `service.version` naming the dependents it no longer
/// satisfies, and a warning on each dependency no workspace contract it points at satisfies.
pub fn findings(session: &Session, path: &Path, analysis: &Analysis) -> Vec<Finding> {
    // Without a workspace folder nothing is indexed: no other contract to compare with.
    if session.workspace_folders().is_empty() {
        return Vec::new();
    }
    let path = canonical(path);
    let index = session.workspace.read();
    let site = |path: &Path, line: usize| references::Site { path: path.to_path_buf(), line };
    let mut out = Vec::new();
    let version = analysis.root().and_then(|it| it.get("service")).and_then(|it| it.get("version"));
    let entry = buffer_entry(session, &path, analysis);
    if let Some(version) = version {
        let dependents = impact::unsatisfied_dependents(&index, &entry);
        if !dependents.is_empty() {
            let names: Vec<String> =
                dependents.iter().map(|it| format!("{} requires {}", it.name, it.compatibility)).collect();
            let related = dependents.iter().map(|it| {
                (site(&it.path, it.line), format!("{} requires {} {}", it.name, entry.name, it.compatibility))
            });
            out.push(Finding {
                span: version.span,
                level: Level::Hint,
                code: impact::DEPENDENT_NOT_SATISFIED,
                message: format!("{} {} does not satisfy {}", entry.name, entry.version, names.join(", ")),
                related: related.collect(),
            });
        }
    }
    let others = impact::other_publishers(&index, &entry);
    // Only a claim shared with another contract is shown: the text is not searched for the comment on every edit.
    let claim = || {
        impact::publish_comment_span(&analysis.text)
            .or_else(|| analysis.root().and_then(|it| it.entry("service")).map(|it| it.key.span))
    };
    let shared = (!others.is_empty()).then_some(entry.published.as_ref()).flatten();
    if let Some((repository, span)) = shared.and_then(|repository| Some((repository, claim()?))) {
        let related = others.iter().map(|it| {
            let line = index.get(it).map_or(1, |it| it.name_line.max(1));
            (site(it, line), format!("also published to oci://{repository}"))
        });
        let n_claims = others.len() + 1;
        out.push(Finding {
            span,
            level: Level::Warning,
            code: impact::DUPLICATE_PUBLISHER,
            message: format!(
                "oci://{repository} is claimed by {n_claims} contracts of the workspace: dependencies on it point at all of them"
            ),
            related: related.collect(),
        });
    }
    for unmet in impact::unmet_dependencies(&index, analysis, &path) {
        let versions: Vec<String> = unmet.pointees.iter().map(|it| format!("{} is {}", it.name, it.version)).collect();
        let related = unmet.pointees.iter().map(|it| (site(&it.path, it.line), format!("{} {}", it.name, it.version)));
        out.push(Finding {
            span: unmet.span,
            level: Level::Warning,
            code: impact::WORKSPACE_VERSION_NOT_SATISFIED,
            message: format!(
                "no contract of the workspace it points at satisfies {}: {}",
                unmet.compatibility,
                versions.join(", ")
            ),
            related: related.collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests;
