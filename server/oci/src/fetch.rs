//! Pulling through the disk cache (spec §5.6, "Our decisions": cache): a fresh tag mapping and cached
//! blobs answer without the network; a registry that cannot be reached falls back to the last known
//! mapping; tag-less references resolve to the highest semver tag (spec §4.3).

use pacto_core::semver::{Constraint, best_tag};

use crate::bundle::Bundle;
use crate::cache::{Cache, Network};
use crate::client::Client;
use crate::digest::Digest;
use crate::error::RegistryError;
use crate::layout::parse_manifest;
use crate::limits::Limits;
use crate::reference::Reference;

/// Where a fetched bundle came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Registry,
    /// A tag mapping within its time to live, or a digest reference, with both blobs cached.
    Cache,
    /// The registry could not be reached; the last known mapping answered, whatever its age.
    StaleCache,
}

/// A bundle and the manifest digest it was pulled under.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub digest: Digest,
    pub bundle: Bundle,
    pub source: Source,
    /// Why the registry could not be reached, when the network was tried and the cache stood in.
    pub unreachable: Option<String>,
}

/// The reference unchanged when it names a tag or digest; otherwise with the repository's highest semver
/// tag (no constraint: pre-releases compete, spec §4.3).
pub async fn resolve(client: &Client, reference: &Reference) -> Result<Reference, RegistryError> {
    resolve_within(client, reference, None).await
}

/// As [`resolve`], choosing among the tags that satisfy `constraint` (a dependency's
/// `compatibility`, spec §4.3): pre-releases only when the constraint names one.
pub async fn resolve_within(
    client: &Client,
    reference: &Reference,
    constraint: Option<&Constraint>,
) -> Result<Reference, RegistryError> {
    if reference.tag.is_some() || reference.digest.is_some() {
        return Ok(reference.clone());
    }
    let tags = client.list_tags(reference).await?;
    match (best_tag(tags.iter().map(String::as_str), constraint), constraint) {
        (Some(tag), _) => Ok(reference.with_tag(tag)),
        (None, Some(constraint)) => Err(RegistryError::NoTagSatisfies { constraint: constraint.as_str().to_owned() }),
        (None, None) => Err(RegistryError::NoSemverTags { repository: reference.repository_path() }),
    }
}

/// The bundle at `reference` (tagged or digested), from the cache when it may answer, else from the
/// registry, whose blobs and tag mapping are then cached. Cache faults are never fatal: the cache is
/// skipped.
pub async fn fetch(
    client: &Client,
    cache: Option<&Cache>,
    reference: &Reference,
    limits: &Limits,
) -> Result<Fetched, RegistryError> {
    let key = reference.to_string();
    if let Some(cache) = cache {
        let digest = reference.digest.clone().or_else(|| tag_digest(cache, &key, Network::Online));
        if let Some(digest) = digest {
            if let Some(bundle) = from_cache(cache, &digest, limits) {
                return Ok(Fetched { digest, bundle, source: Source::Cache, unreachable: None });
            }
        }
    }
    match client.pull(reference, limits).await {
        Ok(pulled) => {
            if let Some(cache) = cache {
                let _ = cache.put_expecting(&pulled.digest, &pulled.manifest);
                let _ = cache.put(&pulled.layer);
                if reference.digest.is_none() {
                    let _ = cache.put_tag(&key, &pulled.digest);
                }
            }
            Ok(Fetched { digest: pulled.digest, bundle: pulled.bundle, source: Source::Registry, unreachable: None })
        }
        Err(err) if err.is_unreachable() => {
            let stale = cache.and_then(|cache| {
                let digest = reference.digest.clone().or_else(|| tag_digest(cache, &key, Network::Offline))?;
                from_cache(cache, &digest, limits).map(|bundle| (digest, bundle))
            });
            match stale {
                Some((digest, bundle)) => {
                    Ok(Fetched { digest, bundle, source: Source::StaleCache, unreachable: err.unreachable_cause() })
                }
                None => Err(err),
            }
        }
        Err(err) => Err(err),
    }
}

fn tag_digest(cache: &Cache, key: &str, network: Network) -> Option<Digest> {
    cache.get_tag(key, network).ok().flatten().map(|it| it.digest)
}

/// The bundle of a cached manifest and layer, both verified by digest on read; `None` on any miss.
pub(crate) fn from_cache(cache: &Cache, manifest_digest: &Digest, limits: &Limits) -> Option<Bundle> {
    let manifest = cache.get(manifest_digest).ok().flatten()?;
    let layer = parse_manifest(&manifest).ok()?.layer;
    if layer.size > limits.max_compressed_bytes {
        return None;
    }
    let bytes = cache.get(&layer.digest).ok().flatten()?;
    Bundle::from_archive(bytes.as_slice(), limits).ok()
}
