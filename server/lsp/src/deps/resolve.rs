//! What is known of each `oci://` dependency: resolutions run in the background, one per (ref,
//! compatibility), kept until their time to live runs out; when a batch lands it says so (`Learned::Registry`).
//! Requests read this state and never wait for it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::contract::{Dependency, from_tree, text};
use pacto_oci::resolver::{Failure, Resolved, Resolver, ResolverOptions, TagList};
use pacto_oci::{Client, Limits, Reference};
use tokio::sync::Semaphore;

use crate::analysis::Analysis;
use crate::learned::{Ctx, Learned, Progress};
use crate::settings::Settings;

/// A dependency as written: its `ref` (with `oci://`) and its `compatibility` (empty when absent).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub reference: String,
    pub compatibility: String,
}

/// One resolution's result and when it landed.
pub struct Outcome {
    pub result: Result<Found, Failure>,
    pub at: Instant,
}

pub struct Found {
    pub resolved: Resolved,
    /// `None` when the bundle's `pacto.yaml` is not UTF-8.
    pub summary: Option<Summary>,
}

/// What hover shows of a dependency's own contract.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub name: String,
    pub version: String,
    pub owner: String,
    /// Name, type and port of each interface.
    pub interfaces: Vec<(String, String, Option<i64>)>,
    pub workload: String,
    pub state: String,
    pub n_dependencies: usize,
}

/// Resolutions running at once, whatever their registries (the resolver caps each registry on its own). Each may hold
/// one of the runtime's few blocking threads for a host-name lookup, as long as an unanswering resolver takes; the
/// rest wait here, where a resolution nothing references any more is dropped before it starts.
pub const MAX_RESOLUTIONS_AT_ONCE: usize = 4;

/// Registry knowledge shared by every open document.
pub struct State {
    inner: Mutex<Inner>,
    resolutions: Arc<Semaphore>,
}

impl Default for State {
    fn default() -> State {
        State { inner: Mutex::default(), resolutions: Arc::new(Semaphore::new(MAX_RESOLUTIONS_AT_ONCE)) }
    }
}

#[derive(Default)]
struct Inner {
    /// Built from the settings on first use; dropped when they change.
    resolver: Option<Arc<Resolver>>,
    /// Bumped on every settings change: results of an older configuration are dropped.
    generation: u64,
    outcomes: HashMap<Key, Arc<Outcome>>,
    in_flight: HashSet<Key>,
    /// Repositories whose tags are being listed for completion.
    listing: HashSet<String>,
    n_progress: u64,
    /// `oci://` repositories referenced by contracts in the workspace folders; `None` until scanned.
    workspace: Option<BTreeSet<String>>,
    /// The dependencies of each document's last analysed version: a queued resolution none of the open ones
    /// references any more (a ref being typed) is not started.
    referenced: HashMap<String, HashSet<Key>>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// The last result for this dependency, whatever its age.
    pub fn outcome(&self, key: &Key) -> Option<Arc<Outcome>> {
        self.lock().outcomes.get(key).cloned()
    }

    /// The tags last listed for `registry/repository`; never the network.
    pub fn known_tags(&self, repository_path: &str) -> Option<TagList> {
        self.lock().resolver.as_ref()?.known_tags(repository_path)
    }

    /// The digest a tagged reference pointed at when last seen: from a resolution, else from the disk cache.
    pub fn known_digest(&self, reference: &Reference) -> Option<pacto_oci::Digest> {
        let inner = self.lock();
        let found = inner.outcomes.values().filter_map(|it| it.result.as_ref().ok()).find(|it| {
            let resolved = &it.resolved.reference;
            resolved.repository_path() == reference.repository_path() && resolved.tag == reference.tag
        });
        if let Some(found) = found {
            return Some(found.resolved.digest.clone());
        }
        inner.resolver.as_ref()?.cached_digest(reference)
    }

    /// The last request made to `registry`, and whether it reached it.
    pub fn last_contact(&self, registry: &str) -> Option<pacto_oci::resolver::Contact> {
        self.lock().resolver.as_ref()?.last_contact(registry)
    }

    /// Repositories referenced by the workspace's contracts, once scanned.
    pub fn workspace_repositories(&self) -> BTreeSet<String> {
        self.lock().workspace.clone().unwrap_or_default()
    }

    /// The cache bundles are extracted below for definition: the disk cache, else one in the temp directory
    /// (editors need real files even when caching is off).
    pub fn extraction_cache(&self) -> pacto_oci::Cache {
        let inner = self.lock();
        match inner.resolver.as_ref().and_then(|it| it.cache()) {
            Some(cache) => cache.clone(),
            None => pacto_oci::Cache::new(std::env::temp_dir().join("pacto")),
        }
    }

    /// The resolver of the current settings, shared with the lens baselines so that both see one tag list
    /// per repository (and the stored lists when offline).
    pub fn shared_resolver(&self, settings: &Settings) -> Option<Arc<Resolver>> {
        self.resolver(settings).map(|(resolver, _)| resolver)
    }

    fn resolver(&self, settings: &Settings) -> Option<(Arc<Resolver>, u64)> {
        let mut inner = self.lock();
        if inner.resolver.is_none() {
            inner.resolver = build_resolver(settings);
        }
        Some((inner.resolver.clone()?, inner.generation))
    }

    /// Forgets everything that depends on the settings.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.resolver = None;
        inner.generation += 1;
        inner.outcomes.clear();
        inner.in_flight.clear();
        inner.listing.clear();
    }

    /// The keys that need resolving (unknown, or older than `ttl`, and not under way), now marked under way.
    fn claim(&self, keys: Vec<Key>, ttl: Duration) -> Vec<Key> {
        let mut inner = self.lock();
        let mut claimed = Vec::new();
        for key in keys {
            let fresh = inner.outcomes.get(&key).is_some_and(|it| it.at.elapsed() <= ttl);
            if !fresh && inner.in_flight.insert(key.clone()) {
                claimed.push(key);
            }
        }
        claimed
    }

    /// Gives the claim on `key` up, without a result, when no open document's last analysed version references it;
    /// the next version that does claims it again. Checked and released under one lock, so a version that starts
    /// referencing the key meanwhile either finds it still claimed (and this resolution goes on) or claims it anew.
    fn release_unreferenced(&self, generation: u64, key: &Key, is_open: impl Fn(&str) -> bool) -> bool {
        let mut inner = self.lock();
        if inner.referenced.iter().any(|(uri, keys)| keys.contains(key) && is_open(uri)) {
            return false;
        }
        if inner.generation == generation {
            inner.in_flight.remove(key);
        }
        true
    }

    fn store(&self, generation: u64, key: Key, outcome: Outcome) {
        let mut inner = self.lock();
        if inner.generation == generation {
            inner.in_flight.remove(&key);
            inner.outcomes.insert(key, Arc::new(outcome));
        }
    }
}

#[cfg(test)]
impl State {
    /// What the background resolutions would have left behind, for fixtures (`fixture::RegistryView`): the
    /// resolver carries the tag lists it was given, `outcomes` the resolutions; nothing reaches a registry.
    pub fn with_knowledge(resolver: Option<Arc<Resolver>>, outcomes: Vec<(Key, Outcome)>) -> State {
        let state = State::default();
        {
            let mut inner = state.lock();
            inner.resolver = resolver;
            inner.outcomes = outcomes.into_iter().map(|(key, outcome)| (key, Arc::new(outcome))).collect();
        }
        state
    }
}

fn build_resolver(settings: &Settings) -> Option<Arc<Resolver>> {
    let options = match settings.client_options() {
        Ok(options) => options,
        Err(err) => {
            tracing::warn!("registry settings: {err}");
            return None;
        }
    };
    let offline = settings.offline || settings.env.offline();
    let tag_ttl = settings.tag_ttl.unwrap_or(pacto_oci::cache::TAG_TTL);
    let resolver_options = ResolverOptions { offline, tag_ttl, trust_stored_tags: true, limits: Limits::DEFAULT };
    let client = Client::new(options).with_env(settings.env.clone());
    Some(Arc::new(Resolver::new(client, settings.cache(), resolver_options)))
}

/// The `oci://` dependencies of a contract text.
pub fn dependency_keys(dependencies: &[Dependency]) -> Vec<Key> {
    let mut keys: Vec<Key> = dependencies
        .iter()
        .filter(|it| matches!(classify(text(&it.reference)), DependencyRef::Oci(_)))
        .map(|it| Key { reference: text(&it.reference).to_owned(), compatibility: text(&it.compatibility).to_owned() })
        .collect();
    keys.dedup();
    keys
}

/// The `oci://` dependencies of a contract file of either format (pacto-v2.md §2.2).
fn file_dependency_keys(source: &str) -> Vec<Key> {
    let parse = pacto_core::syntax::parse(source);
    if pacto_core::v2::format_version(parse.root.as_ref()) != Some("2.0") {
        return dependency_keys(from_tree(parse.root.as_ref()).contract.dependencies.as_deref().unwrap_or_default());
    }
    let contract = pacto_core::v2::from_tree(parse.root.as_ref()).contract;
    let dependencies: Vec<Dependency> = contract
        .dependencies
        .into_iter()
        .map(|it| Dependency { reference: it.reference, compatibility: it.compatibility, ..Dependency::default() })
        .collect();
    dependency_keys(&dependencies)
}

/// Starts resolving the dependencies of an analysed version (never awaited by the caller).
/// `document` is the document's URI, as text.
pub fn document_changed(ctx: &Ctx, document: &str, analysis: &Analysis) {
    scan_workspace(ctx);
    let keys = dependency_keys(&analysis.dependencies());
    ctx.session.deps.lock().referenced.insert(document.to_owned(), keys.iter().cloned().collect());
    if keys.is_empty() {
        return;
    }
    let ctx = ctx.clone();
    tokio::spawn(async move { resolve_keys(&ctx, keys, Requested::ByDocument).await });
}

/// Who asked for a resolution: a document's dependencies, or completion at a ref being typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Requested {
    ByDocument,
    ByCompletion,
}

/// Resolves the keys that need it, [`MAX_RESOLUTIONS_AT_ONCE`] at a time, saying how far it has come, then that the
/// registry answered, once. Nothing here is awaited by a publish.
async fn resolve_keys(ctx: &Ctx, keys: Vec<Key>, requested: Requested) {
    let settings = ctx.session.settings();
    let state = &ctx.session.deps;
    let Some((resolver, generation)) = state.resolver(&settings) else {
        return;
    };
    let claimed = state.claim(keys, resolver.options().tag_ttl);
    if claimed.is_empty() {
        return;
    }
    let n_total = claimed.len();
    let mut tasks = tokio::task::JoinSet::new();
    let mut keys_of_tasks = HashMap::new();
    let start = |tasks: &mut tokio::task::JoinSet<_>, keys_of_tasks: &mut HashMap<_, _>, key: Key| {
        let resolver = resolver.clone();
        let task_key = key.clone();
        let (permits, task_ctx) = (state.resolutions.clone(), ctx.clone());
        let handle = tasks.spawn(async move {
            // The semaphore is never closed; were it, the resolution would simply run uncapped.
            let _permit = permits.acquire_owned().await.ok();
            let session = &task_ctx.session;
            let is_open = |document: &str| session.documents.iter().any(|it| it.key().as_str() == document);
            if requested == Requested::ByDocument && session.deps.release_unreferenced(generation, &task_key, is_open) {
                return None;
            }
            Some(resolve_one(&resolver, &task_key).await)
        });
        keys_of_tasks.insert(handle.id(), key);
    };
    // A resolution's task is ~14 KB before it runs: the rest of a contract's hundreds of keys wait as keys, and
    // each one that ends starts the next (250 keys spawned at once held 3.5 MB at open).
    let mut waiting = claimed.into_iter();
    for key in waiting.by_ref().take(MAX_RESOLUTIONS_AT_ONCE) {
        start(&mut tasks, &mut keys_of_tasks, key);
    }
    let batch = {
        let mut inner = state.lock();
        inner.n_progress += 1;
        inner.n_progress
    };
    ctx.say(Learned::Progress(Progress::Begin { id: batch, n_total }));
    let mut n_done = 0;
    while let Some(joined) = tasks.join_next_with_id().await {
        if let Some(key) = waiting.next() {
            start(&mut tasks, &mut keys_of_tasks, key);
        }
        let (id, result) = match joined {
            Ok((id, Some(result))) => (id, result),
            Ok((id, None)) => {
                keys_of_tasks.remove(&id);
                n_done += 1;
                continue;
            }
            Err(err) => {
                // A resolution that panicked is a failure like any other, not a key left "under way".
                tracing::error!("resolving a dependency failed: {err}");
                let reason = "internal error while resolving".to_owned();
                (err.id(), Err(Failure::Invalid { reference: String::new(), reason }))
            }
        };
        let Some(key) = keys_of_tasks.remove(&id) else {
            continue;
        };
        state.store(generation, key, Outcome { result, at: Instant::now() });
        n_done += 1;
        ctx.say(Learned::Progress(Progress::Report { id: batch, n_done, n_total }));
    }
    ctx.say(Learned::Progress(Progress::End { id: batch }));
    ctx.say(Learned::Registry);
}

async fn resolve_one(resolver: &Resolver, key: &Key) -> Result<Found, Failure> {
    let location = key.reference.strip_prefix("oci://").unwrap_or(&key.reference);
    let resolved = resolver.resolve_oci(location, &key.compatibility).await?;
    let bundle = resolved.bundle.clone();
    let summary = tokio::task::spawn_blocking(move || summary(bundle.contract()?)).await.ok().flatten();
    if resolved.bundle.contract().is_none() {
        return Err(Failure::NoContract { reference: resolved.reference.to_string() });
    }
    Ok(Found { resolved, summary })
}

/// The summary hover shows of a contract file's bytes; `None` when they are not UTF-8.
pub fn summary(bytes: &[u8]) -> Option<Summary> {
    let source = std::str::from_utf8(bytes).ok()?;
    let parse = pacto_core::syntax::parse(source);
    if pacto_core::v2::format_version(parse.root.as_ref()) == Some("2.0") {
        return Some(summary_v2(&pacto_core::v2::from_tree(parse.root.as_ref()).contract));
    }
    let contract = from_tree(parse.root.as_ref()).contract;
    let runtime = contract.runtime.as_ref();
    Some(Summary {
        name: pacto_core::contract::text(&contract.service.name).to_owned(),
        version: pacto_core::contract::text(&contract.service.version).to_owned(),
        owner: pacto_core::contract::text(&contract.service.owner).to_owned(),
        interfaces: contract
            .interfaces
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|it| (text(&it.name).to_owned(), text(&it.kind).to_owned(), it.port.as_ref().map(|it| it.value)))
            .collect(),
        workload: runtime.map(|it| text(&it.workload).to_owned()).unwrap_or_default(),
        state: runtime.map(|it| text(&it.state.kind).to_owned()).unwrap_or_default(),
        n_dependencies: contract.dependencies.as_ref().map_or(0, Vec::len),
    })
}

/// A 2.0 contract has no ports, a structured owner (its team, else its DRI) and top-level
/// `workload` and `state` (pacto-v2.md §0).
fn summary_v2(contract: &pacto_core::v2::Contract) -> Summary {
    let owner = contract.service.owner.as_ref().map(|it| if text(&it.team).is_empty() { &it.dri } else { &it.team });
    Summary {
        name: text(&contract.service.name).to_owned(),
        version: text(&contract.service.version).to_owned(),
        owner: owner.map(|it| text(it).to_owned()).unwrap_or_default(),
        interfaces: contract
            .interfaces
            .iter()
            .map(|it| (text(&it.name).to_owned(), text(&it.kind).to_owned(), None))
            .collect(),
        workload: text(&contract.workload).to_owned(),
        state: contract.state.as_ref().map(|it| text(&it.kind).to_owned()).unwrap_or_default(),
        n_dependencies: contract.dependencies.len(),
    }
}

/// Lists a repository's tags in the background (completion asked for a repository nothing resolved yet).
pub fn request_tags(ctx: &Ctx, reference: Reference) {
    let settings = ctx.session.settings();
    let state = &ctx.session.deps;
    let Some((resolver, _)) = state.resolver(&settings) else {
        return;
    };
    if !state.lock().listing.insert(reference.repository_path()) {
        return;
    }
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let _ = resolver.tags(&reference).await;
        ctx.session.deps.lock().listing.remove(&reference.repository_path());
    });
}

/// Resolves one dependency in the background (completion asked for its digest).
pub fn request_resolution(ctx: &Ctx, key: Key) {
    let ctx = ctx.clone();
    tokio::spawn(async move { resolve_keys(&ctx, vec![key], Requested::ByCompletion).await });
}

/// Contract files read at most by the workspace scan, and how deep it goes: a monorepo's contracts are
/// found, a home directory opened as a workspace is not walked whole.
const MAX_SCANNED_ENTRIES: usize = 5_000;
const MAX_SCAN_DEPTH: usize = 6;

/// Collects the `oci://` repositories of the workspace's contracts once, for repository completion.
fn scan_workspace(ctx: &Ctx) {
    {
        let mut inner = ctx.session.deps.lock();
        if inner.workspace.is_some() {
            return;
        }
        inner.workspace = Some(BTreeSet::new());
    }
    let folders = ctx.session.workspace_folders();
    let session = ctx.session.clone();
    tokio::task::spawn_blocking(move || {
        let mut files = Vec::new();
        let mut n_entries = 0;
        for folder in &folders {
            find_contracts(folder, 0, &mut n_entries, &mut files);
        }
        let mut found = BTreeSet::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for key in file_dependency_keys(&text) {
                if let Some(reference) = super::reference_of(&key.reference) {
                    found.insert(format!("oci://{}", reference.repository_path()));
                }
            }
        }
        session.deps.lock().workspace = Some(found);
    });
}

fn find_contracts(dir: &Path, depth: usize, n_entries: &mut usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        *n_entries += 1;
        if *n_entries > MAX_SCANNED_ENTRIES {
            return;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir()
            && depth < MAX_SCAN_DEPTH
            && !name.starts_with('.')
            && name != "node_modules"
            && name != "target"
        {
            find_contracts(&entry.path(), depth + 1, n_entries, out);
        } else if kind.is_file() && (name == "pacto.yaml" || name == "pacto.yml") {
            out.push(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_scan_stops_at_its_depth_limit() {
        let root = std::env::temp_dir().join(format!("pacto-scan-test-{}", std::process::id()));
        let mut at_limit = root.clone();
        for idx in 0..MAX_SCAN_DEPTH {
            at_limit = at_limit.join(format!("d{idx}"));
        }
        let over_limit = at_limit.join("deeper");
        std::fs::create_dir_all(&over_limit).unwrap();
        std::fs::write(at_limit.join("pacto.yaml"), "").unwrap();
        std::fs::write(over_limit.join("pacto.yaml"), "").unwrap();
        let mut found = Vec::new();
        find_contracts(&root, 0, &mut 0, &mut found);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, [at_limit.join("pacto.yaml")]);
    }
}
