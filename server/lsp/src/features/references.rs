//! References and rename for names. 1.0: interface names, every declaration with the name and
//! `runtime.health.interface` when it points at it. 2.0 (pacto-v2.md §1.2): interface names with
//! `capabilities[].binding.interface`, the only field naming another entry; configuration, policy
//! and dependency names, each its own namespace and referenced nowhere else in the contract, so
//! their references are their declarations (repeats included, as `DUPLICATE_*_NAME` reports them).

use pacto_core::contract::{Text, text};
use pacto_core::syntax::{NodeKind, ScalarStyle, Span};
use pacto_core::validate::Format;

use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};

/// The kinds of names that can be renamed; each is a namespace of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    Interface,
    Configuration,
    Policy,
    Dependency,
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

/// The name under the cursor, its namespace and its span: on a declaration or on a field naming it.
pub fn name_at(analysis: &Analysis, offset: usize) -> Option<(Namespace, String, Span)> {
    let (path, hit) = node_at(analysis.root()?, offset)?;
    let Hit::Value(node) = hit else {
        return None;
    };
    let keys: Vec<&str> = path.keys();
    let namespace = match (analysis.format(), keys.as_slice()) {
        (Format::V1, ["interfaces", "name"] | ["runtime", "health", "interface"]) => Namespace::Interface,
        (Format::V2, ["interfaces", "name"] | ["capabilities", "binding", "interface"]) => Namespace::Interface,
        (Format::V2, ["configurations", "name"]) => Namespace::Configuration,
        (Format::V2, ["policies", "name"]) => Namespace::Policy,
        (Format::V2, ["dependencies", "name"]) => Namespace::Dependency,
        _ => return None,
    };
    Some((namespace, node.scalar_text().unwrap_or_default().to_owned(), node.span))
}

pub fn references(analysis: &Analysis, offset: usize) -> Vec<Span> {
    let Some((namespace, name, _)) = name_at(analysis, offset) else {
        return Vec::new();
    };
    if let Some(contract) = analysis.v2() {
        return references_v2(contract, namespace, &name);
    }
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

fn references_v2(contract: &pacto_core::v2::Contract, namespace: Namespace, name: &str) -> Vec<Span> {
    let declared: Vec<&Text> = match namespace {
        Namespace::Interface => contract.interfaces.iter().map(|it| &it.name).collect(),
        Namespace::Configuration => contract.configurations.iter().map(|it| &it.name).collect(),
        Namespace::Policy => contract.policies.iter().map(|it| &it.name).collect(),
        Namespace::Dependency => contract.dependencies.iter().map(|it| &it.name).collect(),
    };
    let bindings: Vec<&Text> = match namespace {
        Namespace::Interface => {
            contract.capabilities.iter().filter_map(|it| it.binding.as_ref()).map(|it| &it.interface).collect()
        }
        _ => Vec::new(),
    };
    let mut out: Vec<Span> = declared
        .into_iter()
        .chain(bindings)
        .filter_map(Option::as_ref)
        .filter(|it| it.value == name)
        .map(|it| it.span)
        .collect();
    out.sort();
    out
}

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
