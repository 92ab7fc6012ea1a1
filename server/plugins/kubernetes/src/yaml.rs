//! A small YAML emitter for manifests: block style, keys in insertion order, strings quoted
//! whenever a plain scalar would read as something else.

use serde_json::Value;

pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, 0, &mut out, false);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn write_value(value: &Value, indent: usize, out: &mut String, in_sequence_item: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (idx, (key, child)) in map.iter().enumerate() {
                if idx > 0 || !in_sequence_item {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(&scalar(&Value::String(key.clone())));
                out.push(':');
                write_child(child, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 || !in_sequence_item {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str("- ");
                match item {
                    Value::Object(map) if !map.is_empty() => write_value(item, indent + 2, out, true),
                    Value::Array(inner) if !inner.is_empty() => write_value(item, indent + 2, out, true),
                    _ => {
                        out.push_str(&scalar(item));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

fn write_child(child: &Value, indent: usize, out: &mut String) {
    match child {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_value(child, indent + 2, out, false);
        }
        // Lists under a key sit at the key's indentation, as kubectl writes them.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_value(child, indent, out, false);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(child));
            out.push('\n');
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(it) => it.to_string(),
        Value::Number(it) => it.to_string(),
        Value::String(text) if is_plain_safe(text) => text.clone(),
        Value::String(text) => Value::String(text.clone()).to_string(),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// Whether a string can be written unquoted and still read back as the same string.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let numeric = text.parse::<f64>().is_ok() || text.starts_with("0x") || text.starts_with("0o");
    let bad_start = "-?:,[]{}#&*!|>'\"%@` ".contains(first);
    let bad_inside = text.contains(": ") || text.contains(" #") || text.ends_with(':') || text.ends_with(' ');
    !(reserved || numeric || bad_start || bad_inside || text.contains(['\n', '\t', '\r']))
}

#[cfg(test)]
mod tests {
    use super::to_yaml;
    use serde_json::json;

    #[test]
    fn emits_block_yaml_and_quotes_ambiguous_strings() {
        let value =
            json!({"a": {"b": [1, {"c": "x", "d": ["y"]}], "e": "8080", "f": "on", "g": "", "h": "a: b"}, "i": []});
        assert_eq!(
            to_yaml(&value),
            "a:\n  b:\n  - 1\n  - c: x\n    d:\n    - \"y\"\n  e: \"8080\"\n  f: \"on\"\n  g: \"\"\n  h: \"a: b\"\ni: []\n"
        );
    }
}
