//! References and rename for interface names: every declaration with the name, and
//! `runtime.health.interface` when it points at it. Nothing else can be renamed.

use pacto_core::contract::text;
use pacto_core::syntax::{NodeKind, ScalarStyle, Span};

use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};

/// The interface name under the cursor and its span, on a declaration or on `health.interface`.
pub fn interface_name_at(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let (path, hit) = node_at(analysis.root()?, offset)?;
    let Hit::Value(node) = hit else {
        return None;
    };
    let keys: Vec<&str> = path.keys();
    matches!(keys.as_slice(), ["interfaces", "name"] | ["runtime", "health", "interface"])
        .then(|| (node.scalar_text().unwrap_or_default().to_owned(), node.span))
}

pub fn references(analysis: &Analysis, offset: usize) -> Vec<Span> {
    let Some((name, _)) = interface_name_at(analysis, offset) else {
        return Vec::new();
    };
    let contract = &analysis.validation.decoded.contract;
    let mut out: Vec<Span> = contract
        .interfaces
        .iter()
        .flatten()
        .filter(|it| text(&it.name) == name)
        .filter_map(|it| it.name.as_ref().map(|it| it.span))
        .collect();
    if let Some(health) = contract.runtime.as_ref().and_then(|it| it.health.as_ref()) {
        if let Some(interface) = health.interface.as_ref().filter(|it| it.value == name) {
            out.push(interface.span);
        }
    }
    out.sort();
    out
}

pub fn prepare_rename(analysis: &Analysis, offset: usize) -> Option<Span> {
    interface_name_at(analysis, offset).map(|(_, span)| span)
}

/// The edits renaming the interface under the cursor; quoted names stay quoted.
pub fn rename(analysis: &Analysis, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
    if new_name.trim().is_empty() {
        return Err("an interface name cannot be empty".to_owned());
    }
    if interface_name_at(analysis, offset).is_none() {
        return Err("only interface names can be renamed".to_owned());
    }
    let root = analysis.root().ok_or("the document has no content")?;
    Ok(references(analysis, offset)
        .into_iter()
        .map(|span| {
            let style = node_at(root, span.start).and_then(|(_, hit)| match hit {
                Hit::Value(node) => match &node.kind {
                    NodeKind::Scalar(scalar) => Some(scalar.style),
                    _ => None,
                },
                Hit::Key { .. } => None,
            });
            let replacement = match style {
                Some(ScalarStyle::DoubleQuoted) => format!("{new_name:?}"),
                Some(ScalarStyle::SingleQuoted) => format!("'{}'", new_name.replace('\'', "''")),
                _ if needs_quotes(new_name) => format!("{new_name:?}"),
                _ => new_name.to_owned(),
            };
            (span, replacement)
        })
        .collect())
}

fn needs_quotes(name: &str) -> bool {
    name.contains([':', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`'])
        || name.starts_with(['-', '?', ' '])
        || name.ends_with(' ')
        || !matches!(pacto_core::syntax::parse::resolve_plain(name), pacto_core::syntax::ScalarValue::String)
}
