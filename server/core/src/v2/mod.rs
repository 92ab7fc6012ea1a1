//! Format 2.0 of the contract standard (pacto-v2.md): the typed model, its strict decoding, our
//! own JSON Schema, the cross-field rules, the policy layer and the readiness gate. Reached only
//! through the dispatch in `validate::validate_with`, on `pactoVersion: "2.0"`.

pub mod crossfield;
pub mod dates;
pub mod document;
pub mod files;
pub mod from_tree;
pub mod ignore;
pub mod json_form;
pub mod json_syntax;
pub mod lock;
pub mod model;
pub mod policy;
pub mod readiness;
pub mod strict_ref;
pub mod structural;

pub use from_tree::{Decoded, from_tree, known_fields};
pub use model::Contract;
pub use policy::{DirResolver, RefResolver, ResolvedBundle};

use crate::syntax::{Node, NodeKind};

/// The literal text of the top-level `pactoVersion` scalar, whatever YAML type it resolves to
/// (so an unquoted `2.0` selects 2.0 and then fails the schema, pacto-v2.md §2.2).
pub fn format_version(root: Option<&Node>) -> Option<&str> {
    let NodeKind::Scalar(scalar) = &root?.get("pactoVersion")?.kind else {
        return None;
    };
    Some(&*scalar.text)
}

#[cfg(test)]
mod tests;
