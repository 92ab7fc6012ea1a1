//! Writing YAML the migration invents: one scalar (plain when YAML reads it back as the same
//! string, else JSON-quoted, which YAML reads as a double-quoted scalar), and a whole contract
//! from its JSON value when the original text cannot be edited in place.

use serde_json::Value;

use crate::syntax::ScalarValue;
use crate::syntax::parse::resolve_plain;

/// A string as a YAML scalar that reads back as exactly that string.
pub(super) fn scalar(text: &str) -> String {
    if plain_safe(text) { text.to_owned() } else { Value::String(text.to_owned()).to_string() }
}

fn plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // A leading indicator would change what YAML reads; a dash followed by text is still plain.
    let dash_text = first == '-' && text.len() > 1 && !text.starts_with("- ");
    let starts_ok = dash_text || !"-?:,[]{}#&*!|>'\"%@`".contains(first);
    starts_ok
        && !first.is_whitespace()
        && !text.ends_with(char::is_whitespace)
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && text.chars().all(|it| !it.is_control() && it != '\u{feff}')
        && matches!(resolve_plain(text), ScalarValue::String)
}

/// The contract as block YAML in the value's key order, two spaces per level.
pub(super) fn document(value: &Value, eol: &str) -> String {
    let mut out = String::new();
    if let Value::Object(map) = value {
        for (key, value) in map {
            entry(&mut out, 0, key, value, eol);
        }
    }
    out
}

fn entry(out: &mut String, indent: usize, key: &str, value: &Value, eol: &str) {
    out.push_str(&" ".repeat(indent));
    out.push_str(&scalar(key));
    out.push(':');
    block(out, indent, value, eol);
}

/// Writes what follows `key:` or `- `: an inline scalar or empty collection, else a block.
fn block(out: &mut String, indent: usize, value: &Value, eol: &str) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str(eol);
            for (key, value) in map {
                entry(out, indent + 2, key, value, eol);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str(eol);
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key follows the dash; the others line up with it.
                        for (idx, (key, value)) in map.iter().enumerate() {
                            if idx == 0 {
                                out.push(' ');
                                out.push_str(&scalar(key));
                                out.push(':');
                                block(out, indent + 4, value, eol);
                            } else {
                                entry(out, indent + 4, key, value, eol);
                            }
                        }
                    }
                    _ => block(out, indent + 2, item, eol),
                }
            }
        }
        _ => {
            out.push(' ');
            out.push_str(&inline(value));
            out.push_str(eol);
        }
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::String(text) => scalar(text),
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn scalars_quoted_only_when_needed() {
        let cases = [
            ("payments-api", "payments-api"),
            ("/health", "/health"),
            ("true", "\"true\""),
            ("8080", "\"8080\""),
            ("1.0", "\"1.0\""),
            ("", "\"\""),
            ("a: b", "\"a: b\""),
            ("#x", "\"#x\""),
            ("-x", "-x"),
            ("- x", "\"- x\""),
            ("^2.0.0", "^2.0.0"),
            ("null", "\"null\""),
            ("* x", "\"* x\""),
            ("@sha", "\"@sha\""),
        ];
        for (text, want) in cases {
            assert_eq!(scalar(text), want, "{text:?}");
        }
    }
}
