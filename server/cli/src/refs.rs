//! The registry side of 2.0 references for the CLI: `oci://` policy refs (pacto-v2.md §3.4) and
//! the lock closure's pulls (§4.2, §4.4), both through the command's one resolver and its cache,
//! both refused when `PACTO_OFFLINE` is set.
//!
//! Why a resolver object and not a pre-fetched map: the core's policy layer
//! (`pacto_core::v2::policy`) follows refs recursively (a provider bundle may itself declare ref
//! policies, cycles are detected on the chain), and which refs it needs is only known while it
//! walks. So the core owns the walk and asks a `RefResolver` for each bundle; the core ships the
//! local-only `DirResolver`, and this module adds the registry without the core knowing of one.
//! The language server can plug in its own (cache-only) resolver the same way.

use std::path::Path;

use pacto_core::v2::ResolvedBundle;
use pacto_core::v2::lock::LockProblem;
use pacto_core::validate::{DirResolver, RefResolver};
use pacto_oci::graph_fetch;
use pacto_oci::lock::{OciPulled, OciSource};

use crate::load;

/// Pulls through the process's resolver (its client, credentials and cache; `--no-cache`).
pub struct RegistrySource;

impl OciSource for RegistrySource {
    fn pull(&self, location: &str, compatibility: &str) -> Result<OciPulled, String> {
        if graph_fetch::offline_from_env() {
            return Err(format!("not fetched: oci://{location} (offline: PACTO_OFFLINE is set)"));
        }
        let online = load::online()?;
        let resolved =
            online.runtime.block_on(graph_fetch::pull_resolved(&online.resolver, location, compatibility))?;
        Ok(OciPulled { digest: resolved.digest.to_string(), bundle: resolved.bundle })
    }
}

/// Policy refs: `oci://` ones pulled (the bundle's identity is `oci:<digest>`), local ones next to
/// the declaring bundle's directory as the core's `DirResolver` reads them. A registry bundle has no
/// directory, so a local ref inside one fails closed (§3.4, "Bases").
pub struct PolicyResolver {
    pub local: DirResolver,
    /// The contract itself was pulled (`validate oci://…`): its own local refs have no directory.
    pub from_registry: bool,
}

impl PolicyResolver {
    /// The resolver for the bundle a command loaded from `arg` into `dir`.
    pub fn for_bundle(arg: &str, dir: &Path) -> PolicyResolver {
        PolicyResolver { local: DirResolver { root: dir.to_path_buf() }, from_registry: arg.starts_with("oci://") }
    }
}

/// The prefix of the identity of a bundle that came from a registry.
const OCI_BASE: &str = "oci:";

impl RefResolver for PolicyResolver {
    fn resolve(&self, base: Option<&str>, reference: &str) -> Result<ResolvedBundle, String> {
        if let Some(location) = reference.strip_prefix("oci://") {
            let pulled = RegistrySource.pull(location, "")?;
            let files = Box::new(pulled.bundle.as_ref().clone());
            return Ok(ResolvedBundle { id: format!("{OCI_BASE}{}", pulled.digest), files });
        }
        if base.map_or(self.from_registry, |it| it.starts_with(OCI_BASE)) {
            return Err("local reference inside an OCI bundle cannot be resolved".to_owned());
        }
        self.local.resolve(base, reference)
    }
}

/// The lock check of a command's local argument (§4.4): `Ok` for an `oci://` argument, a bundle
/// without `pacto.lock`, or a 1.0 contract.
pub fn verify_lock(arg: &str) -> Result<(), LockProblem> {
    if arg.starts_with("oci://") {
        return Ok(());
    }
    let dir = arg.strip_prefix("file://").unwrap_or(arg);
    pacto_oci::lock::verify(Path::new(dir), &RegistrySource)
}
