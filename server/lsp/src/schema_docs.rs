//! What the embedded JSON Schema says about a field: the text of hover and completion.

use pacto_core::syntax::{FieldPath, Segment};
use pacto_core::validate::structural::schema;
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

/// The schema node at `path` (list indexes step into `items`), following `$ref`s.
pub fn node_at(path: &FieldPath) -> Option<&'static Value> {
    let root = schema();
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

pub fn field(path: &FieldPath) -> Option<FieldDoc> {
    let node = node_at(path)?;
    let name = path.last_key().unwrap_or_default().to_owned();
    let required = path
        .parent()
        .and_then(|parent| node_at(&parent))
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
            let doc = field(&FieldPath::parse(path)).unwrap_or_else(|| panic!("no schema for {path}"));
            assert!(!doc.description.is_empty(), "{path} has no description");
        }
        let kind = field(&FieldPath::parse("interfaces[0].type")).unwrap();
        assert_eq!(kind.values.iter().map(|it| it.0.as_str()).collect::<Vec<_>>(), ["http", "grpc", "event"]);
        assert!(kind.values.iter().all(|it| !it.1.is_empty()));
        assert!(kind.required);
        assert!(!field(&FieldPath::parse("interfaces[0].port")).unwrap().required);
    }
}
