//! The JSON walk of 2.0 diffs and its classifier (pacto-v2.md §5.5): two decoded documents
//! compared key by key, arrays of strings as sets, anything else positionally; each difference
//! classified from the shape of its path, its change type and the direction of the data
//! (request, response, or unknown for configuration and policy schemas and AsyncAPI).
//! Walked on the syntax trees, so every change keeps the span of the node it is about.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::openapi::deep_equal;
use super::super::{Change, ChangeType, ChangeValue, Classification, FileSpan};
use crate::syntax::{Node, NodeKind, ScalarValue, Span};

/// Which side of an exchange supplies the data a document describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Configuration and policy schemas, AsyncAPI: the conservative answer both ways.
    Unknown,
    /// An OpenAPI request body: data the consumer sends.
    Request,
    /// An OpenAPI response: data the provider returns.
    Response,
}

/// Where the walked nodes were written: each side's file, and how a span of the parsed text
/// maps back to the file (OpenAPI cuts shared items out before parsing).
pub struct Sides<'a> {
    pub old_file: &'a str,
    pub new_file: &'a str,
    pub old_span: &'a dyn Fn(Span) -> Span,
    pub new_span: &'a dyn Fn(Span) -> Span,
}

impl Sides<'_> {
    fn old_at(&self, node: &Node) -> Option<FileSpan> {
        Some(FileSpan { file: self.old_file.to_owned(), span: (self.old_span)(node.span) })
    }

    fn new_at(&self, node: &Node) -> Option<FileSpan> {
        Some(FileSpan { file: self.new_file.to_owned(), span: (self.new_span)(node.span) })
    }
}

/// Identity span maps, for files parsed whole.
pub fn same(span: Span) -> Span {
    span
}

/// The walk of §5.5 from `prefix`; `rule` names the table row the walk was entered from (it is
/// what the editor shows as the change's code).
pub fn walk(
    rule: &'static str,
    direction: Direction,
    prefix: &str,
    old: &Node,
    new: &Node,
    sides: &Sides<'_>,
    acc: &mut Vec<Change>,
) {
    Walk { rule, direction, sides, acc }.value(prefix, old, new);
}

struct Walk<'a, 'b> {
    rule: &'static str,
    direction: Direction,
    sides: &'b Sides<'a>,
    acc: &'b mut Vec<Change>,
}

impl Walk<'_, '_> {
    fn value(&mut self, prefix: &str, old: &Node, new: &Node) {
        if deep_equal(old, new) {
            return;
        }
        match (&old.kind, &new.kind) {
            (NodeKind::Mapping(_), NodeKind::Mapping(_)) => self.objects(prefix, old, new),
            (NodeKind::Sequence(old_items), NodeKind::Sequence(new_items)) => {
                match (strings(old_items), strings(new_items)) {
                    (Some(old_set), Some(new_set)) => self.string_sets(prefix, &old_set, &new_set),
                    _ => self.positional(prefix, old_items, new_items),
                }
            }
            _ => self.push(
                ChangeType::Modified,
                prefix.to_owned(),
                prefix,
                Some(old),
                Some(new),
                format!("{prefix} changed"),
            ),
        }
    }

    fn objects(&mut self, prefix: &str, old: &Node, new: &Node) {
        let (old_entries, new_entries) = (entries(old), entries(new));
        let mut keys: Vec<&String> = old_entries.keys().chain(new_entries.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let path = format!("{prefix}.{key}");
            match (old_entries.get(key), new_entries.get(key)) {
                (None, Some(new)) => {
                    self.push(ChangeType::Added, path.clone(), &path, None, Some(new), format!("{path} added"))
                }
                (Some(old), None) => {
                    self.push(ChangeType::Removed, path.clone(), &path, Some(old), None, format!("{path} removed"))
                }
                (Some(old), Some(new)) => self.value(&path, old, new),
                (None, None) => {}
            }
        }
    }

    fn string_sets(&mut self, prefix: &str, old: &[(&str, &Node)], new: &[(&str, &Node)]) {
        for (text, node) in new {
            if !old.iter().any(|(it, _)| it == text) {
                let path = format!("{prefix}[{text}]");
                self.push(ChangeType::Added, path, prefix, None, Some(node), format!("{prefix} {text} added"));
            }
        }
        for (text, node) in old {
            if !new.iter().any(|(it, _)| it == text) {
                let path = format!("{prefix}[{text}]");
                self.push(ChangeType::Removed, path, prefix, Some(node), None, format!("{prefix} {text} removed"));
            }
        }
    }

    fn positional(&mut self, prefix: &str, old: &[Node], new: &[Node]) {
        for idx in 0..old.len().max(new.len()) {
            let path = format!("{prefix}[{idx}]");
            match (old.get(idx), new.get(idx)) {
                (None, Some(new)) => {
                    self.push(ChangeType::Added, path.clone(), prefix, None, Some(new), format!("{path} added"))
                }
                (Some(old), None) => {
                    self.push(ChangeType::Removed, path.clone(), prefix, Some(old), None, format!("{path} removed"))
                }
                (Some(old), Some(new)) => self.value(&path, old, new),
                (None, None) => {}
            }
        }
    }

    /// `classified_as` is the path the classifier reads: an array item is classified by its array's.
    fn push(
        &mut self,
        change_type: ChangeType,
        path: String,
        classified_as: &str,
        old: Option<&Node>,
        new: Option<&Node>,
        reason: String,
    ) {
        let classification = classify(self.direction, classified_as, change_type);
        self.acc.push(Change {
            rule: self.rule,
            path,
            change_type,
            old_value: old.map(json_value),
            new_value: new.map(json_value),
            classification,
            reason,
            old_span: old.and_then(|it| self.sides.old_at(it)),
            new_span: new.and_then(|it| self.sides.new_at(it)),
        });
    }
}

/// The items of an array when every one is a string, with their nodes.
fn strings(items: &[Node]) -> Option<Vec<(&str, &Node)>> {
    items
        .iter()
        .map(|it| match &it.kind {
            NodeKind::Scalar(scalar) if scalar.value == ScalarValue::String => Some((&*scalar.text, it)),
            _ => None,
        })
        .collect()
}

/// A mapping's entries by stringified key, the last duplicate winning.
fn entries(node: &Node) -> BTreeMap<String, &Node> {
    node.as_mapping()
        .unwrap_or_default()
        .iter()
        .map(|it| (it.key.scalar_text().unwrap_or_default().to_owned(), &it.value))
        .collect()
}

/// A node's value as compact JSON; non-finite floats as Go prints them (`+Inf`, `-Inf`, `NaN`).
pub fn json_value(node: &Node) -> ChangeValue {
    ChangeValue::Json(to_json(node).to_string())
}

fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(scalar) => match &scalar.value {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(it) => Value::Bool(*it),
            ScalarValue::Int(it) => Value::from(*it),
            ScalarValue::Uint(it) => Value::from(*it),
            ScalarValue::Float(it) => serde_json::Number::from_f64(*it).map_or_else(
                || {
                    Value::String(
                        if it.is_nan() {
                            "NaN"
                        } else if *it > 0.0 {
                            "+Inf"
                        } else {
                            "-Inf"
                        }
                        .to_owned(),
                    )
                },
                Value::Number,
            ),
            _ => Value::String(String::from(&*scalar.text)),
        },
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|it| (it.key.scalar_text().unwrap_or_default().to_owned(), to_json(&it.value)))
                .collect(),
        ),
    }
}

/// The classifier of §5.5, first match wins.
pub fn classify(direction: Direction, path: &str, change_type: ChangeType) -> Classification {
    use Classification::{Breaking, NonBreaking, PotentialBreaking};
    let in_response_header = direction == Direction::Response && path.contains(".headers.");
    let response_removal = direction == Direction::Response && change_type == ChangeType::Removed;
    // A property literally named `required` is a property first, so this test comes first.
    if is_schema_property(path) {
        return if response_removal && !in_response_header { Breaking } else { PotentialBreaking };
    }
    if path.ends_with(".required") {
        let relaxed = (direction == Direction::Request && change_type == ChangeType::Removed)
            || (direction == Direction::Response && change_type == ChangeType::Added);
        return if relaxed { NonBreaking } else { Breaking };
    }
    if response_removal && !in_response_header && is_response_payload(path) {
        return Breaking;
    }
    PotentialBreaking
}

/// The segment before the last is `properties`.
fn is_schema_property(path: &str) -> bool {
    path.rfind('.').is_some_and(|at| at > 0 && path[..at].ends_with(".properties"))
}

const MEDIA_TYPE_FIELDS: [&str; 4] = ["schema", "example", "examples", "encoding"];

/// A response's whole payload: its `content`, one media type, that media type's own schema or
/// the schema's `properties` block.
fn is_response_payload(path: &str) -> bool {
    if path.ends_with(".content") {
        return true;
    }
    let Some(at) = path.find(".content.") else {
        return false;
    };
    let tail = &path[at + ".content.".len()..];
    if !tail.contains('/') {
        return false;
    }
    if let Some(at) = tail.rfind(".schema") {
        let rest = &tail[at + ".schema".len()..];
        if (rest.is_empty() || rest.ends_with(".properties")) && !has_media_type_field(&tail[..at]) {
            return true;
        }
    }
    !has_media_type_field(tail)
}

fn has_media_type_field(text: &str) -> bool {
    MEDIA_TYPE_FIELDS.iter().any(|field| text.ends_with(&format!(".{field}")) || text.contains(&format!(".{field}.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeType::{Added, Modified, Removed};
    use Classification::{Breaking, NonBreaking, PotentialBreaking};
    use Direction::{Request, Response, Unknown};

    #[test]
    fn classifier_follows_the_first_matching_rule() {
        let cases = [
            (Response, "r.content.application/json.schema.properties.id", Removed, Breaking),
            (Response, "r.headers.X.schema.properties.id", Removed, PotentialBreaking),
            (Request, "b.content.application/json.schema.properties.id", Removed, PotentialBreaking),
            (Unknown, "schema.properties.port", Removed, PotentialBreaking),
            (Unknown, "schema.properties.required", Removed, PotentialBreaking),
            (Request, "b.content.application/json.schema.required", Removed, NonBreaking),
            (Request, "b.content.application/json.schema.required", Added, Breaking),
            (Response, "r.content.application/json.schema.required", Added, NonBreaking),
            (Response, "r.content.application/json.schema.required", Removed, Breaking),
            (Unknown, "schema.required", Added, Breaking),
            (Unknown, "schema.required", Removed, Breaking),
            (Response, "r.content", Removed, Breaking),
            (Response, "r.content.application/json", Removed, Breaking),
            (Response, "r.content.application/json.schema", Removed, Breaking),
            (Response, "r.content.application/json.schema.properties", Removed, Breaking),
            (Response, "r.content.application/json.example", Removed, PotentialBreaking),
            (Response, "r.content.application/json.example.schema", Removed, PotentialBreaking),
            (Response, "r.content.application/json.schema.type", Modified, PotentialBreaking),
            (Response, "r.description", Removed, PotentialBreaking),
        ];
        for (direction, path, change_type, expected) in cases {
            assert_eq!(classify(direction, path, change_type), expected, "{direction:?} {path} {change_type}");
        }
    }
}
