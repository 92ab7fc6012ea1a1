//! JSON-Schema property diff (spec §3.6): the keys of the top-level `properties` object only.

use std::collections::BTreeMap;

use crate::syntax::{Span, parse};

use super::{Change, ChangeBuilder, ChangeType, ChangeValue, FileSpan};

/// Added and removed top-level properties; nothing when either file is not JSON (a YAML
/// schema is silently skipped, quirk 17) or its `properties` is not an object.
pub fn diff_schemas(old_file: &str, old_text: &str, new_file: &str, new_text: &str) -> Vec<Change> {
    let (Some(old), Some(new)) = (properties(old_text), properties(new_text)) else {
        return Vec::new();
    };
    let mut acc = Vec::new();
    for (key, span) in &old {
        if !new.contains_key(key) {
            let change =
                ChangeBuilder::at("schema.properties", format!("schema.properties[{key}]"), ChangeType::Removed);
            acc.push(change.build(
                Some(ChangeValue::from(key.as_str())),
                None,
                Some(format!("configuration property {key} removed")),
                Some(FileSpan { file: old_file.to_owned(), span: *span }),
                None,
            ));
        }
    }
    for (key, span) in &new {
        if !old.contains_key(key) {
            let change = ChangeBuilder::at("schema.properties", format!("schema.properties[{key}]"), ChangeType::Added);
            acc.push(change.build(
                None,
                Some(ChangeValue::from(key.as_str())),
                Some(format!("configuration property {key} added")),
                None,
                Some(FileSpan { file: new_file.to_owned(), span: *span }),
            ));
        }
    }
    acc
}

/// The property names with the spans of their keys. JSON validity is decided by serde_json;
/// the spans come from our YAML tree, which reads the same JSON text.
fn properties(text: &str) -> Option<BTreeMap<String, Span>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let properties = match value.as_object()?.get("properties") {
        None | Some(serde_json::Value::Null) => return Some(BTreeMap::new()),
        Some(serde_json::Value::Object(it)) => it,
        Some(_) => return None,
    };
    let tree = parse(text);
    let node = tree.root.as_ref().and_then(|it| it.get("properties"));
    let span_of = |key: &str| node.and_then(|it| it.entry(key)).map_or(Span::empty(0), |it| it.key.span);
    Some(properties.keys().map(|key| (key.clone(), span_of(key))).collect())
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::diff_schemas;
    use crate::diff::tests::render;

    fn check(old: &str, new: &str, expect: expect_test::Expect) {
        expect.assert_eq(&render(&diff_schemas("old.json", old, "new.json", new)));
    }

    #[test]
    fn schema_properties_added_and_removed() {
        check(
            r#"{"type": "object", "properties": {"port": {"type": "integer"}, "host": {}}}"#,
            r#"{"type": "object", "properties": {"host": {"type": "string"}, "debug": {}}}"#,
            expect![[r#"
                [BREAKING] schema.properties[port] (removed): configuration property port removed [- port]
                   old=old.json@34..40
                [NON_BREAKING] schema.properties[debug] (added): configuration property debug added [+ debug]
                   new=new.json@62..69
            "#]],
        );
    }

    #[test]
    fn schema_identical_keys_with_other_changes_yield_nothing() {
        check(
            r#"{"properties": {"a": {"type": "string"}}, "required": ["a"]}"#,
            r#"{"properties": {"a": {}}}"#,
            expect![[""]],
        );
    }

    #[test]
    fn schema_yaml_or_malformed_yields_nothing() {
        check("properties:\n  a: {}\n", r#"{"properties": {}}"#, expect![[""]]);
        check(r#"{"properties": {"a": {}}}"#, "{", expect![[""]]);
        check(r#"{"properties": [1]}"#, r#"{"properties": {}}"#, expect![[""]]);
    }

    #[test]
    fn schema_without_properties_on_one_side() {
        check(
            r#"{"type": "object"}"#,
            r#"{"properties": {"a": {}}}"#,
            expect![[r#"
            [NON_BREAKING] schema.properties[a] (added): configuration property a added [+ a]
               new=new.json@16..19
        "#]],
        );
    }
}
