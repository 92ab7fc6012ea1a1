//! `pacto graph [dir]` (spec §4): the dependency tree as text or JSON, and beyond the reference
//! as Graphviz `dot` or Mermaid. Dependency problems are data; only the root must load.

use std::path::{Path, PathBuf};

use pacto_core::contract::Contract;
use pacto_core::contract::oci_ref::DependencyRef;
use pacto_core::graph::{self, Edge, Fetcher, Graph, Node, short_ref};
use serde_json::{Map, Value};

use crate::load;
use crate::render::json as render_json;

/// The dependency graph of a local root, local dependencies relative to its directory.
pub fn local_graph(arg: &str, root: &Contract) -> Result<Graph, String> {
    // An `oci://` root has no directory: its local dependencies are relative to ours (quirk 22).
    let base_dir = if arg.starts_with("oci://") {
        std::env::current_dir().map_err(|err| format!("failed to access the current directory: {err}"))?
    } else {
        std::fs::canonicalize(arg.strip_prefix("file://").unwrap_or(arg))
            .map_err(|err| format!("failed to access {arg}: {err}"))?
    };
    Ok(graph::resolve(root, &mut LocalFetcher { base_dir }))
}

/// Local dependencies relative to the root bundle's directory (also transitive ones: quirk 22);
/// OCI ones pulled through the cache.
struct LocalFetcher {
    base_dir: PathBuf,
}

impl Fetcher for LocalFetcher {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Contract, String> {
        match reference {
            DependencyRef::Oci(location) => load::load_dependency(location, compatibility).map(|it| it.contract),
            DependencyRef::Local(location) => {
                let path = Path::new(location);
                let dir = if path.is_relative() { self.base_dir.join(path) } else { path.to_path_buf() };
                load::load_contract(&dir.display().to_string()).map(|it| it.contract)
            }
        }
    }
}

pub fn run(arg: &str, output_format: &str) -> Result<(), String> {
    let root = load::load_contract(arg)?.contract;
    let graph = local_graph(arg, &root)?;
    match output_format {
        "json" => print!("{}", render_json::to_string(&json(&graph))),
        "dot" => print!("{}", dot(&graph)),
        "mermaid" => print!("{}", mermaid(&graph)),
        _ => print!("{}", text(&graph)),
    }
    Ok(())
}

fn text(graph: &Graph) -> String {
    let mut out = format!("{}@{}\n", graph.root.name, graph.root.version);
    tree(&graph.root, "", &mut out);
    if !graph.cycles.is_empty() {
        out.push_str(&format!("\nCycles ({}):\n", graph.cycles.len()));
        for cycle in &graph.cycles {
            out.push_str(&format!("  {}\n", cycle.join(" -> ")));
        }
    }
    if !graph.conflicts.is_empty() {
        out.push_str(&format!("\nConflicts ({}):\n", graph.conflicts.len()));
        for conflict in &graph.conflicts {
            out.push_str(&format!("  {}: [{}]\n", conflict.name, conflict.versions.join(" ")));
        }
    }
    out
}

fn tree(node: &Node, prefix: &str, out: &mut String) {
    let count = node.dependencies.len();
    for (idx, edge) in node.dependencies.iter().enumerate() {
        let last = idx + 1 == count;
        let connector = if last { "└─ " } else { "├─ " };
        out.push_str(prefix);
        out.push_str(connector);
        match (&edge.node, &edge.error) {
            (Some(child), _) => {
                out.push_str(&format!("{}@{}", child.name, child.version));
                if edge.local {
                    out.push_str(" [local]");
                }
                if edge.shared {
                    out.push_str(" (shared)\n");
                    continue;
                }
                out.push('\n');
                let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
                tree(child, &child_prefix, out);
            }
            (None, Some(error)) => out.push_str(&format!("{} (error: {error})\n", short_ref(&edge.reference))),
            (None, None) => out.push_str(&format!("{}\n", short_ref(&edge.reference))),
        }
    }
}

fn json(graph: &Graph) -> Value {
    let mut out = Map::new();
    out.insert("root".into(), node_json(&graph.root));
    if !graph.cycles.is_empty() {
        out.insert("cycles".into(), graph.cycles.iter().map(|it| Value::from(it.clone())).collect());
    }
    if !graph.conflicts.is_empty() {
        let conflicts =
            graph.conflicts.iter().map(|it| serde_json::json!({"name": it.name, "versions": it.versions})).collect();
        out.insert("conflicts".into(), Value::Array(conflicts));
    }
    Value::Object(out)
}

fn node_json(node: &Node) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), node.name.clone().into());
    out.insert("version".into(), node.version.clone().into());
    if let Some(reference) = &node.reference {
        out.insert("ref".into(), reference.clone().into());
    }
    if node.local {
        out.insert("local".into(), true.into());
    }
    if !node.dependencies.is_empty() {
        out.insert("dependencies".into(), node.dependencies.iter().map(edge_json).collect());
    }
    Value::Object(out)
}

fn edge_json(edge: &Edge) -> Value {
    let mut out = Map::new();
    out.insert("ref".into(), edge.reference.clone().into());
    out.insert("required".into(), edge.required.into());
    out.insert("compatibility".into(), edge.compatibility.clone().into());
    if let Some(node) = &edge.node {
        out.insert("node".into(), node_json(node));
    }
    if let Some(error) = &edge.error {
        out.insert("error".into(), error.clone().into());
    }
    if edge.shared {
        out.insert("shared".into(), true.into());
    }
    if edge.local {
        out.insert("local".into(), true.into());
    }
    Value::Object(out)
}

/// Every edge once, as `(from label, to label, failed)`.
fn edges(graph: &Graph) -> Vec<(String, String, bool)> {
    fn walk(node: &Node, out: &mut Vec<(String, String, bool)>) {
        let from = format!("{}@{}", node.name, node.version);
        for edge in &node.dependencies {
            let (to, failed) = match &edge.node {
                Some(child) => (format!("{}@{}", child.name, child.version), false),
                None => (short_ref(&edge.reference), true),
            };
            let it = (from.clone(), to, failed);
            if !out.contains(&it) {
                out.push(it);
            }
            if let Some(child) = edge.node.as_ref().filter(|_| !edge.shared) {
                walk(child, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&graph.root, &mut out);
    out
}

fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph dependencies {\n  rankdir=LR;\n");
    out.push_str(&format!("  \"{}@{}\" [shape=box, style=bold];\n", graph.root.name, graph.root.version));
    for (from, to, failed) in edges(graph) {
        let style = if failed { " [style=dashed, color=red]" } else { "" };
        out.push_str(&format!("  {from:?} -> {to:?}{style};\n"));
    }
    out.push_str("}\n");
    out
}

fn mermaid(graph: &Graph) -> String {
    let id =
        |label: &str| label.chars().map(|it| if it.is_ascii_alphanumeric() { it } else { '_' }).collect::<String>();
    let mut out = String::from("graph LR\n");
    for (from, to, failed) in edges(graph) {
        let arrow = if failed { "-.->" } else { "-->" };
        out.push_str(&format!("  {}[\"{from}\"] {arrow} {}[\"{to}\"]\n", id(&from), id(&to)));
    }
    out
}
