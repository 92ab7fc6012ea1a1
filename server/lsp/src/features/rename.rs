//! Rename of a name: every reference `references.rs` finds, each edited in its own quoting style.

use pacto_core::syntax::{NodeKind, ScalarStyle, Span};
use pacto_core::validate::Format;

use super::references::{Namespace, name_at, references};
use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};

pub fn prepare_rename(analysis: &Analysis, offset: usize) -> Option<Span> {
    name_at(analysis, offset).map(|(_, _, span)| span)
}

/// The edits renaming the name under the cursor; quoted names stay quoted.
pub fn rename(analysis: &Analysis, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
    let found = name_at(analysis, offset);
    if new_name.trim().is_empty() {
        let namespace = found.as_ref().map_or(Namespace::Interface, |it| it.0);
        return Err(format!("{} name cannot be empty", namespace.label()));
    }
    if found.is_none() {
        return Err(match analysis.format() {
            Format::V1 => "only interface names can be renamed",
            Format::V2 => "only interface, configuration, policy and dependency names can be renamed",
        }
        .to_owned());
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

impl Namespace {
    fn label(self) -> &'static str {
        match self {
            Namespace::Interface => "an interface",
            Namespace::Configuration => "a configuration",
            Namespace::Policy => "a policy",
            Namespace::Dependency => "a dependency",
        }
    }
}
