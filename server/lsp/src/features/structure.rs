//! Folding ranges and selection ranges: the document's structure for the editor (its links are `links.rs`).

use pacto_core::syntax::{Node, NodeKind, Span};

use crate::analysis::Analysis;

/// Line ranges (0-based, inclusive) of every block spanning more than one line.
pub fn folding_ranges(analysis: &Analysis) -> Vec<(usize, usize)> {
    let Some(root) = analysis.root() else {
        return Vec::new();
    };
    let index = &analysis.validation.line_index;
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let blocks: Vec<(Span, &Node)> = match &node.kind {
            NodeKind::Mapping(entries) => {
                entries.iter().filter(|it| !it.merged).map(|it| (it.key.span.cover(it.value.span), &it.value)).collect()
            }
            NodeKind::Sequence(items) => items.iter().map(|it| (it.span, it)).collect(),
            NodeKind::Scalar(_) => Vec::new(),
        };
        for (span, child) in blocks {
            let (start, end) = (index.line_of(span.start), index.line_of(span.end.saturating_sub(1).max(span.start)));
            if end > start {
                out.push((start, end));
            }
            stack.push(child);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Spans from the innermost node at `offset` outwards: value, entry, enclosing block, …, document.
pub fn selection_spans(analysis: &Analysis, offset: usize) -> Vec<Span> {
    let Some(root) = analysis.root() else {
        return vec![Span::empty(offset)];
    };
    let mut chain = vec![root.span];
    let mut node = root;
    loop {
        let next = match &node.kind {
            NodeKind::Mapping(entries) => entries.iter().filter(|it| !it.merged).find_map(|it| {
                let entry = it.key.span.cover(it.value.span);
                if !entry.touches(offset) {
                    return None;
                }
                chain.push(entry);
                if it.key.span.touches(offset) {
                    chain.push(it.key.span);
                    return None;
                }
                Some(&it.value)
            }),
            NodeKind::Sequence(items) => items.iter().find(|it| it.span.touches(offset)),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some(child) => {
                chain.push(child.span);
                node = child;
            }
            None => break,
        }
    }
    chain.dedup();
    chain.reverse();
    chain
}
