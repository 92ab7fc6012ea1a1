//! The Pacto contract standard: syntax with spans, the typed contract, three validation layers
//! and Masterminds-compatible semver. Pure and synchronous: no IO beyond what callers hand in.

pub mod syntax;
