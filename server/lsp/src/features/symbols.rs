//! Document symbols (the outline): every key, list items named by their `name` or `ref`.

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
    children(root)
}

fn children(node: &Node) -> Vec<Symbol> {
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
                children: children(&entry.value),
            })
            .collect(),
        NodeKind::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(idx, item)| {
                let label = item.get("name").or_else(|| item.get("ref")).and_then(Node::scalar_text);
                Symbol {
                    name: label.map_or_else(|| format!("[{idx}]"), str::to_owned),
                    detail: item.get("type").and_then(Node::scalar_text).map(str::to_owned),
                    span: item.span,
                    selection: item.head_span(),
                    is_list: false,
                    children: children(item),
                }
            })
            .collect(),
        NodeKind::Scalar(_) => Vec::new(),
    }
}
