//! The baselines the lenses compare with, and how they arrive: the published version (the highest
//! semver tag of the repository, pulled through the cache and extracted read-only below it) and the
//! file at git HEAD. Fetches run in spawned tasks; the lens reads only what they have stored.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pacto_core::diff::BundleReader;
use pacto_oci::extracted::extracted_bundle;
use pacto_oci::{Bundle, Cache, Digest, Entry, RegistryError};

use super::compute::{Against, Comparison, Side};
use super::head;
use crate::analysis::Analysis;
use crate::learned::{Ctx, Learned};
use crate::settings::Settings;

/// After registry trouble, the next edit tries again once this much time has passed.
pub const RETRY_AFTER: Duration = Duration::from_secs(30);
/// A published version is looked for again at most this often while typing, even with a tag time to
/// live of zero: one tag listing per keystroke would flood the registry.
pub const MIN_RECHECK: Duration = Duration::from_secs(5);

/// What is known of a repository's published version.
#[derive(Clone)]
pub enum Published {
    Ready(Arc<Side>),
    /// Registry trouble, said in the lens; never a popup.
    Unavailable(String),
}

struct PublishedEntry {
    status: Published,
    /// The digest behind `Ready`: a new resolution to the same digest keeps the parsed side.
    digest: Option<Digest>,
    checked: Instant,
}

/// The file at HEAD, per path: `None` outside git, for an untracked file, or without a `git` executable.
pub(super) struct HeadEntry {
    pub commit: Option<String>,
    pub side: Option<Arc<Side>>,
    pub checked: Instant,
}

/// The last comparison of a document, reused while neither its version nor its baseline changes
/// (the diagnostics, the lens and the code actions of one version ask for the same one).
struct Memo {
    version: i32,
    /// The analysis the comparison was made from ([`Analysis::id`]): a referenced file that changed on disk gives a
    /// new analysis of the same version.
    analysis: u64,
    side: Arc<Side>,
    comparison: Arc<Comparison>,
}

#[derive(Default)]
pub struct State {
    published: Mutex<HashMap<String, PublishedEntry>>,
    in_flight: Mutex<HashSet<String>>,
    pub(super) heads: Mutex<HashMap<PathBuf, HeadEntry>>,
    pub(super) heads_in_flight: Mutex<HashSet<PathBuf>>,
    /// Keyed by the document's URI, as text.
    memo: Mutex<HashMap<(String, Against), Memo>>,
    /// Where `pacto pull` extracted each directory from, as last read from the cache.
    origins: Mutex<HashMap<PathBuf, (Option<String>, Instant)>>,
    /// Bumped when the settings change: a fetch started before does not store its answer.
    pub(super) generation: AtomicU64,
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|it| it.into_inner())
}

impl State {
    /// `None` while the first resolution of `repository` is under way.
    pub fn published(&self, repository: &str) -> Option<Published> {
        lock(&self.published).get(repository).map(|it| it.status.clone())
    }

    pub fn head(&self, path: &Path) -> Option<Arc<Side>> {
        lock(&self.heads).get(path).and_then(|it| it.side.clone())
    }

    /// Whether the file at HEAD was read (successfully or not) since the document was opened.
    pub fn head_checked(&self, path: &Path) -> bool {
        lock(&self.heads).contains_key(path)
    }

    /// The repository `dir` was pulled from. Asked on every edit, so the cache's record is read again
    /// only after [`MIN_RECHECK`]: a pull into an open folder still shows within seconds.
    pub fn origin(&self, dir: &Path, settings: &Settings) -> Option<String> {
        if let Some((origin, read)) = lock(&self.origins).get(dir) {
            if read.elapsed() < MIN_RECHECK {
                return origin.clone();
            }
        }
        let origin = settings.cache().and_then(|cache| pacto_oci::origin::lookup(&cache, dir));
        lock(&self.origins).insert(dir.to_path_buf(), (origin.clone(), Instant::now()));
        origin
    }

    /// Forgets every baseline: the settings that chose them changed.
    pub fn reset(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        lock(&self.published).clear();
        lock(&self.in_flight).clear();
        lock(&self.memo).clear();
        lock(&self.origins).clear();
    }

    /// The comparison of `version` against `side`, computed once.
    pub fn comparison(
        &self,
        key: (String, Against),
        analysis: &Analysis,
        side: &Arc<Side>,
        compute: impl FnOnce() -> Comparison,
    ) -> Arc<Comparison> {
        let (version, identity) = (analysis.version, analysis.id);
        if let Some(memo) = lock(&self.memo).get(&key) {
            if memo.version == version && memo.analysis == identity && Arc::ptr_eq(&memo.side, side) {
                return memo.comparison.clone();
            }
        }
        let comparison = Arc::new(compute());
        let memo = Memo { version, analysis: identity, side: side.clone(), comparison: comparison.clone() };
        lock(&self.memo).insert(key, memo);
        comparison
    }

    /// The last comparison of `key` against `side`, whatever version of the document it was for.
    pub fn last_comparison(&self, key: &(String, Against), side: &Arc<Side>) -> Option<Arc<Comparison>> {
        lock(&self.memo).get(key).filter(|it| Arc::ptr_eq(&it.side, side)).map(|it| it.comparison.clone())
    }

    /// Drops what is kept for documents that are no longer open.
    pub fn retain_open(&self, is_open: impl Fn(&str) -> bool, open_paths: &[PathBuf]) {
        lock(&self.memo).retain(|(uri, _), _| is_open(uri));
        lock(&self.heads).retain(|path, _| open_paths.contains(path));
        lock(&self.origins).retain(|dir, _| open_paths.iter().any(|it| it.parent() == Some(dir.as_path())));
    }
}

/// Starts resolving `repository` unless that is under way or its answer is recent: a published
/// version is looked at again after the tag time to live, registry trouble after [`RETRY_AFTER`].
pub fn ensure_published(ctx: &Ctx, repository: &str) {
    let state = &ctx.session.lens;
    let settings = ctx.session.settings();
    let tag_ttl = settings.tag_ttl.unwrap_or(pacto_oci::cache::TAG_TTL).max(MIN_RECHECK);
    if let Some(entry) = lock(&state.published).get(repository) {
        let fresh_for = if entry.digest.is_some() { tag_ttl } else { RETRY_AFTER };
        if entry.checked.elapsed() < fresh_for {
            return;
        }
    }
    if !lock(&state.in_flight).insert(repository.to_owned()) {
        return;
    }
    let generation = state.generation.load(Ordering::SeqCst);
    let ctx = ctx.clone();
    let repository = repository.to_owned();
    tokio::spawn(async move {
        let state = &ctx.session.lens;
        let known = lock(&state.published).get(&repository).and_then(|it| it.digest.clone().zip(ready(&it.status)));
        let outcome = fetch_published(&ctx, &repository, known).await;
        if state.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        lock(&state.in_flight).remove(&repository);
        let mut published = lock(&state.published);
        let (status, digest) = match (outcome, published.get_mut(&repository)) {
            (Ok(Fetched::Same), Some(entry)) => {
                entry.checked = Instant::now();
                return;
            }
            // Trouble after a success: the version already shown stands until the registry answers again.
            (Err(cause), Some(entry)) if entry.digest.is_some() => {
                tracing::info!("published version of {repository} not refreshed: {cause}");
                entry.checked = Instant::now();
                return;
            }
            (Ok(Fetched::New(digest, side)), _) => (Published::Ready(side), Some(digest)),
            (Ok(Fetched::Same), None) => return,
            (Err(cause), _) => (Published::Unavailable(cause), None),
        };
        published.insert(repository, PublishedEntry { status, digest, checked: Instant::now() });
        drop(published);
        ctx.say(Learned::Baseline);
    });
}

fn ready(status: &Published) -> Option<Arc<Side>> {
    match status {
        Published::Ready(side) => Some(side.clone()),
        Published::Unavailable(_) => None,
    }
}

enum Fetched {
    /// The tag still names the digest already parsed.
    Same,
    New(Digest, Arc<Side>),
}

/// Registry errors are worded for the lens: lowercase, the cause as the registry client gives it.
async fn fetch_published(ctx: &Ctx, repository: &str, known: Option<(Digest, Arc<Side>)>) -> Result<Fetched, String> {
    let settings = ctx.session.settings();
    let target = repository.strip_prefix("oci://").ok_or_else(|| format!("{repository} is not an oci:// reference"))?;
    let resolver = ctx
        .session
        .deps
        .shared_resolver(&settings)
        .ok_or_else(|| "the registry settings are not usable (see the server's log)".to_owned())?;
    // The highest semver tag, pre-releases competing (spec §4.3), through the cache; offline, from it only.
    let fetched = resolver.pull_oci(target, "").await.map_err(|it| match &it.cause {
        Some(cause) => lens_cause(cause),
        None => it.failure.to_string(),
    })?;
    let cache = resolver.cache().cloned();
    if known.as_ref().is_some_and(|(digest, _)| *digest == fetched.digest) {
        return Ok(Fetched::Same);
    }
    let label = fetched.tag.clone().unwrap_or_else(|| fetched.digest.to_string());
    let digest = fetched.digest.clone();
    let side = crate::pool::spawn(move || published_side(label, &fetched.digest, fetched.bundle, cache.as_ref()))
        .await
        .map_err(|err| {
            tracing::error!("published baseline failed: {err}");
            "the published bundle could not be read".to_owned()
        })??;
    Ok(Fetched::New(digest, Arc::new(side)))
}

/// A lens title is one line: an unreachable registry is said with the innermost cause only (the
/// transport's chain of wrappers goes to the log).
fn lens_cause(err: &RegistryError) -> String {
    tracing::info!("published version: {err}");
    match err {
        RegistryError::Unreachable { reference, cause } => {
            format!("registry unreachable for {reference}: {}", cause.rsplit(": ").next().unwrap_or(cause))
        }
        other => other.to_string(),
    }
}

fn published_side(label: String, digest: &Digest, bundle: Arc<Bundle>, cache: Option<&Cache>) -> Result<Side, String> {
    let bytes = bundle.contract().ok_or("the published bundle has no pacto.yaml")?;
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| "the published pacto.yaml is not UTF-8".to_owned())?;
    // Without a disk cache there is nowhere to extract to: the diagnostics then point nowhere.
    let dir = cache.and_then(|cache| match extracted_bundle(cache, digest, &bundle) {
        Ok(dir) => Some(dir),
        Err(err) => {
            tracing::warn!("extracting the published bundle {digest}: {err}");
            None
        }
    });
    Ok(Side::new(label, text, Box::new(BundleFiles(bundle)), dir))
}

/// A pulled bundle's files, read from memory.
struct BundleFiles(Arc<Bundle>);

impl BundleReader for BundleFiles {
    fn read(&self, path: &str) -> Option<String> {
        String::from_utf8(self.0.file(path)?.to_vec()).ok()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{dir}/");
        let files = self.0.entries().filter(|(_, entry)| matches!(entry, Entry::File { .. }));
        let mut names: Vec<String> = files
            .filter_map(|(path, _)| path.strip_prefix(&prefix))
            .filter(|it| !it.contains('/'))
            .map(str::to_owned)
            .collect();
        names.sort();
        names
    }
}

/// Starts reading the file at HEAD unless that was done within [`head::RECHECK_AFTER`].
pub fn ensure_head(ctx: &Ctx, path: &Path) {
    let state = &ctx.session.lens;
    if lock(&state.heads).get(path).is_some_and(|it| it.checked.elapsed() < head::RECHECK_AFTER) {
        return;
    }
    if !lock(&state.heads_in_flight).insert(path.to_path_buf()) {
        return;
    }
    let ctx = ctx.clone();
    let path = path.to_path_buf();
    tokio::spawn(async move {
        let state = &ctx.session.lens;
        let known = lock(&state.heads).get(&path).and_then(|it| it.commit.clone());
        let outcome = head::read_head(&path, known.as_deref()).await;
        lock(&state.heads_in_flight).remove(&path);
        let changed = {
            let mut heads = lock(&state.heads);
            let entry = heads.entry(path).or_insert(HeadEntry { commit: None, side: None, checked: Instant::now() });
            entry.checked = Instant::now();
            match outcome {
                head::Head::Same => false,
                head::Head::None => {
                    let had = entry.side.is_some();
                    (entry.commit, entry.side) = (None, None);
                    had
                }
                head::Head::At(commit, side) => {
                    (entry.commit, entry.side) = (Some(commit), Some(side));
                    true
                }
            }
        };
        if changed {
            ctx.say(Learned::Baseline);
        }
    });
}
