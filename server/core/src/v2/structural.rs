//! Layer 1 of format 2.0: our own 2.0 JSON Schema (same `$id` and constraints as the reference's,
//! our descriptions), checked by the same engine and wording as 1.0. `format` is not asserted
//! (pacto-v2.md §3.2): `expires: 2026-1-1` passes here and fails layer 2.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::syntax::Node;
use crate::validate::structural::check_against;

/// The schema, byte for byte as shipped in `schemas/`.
pub const SCHEMA_TEXT: &str = include_str!("../../../../schemas/pacto-v2.0.schema.json");

pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).expect("the embedded 2.0 schema is valid JSON"))
}

pub(crate) fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options().should_validate_formats(false).build(schema()).expect("the embedded 2.0 schema compiles")
    })
}

pub fn check(root: &Node, json: &Value, keep_additional: bool) -> Vec<Diagnostic> {
    check_against(validator(), root, json, keep_additional)
}
