//! The cycles of a 2.0 graph (pacto-v2.md §6.4): one depth-first pass over the resolved graph,
//! after resolution, so the set does not depend on the order nodes were fetched in. The root is
//! keyed by its name, every other node by the ref it was reached by; only dependency edges are
//! followed; each back edge records `path + [ref]`, gets the error `cycle detected: <ref>` when it
//! has none, and the list is sorted.

use std::collections::HashMap;

use super::{EdgeKind, Node};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Color {
    OnStack,
    Done,
}

/// The sorted cycles of the graph under `root`; marks the back edges it finds.
pub fn detect(root: &mut Node) -> Vec<Vec<String>> {
    let mut back_edges: Vec<(String, usize)> = Vec::new();
    let mut cycles = Vec::new();
    {
        let mut nodes: HashMap<&str, &Node> = HashMap::new();
        collect(root, &mut nodes);
        nodes.insert(root.name.as_str(), root);
        let mut walk = Walk {
            nodes: &nodes,
            color: HashMap::new(),
            stack: Vec::new(),
            cycles: &mut cycles,
            back_edges: &mut back_edges,
        };
        walk.visit(root.name.as_str(), root);
    }
    let root_name = root.name.clone();
    for (key, edge_idx) in back_edges {
        let node = if key == root_name { Some(&mut *root) } else { find_mut(root, &key) };
        if let Some(edge) = node.and_then(|it| it.dependencies.get_mut(edge_idx)) {
            edge.error.get_or_insert_with(|| format!("cycle detected: {}", edge.reference));
        }
    }
    cycles.sort_by_key(|it| it.join("\0"));
    cycles
}

/// Every fetched node by the ref it was reached by: the full (not shared) copy.
fn collect<'a>(node: &'a Node, out: &mut HashMap<&'a str, &'a Node>) {
    for edge in &node.dependencies {
        if let (Some(child), false) = (&edge.node, edge.shared) {
            out.entry(edge.reference.as_str()).or_insert(child);
            collect(child, out);
        }
    }
}

fn find_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    for edge in &mut node.dependencies {
        if edge.shared {
            continue;
        }
        let is_key = edge.reference == key;
        if let Some(child) = &mut edge.node {
            if is_key {
                return Some(child);
            }
            if let Some(found) = find_mut(child, key) {
                return Some(found);
            }
        }
    }
    None
}

struct Walk<'a, 'b> {
    nodes: &'b HashMap<&'a str, &'a Node>,
    color: HashMap<&'a str, Color>,
    stack: Vec<&'a str>,
    cycles: &'b mut Vec<Vec<String>>,
    /// (key of the node, index of the edge) of every back edge.
    back_edges: &'b mut Vec<(String, usize)>,
}

impl<'a> Walk<'a, '_> {
    fn visit(&mut self, key: &'a str, node: &'a Node) {
        self.color.insert(key, Color::OnStack);
        self.stack.push(key);
        for (idx, edge) in node.dependencies.iter().enumerate() {
            if edge.kind != EdgeKind::Dependency {
                continue;
            }
            match self.color.get(edge.reference.as_str()) {
                Some(Color::OnStack) => {
                    let mut cycle: Vec<String> = self.stack.iter().map(|it| (*it).to_owned()).collect();
                    cycle.push(edge.reference.clone());
                    self.cycles.push(cycle);
                    self.back_edges.push((key.to_owned(), idx));
                }
                Some(Color::Done) => {}
                None => {
                    if let Some(child) = self.nodes.get(edge.reference.as_str()).copied() {
                        self.visit(edge.reference.as_str(), child);
                    }
                }
            }
        }
        self.stack.pop();
        self.color.insert(key, Color::Done);
    }
}
