//! JSON as the reference prints it: 2-space indent, trailing newline, Go's HTML escaping (spec §7.1).

use serde_json::Value;

pub fn to_string(value: &Value) -> String {
    let pretty = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
    // `<`, `>` and `&` only occur inside strings, where Go writes them as \u escapes.
    let mut out = pretty
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    out.push('\n');
    out
}
