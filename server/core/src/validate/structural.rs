//! Layer 1: the embedded JSON Schema, with the reference's dotted paths and jsonschema-v6 wording
//! (spec §2.4), each finding placed on the smallest span that explains it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::json::Json;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Layer, SchemaRule, Severity};
use crate::syntax::{FieldPath, Node, PathStyle, Segment};

use super::anchor_span;
use super::instance::{Instance, Tree};
use super::json::{self, JsonError};

/// The schema, byte for byte as shipped in `schemas/` and printed by `pacto schema`.
pub const SCHEMA_TEXT: &str = include_str!("../../../../schemas/pacto-v1.0.schema.json");

pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).expect("the embedded schema is valid JSON"))
}

fn validator() -> &'static Validator<Tree> {
    static VALIDATOR: OnceLock<Validator<Tree>> = OnceLock::new();
    VALIDATOR.get_or_init(|| jsonschema::options_for::<Tree>().build(schema()).expect("the embedded schema compiles"))
}

/// The key whose value the schema asks only to be an object (`{"type": "object"}`): nothing in it can fail the
/// schema, so it is read as an empty object.
const FREE_FORM_KEY: &str = "metadata";

/// One leaf violation before it becomes a diagnostic.
#[derive(Debug, PartialEq)]
pub(crate) struct Leaf {
    pub(crate) path: Vec<Segment>,
    pub(crate) pointer: String,
    pub(crate) detail: String,
    rule: SchemaRule,
    required: Option<(String, String)>,
}

/// Validates the tree's JSON form ([`json::to_json`]), or gives its first value JSON cannot hold; `root` places
/// each finding. Additional-property findings are kept only when `keep_additional` (the editor reports unknown keys
/// at parse level).
pub fn check(root: &Node, keep_additional: bool) -> Result<Vec<Diagnostic>, JsonError> {
    json::check_values(root)?;
    Ok(check_against(validator(), root, Instance::with_free_form(root, FREE_FORM_KEY), keep_additional))
}

/// [`check`] against another compiled schema (format 2.0 has its own, `v2::structural`), of `instance`, the tree
/// read as JSON.
pub(crate) fn check_against<'i, F: Json>(
    validator: &'i Validator<F>,
    root: &Node,
    instance: F::Node<'i>,
    keep_additional: bool,
) -> Vec<Diagnostic> {
    leaves(validator, instance)
        .into_iter()
        .filter(|it| keep_additional || !matches!(it.rule, SchemaRule::AdditionalProperty { .. }))
        .map(|leaf| {
            let mut path = FieldPath::root();
            for segment in leaf.path {
                path.push(segment);
            }
            Diagnostic {
                code: Code::SchemaViolation,
                severity: Severity::Error,
                layer: Layer::Structural,
                span: anchor_span(root, &path),
                path,
                path_style: PathStyle::Dotted,
                message: format!("at '{}': {}", leaf.pointer, leaf.detail),
                related: Vec::new(),
                rule: Some(Box::new(leaf.rule)),
            }
        })
        .collect()
}

/// Every leaf violation of `instance` against `validator`, worded as jsonschema v6 words them; the
/// policy layer and configuration values use it on user schemas.
pub(crate) fn leaves<'i, F: Json>(validator: &'i Validator<F>, instance: F::Node<'i>) -> Vec<Leaf> {
    let mut leaves = Vec::new();
    for error in validator.iter_errors(instance) {
        collect(&error, &mut leaves);
    }
    let leaves = group_required(leaves);
    // jsonschema v6 stops checking a schema object at its first failed `type`: drop what else
    // was reported for the same instance, so counts match the reference.
    let is_type = |it: &Leaf| matches!(it.rule, SchemaRule::Type { .. });
    let typed: HashSet<Vec<Segment>> = leaves.iter().filter(|it| is_type(it)).map(|it| it.path.clone()).collect();
    leaves.into_iter().filter(|it| is_type(it) || !typed.contains(&it.path)).collect()
}

fn collect(error: &ValidationError<'_>, out: &mut Vec<Leaf>) {
    let path: Vec<Segment> = error
        .instance_path()
        .iter()
        .map(|it| match it {
            jsonschema::paths::LocationSegment::Property(name) => Segment::Key(name.to_string()),
            jsonschema::paths::LocationSegment::Index(idx) => Segment::Index(idx),
        })
        .collect();
    let pointer = error.instance_path().as_str().to_owned();
    let schema_path = error.schema_path().as_str().to_owned();
    let instance: &Value = error.instance();
    let leaf = |detail: String, rule: SchemaRule| Leaf {
        path: path.clone(),
        pointer: pointer.clone(),
        detail,
        rule,
        required: None,
    };
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            for branch_error in context.iter().flatten() {
                collect(branch_error, out);
            }
        }
        ValidationErrorKind::Type { kind } => {
            let want: Vec<String> = match kind {
                TypeKind::Single(it) => vec![it.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|it| it.to_string()).collect(),
            };
            let got = json_type(instance);
            let detail = format!("got {got}, want {}", want.join(" or "));
            out.push(leaf(detail, SchemaRule::Type { got, want }));
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_owned();
            // The names are gathered into `SchemaRule::Required` once grouped (`group_required`).
            out.push(Leaf { required: Some((schema_path, name)), ..leaf(String::new(), SchemaRule::Other) });
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<Value> = options.as_array().cloned().unwrap_or_default();
            let values: Vec<String> = allowed.iter().map(quote_value).collect();
            let detail = match values.as_slice() {
                [one] => format!("value must be {one}"),
                _ => format!("value must be one of {}", values.join(", ")),
            };
            out.push(leaf(detail, SchemaRule::Enum { values: allowed }));
        }
        ValidationErrorKind::Constant { expected_value } => {
            let detail = format!("value must be {}", quote_value(expected_value));
            out.push(leaf(detail, SchemaRule::Const { value: Value::clone(expected_value) }));
        }
        ValidationErrorKind::Pattern { pattern } => {
            let text = instance.as_str().unwrap_or_default();
            out.push(leaf(format!("'{text}' does not match pattern '{pattern}'"), SchemaRule::Other));
        }
        ValidationErrorKind::MinLength { limit } => {
            let got = instance.as_str().map_or(0, |it| it.chars().count());
            out.push(leaf(format!("minLength: got {got}, want {limit}"), SchemaRule::Other));
        }
        ValidationErrorKind::Minimum { limit } => {
            out.push(leaf(
                format!("minimum: got {}, want {}", go_number(instance), go_number(limit)),
                SchemaRule::Other,
            ));
        }
        ValidationErrorKind::Maximum { limit } => {
            out.push(leaf(
                format!("maximum: got {}, want {}", go_number(instance), go_number(limit)),
                SchemaRule::Other,
            ));
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|it| format!("'{it}'")).collect();
            let noun = if names.len() == 1 { "property" } else { "properties" };
            let detail = format!("additional {noun} {} not allowed", names.join(", "));
            let rule = SchemaRule::AdditionalProperty { names: unexpected.iter().map(|it| it.to_string()).collect() };
            out.push(leaf(detail, rule));
        }
        ValidationErrorKind::Not { .. } => out.push(leaf("not failed".to_owned(), SchemaRule::Other)),
        // Keywords only the 2.0 schema and user schemas use; the 1.0 schema has none of them.
        ValidationErrorKind::MinItems { limit } => {
            let got = instance.as_array().map_or(0, Vec::len);
            out.push(leaf(format!("minItems: got {got}, want {limit}"), SchemaRule::Other));
        }
        ValidationErrorKind::MaxItems { limit } => {
            let got = instance.as_array().map_or(0, Vec::len);
            out.push(leaf(format!("maxItems: got {got}, want {limit}"), SchemaRule::Other));
        }
        ValidationErrorKind::MaxLength { limit } => {
            let got = instance.as_str().map_or(0, |it| it.chars().count());
            out.push(leaf(format!("maxLength: got {got}, want {limit}"), SchemaRule::Other));
        }
        ValidationErrorKind::MinProperties { limit } => {
            let got = instance.as_object().map_or(0, |it| it.len());
            out.push(leaf(format!("minProperties: got {got}, want {limit}"), SchemaRule::Other));
        }
        ValidationErrorKind::MaxProperties { limit } => {
            let got = instance.as_object().map_or(0, |it| it.len());
            out.push(leaf(format!("maxProperties: got {got}, want {limit}"), SchemaRule::Other));
        }
        ValidationErrorKind::FalseSchema => out.push(leaf("false schema".to_owned(), SchemaRule::Other)),
        _ => out.push(leaf(error.to_string(), SchemaRule::Other)),
    }
}

/// jsonschema v6 reports all missing properties of one `required` keyword together.
fn group_required(leaves: Vec<Leaf>) -> Vec<Leaf> {
    let mut out: Vec<Leaf> = Vec::with_capacity(leaves.len());
    let mut names: Vec<Vec<String>> = Vec::new();
    // Where the leaf of each (instance path, `required` keyword) went: one per pair.
    let mut grouped: HashMap<(Vec<Segment>, String), usize> = HashMap::new();
    for leaf in leaves {
        if let Some((schema_path, name)) = &leaf.required {
            if let Some(&at) = grouped.get(&(leaf.path.clone(), schema_path.clone())) {
                names[at].push(name.clone());
                continue;
            }
            grouped.insert((leaf.path.clone(), schema_path.clone()), out.len());
            names.push(vec![name.clone()]);
        } else {
            names.push(Vec::new());
        }
        out.push(leaf);
    }
    for (leaf, names) in out.iter_mut().zip(names) {
        if leaf.required.is_some() {
            let quoted: Vec<String> = names.iter().map(|it| format!("'{it}'")).collect();
            let noun = if quoted.len() == 1 { "property" } else { "properties" };
            leaf.detail = format!("missing {noun} {}", quoted.join(", "));
            leaf.rule = SchemaRule::Required { missing: names };
        }
    }
    out
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn quote_value(value: &Value) -> String {
    match value {
        Value::String(it) => format!("'{it}'"),
        other => other.to_string(),
    }
}

/// Numbers as jsonschema v6 prints them: English thousands separators (`70,000`).
fn go_number(value: &Value) -> String {
    let Some(int) = value.as_i64() else {
        return value.to_string();
    };
    let digits = int.unsigned_abs().to_string();
    let mut out = String::new();
    for (idx, ch) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if int < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use jsonschema::json::Node as _;

    use super::*;

    #[test]
    fn numbers_print_with_thousands_separators() {
        assert_eq!(go_number(&Value::from(70000)), "70,000");
        assert_eq!(go_number(&Value::from(65535)), "65,535");
        assert_eq!(go_number(&Value::from(0)), "0");
        assert_eq!(go_number(&Value::from(-1234567)), "-1,234,567");
    }

    #[test]
    fn instance_empties_metadata_only_because_the_schema_asks_nothing_of_it() {
        let metadata = &schema()["properties"][FREE_FORM_KEY];
        let keywords: Vec<&String> = metadata.as_object().unwrap().keys().filter(|it| *it != "description").collect();
        assert_eq!(keywords, ["type"]);
        assert_eq!(metadata["type"], "object");
        let root = crate::syntax::parse("a: 1\nmetadata: {x: [1, {y: 2}]}\nb: {c: 3}\n").root.unwrap();
        let instance = Instance::with_free_form(&root, FREE_FORM_KEY);
        assert_eq!(*instance.to_value(), serde_json::json!({"a": 1, "metadata": {}, "b": {"c": 3}}));
        let root = crate::syntax::parse("metadata: not a map\n").root.unwrap();
        assert_eq!(*Instance::with_free_form(&root, FREE_FORM_KEY).to_value(), json::to_json(&root).unwrap());
    }

    #[test]
    fn the_first_value_json_cannot_hold_is_the_finding_even_in_metadata() {
        let root = crate::syntax::parse("metadata: {x: .nan}\nb: .inf\n").root.unwrap();
        assert_eq!(check(&root, true).unwrap_err(), json::to_json(&root).unwrap_err());
        assert_eq!(check(&root, true).unwrap_err().message, "json: unsupported value: NaN");
    }

    #[test]
    fn embedded_schema_compiles_with_the_reference_id() {
        assert_eq!(schema()["$id"], "https://pacto.trianalab.com/schema/v1.0");
        let root = crate::syntax::parse("pactoVersion: '1.0'\nservice: {name: a, version: '1'}\n").root.unwrap();
        assert!(validator().is_valid(Instance::Node(&root)));
    }

    #[test]
    fn each_finding_carries_its_rule_with_what_a_fix_needs() {
        let text = "pactoVersion: 1.0\nservice: {name: a}\nruntime: {workload: daemon}\nextra: 1\n";
        let root = crate::syntax::parse(text).root.unwrap();
        let found: Vec<(String, Option<SchemaRule>)> =
            check(&root, true).unwrap().into_iter().map(|it| (it.path_text(), it.rule.map(|rule| *rule))).collect();
        let names = |names: &[&str]| names.iter().map(|it| (*it).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            found,
            vec![
                ("pactoVersion".to_owned(), Some(SchemaRule::Type { got: "number", want: names(&["string"]) })),
                ("service".to_owned(), Some(SchemaRule::Required { missing: names(&["version"]) })),
                ("runtime".to_owned(), Some(SchemaRule::Required { missing: names(&["state"]) })),
                (
                    "runtime.workload".to_owned(),
                    Some(SchemaRule::Enum { values: vec!["service".into(), "job".into(), "scheduled".into()] })
                ),
                (String::new(), Some(SchemaRule::AdditionalProperty { names: names(&["extra"]) })),
            ]
        );
    }
}
