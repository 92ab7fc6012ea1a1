//! Inlay hints: after each `oci://` dependency ref the registry resolved, the version and digest it stands for.
//! The contract alone has nothing to hint; the registry's part is `deps/inlay.rs`.

use pacto_core::syntax::Span;

pub use crate::deps::inlay::Hint;

use super::Known;
use crate::analysis::Analysis;

/// The hints whose ref lies within `within`.
pub fn inlay_hints(analysis: &Analysis, known: &Known<'_>, within: Span) -> Vec<Hint> {
    crate::deps::inlay::hints(analysis, known.registry, within)
}
