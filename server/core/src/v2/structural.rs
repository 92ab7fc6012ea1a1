//! Layer 1 of format 2.0: our own 2.0 JSON Schema (same `$id` and constraints as the reference's,
//! our descriptions), checked by the same engine and wording as 1.0. `format` is not asserted
//! (pacto-v2.md §3.2): `expires: 2026-1-1` passes here and fails layer 2.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::syntax::Node;
use crate::validate::instance::{Instance, Tree};
use crate::validate::json::{self, JsonError};
use crate::validate::structural::check_against;

/// The schema, byte for byte as shipped in `schemas/`.
pub const SCHEMA_TEXT: &str = include_str!("../../../../schemas/pacto-v2.0.schema.json");

pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).expect("the embedded 2.0 schema is valid JSON"))
}

fn validator() -> &'static Validator<Tree> {
    static VALIDATOR: OnceLock<Validator<Tree>> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let options = jsonschema::options_for::<Tree>().should_validate_formats(false);
        options.build(schema()).expect("the embedded 2.0 schema compiles")
    })
}

/// The tree's JSON form ([`json::to_json`]) checked against the 2.0 schema, or its first value JSON cannot hold.
pub fn check(root: &Node, keep_additional: bool) -> Result<Vec<Diagnostic>, JsonError> {
    json::check_values(root)?;
    Ok(check_against(validator(), root, Instance::Node(root), keep_additional))
}
