//! The Pacto contract standard: syntax with spans, the typed contract, three validation layers
//! and Masterminds-compatible semver. Pure and synchronous: no IO beyond what callers hand in.

pub mod contract;
pub mod diagnostic;
pub mod diff;
pub mod gofmt;
pub mod graph;
pub mod semver;
pub mod syntax;
pub mod validate;

pub use diagnostic::{Code, Diagnostic, Layer, Related, Severity};
