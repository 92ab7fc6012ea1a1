//! The typed contract: strict decoding from the syntax tree, references, and name suggestions.

pub mod from_tree;
pub mod json_form;
pub mod model;
pub mod oci_ref;
pub mod suggest;

pub use from_tree::{DecodeError, Decoded, from_tree, known_fields, missing_required};
pub use model::*;

#[cfg(test)]
mod tests;
