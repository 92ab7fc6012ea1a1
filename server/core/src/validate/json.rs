//! The tree as the JSON value layer 1 validates (spec §2.3): keys stringified, numbers as JSON numbers.

use serde_json::{Map, Number, Value};

use crate::syntax::{Node, NodeKind, ScalarValue, Span};

/// A value JSON cannot hold (`.nan`, `.inf`), with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

pub fn to_json(node: &Node) -> Result<Value, JsonError> {
    Ok(match &node.kind {
        NodeKind::Scalar(scalar) => match &scalar.value {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(it) => Value::Bool(*it),
            ScalarValue::Int(it) => Value::Number((*it).into()),
            ScalarValue::Uint(it) => Value::Number((*it).into()),
            ScalarValue::Float(it) => match Number::from_f64(*it) {
                Some(number) => Value::Number(number),
                None => {
                    return Err(JsonError {
                        span: node.span,
                        message: format!("json: unsupported value: {}", go_float(*it)),
                    });
                }
            },
            ScalarValue::String => Value::String(String::from(&*scalar.text)),
        },
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        NodeKind::Mapping(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for entry in entries {
                let key = entry.key.scalar_text().unwrap_or_default().to_owned();
                map.insert(key, to_json(&entry.value)?);
            }
            Value::Object(map)
        }
    })
}

/// Whether [`to_json`] of `node` is `value`, without building it: the migration checks that the text it edited reads
/// as the contract it meant (a megabyte of JSON for a big contract, built only to be compared).
pub fn reads_as(node: &Node, value: &Value) -> bool {
    match (&node.kind, value) {
        (NodeKind::Scalar(scalar), _) => match (&scalar.value, value) {
            (ScalarValue::Null, Value::Null) => true,
            (ScalarValue::Bool(it), Value::Bool(other)) => it == other,
            (ScalarValue::Int(it), Value::Number(other)) => Number::from(*it) == *other,
            (ScalarValue::Uint(it), Value::Number(other)) => Number::from(*it) == *other,
            (ScalarValue::Float(it), Value::Number(other)) => Number::from_f64(*it).is_some_and(|it| it == *other),
            (ScalarValue::String, Value::String(other)) => *scalar.text == **other,
            _ => false,
        },
        (NodeKind::Sequence(items), Value::Array(values)) => {
            items.len() == values.len() && items.iter().zip(values).all(|(item, value)| reads_as(item, value))
        }
        (NodeKind::Mapping(entries), Value::Object(map)) => {
            // Keys in the map's order: each compared where it stands. Otherwise (keys moved, or written twice, where
            // the last value wins) the mapping's value is built and compared as maps.
            let in_order = entries.len() == map.len()
                && entries.iter().zip(map).all(|(entry, (key, value))| {
                    entry.key.scalar_text().unwrap_or_default() == key && reads_as(&entry.value, value)
                });
            in_order || to_json(node).ok().as_ref() == Some(value)
        }
        _ => false,
    }
}

/// Whether [`to_json`] would succeed, without building the value: the same walk, the same first error.
pub fn check_values(node: &Node) -> Result<(), JsonError> {
    match &node.kind {
        NodeKind::Scalar(scalar) => match scalar.value {
            ScalarValue::Float(it) if !it.is_finite() => {
                Err(JsonError { span: node.span, message: format!("json: unsupported value: {}", go_float(it)) })
            }
            _ => Ok(()),
        },
        NodeKind::Sequence(items) => items.iter().try_for_each(check_values),
        NodeKind::Mapping(entries) => entries.iter().try_for_each(|it| check_values(&it.value)),
    }
}

fn go_float(value: f64) -> &'static str {
    if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

#[cfg(test)]
mod tests {
    use super::{reads_as, to_json};
    use crate::syntax::parse;

    /// `reads_as` answers what comparing `to_json` would, for every pair of these documents: keys moved, written twice,
    /// numbers of each kind, a string that looks like a number, values JSON cannot hold, nesting.
    #[test]
    fn reads_as_is_comparing_the_built_value() {
        let docs = [
            "a: 1\nb: [x, {c: 2}]\n",
            "b: [x, {c: 2}]\na: 1\n",
            "a: 1\nb: [x, {c: 2}]\na: 1\n",
            "a: 2\nb: [x, {c: 2}]\na: 1\n",
            "a: '1'\nb: [x, {c: 2}]\n",
            "a: 1.0\nb: [x, {c: 2}]\n",
            "a: 1\nb: [x, {c: 2.5}]\n",
            "a: 1\nb: [x, {c: .nan}]\n",
            "a: -1\nb: [x]\n",
            "a: 18446744073709551615\nb: [x]\n",
            "a: ~\nb: [true, false, null]\n",
            "a: null\nb: [true, false, ~]\n",
            "a: 1\nb: [x, {c: 2}, y]\n",
            "[1, 2]\n",
            "{}\n",
            "a: {}\n",
            "a: []\n",
            include_str!("../../../../examples/payments-api/pacto.yaml"),
            include_str!("../../../../examples/payments-api-v2/pacto.yaml"),
        ];
        let roots: Vec<_> = docs.iter().map(|it| parse(it).root.expect("a document")).collect();
        let values: Vec<_> = roots.iter().filter_map(|it| to_json(it).ok()).collect();
        assert_eq!(values.len(), docs.len() - 1, "only `.nan` does not convert");
        let mut equal = 0;
        for (i, root) in roots.iter().enumerate() {
            for (j, value) in values.iter().enumerate() {
                let expected = to_json(root).ok().as_ref() == Some(value);
                assert_eq!(reads_as(root, value), expected, "document {i} against value {j}");
                equal += usize::from(expected);
            }
        }
        // Each document reads as its own value; 0, 1 and 2 are the same map, as are 10 and 11.
        assert_eq!(equal, values.len() + 6 + 2);
    }
}
