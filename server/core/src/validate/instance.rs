//! The syntax tree read by the schema engine as the JSON value [`json::to_json`] would build, without building
//! it: on a big contract the value cost more than the schema check itself, and its drop as much again.
//!
//! The tree's mappings hold each key once (the parser refuses a repeated key and merges keep the written one), so
//! a member is found by its key's text as in the built object.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node as JsonNode, NodeIdentity, Object, cmp};
use serde_json::{Map, Number, Value};

use crate::syntax::{Entry, Node, NodeKind, ScalarValue};

use super::json;

/// The representation: a validator built for it (`jsonschema::options_for::<Tree>()`) takes an [`Instance`].
pub struct Tree;

/// One value of the instance.
#[derive(Clone, Copy)]
pub enum Instance<'a> {
    Node(&'a Node),
    /// The document's root, whose `free_form` key, when a mapping, reads as an empty object: the schema asks
    /// nothing of its content.
    Root {
        node: &'a Node,
        free_form: &'static str,
    },
    /// An empty object standing for a free-form mapping.
    Emptied(&'a Node),
    /// A member name, for `propertyNames`.
    Name(&'a str),
}

impl<'a> Instance<'a> {
    /// The root with the value of `free_form` emptied when it is a mapping.
    pub fn with_free_form(root: &'a Node, free_form: &'static str) -> Instance<'a> {
        Instance::Root { node: root, free_form }
    }

    fn tree(&self) -> Option<&'a Node> {
        match *self {
            Instance::Node(node) | Instance::Root { node, .. } => Some(node),
            Instance::Emptied(_) | Instance::Name(_) => None,
        }
    }

    fn scalar_value(&self) -> Option<&'a ScalarValue> {
        self.tree()?.as_scalar().map(|it| &it.value)
    }
}

impl Json for Tree {
    type Node<'a> = Instance<'a>;
    type PreparedKey = String;
    type StringBuffer = ();

    // A lookup scans the entries: a pass over the members never costs more than the lookups it replaces.
    const KEYS_PER_LOOKUP: usize = usize::MAX / 64;
    // Aliases are copied into the tree, so no node holds itself.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(Instance<'_>) -> T) -> T {
        f(Instance::Name(string))
    }
}

impl<'a> JsonNode<'a, Tree> for Instance<'a> {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = Number;

    fn as_object(&self) -> Option<Members<'a>> {
        match *self {
            Instance::Emptied(_) => Some(Members { entries: &[], free_form: None }),
            Instance::Node(node) => Some(Members { entries: node.as_mapping()?, free_form: None }),
            Instance::Root { node, free_form } => {
                Some(Members { entries: node.as_mapping()?, free_form: Some(free_form) })
            }
            Instance::Name(_) => None,
        }
    }

    fn as_array(&self) -> Option<Items<'a>> {
        self.tree()?.as_sequence().map(Items)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match *self {
            Instance::Name(name) => Some(Cow::Borrowed(name)),
            _ => {
                let scalar = self.tree()?.as_scalar()?;
                (scalar.value == ScalarValue::String).then_some(Cow::Borrowed(&*scalar.text))
            }
        }
    }

    fn as_number(&self) -> Option<Number> {
        match *self.scalar_value()? {
            ScalarValue::Int(it) => Some(it.into()),
            ScalarValue::Uint(it) => Some(it.into()),
            ScalarValue::Float(it) => Number::from_f64(it),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match *self.scalar_value()? {
            ScalarValue::Bool(it) => Some(it),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.scalar_value(), Some(ScalarValue::Null))
    }

    fn json_type(&self) -> JsonType {
        let Some(node) = self.tree() else {
            return if matches!(self, Instance::Name(_)) { JsonType::String } else { JsonType::Object };
        };
        match &node.kind {
            NodeKind::Mapping(_) => JsonType::Object,
            NodeKind::Sequence(_) => JsonType::Array,
            NodeKind::Scalar(scalar) => match scalar.value {
                ScalarValue::Null => JsonType::Null,
                ScalarValue::Bool(_) => JsonType::Boolean,
                ScalarValue::Int(_) | ScalarValue::Uint(_) | ScalarValue::Float(_) => JsonType::Number,
                ScalarValue::String => JsonType::String,
            },
        }
    }

    fn equals_value(&self, expected: &Value) -> bool {
        // `enum` and `const` compare scalars: answered without building them.
        match (self.json_type(), expected) {
            (JsonType::String, Value::String(expected)) => self.as_string().is_some_and(|it| *it == **expected),
            (JsonType::Number, Value::Number(expected)) => {
                self.as_number().is_some_and(|it| cmp::equal_numbers(&it, expected))
            }
            (JsonType::Boolean, Value::Bool(expected)) => self.as_boolean() == Some(*expected),
            (JsonType::Null, Value::Null) => true,
            (JsonType::Object, Value::Object(_)) | (JsonType::Array, Value::Array(_)) => {
                cmp::equal(&self.to_value(), expected)
            }
            _ => false,
        }
    }

    /// Only where a finding is reported (and for `uniqueItems`): the value is built then.
    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(match *self {
            Instance::Node(node) => to_json(node),
            Instance::Root { node, free_form } => match node.as_mapping() {
                Some(entries) => Value::Object(
                    entries
                        .iter()
                        .map(|it| (key_of(it).to_owned(), member(it, Some(free_form)).to_value().into_owned()))
                        .collect(),
                ),
                None => to_json(node),
            },
            Instance::Emptied(_) => Value::Object(Map::new()),
            Instance::Name(name) => Value::String(name.to_owned()),
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(match *self {
            Instance::Node(node) | Instance::Root { node, .. } => NodeIdentity::new(std::ptr::from_ref(node) as usize),
            Instance::Emptied(node) => NodeIdentity::tagged(std::ptr::from_ref(node) as usize, 1),
            Instance::Name(name) => NodeIdentity::tagged(name.as_ptr() as usize, 2),
        })
    }
}

/// [`json::to_json`] of a node the caller checked with [`json::check_values`].
fn to_json(node: &Node) -> Value {
    json::to_json(node).unwrap_or(Value::Null)
}

fn key_of(entry: &Entry) -> &str {
    entry.key.scalar_text().unwrap_or_default()
}

fn member<'a>(entry: &'a Entry, free_form: Option<&'static str>) -> Instance<'a> {
    if free_form == Some(key_of(entry)) && entry.value.as_mapping().is_some() {
        Instance::Emptied(&entry.value)
    } else {
        Instance::Node(&entry.value)
    }
}

/// The members of a mapping.
pub struct Members<'a> {
    entries: &'a [Entry],
    free_form: Option<&'static str>,
}

impl<'a> Object<'a, Tree> for Members<'a> {
    type Node = Instance<'a>;
    type MemberName = &'a str;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn get(&self, key: &String) -> Option<Instance<'a>> {
        let entry = self.entries.iter().find(|it| key_of(it) == key)?;
        Some(member(entry, self.free_form))
    }

    fn members(&self) -> MembersIter<'a> {
        MembersIter { entries: self.entries.iter(), free_form: self.free_form }
    }
}

pub struct MembersIter<'a> {
    entries: std::slice::Iter<'a, Entry>,
    free_form: Option<&'static str>,
}

impl<'a> Iterator for MembersIter<'a> {
    type Item = (&'a str, Instance<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let entry = self.entries.next()?;
        Some((key_of(entry), member(entry, self.free_form)))
    }
}

/// The items of a sequence.
pub struct Items<'a>(&'a [Node]);

impl<'a> Array<'a, Tree> for Items<'a> {
    type Node = Instance<'a>;
    type ElementsIter = std::iter::Map<std::slice::Iter<'a, Node>, fn(&'a Node) -> Instance<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0.iter().map(Instance::Node)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jsonschema::Validator;
    use serde_json::{Map, Value};

    use super::{Instance, Tree};
    use crate::syntax::{Node, parse};
    use crate::validate::json::to_json;
    use crate::validate::structural::leaves;

    /// Every contract of the test data and the examples, and documents with a wrong value of each kind.
    fn documents() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = Vec::new();
        let mut dirs = vec![root.join("tests/data"), root.join("examples")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|it| it == "yaml") {
                    found.extend(std::fs::read_to_string(&path).ok());
                }
            }
        }
        found.sort();
        let wrong = [
            "pactoVersion: 1.0\nservice: {name: 7, version: [1]}\ninterfaces: {a: b}\n",
            "pactoVersion: '1.0'\nservice: {name: a, version: 1.2.3, owner: null}\nruntime: {workload: thing}\n",
            "pactoVersion: '2.0'\nservice: {name: a, version: '1'}\ninterfaces: [{name: x, type: http, port: 70000}]\n",
            "pactoVersion: '1.0'\nservice: {name: a, version: '1'}\ninterfaces: [{name: x, type: http, port: -1}]\n",
            "pactoVersion: '1.0'\nservice: {name: a, version: '1'}\ninterfaces: [{name: x, type: http, port: 80.5}]\n",
            "pactoVersion: '1.0'\nservice: {name: a, version: '1'}\ninterfaces: [{name: x, port: 18446744073709551615}]\n",
            "pactoVersion: '1.0'\nservice: {name: a, version: '1'}\nscaling: {min: 3, max: 1, replicas: 2}\nextra: {}\n",
            "pactoVersion: '1.0'\nservice: {name: '', version: '1'}\nmetadata: [1, 2]\ndependencies: [{}]\n",
            "pactoVersion: '1.0'\nservice: {name: a, version: '1'}\nmetadata: {deep: {x: [1, {y: true}]}}\n",
            "pactoVersion: '2.0'\nservice: {name: a, version: '1', extra: x}\nworkload: {kind: [1]}\nstate: true\n",
            "- 1\n- two\n",
            "just a string\n",
            "~\n",
            "{}\n",
        ];
        found.extend(wrong.iter().map(|it| (*it).to_owned()));
        found
    }

    /// The value the schema checked before [`Tree`]: the built JSON, with the free-form key's mapping emptied.
    fn built(root: &Node, free_form: Option<&str>) -> Option<Value> {
        let mut value = to_json(root).ok()?;
        if let (Some(key), Some(map)) = (free_form, value.as_object_mut()) {
            if let Some(it) = map.get_mut(key).filter(|it| it.is_object()) {
                *it = Value::Object(Map::new());
            }
        }
        Some(value)
    }

    /// The findings on the tree are the findings on the value built from it, for both schemas, on every document.
    #[test]
    fn the_tree_reads_as_the_built_value() {
        // As each format's layer 1 compiles its schema: 2.0 does not assert `format`.
        let schemas = [
            (crate::validate::structural::schema(), Some("metadata"), None),
            (crate::v2::structural::schema(), None, Some(false)),
        ];
        let mut compared = 0;
        let mut found = 0;
        for (schema, free_form, formats) in schemas {
            let (mut on_value, mut on_tree) = (jsonschema::options(), jsonschema::options_for::<Tree>());
            if let Some(formats) = formats {
                (on_value, on_tree) =
                    (on_value.should_validate_formats(formats), on_tree.should_validate_formats(formats));
            }
            let on_value: Validator = on_value.build(schema).unwrap();
            let on_tree: Validator<Tree> = on_tree.build(schema).unwrap();
            for text in documents() {
                let Some(root) = parse(&text).root else { continue };
                let Some(value) = built(&root, free_form) else { continue };
                let instance = match free_form {
                    Some(key) => Instance::with_free_form(&root, key),
                    None => Instance::Node(&root),
                };
                let expected = leaves(&on_value, &value);
                assert_eq!(leaves(&on_tree, instance), expected, "{text}");
                assert_eq!(on_tree.is_valid(instance), on_value.is_valid(&value), "{text}");
                compared += 1;
                found += expected.len();
            }
        }
        assert!(compared > 800, "{compared} documents compared");
        assert!(found > 1000, "{found} findings compared");
    }
}
