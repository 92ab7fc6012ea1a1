//! Folding ranges, selection ranges and document links: the document's structure for the editor.

use std::path::{Path, PathBuf};

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::contract::text;
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

/// File paths that exist, linked to their files: interface contracts, the configuration schema,
/// and the `pacto.yaml` of local dependencies; in 2.0, interface specs, configuration and policy
/// schemas, and the `pacto.yaml` of local dependency, configuration and policy refs.
pub fn links(analysis: &Analysis) -> Vec<(Span, PathBuf)> {
    let Some(dir) = &analysis.bundle_dir else {
        return Vec::new();
    };
    if let Some(contract) = analysis.v2() {
        return links_v2(dir, contract);
    }
    let contract = &analysis.validation.decoded.contract;
    let mut candidates: Vec<(Span, PathBuf)> = Vec::new();
    for interface in contract.interfaces.iter().flatten() {
        if let Some(file) = &interface.contract {
            candidates.push((file.span, dir.join(&file.value)));
        }
    }
    if let Some(schema) = contract.configuration.as_ref().and_then(|it| it.schema.as_ref()) {
        candidates.push((schema.span, dir.join(&schema.value)));
    }
    for dependency in contract.dependencies.iter().flatten() {
        if let DependencyRef::Local(location) = classify(text(&dependency.reference)) {
            if let Some(reference) = &dependency.reference {
                candidates.push((reference.span, dir.join(location).join("pacto.yaml")));
            }
        }
    }
    candidates.into_iter().filter(|(_, path)| path.is_file()).collect()
}

fn links_v2(dir: &Path, contract: &pacto_core::v2::Contract) -> Vec<(Span, PathBuf)> {
    let files = contract
        .interfaces
        .iter()
        .map(|it| &it.reference)
        .chain(contract.configurations.iter().map(|it| &it.schema))
        .chain(contract.policies.iter().map(|it| &it.schema));
    let mut candidates: Vec<(Span, PathBuf)> = files.flatten().map(|file| (file.span, dir.join(&file.value))).collect();
    let refs = contract
        .dependencies
        .iter()
        .map(|it| &it.reference)
        .chain(contract.configurations.iter().map(|it| &it.reference))
        .chain(contract.policies.iter().map(|it| &it.reference));
    for reference in refs.flatten() {
        if let DependencyRef::Local(location) = classify(&reference.value) {
            candidates.push((reference.span, dir.join(location).join("pacto.yaml")));
        }
    }
    candidates.sort_by_key(|it| it.0);
    candidates.into_iter().filter(|(_, path)| path.is_file()).collect()
}
