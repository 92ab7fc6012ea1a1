//! The typed 2.0 contract (pacto-v2.md §1.2); every field keeps the span of its value.

use crate::contract::{Spanned, Text};
use crate::syntax::Span;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contract {
    pub pacto_version: Text,
    pub service: Service,
    pub interfaces: Vec<Interface>,
    pub configurations: Vec<Configuration>,
    pub policies: Vec<Policy>,
    pub dependencies: Vec<Dependency>,
    pub workload: Text,
    /// `None` when absent: 2.0 keeps presence (§1.2, "in memory").
    pub state: Option<State>,
    pub capabilities: Vec<Capability>,
    pub readiness: Option<Readiness>,
    /// The spans of the free-form mappings; their content is read from the tree.
    pub metadata: Option<Span>,
    pub extensions: Option<Span>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Service {
    pub name: Text,
    pub version: Text,
    pub owner: Option<Owner>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Owner {
    pub team: Text,
    pub dri: Text,
    pub contacts: Vec<Contact>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contact {
    pub kind: Text,
    pub value: Text,
    pub purpose: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interface {
    pub name: Text,
    pub kind: Text,
    pub reference: Text,
    pub visibility: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Configuration {
    pub name: Text,
    pub schema: Text,
    pub reference: Text,
    /// The span of the `values` mapping and whether it has any entry (the reference tests `len > 0`).
    pub values: Option<Span>,
    pub has_values: bool,
    pub required: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    pub name: Text,
    pub schema: Text,
    pub reference: Text,
    pub target: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: Text,
    pub reference: Text,
    pub required: Option<Spanned<bool>>,
    pub compatibility: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    pub kind: Text,
    pub scope: Text,
    pub durability: Text,
    pub data_criticality: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Capability {
    pub kind: Text,
    pub reference: Text,
    pub binding: Option<Binding>,
}

impl Capability {
    /// The identity uniqueness is checked on (§1.2): the ref of an extension, else the type.
    pub fn assertion_key(&self) -> &str {
        let kind = crate::contract::text(&self.kind);
        if kind == "extension" { crate::contract::text(&self.reference) } else { kind }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Binding {
    pub kind: Text,
    pub interface: Text,
    pub path: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readiness {
    /// Absent is not 0 (§1.2): the gate defaults it to 100.
    pub min_score: Option<Spanned<i64>>,
    pub expires: Text,
    /// Absent is not 0: the gate defaults it to 0.5.
    pub partial_credit: Option<Spanned<f64>>,
    pub history: Vec<Revision>,
    pub claims: Vec<Claim>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revision {
    pub date: Text,
    pub version: Text,
    pub author: Text,
    pub description: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claim {
    pub id: Text,
    pub kind: Text,
    pub category: Text,
    pub status: Text,
    pub evidence: Text,
    pub weight: Option<Spanned<i64>>,
    pub description: Text,
}
