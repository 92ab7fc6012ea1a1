//! The Pacto contract standard, formats 1.0 and 2.0: syntax with spans, the typed contracts, the
//! validation layers and Masterminds-compatible semver. Pure and synchronous: no IO beyond what callers hand in.

pub mod cancel;
pub mod contract;
pub mod diagnostic;
pub mod diff;
pub mod gofmt;
pub mod graph;
pub mod migrate;
mod remembered;
pub mod semver;
pub mod syntax;
pub mod v2;
pub mod validate;
pub mod workspace;

pub use diagnostic::{Code, Diagnostic, Layer, Related, SchemaRule, Severity};
