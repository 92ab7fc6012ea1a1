//! The typed contract (spec §1.2–§1.3); every field keeps the span of its value.

use std::sync::Arc;

use crate::syntax::Span;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// An optional string as the reference reads it: absent and empty are both "" (Go zero value). Shared with the
/// syntax tree's scalar, not copied from it.
pub type Text = Option<Spanned<Arc<str>>>;

pub fn text(field: &Text) -> &str {
    field.as_ref().map_or("", |it| &*it.value)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contract {
    pub pacto_version: Text,
    pub service: Service,
    /// `None` when absent (serialised as `null`, spec §1.4).
    pub interfaces: Option<Vec<Interface>>,
    pub configuration: Option<Configuration>,
    pub dependencies: Option<Vec<Dependency>>,
    pub runtime: Option<Runtime>,
    pub scaling: Option<Scaling>,
    /// The span of the metadata mapping; its content is free-form and read from the tree.
    pub metadata: Option<Span>,
    /// Set only on the projection of a 2.0 document (`v2::document::projection`): the 2.0
    /// contract itself, for the commands that read more than the graph does. 1.0 never sets it.
    pub v2: Option<std::sync::Arc<crate::v2::document::Document>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Service {
    pub name: Text,
    pub version: Text,
    pub owner: Text,
    pub image: Option<Image>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Image {
    pub reference: Text,
    pub private: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interface {
    pub span: Span,
    pub name: Text,
    pub kind: Text,
    pub port: Option<Spanned<i64>>,
    pub visibility: Text,
    pub contract: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Configuration {
    pub schema: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub span: Span,
    pub reference: Text,
    pub required: Option<Spanned<bool>>,
    pub compatibility: Text,
    /// The 2.0 `dependencies[].name`, set only on the projection of a 2.0 contract.
    pub name: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runtime {
    pub workload: Text,
    pub state: State,
    pub lifecycle: Option<Lifecycle>,
    pub health: Option<Health>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    pub kind: Text,
    pub persistence: Persistence,
    pub data_criticality: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Persistence {
    pub scope: Text,
    pub durability: Text,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    pub upgrade_strategy: Text,
    pub graceful_shutdown_seconds: Option<Spanned<i64>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Health {
    pub interface: Text,
    pub path: Text,
    pub initial_delay_seconds: Option<Spanned<i64>>,
}

/// After normalisation `min` and `max` equal `replicas` when it is set (spec §1.3).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scaling {
    pub span: Span,
    pub replicas: Option<Spanned<i64>>,
    pub min: i64,
    pub max: i64,
}
