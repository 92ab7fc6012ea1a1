//! Dependency graph resolution (spec §4.4): edges in declaration order, cycles, shared nodes,
//! failed fetches as data, and version conflicts. Fetching is the caller's (local bundles,
//! registries); the algorithm is pure. [`resolve_batched`] lets a fetcher fetch each level's
//! refs at once (concurrently) and still yields exactly the graph of [`resolve`].

pub mod cycles;
pub mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::contract::oci_ref::{DependencyRef, classify};
use crate::contract::{Contract, text};

/// Loads the contract a dependency ref points at.
pub trait Fetcher {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Contract, String>;
}

/// One dependency to fetch: its parsed ref and its `compatibility`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Wanted {
    pub reference: DependencyRef,
    pub compatibility: String,
}

/// Loads many dependency contracts at once (e.g. concurrently): one result per wanted ref, in order.
pub trait BatchFetcher {
    fn fetch_all(&mut self, wanted: &[Wanted]) -> Vec<Result<Contract, String>>;
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub name: String,
    pub version: String,
    /// The raw ref it was reached by; `None` for the root.
    pub reference: Option<String>,
    pub local: bool,
    pub dependencies: Vec<Edge>,
}

/// What an edge stands for: a declared dependency, or (2.0, `graph --with-references`) a
/// configuration or policy ref, which is shown but never fetched (pacto-v2.md §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EdgeKind {
    #[default]
    Dependency,
    Reference,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Dependency => "dependency",
            EdgeKind::Reference => "reference",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub kind: EdgeKind,
    /// The 2.0 `dependencies[].name`; empty for 1.0 and for reference edges.
    pub name: String,
    pub reference: String,
    pub required: bool,
    pub compatibility: String,
    pub local: bool,
    pub node: Option<Node>,
    pub error: Option<String>,
    /// The node was already resolved elsewhere: a shallow copy, children not repeated.
    pub shared: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub name: String,
    /// `name@version`, sorted.
    pub versions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    pub root: Node,
    pub cycles: Vec<Vec<String>>,
    pub conflicts: Vec<Conflict>,
    /// The root is a 2.0 contract: edges carry their type (and name) in JSON, and the cycles
    /// come from one pass over the final graph, sorted (pacto-v2.md §6.4).
    pub v2: bool,
}

pub fn resolve(root: &Contract, fetcher: &mut dyn Fetcher) -> Graph {
    let v2 = root.v2.is_some();
    let name = text(&root.service.name).to_owned();
    let mut resolver = Resolver { fetcher, visited: HashMap::new(), cycles: Vec::new() };
    // The root is identified by its name in the path, dependencies by their ref (quirk 23).
    let dependencies = resolver.children(root, std::slice::from_ref(&name));
    let root =
        Node { name, version: text(&root.service.version).to_owned(), reference: None, local: false, dependencies };
    let conflicts = conflicts(&root);
    let mut graph = Graph { root, cycles: resolver.cycles, conflicts, v2 };
    if v2 {
        graph.cycles = cycles::detect(&mut graph.root);
    }
    graph
}

/// The graph of `graph --only-references`: the root alone, nothing fetched; the caller adds the
/// reference edges.
pub fn unresolved(root: &Contract) -> Graph {
    let node = Node {
        name: text(&root.service.name).to_owned(),
        version: text(&root.service.version).to_owned(),
        reference: None,
        local: false,
        dependencies: Vec::new(),
    };
    Graph { root: node, cycles: Vec::new(), conflicts: Vec::new(), v2: root.v2.is_some() }
}

/// One edge per configuration or policy ref (already distinct, in order): never fetched,
/// `required: false`, no compatibility (pacto-v2.md §6.4).
pub fn reference_edges(references: &[String]) -> Vec<Edge> {
    references
        .iter()
        .map(|it| Edge {
            kind: EdgeKind::Reference,
            name: String::new(),
            reference: it.clone(),
            required: false,
            compatibility: String::new(),
            local: false,
            node: None,
            error: None,
            shared: false,
        })
        .collect()
}

/// As [`resolve`], the fetching done first, level by level: each level's refs (all not fetched yet)
/// go to the fetcher in one batch, so siblings, and cousins, are fetched together. The walk of
/// [`resolve`] then runs on the results, so the graph is the same, in the same order, as with
/// one fetch at a time. A ref named with two `compatibility` values is fetched under each.
pub fn resolve_batched(root: &Contract, fetcher: &mut dyn BatchFetcher) -> Graph {
    let root_name = text(&root.service.name);
    let mut fetched: HashMap<Wanted, Result<Contract, String>> = HashMap::new();
    let mut asked: HashSet<Wanted> = HashSet::new();
    let mut level = wanted_by(root, root_name, &mut asked);
    while !level.is_empty() {
        let results = fetcher.fetch_all(&level);
        let mut next = Vec::new();
        for (wanted, result) in level.iter().zip(results) {
            if let Ok(contract) = &result {
                next.extend(wanted_by(contract, root_name, &mut asked));
            }
            fetched.insert(wanted.clone(), result);
        }
        level = next;
    }
    resolve(root, &mut Prefetched { fetched, fetcher })
}

/// The dependencies of `contract` not asked for yet. A ref equal to the root's name is a cycle
/// wherever it appears (the root's name heads every path), never fetched.
fn wanted_by(contract: &Contract, root_name: &str, asked: &mut HashSet<Wanted>) -> Vec<Wanted> {
    let mut out = Vec::new();
    for dependency in contract.dependencies.iter().flatten() {
        let raw = text(&dependency.reference);
        if raw == root_name {
            continue;
        }
        let wanted = Wanted { reference: classify(raw), compatibility: text(&dependency.compatibility).to_owned() };
        if asked.insert(wanted.clone()) {
            out.push(wanted);
        }
    }
    out
}

/// The results of [`resolve_batched`]'s fetching, handed to the walk; anything else is fetched alone.
struct Prefetched<'a> {
    fetched: HashMap<Wanted, Result<Contract, String>>,
    fetcher: &'a mut dyn BatchFetcher,
}

impl Fetcher for Prefetched<'_> {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Contract, String> {
        let wanted = Wanted { reference: reference.clone(), compatibility: compatibility.to_owned() };
        match self.fetched.get(&wanted) {
            Some(result) => result.clone(),
            None => {
                let mut results = self.fetcher.fetch_all(std::slice::from_ref(&wanted));
                results.pop().unwrap_or_else(|| Err(format!("not fetched: {reference:?}")))
            }
        }
    }
}

struct Resolver<'a> {
    fetcher: &'a mut dyn Fetcher,
    /// Resolved nodes by raw ref (without children), for shared edges.
    visited: HashMap<String, Node>,
    cycles: Vec<Vec<String>>,
}

impl Resolver<'_> {
    fn children(&mut self, contract: &Contract, path: &[String]) -> Vec<Edge> {
        contract.dependencies.iter().flatten().map(|it| self.edge(it, path)).collect()
    }

    fn edge(&mut self, dependency: &crate::contract::Dependency, path: &[String]) -> Edge {
        let reference = text(&dependency.reference).to_owned();
        let parsed = classify(&reference);
        let local = matches!(parsed, DependencyRef::Local(_));
        let mut edge = Edge {
            kind: EdgeKind::Dependency,
            name: text(&dependency.name).to_owned(),
            reference: reference.clone(),
            required: dependency.required.as_ref().is_some_and(|it| it.value),
            compatibility: text(&dependency.compatibility).to_owned(),
            local,
            node: None,
            error: None,
            shared: false,
        };
        if path.contains(&reference) {
            let mut cycle = path.to_vec();
            cycle.push(reference.clone());
            self.cycles.push(cycle);
            edge.error = Some(format!("cycle detected: {reference}"));
            return edge;
        }
        if let Some(seen) = self.visited.get(&reference) {
            edge.shared = true;
            edge.node = Some(Node { dependencies: Vec::new(), ..seen.clone() });
            return edge;
        }
        match self.fetcher.fetch(&parsed, &edge.compatibility) {
            Err(err) => edge.error = Some(err),
            Ok(contract) => {
                let mut node = Node {
                    name: text(&contract.service.name).to_owned(),
                    version: text(&contract.service.version).to_owned(),
                    reference: Some(reference.clone()),
                    local,
                    dependencies: Vec::new(),
                };
                self.visited.insert(reference.clone(), node.clone());
                let mut child_path = path.to_vec();
                child_path.push(reference);
                node.dependencies = self.children(&contract, &child_path);
                edge.node = Some(node);
            }
        }
        edge
    }
}

/// Services reached at two or more versions (the root excluded), sorted by name.
fn conflicts(root: &Node) -> Vec<Conflict> {
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack: Vec<&Node> = vec![root];
    while let Some(node) = stack.pop() {
        for edge in &node.dependencies {
            if let Some(child) = &edge.node {
                versions.entry(child.name.clone()).or_default().insert(child.version.clone());
                stack.push(child);
            }
        }
    }
    versions
        .into_iter()
        .filter(|(_, it)| it.len() > 1)
        .map(|(name, it)| Conflict { versions: it.iter().map(|version| format!("{name}@{version}")).collect(), name })
        .collect()
}

/// The last path segment of a ref, a digest cut to 7 characters (spec §4.6).
pub fn short_ref(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    match last.find("@sha256:") {
        Some(at) => {
            let digest_start = at + "@sha256:".len();
            let end = (digest_start + 7).min(last.len());
            last[..end].to_owned()
        }
        None => last.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::from_tree;
    use crate::syntax::parse;

    struct Bundles(Vec<(&'static str, &'static str)>);

    impl Fetcher for Bundles {
        fn fetch(&mut self, reference: &DependencyRef, _: &str) -> Result<Contract, String> {
            let location = match reference {
                DependencyRef::Local(it) | DependencyRef::Oci(it) => it.as_str(),
            };
            let (_, text) = self
                .0
                .iter()
                .find(|(name, _)| *name == location)
                .ok_or(format!("no pacto.yaml found in {location}"))?;
            Ok(from_tree(parse(text).root.as_ref()).contract)
        }
    }

    /// Batches of refs by location, as asked.
    struct Levels(Bundles, Vec<Vec<String>>);

    impl BatchFetcher for Levels {
        fn fetch_all(&mut self, wanted: &[Wanted]) -> Vec<Result<Contract, String>> {
            self.1.push(wanted.iter().map(|it| format!("{:?}", it.reference)).collect());
            wanted.iter().map(|it| self.0.fetch(&it.reference, &it.compatibility)).collect()
        }
    }

    fn contract(name: &str, version: &str, deps: &[&str]) -> String {
        let mut out = format!("pactoVersion: \"1.0\"\nservice: {{name: {name}, version: {version}}}\n");
        if !deps.is_empty() {
            out.push_str("dependencies:\n");
            for dep in deps {
                out.push_str(&format!("  - {{ref: \"{dep}\", compatibility: \"^1\"}}\n"));
            }
        }
        out
    }

    fn leak(text: String) -> &'static str {
        Box::leak(text.into_boxed_str())
    }

    #[test]
    fn shared_nodes_cycles_conflicts_and_failures() {
        let mut bundles = Bundles(vec![
            ("b", leak(contract("b", "1.0.0", &["c", "a2"]))),
            ("c", leak(contract("c", "1.0.0", &["c"]))),
            ("a2", leak(contract("d", "2.0.0", &[]))),
            ("d1", leak(contract("d", "1.0.0", &[]))),
        ]);
        let root = from_tree(parse(&contract("a", "0.1.0", &["b", "c", "d1", "missing"])).root.as_ref()).contract;
        let graph = resolve(&root, &mut bundles);
        let names: Vec<String> = graph
            .root
            .dependencies
            .iter()
            .map(|it| format!("{} shared={} error={:?}", it.reference, it.shared, it.error))
            .collect();
        assert_eq!(
            names,
            [
                "b shared=false error=None",
                "c shared=true error=None",
                "d1 shared=false error=None",
                "missing shared=false error=Some(\"no pacto.yaml found in missing\")"
            ]
        );
        assert_eq!(graph.cycles, [vec!["a".to_owned(), "b".to_owned(), "c".to_owned(), "c".to_owned()]]);
        assert_eq!(
            graph.conflicts,
            [Conflict { name: "d".into(), versions: vec!["d@1.0.0".into(), "d@2.0.0".into()] }]
        );
    }

    #[test]
    fn batched_resolution_fetches_by_level_and_yields_the_same_graph() {
        let bundles = || {
            Bundles(vec![
                ("b", leak(contract("b", "1.0.0", &["c", "a2", "a"]))),
                ("c", leak(contract("c", "1.0.0", &["c", "file://d1"]))),
                ("a2", leak(contract("d", "2.0.0", &[]))),
                ("d1", leak(contract("d", "1.0.0", &["missing"]))),
            ])
        };
        let root = from_tree(parse(&contract("a", "0.1.0", &["b", "c", "d1", "missing"])).root.as_ref()).contract;
        let mut levels = Levels(bundles(), Vec::new());
        assert_eq!(resolve_batched(&root, &mut levels), resolve(&root, &mut bundles()));
        // `a` is the root's name: a cycle, never fetched; `file://d1` is `d1`, and `missing` fails once.
        assert_eq!(
            levels.1,
            [vec!["Local(\"b\")", "Local(\"c\")", "Local(\"d1\")", "Local(\"missing\")"], vec!["Local(\"a2\")"],]
        );
    }

    #[test]
    fn short_ref_cuts_digests() {
        assert_eq!(short_ref("ghcr.io/org/svc@sha256:abc123def456"), "svc@sha256:abc123d");
        assert_eq!(short_ref("oci://ghcr.io/org/svc:1.0.0"), "svc:1.0.0");
        assert_eq!(short_ref("simple-ref"), "simple-ref");
    }
}
