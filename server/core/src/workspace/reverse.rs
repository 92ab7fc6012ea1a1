//! "Who depends on this contract?" (issue #18, `pacto graph --reverse`): the services of an
//! [`Index`] that depend on one contract, transitively, each edge with its `compatibility` and
//! whether the current version of the contract it points at satisfies it; rendered as text, JSON,
//! Graphviz `dot` and Mermaid in the conventions of [`crate::graph::render`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::graph::render::{self, push_section};
use crate::semver::{Constraint, Version};

use super::{EdgeId, Index};

/// The reverse graph of one contract.
#[derive(Clone, Debug, PartialEq)]
pub struct Reverse {
    pub root: Node,
    /// Each cycle once, in dependency direction (`a -> b -> a`: a depends on b, which depends on a).
    pub cycles: Vec<Vec<String>>,
    /// Duplicate publishers and partly read contracts met on the way, one sentence each.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub name: String,
    pub version: String,
    /// The contract file, relative to the workspace root when under it.
    pub path: String,
    /// `registry/repository` of its publish comment.
    pub published: Option<String>,
    pub dependents: Vec<Link>,
}

/// A dependency entry of a dependent that points at the node above it.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The 2.0 `dependencies[].name`; empty for 1.0.
    pub name: String,
    pub reference: String,
    pub compatibility: String,
    /// 1-based line of the `ref` in the dependent's file.
    pub line: usize,
    /// The version of the contract pointed at satisfies `compatibility` (an empty one admits any).
    pub satisfied: bool,
    /// Why satisfaction could not be decided (an invalid range or version); `satisfied` is then false.
    pub error: Option<String>,
    /// The dependent; shallow (no dependents) when `shared` or `cycle`.
    pub node: Node,
    /// The dependent was already shown elsewhere: its dependents are not repeated.
    pub shared: bool,
    /// The dependent is already on the path from the root: the edge closes a cycle.
    pub cycle: bool,
}

/// The reverse graph of the contract at `path` (which must be in `index`); paths are shown relative
/// to `workspace`. Each dependent's dependents are listed once (later meetings are `shared`), so
/// the result is linear in the edges, and cycles end where they close.
pub fn reverse(index: &Index, path: &Path, workspace: &Path) -> Reverse {
    let mut walk = Walk { index, workspace, stack: Vec::new(), done: HashSet::new(), cycles: Vec::new() };
    let root = walk.node(path);
    let mut warnings: Vec<String> = (index.duplicate_publishers().into_iter())
        .map(|(repository, paths)| {
            let paths: Vec<String> = paths.iter().map(|it| display(it, workspace)).collect();
            format!("oci://{repository} is claimed by {} contracts: {}", paths.len(), paths.join(", "))
        })
        .collect();
    let met: BTreeSet<&PathBuf> = walk.done.iter().collect();
    for entry in met.into_iter().filter_map(|it| index.get(it)) {
        if let Some(problem) = &entry.problem {
            warnings.push(format!("{} is read in part: {problem}", display(&entry.path, workspace)));
        }
    }
    Reverse { root, cycles: walk.cycles, warnings }
}

struct Walk<'a> {
    index: &'a Index,
    workspace: &'a Path,
    /// The contracts from the root down to the one being expanded.
    stack: Vec<PathBuf>,
    done: HashSet<PathBuf>,
    cycles: Vec<Vec<String>>,
}

impl Walk<'_> {
    fn node(&mut self, path: &Path) -> Node {
        let mut node = self.shallow(path);
        self.done.insert(path.to_path_buf());
        self.stack.push(path.to_path_buf());
        let version = node.version.clone();
        for id in self.index.dependents(path) {
            node.dependents.push(self.link(&id, &version));
        }
        self.stack.pop();
        node
    }

    fn link(&mut self, id: &EdgeId, version: &str) -> Link {
        let dependency = self.index.dependency(id).cloned().unwrap_or_else(|| unreachable_dependency(id));
        let (satisfied, error) = satisfies(&dependency.compatibility, version);
        let mut link = Link {
            name: dependency.name,
            reference: dependency.reference,
            compatibility: dependency.compatibility,
            line: dependency.line,
            satisfied,
            error,
            node: self.shallow(&id.path),
            shared: false,
            cycle: false,
        };
        if let Some(at) = self.stack.iter().position(|it| *it == id.path) {
            link.cycle = true;
            // The path root..dependent plus the dependent again, read backwards: dependency direction.
            let mut cycle: Vec<String> = self.stack[at..].iter().map(|it| self.label(it)).collect();
            cycle.push(self.label(&id.path));
            cycle.reverse();
            if !self.cycles.contains(&cycle) {
                self.cycles.push(cycle);
            }
        } else if self.done.contains(&id.path) {
            link.shared = true;
        } else {
            link.node = self.node(&id.path);
        }
        link
    }

    fn shallow(&self, path: &Path) -> Node {
        let entry = self.index.get(path);
        Node {
            name: entry.map(|it| it.name.clone()).unwrap_or_default(),
            version: entry.map(|it| it.version.clone()).unwrap_or_default(),
            path: display(path, self.workspace),
            published: entry.and_then(|it| it.published.clone()),
            dependents: Vec::new(),
        }
    }

    /// A service's name in a cycle; its path when it has none.
    fn label(&self, path: &Path) -> String {
        match self.index.get(path) {
            Some(entry) if !entry.name.is_empty() => entry.name.clone(),
            _ => display(path, self.workspace),
        }
    }
}

/// Edge ids come from the index's own maps, so they always name a dependency; this keeps the
/// walk total without a panic should that ever change.
fn unreachable_dependency(id: &EdgeId) -> super::Dependency {
    super::Dependency {
        name: String::new(),
        reference: format!("{}#{}", id.path.display(), id.index),
        compatibility: String::new(),
        line: 0,
        compatibility_line: 0,
        target: super::Target::Nothing,
    }
}

/// Whether `version` satisfies `compatibility` (Masterminds semantics); an empty range admits any
/// version. An invalid range or version is not satisfied, with the cause.
pub fn satisfies(compatibility: &str, version: &str) -> (bool, Option<String>) {
    let range = compatibility.trim();
    if range.is_empty() {
        return (true, None);
    }
    let constraint = match Constraint::parse(range) {
        Ok(it) => it,
        Err(err) => return (false, Some(format!("invalid compatibility {range:?}: {err}"))),
    };
    match Version::parse(version) {
        Ok(parsed) => (constraint.matches(&parsed), None),
        Err(_) if version.is_empty() => (false, Some("the contract has no service.version".to_owned())),
        Err(err) => (false, Some(format!("version {version:?} is not semver: {err}"))),
    }
}

fn display(path: &Path, workspace: &Path) -> String {
    let shown = path.strip_prefix(workspace).unwrap_or(path);
    shown.iter().map(|it| it.to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The tree, the unsatisfied edges, the cycles and the warnings, for people.
pub fn text(graph: &Reverse) -> String {
    let mut out = format!("{} ({})\n", service(&graph.root), graph.root.path);
    if graph.root.dependents.is_empty() {
        out.push_str("(no dependents)\n");
    }
    tree(&graph.root, "", &mut out);
    let mut unsatisfied = Vec::new();
    collect_unsatisfied(&graph.root, &mut unsatisfied);
    push_section(&mut out, "Unsatisfied", &unsatisfied, |(target, link)| {
        let cause = link.error.clone().unwrap_or_else(|| format!("{} is {}", target.name, target.version));
        format!(
            "{}:{} {} requires {} {}: {cause}",
            link.node.path, link.line, link.node.name, target.name, link.compatibility
        )
    });
    push_section(&mut out, "Cycles", &graph.cycles, |cycle| cycle.join(" -> "));
    push_section(&mut out, "Warnings", &graph.warnings, ToString::to_string);
    out
}

fn service(node: &Node) -> String {
    format!("{}@{}", node.name, node.version)
}

fn tree(node: &Node, prefix: &str, out: &mut String) {
    render::branches(out, prefix, &node.dependents, |link, child_prefix, out| {
        out.push_str(&format!("{} ({}:{})", service(&link.node), link.node.path, link.line));
        // As in `pacto graph`: a 2.0 dependency's name shows where it differs from the service.
        if !link.name.is_empty() && link.name != node.name {
            out.push_str(&format!(" as {}", link.name));
        }
        let range = if link.compatibility.is_empty() { "any version" } else { link.compatibility.as_str() };
        out.push_str(&format!(" requires {range}: {}", if link.satisfied { "ok" } else { "UNSATISFIED" }));
        if link.cycle {
            out.push_str(" (cycle)\n");
            return;
        }
        if link.shared {
            out.push_str(" (shared)\n");
            return;
        }
        out.push('\n');
        tree(&link.node, child_prefix, out);
    });
}

/// Every unsatisfied edge once, in tree order, with the node it points at.
fn collect_unsatisfied<'a>(node: &'a Node, out: &mut Vec<(&'a Node, &'a Link)>) {
    for link in &node.dependents {
        if !link.satisfied {
            out.push((node, link));
        }
        collect_unsatisfied(&link.node, out);
    }
}

/// `{root, cycles?, unsatisfied, warnings?}`; optional members only when set, `shared`/`cycle` only when true.
pub fn json(graph: &Reverse) -> Value {
    let mut out = Map::new();
    out.insert("root".into(), node_json(&graph.root));
    let mut unsatisfied = Vec::new();
    collect_unsatisfied(&graph.root, &mut unsatisfied);
    out.insert("unsatisfied".into(), unsatisfied.len().into());
    if !graph.cycles.is_empty() {
        out.insert("cycles".into(), graph.cycles.iter().map(|it| Value::from(it.clone())).collect());
    }
    if !graph.warnings.is_empty() {
        out.insert("warnings".into(), graph.warnings.clone().into());
    }
    Value::Object(out)
}

fn node_json(node: &Node) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), node.name.clone().into());
    out.insert("version".into(), node.version.clone().into());
    out.insert("path".into(), node.path.clone().into());
    if let Some(published) = &node.published {
        out.insert("published".into(), format!("oci://{published}").into());
    }
    if !node.dependents.is_empty() {
        out.insert("dependents".into(), node.dependents.iter().map(link_json).collect());
    }
    Value::Object(out)
}

fn link_json(link: &Link) -> Value {
    let mut out = Map::new();
    if !link.name.is_empty() {
        out.insert("name".into(), link.name.clone().into());
    }
    out.insert("ref".into(), link.reference.clone().into());
    out.insert("line".into(), link.line.into());
    out.insert("compatibility".into(), link.compatibility.clone().into());
    out.insert("satisfied".into(), link.satisfied.into());
    if let Some(error) = &link.error {
        out.insert("error".into(), error.clone().into());
    }
    out.insert("node".into(), node_json(&link.node));
    if link.shared {
        out.insert("shared".into(), true.into());
    }
    if link.cycle {
        out.insert("cycle".into(), true.into());
    }
    Value::Object(out)
}

/// One vertex per contract, one arrow per edge from the dependent to what it depends on (as in
/// `pacto graph`), labelled with the range; unsatisfied edges red and dashed, cycles purple.
struct Picture {
    vertices: Vec<(String, bool)>,
    links: Vec<(usize, usize, String, LinkKind)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    Satisfied,
    Unsatisfied,
    Cycle,
}

impl Picture {
    fn of(graph: &Reverse) -> Picture {
        let mut picture = Picture { vertices: Vec::new(), links: Vec::new() };
        let mut ids = HashMap::new();
        let root = picture.vertex(&graph.root, &mut ids, true);
        picture.walk(&graph.root, root, &mut ids);
        picture
    }

    fn vertex(&mut self, node: &Node, ids: &mut HashMap<String, usize>, root: bool) -> usize {
        *ids.entry(node.path.clone()).or_insert_with(|| {
            self.vertices.push((format!("{}\n{}", service(node), node.path), root));
            self.vertices.len() - 1
        })
    }

    fn walk(&mut self, node: &Node, id: usize, ids: &mut HashMap<String, usize>) {
        for link in &node.dependents {
            let dependent = self.vertex(&link.node, ids, false);
            let kind = match (link.cycle, link.satisfied) {
                (true, _) => LinkKind::Cycle,
                (false, true) => LinkKind::Satisfied,
                (false, false) => LinkKind::Unsatisfied,
            };
            let range = if link.compatibility.is_empty() { "any" } else { link.compatibility.as_str() };
            self.links.push((dependent, id, range.to_owned(), kind));
            if !link.shared && !link.cycle {
                self.walk(&link.node, dependent, ids);
            }
        }
    }
}

/// Graphviz: the root bold; each arrow from a dependent to the contract it depends on.
pub fn dot(graph: &Reverse) -> String {
    let picture = Picture::of(graph);
    let mut out = String::from("digraph dependents {\n  rankdir=LR;\n  node [shape=box];\n");
    for (id, (label, root)) in picture.vertices.iter().enumerate() {
        let style = if *root { ", style=\"bold\"" } else { "" };
        out.push_str(&format!("  n{id} [label={}{style}];\n", dot_string(label)));
    }
    for (from, to, range, kind) in &picture.links {
        let style = match kind {
            LinkKind::Satisfied => "",
            LinkKind::Unsatisfied => ", color=red, fontcolor=red, style=dashed",
            LinkKind::Cycle => ", color=purple, style=bold, constraint=false",
        };
        out.push_str(&format!("  n{from} -> n{to} [label={}{style}];\n", dot_string(range)));
    }
    for warning in &graph.warnings {
        out.push_str(&format!("  // warning: {}\n", warning.replace(['\n', '\r'], " ")));
    }
    out.push_str("}\n");
    out
}

/// Mermaid (`graph TD`), styled as [`dot`].
pub fn mermaid(graph: &Reverse) -> String {
    let picture = Picture::of(graph);
    let mut out = String::from("graph TD\n");
    for (id, (label, _)) in picture.vertices.iter().enumerate() {
        out.push_str(&format!("  n{id}[\"{}\"]\n", mermaid_label(&label.replace('\n', "<br/>"))));
    }
    for (from, to, range, kind) in &picture.links {
        let arrow = match kind {
            LinkKind::Satisfied => "-->",
            LinkKind::Unsatisfied => "-.->",
            LinkKind::Cycle => "==>",
        };
        out.push_str(&format!("  n{from} {arrow}|\"{}\"| n{to}\n", mermaid_label(range)));
    }
    out.push_str("  classDef root stroke-width:3px\n  class n0 root\n");
    for (kind, style) in [
        (LinkKind::Unsatisfied, "stroke:#c92a2a,stroke-dasharray:3 3"),
        (LinkKind::Cycle, "stroke:#862e9c,stroke-width:3px"),
    ] {
        let indices: Vec<String> = (picture.links.iter().enumerate())
            .filter(|(_, link)| link.3 == kind)
            .map(|(index, _)| index.to_string())
            .collect();
        if !indices.is_empty() {
            out.push_str(&format!("  linkStyle {} {style}\n", indices.join(",")));
        }
    }
    for warning in &graph.warnings {
        out.push_str(&format!("  %% warning: {}\n", warning.replace(['\n', '\r'], " ")));
    }
    out
}

fn dot_string(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\r', " ");
    format!("\"{escaped}\"")
}

/// Escaped as in the dependency graph's picture, but for the `<br/>` line break, put back.
fn mermaid_label(text: &str) -> String {
    render::mermaid_label(text).replace("#lt;br/#gt;", "<br/>")
}
