//! Document symbols (the outline): every key, list items named by their `name` or `ref`; in 2.0
//! contracts also by a claim's `id`, a revision's `version`, a contact's `value` or, for health
//! and metrics capabilities, which have no name, their `type`.

use pacto_core::syntax::{Node, NodeKind, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    /// The whole entry (key and value).
    pub span: Span,
    /// The key, or the item's first line.
    pub selection: Span,
    pub is_list: bool,
    pub children: Vec<Symbol>,
}

pub fn symbols(root: &Node) -> Vec<Symbol> {
    let labels = if pacto_core::v2::format_version(Some(root)) == Some("2.0") { LABELS_V2 } else { LABELS_V1 };
    children(root, labels)
}

/// The keys whose value names a list item, first found first.
const LABELS_V1: &[&str] = &["name", "ref"];
const LABELS_V2: &[&str] = &["name", "id", "ref", "version", "value", "type"];

fn children(node: &Node, labels: &[&str]) -> Vec<Symbol> {
    match &node.kind {
        NodeKind::Mapping(entries) => entries
            .iter()
            .filter(|it| !it.merged)
            .map(|entry| Symbol {
                name: entry.key.scalar_text().unwrap_or_default().to_owned(),
                detail: entry.value.scalar_text().filter(|it| !it.is_empty()).map(str::to_owned),
                span: entry.key.span.cover(entry.value.span),
                selection: entry.key.span,
                is_list: entry.value.as_sequence().is_some(),
                children: children(&entry.value, labels),
            })
            .collect(),
        NodeKind::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(idx, item)| {
                let label = labels.iter().find_map(|key| Some((*key, item.get(key)?)));
                let label = label.and_then(|(key, node)| Some((key, node.scalar_text()?)));
                let detail =
                    item.get("type").and_then(Node::scalar_text).filter(|_| label.is_none_or(|it| it.0 != "type"));
                Symbol {
                    name: label.map_or_else(|| format!("[{idx}]"), |it| it.1.to_owned()),
                    detail: detail.map(str::to_owned),
                    span: item.span,
                    selection: item.head_span(),
                    is_list: false,
                    children: children(item, labels),
                }
            })
            .collect(),
        NodeKind::Scalar(_) => Vec::new(),
    }
}
