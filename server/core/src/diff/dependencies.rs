//! Recursive dependency contract diffs (spec §3.9): both graphs resolved with the bundles
//! their nodes came from, then every service present on both sides compared like the root,
//! OpenAPI, schema and SBOM diffs included. Fetching stays the caller's ([`BundleFetcher`]).

use std::collections::{BTreeMap, HashMap};

use crate::contract::Contract;
use crate::contract::oci_ref::{DependencyRef, classify};
use crate::graph::{self, Fetcher, Graph, Node};

use super::{BundleReader, DiffResult, compare};

/// A fetched dependency bundle: its contract (parsed, not validated) and its files.
pub struct Bundle {
    pub contract: Contract,
    pub files: Box<dyn BundleReader>,
}

/// Loads the bundle a dependency ref points at; errors are data in the graph (§4.4).
pub trait BundleFetcher {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Bundle, String>;
}

/// A resolved dependency graph with the bundle of every node fetched for it.
pub struct ResolvedGraph {
    pub graph: Graph,
    /// Keyed by the parsed ref: `x` and `file://x` name the same bundle.
    bundles: HashMap<DependencyRef, Bundle>,
}

impl ResolvedGraph {
    /// Resolves `root`'s graph as [`graph::resolve`] does, keeping each fetched bundle.
    pub fn resolve(root: &Contract, fetcher: &mut dyn BundleFetcher) -> ResolvedGraph {
        let mut recorder = Recorder { inner: fetcher, bundles: HashMap::new() };
        let graph = graph::resolve(root, &mut recorder);
        ResolvedGraph { graph, bundles: recorder.bundles }
    }

    /// The bundle a raw dependency ref was fetched from, when the fetch succeeded.
    pub fn bundle(&self, reference: &str) -> Option<&Bundle> {
        self.bundles.get(&classify(reference))
    }

    /// The first node of each service name met depth-first in edge order, with its bundle; a
    /// shared copy met first has none, so that name is not compared (§3.9).
    fn nodes_by_name(&self) -> BTreeMap<&str, Option<&Bundle>> {
        let mut out = BTreeMap::new();
        let mut stack: Vec<&graph::Edge> = self.graph.root.dependencies.iter().rev().collect();
        while let Some(edge) = stack.pop() {
            let Some(node) = &edge.node else { continue };
            out.entry(node.name.as_str()).or_insert_with(|| bundle_of(self, edge.shared, node));
            stack.extend(node.dependencies.iter().rev());
        }
        out
    }
}

fn bundle_of<'a>(resolved: &'a ResolvedGraph, shared: bool, node: &Node) -> Option<&'a Bundle> {
    if shared {
        return None;
    }
    resolved.bundle(node.reference.as_deref()?)
}

/// Adapts a [`BundleFetcher`] to the graph's [`Fetcher`], keeping what it fetched.
struct Recorder<'a> {
    inner: &'a mut dyn BundleFetcher,
    bundles: HashMap<DependencyRef, Bundle>,
}

impl Fetcher for Recorder<'_> {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Contract, String> {
        let bundle = self.inner.fetch(reference, compatibility)?;
        let contract = bundle.contract.clone();
        self.bundles.insert(reference.clone(), bundle);
        Ok(contract)
    }
}

/// The diff of one dependency present in both graphs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyDiff {
    /// The service name both sides share.
    pub name: String,
    pub result: DiffResult,
}

/// Every service of both graphs, the old root excepted, whose contracts differ or whose SBOMs
/// do; sorted by name.
///
/// Deviation: the reference emits them in Go map order (§3.12); sorted keeps output stable.
pub fn diff_dependencies(old: &ResolvedGraph, new: &ResolvedGraph) -> Vec<DependencyDiff> {
    let old_nodes = old.nodes_by_name();
    let old_root = old.graph.root.name.as_str();
    let mut out = Vec::new();
    for (name, new_bundle) in new.nodes_by_name() {
        if name == old_root {
            continue;
        }
        let (Some(Some(old_bundle)), Some(new_bundle)) = (old_nodes.get(name), new_bundle) else { continue };
        // A dependency that changed format is compared through the migration, as the root is.
        let result = compare(&old_bundle.contract, &new_bundle.contract, &*old_bundle.files, &*new_bundle.files);
        if !result.changes.is_empty() || result.sbom.is_some() || result.alignment.is_some() {
            out.push(DependencyDiff { name: name.to_owned(), result });
        }
    }
    out
}

/// The sibling directory name the local override tries for an `oci://` location (§3.9): the
/// last path segment once a trailing `:tag` is cut (`r/org/svc:1.0.0` → `svc`; a digest ref
/// keeps its algorithm, `r/svc@sha256:…` → `svc@sha256`, as in the reference).
pub fn local_override_name(location: &str) -> &str {
    let untagged = match (location.rfind(':'), location.rfind('/')) {
        (Some(colon), Some(slash)) if colon > slash => &location[..colon],
        (Some(colon), None) => &location[..colon],
        _ => location,
    };
    untagged.rsplit('/').next().unwrap_or(untagged)
}

#[cfg(test)]
mod tests;
