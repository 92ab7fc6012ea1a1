//! Resolving a contract argument to its text (spec §2.1), with our limits on the file itself.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use pacto_oci::graph_fetch;

/// A contract read from a bundle directory.
pub struct Loaded {
    /// The bundle directory as given (for `oci://`, the directory it was extracted to).
    pub dir: PathBuf,
    /// `dir` joined with `pacto.yaml`, as the reference prints it (`pacto.yaml` for `.`).
    pub file: String,
    pub text: String,
    /// Keeps a pulled bundle's directory until the command is done.
    _extracted: Option<tempfile::TempDir>,
}

static NO_CACHE: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: `oci://` arguments are then always fetched from the registry.
pub fn set_no_cache(on: bool) {
    NO_CACHE.store(on, Ordering::Relaxed);
}

/// Loads `<arg>/pacto.yaml`. Errors are the reference's texts, plus ours for files that are not
/// regular, too large or not UTF-8 (spec "Our decisions": limits on the contract file).
pub fn load(arg: &str) -> Result<Loaded, String> {
    if let Some(target) = arg.strip_prefix("oci://") {
        return load_oci(arg, target);
    }
    let dir = arg.strip_prefix("file://").unwrap_or(arg);
    let (file, text) = graph_fetch::read_local(dir)?;
    Ok(Loaded { dir: PathBuf::from(dir), file, text, _extracted: None })
}

/// Pulls `oci://…` (a tag-less ref resolves to its highest semver tag, spec §2.1) through the
/// cache into a temporary directory, so every command reads it like a local bundle.
fn load_oci(arg: &str, target: &str) -> Result<Loaded, String> {
    load_oci_within(arg, target, None)
}

/// Loads an `oci://` dependency: a tag-less ref takes the highest tag within its `compatibility`.
pub fn load_dependency(location: &str, compatibility: &str) -> Result<LoadedContract, String> {
    let constraint = match compatibility.trim() {
        "" => None,
        text => Some(
            pacto_core::semver::Constraint::parse(text)
                .map_err(|err| format!("invalid constraint {}: {err}", pacto_core::gofmt::quote(text)))?,
        ),
    };
    let loaded = load_oci_within(&format!("oci://{location}"), location, constraint.as_ref())?;
    contract_of(loaded)
}

/// The directory local dependencies of the bundle at `arg` are relative to: the bundle's own,
/// absolute; for an `oci://` root, which has none, the current directory (quirk 22).
pub fn dependency_base_dir(arg: &str) -> Result<PathBuf, String> {
    if arg.starts_with("oci://") {
        return std::env::current_dir().map_err(|err| format!("failed to access the current directory: {err}"));
    }
    fs::canonicalize(arg.strip_prefix("file://").unwrap_or(arg)).map_err(|err| format!("failed to access {arg}: {err}"))
}

/// Loads the bundle a dependency ref names: an `oci://` one as [`load_dependency`] does, a local
/// one relative to `base_dir`, the root bundle's directory, even for transitive dependencies as
/// the reference does (quirk 22).
pub fn load_dependency_ref(
    reference: &pacto_core::contract::oci_ref::DependencyRef,
    compatibility: &str,
    base_dir: &std::path::Path,
) -> Result<LoadedContract, String> {
    use pacto_core::contract::oci_ref::DependencyRef;
    match reference {
        DependencyRef::Oci(location) => load_dependency(location, compatibility),
        DependencyRef::Local(location) => {
            let path = std::path::Path::new(location);
            let dir = if path.is_relative() { base_dir.join(path) } else { path.to_path_buf() };
            load_contract(&dir.display().to_string())
        }
    }
}

fn load_oci_within(
    arg: &str,
    target: &str,
    constraint: Option<&pacto_core::semver::Constraint>,
) -> Result<Loaded, String> {
    if graph_fetch::offline_from_env() {
        return Err(format!("not fetched: {arg} (offline: PACTO_OFFLINE is set)"));
    }
    pacto_oci::Reference::parse(target).map_err(|err| err.to_string())?;
    let online = online()?;
    let compatibility = constraint.map_or("", |it| it.as_str());
    let fetched = online.runtime.block_on(graph_fetch::pull_resolved(&online.resolver, target, compatibility))?;
    let extracted = tempfile::Builder::new()
        .prefix("pacto-bundle-")
        .tempdir()
        .map_err(|err| format!("failed to create a directory for {arg}: {err}"))?;
    let dir = extracted.path().join("bundle");
    fetched.bundle.write_to(&dir).map_err(|err| err.to_string())?;
    let bytes = fetched.bundle.contract().ok_or_else(|| format!("no pacto.yaml found in {arg}"))?;
    let file = format!("{arg}/pacto.yaml");
    let text = graph_fetch::decode_utf8(&file, bytes.to_vec())?;
    Ok(Loaded { dir, file, text, _extracted: Some(extracted) })
}

/// The registry side of one command: every bundle it loads (`diff`'s and `doc`'s dependencies, one by
/// one) shares one client, its connections and tag lists, instead of paying a client's setup (~20 ms)
/// each time.
pub(crate) struct Online {
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) resolver: pacto_oci::resolver::Resolver,
}

pub(crate) fn online() -> Result<&'static Online, String> {
    static ONLINE: OnceLock<Result<Online, String>> = OnceLock::new();
    let online = ONLINE.get_or_init(|| {
        let options = pacto_oci::ClientOptions::from_env().map_err(|err| err.to_string())?;
        let cache = pacto_oci::Cache::from_env(NO_CACHE.load(Ordering::Relaxed));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("failed to start the registry client: {err}"))?;
        Ok(Online { runtime, resolver: graph_fetch::command_resolver(options, cache) })
    });
    online.as_ref().map_err(Clone::clone)
}

/// A contract loaded for reading (no validation), as `explain`, `graph` and `doc` need it.
pub struct LoadedContract {
    /// Where the bundle is (a pulled one lives as long as this value).
    pub loaded: Loaded,
    pub contract: pacto_core::contract::Contract,
    /// The JSON of the free-form `metadata` mapping, when there is one.
    pub metadata: Option<serde_json::Value>,
}

/// Loads `<arg>/pacto.yaml` with the reference's strict parse; a parse failure names its position.
pub fn load_contract(arg: &str) -> Result<LoadedContract, String> {
    contract_of(load(arg)?)
}

pub fn contract_of(loaded: Loaded) -> Result<LoadedContract, String> {
    let graph_fetch::ParsedContract { contract, metadata } = graph_fetch::parse_contract(&loaded.file, &loaded.text)?;
    Ok(LoadedContract { loaded, contract, metadata })
}

/// The dependency graph's fetcher for the root argument `arg`: local refs relative to its directory,
/// `oci://` ones through the cache (unless `--no-cache`), none when `PACTO_OFFLINE` is set.
pub fn graph_fetcher(arg: &str) -> Result<graph_fetch::GraphFetcher, String> {
    let registry = if graph_fetch::offline_from_env() {
        graph_fetch::Registry::Offline { reason: "PACTO_OFFLINE is set".to_owned() }
    } else {
        graph_fetch::Registry::Online {
            options: pacto_oci::ClientOptions::from_env().map_err(|err| err.to_string()),
            cache: pacto_oci::Cache::from_env(NO_CACHE.load(Ordering::Relaxed)),
        }
    };
    Ok(graph_fetch::GraphFetcher::new(dependency_base_dir(arg)?, registry))
}
