//! A resolved [`Graph`] as text: the tree and JSON of spec §4.6, and beyond the reference Graphviz `dot`
//! and Mermaid pictures in which cycles, conflicts and failed edges stand out. Shared by the CLI
//! (`pacto graph`) and the language server (`pacto.dependencyGraph`); every renderer is deterministic.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::{Edge, EdgeKind, Graph, Node, short_ref};

/// The text tree of `pacto graph` (spec §4.6).
pub fn text(graph: &Graph) -> String {
    let mut out = format!("{}@{}\n", graph.root.name, graph.root.version);
    tree(&graph.root, "", &mut out);
    push_section(&mut out, "Cycles", &graph.cycles, |cycle| cycle.join(" -> "));
    push_section(&mut out, "Conflicts", &graph.conflicts, |conflict| {
        format!("{}: [{}]", conflict.name, conflict.versions.join(" "))
    });
    out
}

/// A counted list under a graph's text tree (`Cycles (2):`, one indented line per item); nothing
/// at all when there is nothing to list. The reverse graph's text shares it.
pub(crate) fn push_section<T>(out: &mut String, title: &str, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title} ({}):\n", items.len()));
    for item in items {
        out.push_str(&format!("  {}\n", line(item)));
    }
}

/// Draws `children` under `prefix` as branches of a text tree: `draw` writes each child's line
/// after its branch, and gets the prefix the child's own children take. The reverse graph's text
/// draws its tree with it too.
pub(crate) fn branches<T>(out: &mut String, prefix: &str, children: &[T], mut draw: impl FnMut(&T, &str, &mut String)) {
    for (idx, child) in children.iter().enumerate() {
        let last = idx + 1 == children.len();
        out.push_str(prefix);
        out.push_str(if last { "└─ " } else { "├─ " });
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        draw(child, &child_prefix, out);
    }
}

fn tree(node: &Node, prefix: &str, out: &mut String) {
    branches(out, prefix, &node.dependencies, |edge, child_prefix, out| {
        if edge.kind == EdgeKind::Reference {
            out.push_str(&format!("{} [ref]\n", short_ref(&edge.reference)));
            return;
        }
        match (&edge.node, &edge.error) {
            (Some(child), _) => {
                // Decision (pacto-v2.md §6.4): a 2.0 dependency's declared name shows only where it
                // differs from the service it resolved to.
                if !edge.name.is_empty() && edge.name != child.name {
                    out.push_str(&format!("{} → ", edge.name));
                }
                out.push_str(&format!("{}@{}", child.name, child.version));
                if edge.local {
                    out.push_str(" [local]");
                }
                if edge.shared {
                    out.push_str(" (shared)\n");
                    return;
                }
                out.push('\n');
                tree(child, child_prefix, out);
            }
            (None, Some(error)) => out.push_str(&format!("{} (error: {error})\n", short_ref(&edge.reference))),
            (None, None) => out.push_str(&format!("{}\n", short_ref(&edge.reference))),
        }
    });
}

/// The JSON shape of spec §4.6: optional members only when set, `local` and `shared` only when true.
pub fn json(graph: &Graph) -> Value {
    let mut out = Map::new();
    out.insert("root".into(), node_json(&graph.root, graph.v2));
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

/// `v2`: the edges carry the reference's 2.0 `type` and, our addition, the declared `name`.
fn node_json(node: &Node, v2: bool) -> Value {
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
        out.insert("dependencies".into(), node.dependencies.iter().map(|it| edge_json(it, v2)).collect());
    }
    Value::Object(out)
}

fn edge_json(edge: &Edge, v2: bool) -> Value {
    let mut out = Map::new();
    if v2 && !edge.name.is_empty() {
        out.insert("name".into(), edge.name.clone().into());
    }
    out.insert("ref".into(), edge.reference.clone().into());
    out.insert("required".into(), edge.required.into());
    out.insert("compatibility".into(), edge.compatibility.clone().into());
    if v2 {
        out.insert("type".into(), edge.kind.as_str().into());
    }
    if let Some(node) = &edge.node {
        out.insert("node".into(), node_json(node, v2));
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

/// Graphviz: one box per service version, failed refs as red dashed boxes, cycles as bold purple
/// edges back to the node they close on, services in conflict outlined in orange.
pub fn dot(graph: &Graph) -> String {
    let picture = Picture::of(graph);
    let mut out = String::from("digraph dependencies {\n  rankdir=LR;\n  node [shape=box];\n");
    for (id, vertex) in picture.vertices.iter().enumerate() {
        let mut attributes = vec![format!("label={}", dot_string(&vertex.label))];
        let mut styles = Vec::new();
        match vertex.kind {
            VertexKind::Root => styles.push("bold"),
            VertexKind::Service { local, conflict } => {
                if local {
                    styles.push("rounded");
                }
                if conflict {
                    attributes.push("color=darkorange, penwidth=2".to_owned());
                }
            }
            VertexKind::Failed => {
                styles.push("dashed");
                attributes.push("color=red, fontcolor=red".to_owned());
            }
            VertexKind::Reference => styles.push("dotted"),
        }
        if !styles.is_empty() {
            attributes.push(format!("style={}", dot_string(&styles.join(","))));
        }
        out.push_str(&format!("  n{id} [{}];\n", attributes.join(", ")));
    }
    for link in &picture.links {
        let style = match link.kind {
            LinkKind::Resolved => "",
            LinkKind::Conflict => " [color=darkorange]",
            LinkKind::Failed => " [color=red, style=dashed]",
            LinkKind::Cycle => " [color=purple, style=bold, label=\"cycle\", constraint=false]",
            LinkKind::Reference => " [style=dotted]",
        };
        out.push_str(&format!("  n{} -> n{}{style};\n", link.from, link.to));
    }
    out.push_str("}\n");
    out
}

/// Mermaid (`graph TD`), styled as [`dot`]: the editors draw it; labels are quoted, so any ref is safe.
pub fn mermaid(graph: &Graph) -> String {
    let picture = Picture::of(graph);
    let mut out = String::from("graph TD\n");
    for (id, vertex) in picture.vertices.iter().enumerate() {
        out.push_str(&format!("  n{id}[\"{}\"]\n", mermaid_label(&vertex.label)));
    }
    for link in &picture.links {
        let arrow = match link.kind {
            LinkKind::Resolved | LinkKind::Conflict => "-->",
            LinkKind::Failed => "-.->",
            LinkKind::Cycle => "==>|cycle|",
            LinkKind::Reference => "-.-",
        };
        out.push_str(&format!("  n{} {arrow} n{}\n", link.from, link.to));
    }
    let classes: [Class; 5] = [
        ("root", "stroke-width:3px", |it| matches!(it, VertexKind::Root)),
        ("local", "stroke-dasharray:6 3", |it| matches!(it, VertexKind::Service { local: true, .. })),
        ("conflict", "stroke:#e8590c,stroke-width:3px", |it| matches!(it, VertexKind::Service { conflict: true, .. })),
        ("failed", "stroke:#c92a2a,color:#c92a2a,stroke-dasharray:3 3", |it| matches!(it, VertexKind::Failed)),
        ("reference", "stroke-dasharray:2 2", |it| matches!(it, VertexKind::Reference)),
    ];
    for (class, style, member) in classes {
        let ids: Vec<String> = (picture.vertices.iter().enumerate())
            .filter(|(_, vertex)| member(&vertex.kind))
            .map(|(id, _)| format!("n{id}"))
            .collect();
        if !ids.is_empty() {
            out.push_str(&format!("  classDef {class} {style}\n  class {} {class}\n", ids.join(",")));
        }
    }
    for (kind, style) in [
        (LinkKind::Conflict, "stroke:#e8590c"),
        (LinkKind::Failed, "stroke:#c92a2a,stroke-dasharray:3 3"),
        (LinkKind::Cycle, "stroke:#862e9c,stroke-width:3px"),
    ] {
        let indices: Vec<String> = (picture.links.iter().enumerate())
            .filter(|(_, link)| link.kind == kind)
            .map(|(index, _)| index.to_string())
            .collect();
        if !indices.is_empty() {
            out.push_str(&format!("  linkStyle {} {style}\n", indices.join(",")));
        }
    }
    out
}

/// A Mermaid class: its name, its style, which vertices have it.
type Class = (&'static str, &'static str, fn(&VertexKind) -> bool);

fn dot_string(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"").replace(['\n', '\r'], " ");
    format!("\"{escaped}\"")
}

/// Mermaid reads `#name;` entities in labels; quotes and angle brackets would end or open markup.
pub(crate) fn mermaid_label(text: &str) -> String {
    text.replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace(['\n', '\r'], " ")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VertexKind {
    Root,
    Service {
        local: bool,
        conflict: bool,
    },
    Failed,
    /// A configuration or policy ref (2.0 `--with-references`).
    Reference,
}

struct Vertex {
    label: String,
    kind: VertexKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum LinkKind {
    Resolved,
    Conflict,
    Failed,
    Cycle,
    Reference,
}

struct Link {
    from: usize,
    to: usize,
    kind: LinkKind,
}

/// The graph as vertices and links, each once, numbered in depth-first edge order.
struct Picture {
    vertices: Vec<Vertex>,
    links: Vec<Link>,
    /// Vertex of each identity: `name@version` and locality for services, the raw ref for failures.
    ids: HashMap<String, usize>,
    /// Vertex each resolved raw ref (and the root's name) leads to, for the link that closes a cycle.
    by_ref: HashMap<String, usize>,
    conflicted: BTreeSet<String>,
    seen_links: BTreeSet<(usize, usize, LinkKind)>,
}

impl Picture {
    fn of(graph: &Graph) -> Picture {
        let mut picture = Picture {
            vertices: Vec::new(),
            links: Vec::new(),
            ids: HashMap::new(),
            by_ref: HashMap::new(),
            conflicted: graph.conflicts.iter().map(|it| it.name.clone()).collect(),
            seen_links: BTreeSet::new(),
        };
        let root = picture.vertex(
            format!("root\0{}", graph.root.name),
            format!("{}@{}", graph.root.name, graph.root.version),
            VertexKind::Root,
        );
        picture.by_ref.insert(graph.root.name.clone(), root);
        picture.walk(&graph.root, root);
        picture
    }

    fn vertex(&mut self, identity: String, label: String, kind: VertexKind) -> usize {
        if let Some(id) = self.ids.get(&identity) {
            return *id;
        }
        self.vertices.push(Vertex { label, kind });
        self.ids.insert(identity, self.vertices.len() - 1);
        self.vertices.len() - 1
    }

    fn service(&mut self, node: &Node) -> usize {
        let label = format!("{}@{}{}", node.name, node.version, if node.local { " [local]" } else { "" });
        let kind = VertexKind::Service { local: node.local, conflict: self.conflicted.contains(&node.name) };
        let id = self.vertex(format!("service\0{label}"), label, kind);
        if let Some(reference) = &node.reference {
            self.by_ref.entry(reference.clone()).or_insert(id);
        }
        id
    }

    fn link(&mut self, from: usize, to: usize, kind: LinkKind) {
        if self.seen_links.insert((from, to, kind)) {
            self.links.push(Link { from, to, kind });
        }
    }

    fn walk(&mut self, node: &Node, from: usize) {
        for edge in &node.dependencies {
            if edge.kind == EdgeKind::Reference {
                let label = format!("{} [ref]", short_ref(&edge.reference));
                let to = self.vertex(format!("reference\0{}", edge.reference), label, VertexKind::Reference);
                self.link(from, to, LinkKind::Reference);
                continue;
            }
            match (&edge.node, &edge.error) {
                (Some(child), _) => {
                    let to = self.service(child);
                    let kind =
                        if self.conflicted.contains(&child.name) { LinkKind::Conflict } else { LinkKind::Resolved };
                    self.link(from, to, kind);
                    if !edge.shared {
                        self.walk(child, to);
                    }
                }
                (None, error) => {
                    let closes_cycle = error.as_deref() == Some(&format!("cycle detected: {}", edge.reference));
                    match self.by_ref.get(&edge.reference).copied().filter(|_| closes_cycle) {
                        Some(to) => self.link(from, to, LinkKind::Cycle),
                        None => {
                            let label = match error {
                                Some(error) => format!("{} (error: {error})", short_ref(&edge.reference)),
                                None => short_ref(&edge.reference),
                            };
                            let to = self.vertex(format!("failed\0{}", edge.reference), label, VertexKind::Failed);
                            self.link(from, to, LinkKind::Failed);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, reference: &str) -> Edge {
        Edge {
            kind: EdgeKind::Dependency,
            name: String::new(),
            reference: reference.to_owned(),
            required: true,
            compatibility: String::new(),
            local: true,
            node: Some(Node {
                name: name.to_owned(),
                version: "1.0.0".to_owned(),
                reference: Some(reference.to_owned()),
                local: true,
                dependencies: Vec::new(),
            }),
            error: None,
            shared: false,
        }
    }

    /// Names come from contracts: quotes, `#`, angle brackets and newlines must not break either syntax.
    #[test]
    fn labels_are_escaped_for_dot_and_mermaid() {
        let graph = Graph {
            root: Node {
                name: "a\"b".to_owned(),
                version: "1".to_owned(),
                reference: None,
                local: false,
                dependencies: vec![leaf("<x>#1\nline", "../x")],
            },
            cycles: Vec::new(),
            conflicts: Vec::new(),
            v2: false,
        };
        assert_eq!(
            dot(&graph),
            "digraph dependencies {\n  rankdir=LR;\n  node [shape=box];\n  n0 [label=\"a\\\"b@1\", style=\"bold\"];\n  \
             n1 [label=\"<x>#1 line@1.0.0 [local]\", style=\"rounded\"];\n  n0 -> n1;\n}\n"
        );
        assert_eq!(
            mermaid(&graph),
            "graph TD\n  n0[\"a#quot;b@1\"]\n  n1[\"#lt;x#gt;#35;1 line@1.0.0 [local]\"]\n  n0 --> n1\n  classDef root \
             stroke-width:3px\n  class n0 root\n  classDef local stroke-dasharray:6 3\n  class n1 local\n"
        );
    }
}
