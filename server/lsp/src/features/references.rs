//! References to names (rename edits the same spans: `rename.rs`). 1.0: interface names, every declaration with the name and
//! `runtime.health.interface` when it points at it. 2.0 (pacto-v2.md §1.2): interface names with
//! `capabilities[].binding.interface`, the only field naming another entry; configuration, policy
//! and dependency names, each its own namespace and referenced nowhere else in the contract, so
//! their references are their declarations (repeats included, as `DUPLICATE_*_NAME` reports them).
//! On `service` or its name, the references are in other contracts: the workspace's dependency entries
//! pointing at this one (issue #18), read from the index as it is.

use pacto_core::contract::{Text, text};
use pacto_core::syntax::Span;
use pacto_core::validate::Format;
use pacto_core::workspace::Entry;

use super::Known;
use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};
pub use crate::workspace::references::Site;
use crate::workspace::references::{dependents, service_at};

/// The kinds of names that can be renamed; each is a namespace of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    Interface,
    Configuration,
    Policy,
    Dependency,
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

/// What a references request finds: names in the contract, or the service and who depends on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// The declarations of the name under the cursor and the fields naming it, sorted.
    Names(Vec<Span>),
    /// The service's declaration (its name's value, else the `service` key) and the dependency entries of the
    /// workspace pointing at the contract.
    Service { declaration: Span, dependents: Vec<Site> },
}

/// The references at `offset`, the workspace's included. `buffer` reads the contract as the index would (its
/// canonical path, name, version and publish repository); it is asked only on the service, since working out
/// where a contract is published may read the cache, and a document without a file has none.
pub fn find(
    analysis: &Analysis,
    known: &Known<'_>,
    buffer: impl FnOnce() -> Option<Entry>,
    offset: usize,
) -> Option<Found> {
    if let Some(declaration) = service_at(analysis, offset) {
        let entry = buffer()?;
        return Some(Found::Service { declaration, dependents: dependents(&known.workspace.read(), &entry) });
    }
    let spans = references(analysis, offset);
    (!spans.is_empty()).then_some(Found::Names(spans))
}

/// The references to the name at `offset` within the contract.
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
        if let Some(interface) = health.interface.as_ref().filter(|it| *it.value == *name) {
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
        .filter(|it| &*it.value == name)
        .map(|it| it.span)
        .collect();
    out.sort();
    out
}
