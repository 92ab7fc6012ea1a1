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
            ScalarValue::String => Value::String(scalar.text.clone()),
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
