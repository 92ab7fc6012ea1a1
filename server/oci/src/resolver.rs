//! Dependency refs resolved against their registries (spec §4.1, §4.3), for the language server and the
//! CLI alike: the chosen tag, its manifest digest and its bundle, or the precise reason why not.
//! Requests are shared and bounded: concurrent lookups of one repository (or one reference) make one
//! request, each registry serves at most [`MAX_REQUESTS_PER_REGISTRY`] at a time, tag lists live in memory
//! for the cache's time to live, and offline nothing but the cache answers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::semver::{Constraint, best_tag};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

use crate::bundle::Bundle;
use crate::cache::{Cache, Network};
use crate::client::Client;
use crate::digest::Digest;
use crate::error::RegistryError;
use crate::fetch::{self, Fetched, Source};
use crate::limits::Limits;
use crate::reference::Reference;

/// Requests one registry serves at once from one resolver: opening a contract with fifty dependencies
/// must not open fifty connections to one host (registries rate-limit bursts), yet a few in parallel
/// keep the total near one round trip per request.
pub const MAX_REQUESTS_PER_REGISTRY: usize = 6;

/// How a [`Resolver`] uses the network and the cache.
#[derive(Clone, Debug)]
pub struct ResolverOptions {
    /// Cache only: no request is ever made.
    pub offline: bool,
    /// How long a listed repository's tags are trusted in memory.
    pub tag_ttl: Duration,
    /// Whether tags listed by an earlier process (stored in the cache) are trusted within `tag_ttl`. The
    /// editor does, to open a contract without waiting; a command lists afresh, as the reference does
    /// (a tag pushed a moment ago must count), and falls back to the stored list only when offline or
    /// when the registry cannot be reached.
    pub trust_stored_tags: bool,
    pub limits: Limits,
}

/// A repository's tags as last listed.
#[derive(Clone, Debug)]
pub struct TagList {
    pub tags: Arc<Vec<String>>,
    /// Time since the registry answered.
    pub age: Duration,
    /// The registry could not be reached; this is the last list it gave.
    pub stale: bool,
    /// Why the registry could not be reached, when `stale`.
    pub cause: Option<String>,
}

/// A dependency ref as resolved: a local bundle's contract file, or an OCI artifact.
#[derive(Clone, Debug)]
pub enum Resolution {
    Local { contract: PathBuf },
    Oci(Box<Resolved>),
}

/// An `oci://` dependency resolved to an artifact.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The reference fetched: as written, with the chosen tag when it had none.
    pub reference: Reference,
    /// The tag chosen or written; `None` for a reference by digest alone.
    pub tag: Option<String>,
    pub digest: Digest,
    pub bundle: Arc<Bundle>,
    pub source: Source,
    /// How old the cached tag → digest mapping that answered is (`None` when the registry answered or
    /// the reference names its digest).
    pub age: Option<Duration>,
    /// The repository's tags, when they could be listed.
    pub tags: Option<TagList>,
}

/// Why a dependency ref could not be resolved. Cloneable: one failure answers every caller that shared
/// the request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("invalid reference {reference:?}: {reason}")]
    InvalidReference { reference: String, reason: String },
    #[error("invalid compatibility {constraint:?}: {reason}")]
    InvalidConstraint { constraint: String, reason: String },
    #[error("repository not found: {repository}")]
    RepositoryNotFound { repository: String },
    #[error("tag not found: {reference}")]
    TagNotFound { reference: String },
    #[error("no published version of {repository} satisfies {constraint:?}")]
    NoVersionSatisfies { repository: String, constraint: String },
    #[error("no semver tags found for {repository}")]
    NoSemverTags { repository: String },
    #[error("{registry} {cause}")]
    Unauthorized { registry: String, cause: String },
    #[error("registry {registry} unreachable: {cause}")]
    Unreachable { registry: String, cause: String },
    #[error("not in the cache (offline): {reference}")]
    Offline { reference: String },
    #[error("{reason}")]
    Invalid { reference: String, reason: String },
    #[error("no pacto.yaml in {reference}")]
    NoContract { reference: String },
    #[error("no pacto.yaml at {}", .path.display())]
    LocalNotFound { path: PathBuf },
}

impl Failure {
    /// Whether the registry was never heard from: a cached answer may stand in.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Failure::Unreachable { .. })
    }

    /// `not_found` words a 404 for what was asked (a repository's tags or one artifact).
    fn from_registry(err: RegistryError, reference: &Reference, not_found: fn(&Reference) -> Failure) -> Unresolved {
        let registry = reference.registry.clone();
        let failure = match &err {
            RegistryError::NotFound { .. } => not_found(reference),
            RegistryError::Unauthorized { registry, cause, .. } => {
                Failure::Unauthorized { registry: registry.clone(), cause: cause.clone() }
            }
            RegistryError::Unreachable { cause, .. } => Failure::Unreachable { registry, cause: cause.clone() },
            RegistryError::Timeout { .. } => Failure::Unreachable { registry, cause: timeout_cause(&err) },
            RegistryError::InvalidReference { reference, reason } => {
                Failure::InvalidReference { reference: reference.clone(), reason: reason.clone() }
            }
            other => Failure::Invalid { reference: reference.to_string(), reason: other.to_string() },
        };
        Unresolved { failure, cause: Some(Arc::new(err)) }
    }
}

/// A [`Failure`] with the registry's error that caused it, when one did: the CLI words an unresolved
/// dependency as the reference does (spec §4.4, §5.5), from that error.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub failure: Failure,
    pub cause: Option<Arc<RegistryError>>,
}

impl From<Failure> for Unresolved {
    fn from(failure: Failure) -> Unresolved {
        Unresolved { failure, cause: None }
    }
}

/// "no answer within N s", the timeout's own words without the reference already named by the caller.
fn timeout_cause(err: &RegistryError) -> String {
    match err {
        RegistryError::Timeout { timeout, .. } => format!("no answer within {} s", timeout.as_secs_f32()),
        other => other.to_string(),
    }
}

type Shared<T> = Arc<OnceCell<Result<T, Unresolved>>>;
/// A value and when it was obtained.
type Dated<T> = (T, Instant);

/// Resolves dependency refs; cheap to share behind an `Arc`, one per configuration.
pub struct Resolver {
    client: Client,
    cache: Option<Cache>,
    options: ResolverOptions,
    known_tags: Mutex<HashMap<String, Dated<Arc<Vec<String>>>>>,
    tag_requests: Mutex<HashMap<String, Shared<Arc<Vec<String>>>>>,
    fetches: Mutex<HashMap<String, Shared<Arc<Fetched>>>>,
    /// Artifacts fetched, by reference: a second dependency on one tag within the time to live shares
    /// the first one's answer (and its source) rather than reading it back from the disk cache.
    fetched: Mutex<HashMap<String, Dated<Arc<Fetched>>>>,
    permits: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// What the last request to each registry told: answers kept from earlier say so when it has gone away.
    contacts: Mutex<HashMap<String, Contact>>,
}

/// The last request to a registry: when, and why it did not reach the registry (`None`: it answered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub at: Instant,
    pub unreachable: Option<String>,
}

impl Resolver {
    pub fn new(client: Client, cache: Option<Cache>, options: ResolverOptions) -> Resolver {
        Resolver {
            client,
            cache,
            options,
            known_tags: Mutex::default(),
            tag_requests: Mutex::default(),
            fetches: Mutex::default(),
            fetched: Mutex::default(),
            permits: Mutex::default(),
            contacts: Mutex::default(),
        }
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    pub fn options(&self) -> &ResolverOptions {
        &self.options
    }

    /// Resolves a dependency's `ref` (spec §4.1): `oci://` through [`Resolver::resolve_oci`], anything else
    /// as a bundle directory relative to `base_dir` (the depending contract's directory).
    pub async fn resolve(
        &self,
        raw: &str,
        compatibility: &str,
        base_dir: Option<&Path>,
    ) -> Result<Resolution, Failure> {
        match classify(raw) {
            DependencyRef::Oci(location) => {
                self.resolve_oci(&location, compatibility).await.map(|it| Resolution::Oci(Box::new(it)))
            }
            DependencyRef::Local(location) => {
                let path = Path::new(&location);
                let dir = match base_dir {
                    Some(base) if path.is_relative() => base.join(path),
                    _ => path.to_path_buf(),
                };
                let contract = dir.join("pacto.yaml");
                if contract.is_file() {
                    Ok(Resolution::Local { contract: contract.canonicalize().unwrap_or(contract) })
                } else {
                    Err(Failure::LocalNotFound { path: contract })
                }
            }
        }
    }

    /// Resolves `registry/repository[:tag][@digest]` (without `oci://`): a tag-less one to its highest tag
    /// within `compatibility` (spec §4.3), then pulls it through the cache.
    pub async fn resolve_oci(&self, location: &str, compatibility: &str) -> Result<Resolved, Failure> {
        self.resolve_listing(location, compatibility, true).await.map_err(|it| it.failure)
    }

    /// As [`Resolver::resolve_oci`], for a command that reads the dependency once (`pacto graph`, `doc`): a
    /// pinned reference's tags, which only hover and diagnostics show, are not listed, and a failure keeps
    /// the registry's own error.
    pub async fn pull_oci(&self, location: &str, compatibility: &str) -> Result<Resolved, Unresolved> {
        self.resolve_listing(location, compatibility, false).await
    }

    /// `list_pinned`: also list the tags of a reference that names its tag or digest.
    async fn resolve_listing(
        &self,
        location: &str,
        compatibility: &str,
        list_pinned: bool,
    ) -> Result<Resolved, Unresolved> {
        let reference = Reference::parse(location).map_err(|err| match err {
            RegistryError::InvalidReference { reference, reason } => Failure::InvalidReference { reference, reason },
            other => Failure::InvalidReference { reference: location.to_owned(), reason: other.to_string() },
        })?;
        let constraint =
            match compatibility.trim() {
                "" => None,
                text => Some(Constraint::parse(text).map_err(|err| Failure::InvalidConstraint {
                    constraint: text.to_owned(),
                    reason: err.to_string(),
                })?),
            };
        if reference.tag.is_none() && reference.digest.is_none() {
            let tags = self.list_tags(&reference).await?;
            let Some(tag) = best_tag(tags.tags.iter().map(String::as_str), constraint.as_ref()) else {
                let repository = reference.repository_path();
                return Err(match constraint {
                    Some(constraint) => {
                        Failure::NoVersionSatisfies { repository, constraint: constraint.as_str().to_owned() }
                    }
                    None => Failure::NoSemverTags { repository },
                }
                .into());
            };
            let chosen = reference.with_tag(tag);
            let fetched = self.fetch(&chosen).await?;
            return Ok(self.resolved(chosen, fetched, Some(tags)));
        }
        if !list_pinned {
            let fetched = self.fetch(&reference).await?;
            return Ok(self.resolved(reference, fetched, None));
        }
        // The tags of a pinned reference are for hover and diagnostics only: their failure is not its.
        let (fetched, tags) = tokio::join!(self.fetch(&reference), self.list_tags(&reference));
        let fetched = match (fetched, tags) {
            // A missing artifact in a missing repository: the repository is what to report.
            (Err(Unresolved { failure: Failure::TagNotFound { .. }, .. }), Err(err))
                if matches!(err.failure, Failure::RepositoryNotFound { .. }) =>
            {
                return Err(err);
            }
            (fetched, tags) => (fetched?, tags.ok()),
        };
        Ok(self.resolved(reference, fetched.0, fetched.1))
    }

    /// The repository's tags: from memory within the time to live, else listed once however many callers
    /// ask at the same time; the last known list when the registry cannot be reached or when offline.
    pub async fn tags(&self, reference: &Reference) -> Result<TagList, Failure> {
        self.list_tags(reference).await.map_err(|it| it.failure)
    }

    async fn list_tags(&self, reference: &Reference) -> Result<TagList, Unresolved> {
        let key = reference.repository_path();
        let in_memory = self.known_tags(&key);
        let trusted = in_memory.is_some() || self.options.trust_stored_tags;
        let known = in_memory.or_else(|| self.stored_tags(&key));
        if let Some(known) = known.as_ref().filter(|it| trusted && it.age <= self.options.tag_ttl) {
            return Ok(known.clone());
        }
        if self.options.offline {
            let offline = || Failure::Offline { reference: key.clone() };
            return known
                .map(|it| TagList { stale: true, cause: Some("offline".to_owned()), ..it })
                .ok_or_else(|| offline().into());
        }
        let repository = reference.clone();
        let result = shared(&self.tag_requests, &key, || async {
            let _permit = self.permit(&repository.registry).await;
            let listed = self.client.list_tags(&repository).await;
            self.note_contact(&repository.registry, listed.as_ref().err().and_then(RegistryError::unreachable_cause));
            let tags = listed.map_err(|err| {
                Failure::from_registry(err, &repository, |it| Failure::RepositoryNotFound {
                    repository: it.repository_path(),
                })
            })?;
            let tags = Arc::new(tags);
            lock(&self.known_tags).insert(repository.repository_path(), (tags.clone(), Instant::now()));
            self.store_tags(&repository.repository_path(), &tags);
            Ok(tags)
        })
        .await;
        match result {
            Ok(tags) => Ok(TagList { tags, age: Duration::ZERO, stale: false, cause: None }),
            Err(err) if err.failure.is_unreachable() => match known {
                Some(known) => Ok(TagList { stale: true, cause: Some(err.failure.to_string()), ..known }),
                None => Err(err),
            },
            Err(err) => Err(err),
        }
    }

    /// The last request made to `registry` (`host[:port]`) by this resolver, if any.
    pub fn last_contact(&self, registry: &str) -> Option<Contact> {
        lock(&self.contacts).get(registry).cloned()
    }

    /// Records how a request to `registry` went: reached (whatever it answered), or not and why.
    fn note_contact(&self, registry: &str, unreachable: Option<String>) {
        lock(&self.contacts).insert(registry.to_owned(), Contact { at: Instant::now(), unreachable });
    }

    /// The tags last listed for `registry/repository`, whatever their age; never the network.
    pub fn known_tags(&self, repository_path: &str) -> Option<TagList> {
        let known = lock(&self.known_tags);
        let (tags, at) = known.get(repository_path)?;
        Some(TagList { tags: tags.clone(), age: at.elapsed(), stale: false, cause: None })
    }

    /// A repository's tag list from the disk cache, whatever its age, remembered in memory with that age.
    fn stored_tags(&self, repository_path: &str) -> Option<TagList> {
        let cache = self.cache.as_ref()?;
        let entry = cache.get_tag(&tags_key(repository_path), Network::Offline).ok().flatten()?;
        let bytes = cache.get(&entry.digest).ok().flatten()?;
        let tags: Vec<String> = serde_json::from_slice(&bytes).ok()?;
        let tags = Arc::new(tags);
        let listed_at = Instant::now().checked_sub(entry.age).unwrap_or_else(Instant::now);
        lock(&self.known_tags).insert(repository_path.to_owned(), (tags.clone(), listed_at));
        Some(TagList { tags, age: entry.age, stale: false, cause: None })
    }

    /// Keeps a tag list in the disk cache, so a new session (or an offline one) starts from it; a failure
    /// only costs that.
    fn store_tags(&self, repository_path: &str, tags: &[String]) {
        let Some(cache) = &self.cache else {
            return;
        };
        let Ok(bytes) = serde_json::to_vec(tags) else {
            return;
        };
        if let Ok(digest) = cache.put(&bytes) {
            let _ = cache.put_tag(&tags_key(repository_path), &digest);
        }
    }

    /// The digest a tagged reference pointed at when last pulled, from the disk cache whatever its age.
    pub fn cached_digest(&self, reference: &Reference) -> Option<Digest> {
        let entry = self.cache.as_ref()?.get_tag(&reference.to_string(), Network::Offline).ok().flatten()?;
        Some(entry.digest)
    }

    /// The artifact at a tagged or digested reference, pulled once however many callers ask at once.
    async fn fetch(&self, reference: &Reference) -> Result<Arc<Fetched>, Unresolved> {
        if self.options.offline {
            return self.fetch_offline(reference).map(Arc::new).map_err(Unresolved::from);
        }
        let key = reference.to_string();
        let memo = lock(&self.fetched).get(&key).cloned();
        if let Some((fetched, at)) = memo {
            if reference.digest.is_some() || at.elapsed() <= self.options.tag_ttl {
                return Ok(fetched);
            }
        }
        shared(&self.fetches, &key, || async {
            let _permit = self.permit(&reference.registry).await;
            let fetched = fetch::fetch(&self.client, self.cache.as_ref(), reference, &self.options.limits).await;
            // A cached answer within its time to live asked nothing of the registry, so it tells nothing.
            match &fetched {
                Ok(it) if it.source == Source::Registry => self.note_contact(&reference.registry, None),
                Ok(it) if it.unreachable.is_some() => self.note_contact(&reference.registry, it.unreachable.clone()),
                Ok(_) => {}
                Err(err) => self.note_contact(&reference.registry, err.unreachable_cause()),
            }
            let fetched = fetched.map_err(|err| {
                Failure::from_registry(err, reference, |it| Failure::TagNotFound { reference: it.to_string() })
            })?;
            let fetched = Arc::new(fetched);
            if fetched.source != Source::StaleCache {
                lock(&self.fetched).insert(reference.to_string(), (fetched.clone(), Instant::now()));
            }
            Ok(fetched)
        })
        .await
    }

    fn fetch_offline(&self, reference: &Reference) -> Result<Fetched, Failure> {
        let offline = || Failure::Offline { reference: reference.to_string() };
        let cache = self.cache.as_ref().ok_or_else(offline)?;
        let entry = cache.get_tag(&reference.to_string(), Network::Offline).ok().flatten();
        let digest =
            reference.digest.clone().or_else(|| entry.as_ref().map(|it| it.digest.clone())).ok_or_else(offline)?;
        let bundle = fetch::from_cache(cache, &digest, &self.options.limits).ok_or_else(offline)?;
        let stale = entry.is_some_and(|it| it.stale);
        let source = if stale { Source::StaleCache } else { Source::Cache };
        Ok(Fetched { digest, bundle, source, unreachable: None })
    }

    fn resolved(&self, reference: Reference, fetched: Arc<Fetched>, tags: Option<TagList>) -> Resolved {
        let age = match (&fetched.source, &reference.digest, &self.cache) {
            (Source::Registry, _, _) | (_, Some(_), _) | (_, _, None) => None,
            (_, None, Some(cache)) => {
                cache.get_tag(&reference.to_string(), Network::Offline).ok().flatten().map(|it| it.age)
            }
        };
        Resolved {
            tag: reference.tag.clone(),
            digest: fetched.digest.clone(),
            bundle: Arc::new(fetched.bundle.clone()),
            source: fetched.source,
            age,
            tags,
            reference,
        }
    }

    async fn permit(&self, registry: &str) -> Option<OwnedSemaphorePermit> {
        let semaphore = lock(&self.permits)
            .entry(registry.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(MAX_REQUESTS_PER_REGISTRY)))
            .clone();
        // The semaphore is never closed, so this only fails if that changes; then nothing is capped.
        semaphore.acquire_owned().await.ok()
    }
}

/// Runs `work` for `key` unless a run is already under way, whose result is then shared. The entry is
/// dropped once the result is in, so the next call after that asks again.
async fn shared<T, F, Fut>(requests: &Mutex<HashMap<String, Shared<T>>>, key: &str, work: F) -> Result<T, Unresolved>
where
    T: Clone,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, Unresolved>>,
{
    let cell = lock(requests).entry(key.to_owned()).or_default().clone();
    let result = cell.get_or_init(work).await.clone();
    let mut requests = lock(requests);
    if requests.get(key).is_some_and(|it| Arc::ptr_eq(it, &cell)) {
        requests.remove(key);
    }
    result
}

/// The cache record of a repository's tag list: stored as a blob, named like a tag mapping under a key no
/// reference can have (`#` is not valid in one), so it shares the cache's digests and time to live.
fn tags_key(repository_path: &str) -> String {
    format!("{repository_path}#tags")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|it| it.into_inner())
}

#[cfg(test)]
mod tests;
