//! Dependency-graph diff (spec §3.8): the two resolved trees walked side by side, children
//! matched by service name, version changes, additions and removals. Informational only: it
//! never counts towards the classification (§3.10).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::graph::{Graph, Node};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GraphChangeType {
    Added,
    Removed,
    VersionChanged,
}

impl GraphChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            GraphChangeType::Added => "added",
            GraphChangeType::Removed => "removed",
            GraphChangeType::VersionChanged => "version_changed",
        }
    }
}

/// One dependency that appeared, disappeared or changed version. An empty version is absent
/// (an added node has no old version, a removed one no new version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphChange {
    pub name: String,
    pub change_type: GraphChangeType,
    pub old_version: String,
    pub new_version: String,
}

/// A node of the diff tree: the new side's name and version (the old one's for a removal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffNode {
    pub name: String,
    pub version: String,
    pub change: Option<GraphChange>,
    pub children: Vec<DiffNode>,
}

impl DiffNode {
    /// Whether this node or one below it changed: the text rendering shows only those (§3.8).
    pub fn has_change(&self) -> bool {
        self.change.is_some() || self.children.iter().any(DiffNode::has_change)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphDiff {
    pub root: DiffNode,
    /// Every change of the tree once per service name (the first met depth-first), by name.
    pub changes: Vec<GraphChange>,
}

/// Diffs two resolved graphs. Edges that failed or closed a cycle have no node and are
/// ignored; a shared edge is not expanded again, nor is a name already expanded.
pub fn diff_graphs(old: &Graph, new: &Graph) -> GraphDiff {
    let mut walk = Walk { old_full: full_nodes(&old.root), expanded: HashSet::new() };
    let root = walk.node(&old.root, &new.root);
    let mut changes: BTreeMap<String, GraphChange> = BTreeMap::new();
    collect_changes(&root, &mut changes);
    GraphDiff { root, changes: changes.into_values().collect() }
}

/// The old graph's nodes by service name, preferring a node with dependencies over a shallow
/// shared copy of it (§3.8), so recursion under a shared new edge sees the real subtree.
fn full_nodes(root: &Node) -> HashMap<&str, &Node> {
    let mut out: HashMap<&str, &Node> = HashMap::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let keep = out.get(node.name.as_str()).is_none_or(|seen| seen.dependencies.is_empty());
        if keep {
            out.insert(&node.name, node);
        }
        stack.extend(node.dependencies.iter().rev().filter_map(|it| it.node.as_ref()));
    }
    out
}

struct Walk<'a> {
    old_full: HashMap<&'a str, &'a Node>,
    /// Names already expanded in this diff: a diamond is walked once.
    expanded: HashSet<String>,
}

impl<'a> Walk<'a> {
    fn node(&mut self, old: &'a Node, new: &Node) -> DiffNode {
        // Duplicated names among old children: the last one wins, as in the reference's map.
        let old_children: HashMap<&str, &Node> =
            old.dependencies.iter().filter_map(|it| it.node.as_ref()).map(|it| (it.name.as_str(), it)).collect();
        let mut children = Vec::new();
        let mut new_names = HashSet::new();
        for edge in &new.dependencies {
            let Some(new_child) = &edge.node else { continue };
            new_names.insert(new_child.name.as_str());
            let Some(old_child) = old_children.get(new_child.name.as_str()) else {
                children.push(DiffNode {
                    name: new_child.name.clone(),
                    version: new_child.version.clone(),
                    change: Some(GraphChange {
                        name: new_child.name.clone(),
                        change_type: GraphChangeType::Added,
                        old_version: String::new(),
                        new_version: new_child.version.clone(),
                    }),
                    // An added dependency's own dependencies are new by definition: not expanded.
                    children: Vec::new(),
                });
                continue;
            };
            let mut child = if !edge.shared && self.expanded.insert(new_child.name.clone()) {
                let old_full = self.old_full.get(new_child.name.as_str()).copied().unwrap_or(old_child);
                self.node(old_full, new_child)
            } else {
                DiffNode {
                    name: new_child.name.clone(),
                    version: new_child.version.clone(),
                    change: None,
                    children: Vec::new(),
                }
            };
            if old_child.version != new_child.version {
                child.change = Some(GraphChange {
                    name: new_child.name.clone(),
                    change_type: GraphChangeType::VersionChanged,
                    old_version: old_child.version.clone(),
                    new_version: new_child.version.clone(),
                });
            }
            children.push(child);
        }
        for edge in &old.dependencies {
            let Some(old_child) = &edge.node else { continue };
            if new_names.contains(old_child.name.as_str()) {
                continue;
            }
            children.push(DiffNode {
                name: old_child.name.clone(),
                version: old_child.version.clone(),
                change: Some(GraphChange {
                    name: old_child.name.clone(),
                    change_type: GraphChangeType::Removed,
                    old_version: old_child.version.clone(),
                    new_version: String::new(),
                }),
                children: Vec::new(),
            });
        }
        DiffNode { name: new.name.clone(), version: new.version.clone(), change: None, children }
    }
}

/// Depth-first, the first change of a name wins; the map sorts them by name.
fn collect_changes(node: &DiffNode, acc: &mut BTreeMap<String, GraphChange>) {
    if let Some(change) = &node.change {
        acc.entry(change.name.clone()).or_insert_with(|| change.clone());
    }
    for child in &node.children {
        collect_changes(child, acc);
    }
}

#[cfg(test)]
mod tests;
