//! Fetching a dependency graph's contracts (spec §4.2), shared by `pacto graph` and the language
//! server: local bundles relative to the root's directory, `oci://` ones resolved and pulled through
//! one [`Resolver`] per resolution (its client, cache and per-registry cap), each level's pulls
//! concurrently, so connections and credentials are settled once per registry. Also the reading of a
//! local bundle's `pacto.yaml` and the strict parse every command shares, with the reference's errors.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use pacto_core::contract::Contract;
use pacto_core::contract::oci_ref::DependencyRef;
use pacto_core::graph::{BatchFetcher, Wanted};
use pacto_core::semver::Constraint;
use pacto_core::syntax::{LineIndex, limits::MAX_CONTRACT_BYTES};
use serde_json::Value;

use crate::cache::Cache;
use crate::client::Client;
use crate::error::RegistryError;
use crate::limits::Limits;
use crate::reference::Reference;
use crate::resolver::{Failure, MAX_REQUESTS_PER_REGISTRY, Resolved, Resolver, ResolverOptions, Unresolved};
use crate::transport::ClientOptions;

/// Registry pulls in flight at once to one registry during a resolution: the resolver's cap, under the
/// name the CLI's tests know it by. Siblings beyond it wait their turn.
pub const MAX_CONCURRENT_FETCHES: usize = MAX_REQUESTS_PER_REGISTRY;

/// How `oci://` dependencies are reached.
pub enum Registry {
    /// Never the network; each `oci://` edge fails with `not fetched: <ref> (offline: <reason>)`.
    Offline { reason: String },
    /// Through `cache` (none: always the registry). Bad transport settings fail each `oci://` edge.
    Online { options: Result<ClientOptions, String>, cache: Option<Cache> },
}

/// Whether this process's `PACTO_OFFLINE` forbids the network: see [`Env::offline`](crate::Env::offline).
pub fn offline_from_env() -> bool {
    crate::Env::process().offline()
}

/// The graph's fetcher: one per resolution, as the reference's (spec §4.2).
pub struct GraphFetcher {
    /// Local refs are relative to it, also transitive ones (quirk 22).
    base_dir: PathBuf,
    registry: Registry,
    /// Made on first `oci://` ref and kept: pooled connections belong to the runtime that opened them.
    online: Option<(tokio::runtime::Runtime, Arc<Resolver>)>,
    /// Registries the client has settled (scheme, credentials, HTTP client): see [`GraphFetcher::pull_all`].
    connected: HashSet<String>,
    /// Where credentials are looked up.
    env: crate::Env,
}

impl GraphFetcher {
    pub fn new(base_dir: PathBuf, registry: Registry) -> GraphFetcher {
        GraphFetcher { base_dir, registry, online: None, connected: HashSet::new(), env: crate::Env::process() }
    }

    /// The fetcher looking credentials up in `env` rather than the process's environment.
    pub fn with_env(self, env: crate::Env) -> GraphFetcher {
        GraphFetcher { env, ..self }
    }

    /// The root of an `oci://` argument (`location` without the scheme), on the client its dependencies
    /// will use; a tag-less one takes the highest semver tag, pre-releases included (spec §4.3).
    pub fn fetch_root(&mut self, location: &str) -> Result<Contract, String> {
        let mut out = vec![None];
        self.pull_all(&[(0, location, "")], &mut out);
        out.pop().flatten().unwrap_or_else(|| Err(format!("not fetched: oci://{location}")))
    }

    fn local(&self, location: &str) -> Result<Contract, String> {
        let path = Path::new(location);
        let dir = if path.is_relative() { self.base_dir.join(path) } else { path.to_path_buf() };
        let dir = dir.display().to_string();
        let (file, text) = read_local(&dir)?;
        parse_contract(&file, &text).map(|it| it.contract)
    }

    /// The pulls of one level, concurrently; failures before the network (offline, bad ref or
    /// constraint) are answered at once.
    fn pull_all(&mut self, wanted: &[(usize, &str, &str)], out: &mut [Option<Result<Contract, String>>]) {
        let mut ready = Vec::new();
        for &(index, location, compatibility) in wanted {
            match self.prepare(location, compatibility) {
                Ok(reference) => ready.push((index, location.to_owned(), compatibility.to_owned(), reference)),
                Err(err) => out[index] = Some(Err(err)),
            }
        }
        if ready.is_empty() {
            return;
        }
        let Registry::Online { options: Ok(options), cache } = &self.registry else { return };
        let (runtime, resolver) = self.online.get_or_insert_with(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread runtime needs no resources that can be missing");
            let client = Client::new(options.clone()).with_env(self.env.clone());
            (runtime, Arc::new(run_resolver(client, cache.clone())))
        });
        // The first pull from a registry settles its connection in the client (a probe, credentials, an
        // HTTP client whose setup costs ~20 ms of CPU) alone; pulls started alongside it would each settle
        // their own.
        let connected = &mut self.connected;
        let (first, rest): (Vec<_>, Vec<_>) =
            ready.into_iter().partition(|(_, _, _, reference)| connected.insert(reference.registry.clone()));
        let results = runtime.block_on(async {
            let mut results = Vec::new();
            for batch in [first, rest] {
                let mut tasks = tokio::task::JoinSet::new();
                for (index, location, compatibility, _) in batch {
                    let resolver = resolver.clone();
                    tasks.spawn(async move { (index, pull(&resolver, &location, &compatibility).await) });
                }
                while let Some(joined) = tasks.join_next().await {
                    results.push(joined.unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic())));
                }
            }
            results
        });
        for (index, result) in results {
            out[index] = Some(result);
        }
    }

    /// What is checked before the network, in the CLI's order and words: the constraint, offline, the ref,
    /// the settings. The resolver checks the ref and the constraint again, in its own words.
    fn prepare(&self, location: &str, compatibility: &str) -> Result<Reference, String> {
        let text = compatibility.trim();
        if !text.is_empty() {
            Constraint::parse(text)
                .map_err(|err| format!("invalid constraint {}: {err}", pacto_core::gofmt::quote(text)))?;
        }
        match &self.registry {
            Registry::Offline { reason } => Err(format!("not fetched: oci://{location} (offline: {reason})")),
            Registry::Online { options, .. } => {
                let reference = Reference::parse(location).map_err(|err| err.to_string())?;
                options.as_ref().map_err(Clone::clone)?;
                Ok(reference)
            }
        }
    }
}

/// The resolver of one command's run (one graph, one `doc` dependency): online, through `cache`, its tag
/// lists trusted for the cache's time to live.
pub fn command_resolver(options: ClientOptions, cache: Option<Cache>) -> Resolver {
    run_resolver(Client::new(options), cache)
}

fn run_resolver(client: Client, cache: Option<Cache>) -> Resolver {
    // One process, one listing per repository (spec §4.3): within a run the list is kept for good.
    let settings =
        ResolverOptions { offline: false, tag_ttl: Duration::MAX, trust_stored_tags: false, limits: Limits::DEFAULT };
    Resolver::new(client, cache, settings)
}

/// Resolves `location` (an `oci://` ref without its scheme) within `compatibility` and pulls it through
/// the resolver; a failure in the reference's words (spec §4.4, §5.5).
pub async fn pull_resolved(resolver: &Resolver, location: &str, compatibility: &str) -> Result<Resolved, String> {
    resolver.pull_oci(location, compatibility).await.map_err(unresolved_text)
}

/// The dependency at `location` through the resolver, its failure in the reference's words.
async fn pull(resolver: &Resolver, location: &str, compatibility: &str) -> Result<Contract, String> {
    let resolved = pull_resolved(resolver, location, compatibility).await?;
    let arg = format!("oci://{location}");
    let bytes = resolved.bundle.contract().ok_or_else(|| format!("no pacto.yaml found in {arg}"))?;
    let file = format!("{arg}/pacto.yaml");
    let text = decode_utf8(&file, bytes.to_vec())?;
    parse_contract(&file, &text).map(|it| it.contract)
}

/// An unresolved dependency as the reference words it (spec §4.4): the registry's error (spec §5.5) when
/// one caused it.
fn unresolved_text(unresolved: Unresolved) -> String {
    if let Some(cause) = unresolved.cause {
        return cause.to_string();
    }
    match unresolved.failure {
        Failure::NoVersionSatisfies { constraint, .. } => RegistryError::NoTagSatisfies { constraint }.to_string(),
        Failure::NoSemverTags { repository } => RegistryError::NoSemverTags { repository }.to_string(),
        other => other.to_string(),
    }
}

impl BatchFetcher for GraphFetcher {
    fn fetch_all(&mut self, wanted: &[Wanted]) -> Vec<Result<Contract, String>> {
        let mut out: Vec<Option<Result<Contract, String>>> = vec![None; wanted.len()];
        let mut remote = Vec::new();
        for (index, it) in wanted.iter().enumerate() {
            match &it.reference {
                // Local bundles are a file read each: no need to wait on them concurrently.
                DependencyRef::Local(location) => out[index] = Some(self.local(location)),
                DependencyRef::Oci(location) => remote.push((index, location.as_str(), it.compatibility.as_str())),
            }
        }
        self.pull_all(&remote, &mut out);
        out.into_iter().map(|it| it.unwrap_or_else(|| Err("not fetched".to_owned()))).collect()
    }
}

/// A contract parsed the reference's strict way (spec §2.2), not validated.
pub struct ParsedContract {
    pub contract: Contract,
    /// The JSON of the free-form `metadata` mapping, when there is one.
    pub metadata: Option<Value>,
}

/// Parses `text` read from `file`; a failure names its position as `(file:line:column)`.
pub fn parse_contract(file: &str, text: &str) -> Result<ParsedContract, String> {
    let parse = pacto_core::syntax::parse(text);
    // A 2.0 document takes the 2.0 strict parse (pacto-v2.md §2.2) and comes back as its
    // projection, so graphs and diffs mix both formats.
    if pacto_core::v2::format_version(parse.root.as_ref()) == Some("2.0") {
        let index = LineIndex::new(text);
        let document = pacto_core::v2::document::parse_document(text, &index, &parse).map_err(|failure| {
            let at = index.line_col(text, failure.span.start);
            format!("failed to parse {file}: {} ({file}:{}:{})", failure.message, at.line, at.column)
        })?;
        let metadata = document.mapping("metadata").map(|it| Value::Object(it.clone()));
        return Ok(ParsedContract { contract: pacto_core::v2::document::projection(document), metadata });
    }
    let decoded = pacto_core::contract::from_tree(parse.root.as_ref());
    let index = LineIndex::new(text);
    if let Some(failure) = pacto_core::validate::strict_parse_failure(text, &index, &parse, &decoded) {
        let at = index.line_col(text, failure.span.start);
        return Err(format!("failed to parse {file}: {} ({file}:{}:{})", failure.message, at.line, at.column));
    }
    let metadata = parse
        .root
        .as_ref()
        .and_then(|it| it.get("metadata"))
        .and_then(|it| pacto_core::validate::json::to_json(it).ok());
    Ok(ParsedContract { contract: decoded.contract, metadata })
}

/// `<dir>/pacto.yaml` as the reference names it (`pacto.yaml` for `.`).
pub fn contract_file(dir: &str) -> String {
    match dir.trim_end_matches('/') {
        "." | "" => "pacto.yaml".to_owned(),
        trimmed => format!("{trimmed}/pacto.yaml"),
    }
}

/// Reads `<dir>/pacto.yaml`: `(file, text)`. Errors are the reference's texts, plus ours for files that
/// are not regular, too large or not UTF-8 (spec "Our decisions": limits on the contract file).
pub fn read_local(dir: &str) -> Result<(String, String), String> {
    let meta = fs::metadata(dir).map_err(|err| format!("failed to access {dir}: stat {dir}: {}", os_error(&err)))?;
    if !meta.is_dir() {
        return Err(format!("{dir} is not a directory"));
    }
    let file = contract_file(dir);
    // Checked before reading: a FIFO would block a read forever.
    let file_meta = match fs::metadata(&file) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(format!("no pacto.yaml found in {dir}"));
        }
        Err(err) => return Err(format!("failed to read {file}: {}", os_error(&err))),
    };
    if !file_meta.is_file() {
        return Err(format!("failed to read {file}: not a regular file"));
    }
    if file_meta.len() > MAX_CONTRACT_BYTES as u64 {
        return Err(format!(
            "failed to read {file}: file is {} bytes, larger than the {MAX_CONTRACT_BYTES}-byte limit for a contract",
            file_meta.len()
        ));
    }
    let bytes = fs::read(&file).map_err(|err| format!("failed to read {file}: {}", os_error(&err)))?;
    let text = decode_utf8(&file, bytes)?;
    Ok((file, text))
}

/// The contract's text; not UTF-8 is an error at the first bad byte's position.
pub fn decode_utf8(file: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let position = LineIndex::new(prefix).line_col(prefix, valid);
        format!(
            "failed to parse {file}: invalid UTF-8 at line {}, column {} (byte {valid}): a contract must be UTF-8 text",
            position.line, position.column
        )
    })
}

/// Go's wording of the common OS errors, so messages match the reference's.
pub fn os_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => err.to_string(),
    }
}
