//! What the embedded JSON Schemas say about a field: the text of hover and completion. The schema is
//! the one of the document's format (pacto-v2.md §2.2): 1.0 and 2.0 documents never see each other's fields.

use pacto_core::syntax::{FieldPath, Segment};
use pacto_core::validate::Format;
use serde_json::Value;

/// A field as the schema describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldDoc {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub required: bool,
    pub default: Option<String>,
    /// Enum values with their descriptions.
    pub values: Vec<(String, String)>,
    pub constraints: Vec<String>,
    /// Child fields, for objects.
    pub children: Vec<String>,
    /// Children the schema requires, for snippets.
    pub required_children: Vec<String>,
}

/// The embedded schema of a format: the 1.0 one, or our 2.0 one (`schemas/pacto-v2.0.schema.json`).
fn schema(format: Format) -> &'static Value {
    match format {
        Format::V1 => pacto_core::validate::structural::schema(),
        Format::V2 => pacto_core::v2::structural::schema(),
    }
}

/// The schema node at `path` (list indexes step into `items`), following `$ref`s.
pub fn node_at(format: Format, path: &FieldPath) -> Option<&'static Value> {
    let root = schema(format);
    let mut node = resolve(root, root);
    for segment in path.segments() {
        node = match segment {
            Segment::Key(key) => resolve(root, node.get("properties")?.get(key)?),
            Segment::Index(_) => resolve(root, node.get("items")?),
        };
    }
    Some(node)
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return node;
        };
        match root.pointer(pointer) {
            Some(target) => node = target,
            None => return node,
        }
    }
    node
}

pub fn field(format: Format, path: &FieldPath) -> Option<FieldDoc> {
    let node = node_at(format, path)?;
    let name = path.last_key().unwrap_or_default().to_owned();
    let required = path
        .parent()
        .and_then(|parent| node_at(format, &parent))
        .and_then(|parent| parent.get("required"))
        .and_then(Value::as_array)
        .is_some_and(|it| it.iter().any(|req| req.as_str() == Some(name.as_str())));
    let descriptions = node.get("x-enum-descriptions");
    let values = node
        .get("enum")
        .and_then(Value::as_array)
        .map(|it| {
            it.iter()
                .map(|value| {
                    let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                    let description = descriptions
                        .and_then(|it| it.get(&text))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    (text, description)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut constraints = Vec::new();
    for (keyword, label) in
        [("minimum", "minimum"), ("maximum", "maximum"), ("minLength", "minimum length"), ("pattern", "pattern")]
    {
        if let Some(value) = node.get(keyword) {
            let value = value.as_str().map_or_else(|| value.to_string(), |it| format!("`{it}`"));
            constraints.push(format!("{label} {value}"));
        }
    }
    let children =
        node.get("properties").and_then(Value::as_object).map(|it| it.keys().cloned().collect()).unwrap_or_default();
    let required_children = node
        .get("required")
        .and_then(Value::as_array)
        .map(|it| it.iter().filter_map(|it| it.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    Some(FieldDoc {
        name,
        description: node.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
        kind: node.get("type").map(|it| it.as_str().map_or_else(|| it.to_string(), str::to_owned)).unwrap_or_default(),
        required,
        default: node.get("default").map(|it| it.as_str().map_or_else(|| it.to_string(), str::to_owned)),
        values,
        constraints,
        children,
        required_children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_model_has_schema_documentation() {
        for path in [
            "pactoVersion",
            "service.name",
            "service.image.ref",
            "interfaces[0].type",
            "dependencies[0].compatibility",
            "runtime.state.persistence.durability",
            "runtime.health.interface",
            "scaling.replicas",
            "metadata",
        ] {
            let doc = field(Format::V1, &FieldPath::parse(path)).unwrap_or_else(|| panic!("no schema for {path}"));
            assert!(!doc.description.is_empty(), "{path} has no description");
        }
        let kind = field(Format::V1, &FieldPath::parse("interfaces[0].type")).unwrap();
        assert_eq!(kind.values.iter().map(|it| it.0.as_str()).collect::<Vec<_>>(), ["http", "grpc", "event"]);
        assert!(kind.values.iter().all(|it| !it.1.is_empty()));
        assert!(kind.required);
        assert!(!field(Format::V1, &FieldPath::parse("interfaces[0].port")).unwrap().required);
    }

    #[test]
    fn every_field_of_the_2_0_model_has_schema_documentation() {
        for path in [
            "pactoVersion",
            "service.owner.contacts[0].purpose",
            "interfaces[0].visibility",
            "configurations[0].values",
            "policies[0].target",
            "dependencies[0].required",
            "state.persistence.durability",
            "workload",
            "capabilities[0].binding.interface",
            "readiness.claims[0].category",
            "extensions",
        ] {
            let doc = field(Format::V2, &FieldPath::parse(path)).unwrap_or_else(|| panic!("no 2.0 schema for {path}"));
            assert!(!doc.description.is_empty(), "{path} has no description");
        }
        let kind = field(Format::V2, &FieldPath::parse("interfaces[0].type")).unwrap();
        assert_eq!(kind.values.iter().map(|it| it.0.as_str()).collect::<Vec<_>>(), ["openapi", "asyncapi", "grpc"]);
        assert!(kind.required);
        // 1.0-only fields are unknown to the 2.0 schema, and the other way round.
        assert_eq!(field(Format::V2, &FieldPath::parse("interfaces[0].port")), None);
        assert_eq!(field(Format::V1, &FieldPath::parse("capabilities")), None);
    }
}
