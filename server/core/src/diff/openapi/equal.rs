//! Deep equality of two YAML values as the reference decides it (spec §3.5): the values' JSON
//! forms compared, so key order is irrelevant and scalar types matter. Walked on the trees
//! directly: building two JSON values per comparison was a tenth of a spec diff's time.

use std::collections::HashMap;

use crate::syntax::{Node, NodeKind, ScalarValue};

/// Mappings up to this size are compared by scanning; larger ones through a hash map.
const MAX_SCANNED_ENTRIES: usize = 16;

pub(crate) fn deep_equal(old: &Node, new: &Node) -> bool {
    // A NaN or an infinity has no JSON form: the reference then compares two errors, which
    // are equal, whatever else differs.
    equal(old, new) || (has_no_json_form(old) && has_no_json_form(new))
}

fn equal(old: &Node, new: &Node) -> bool {
    match (&old.kind, &new.kind) {
        (NodeKind::Scalar(old), NodeKind::Scalar(new)) => match (&old.value, &new.value) {
            (ScalarValue::String, ScalarValue::String) => old.text == new.text,
            (old, new) => old == new,
        },
        (NodeKind::Sequence(old), NodeKind::Sequence(new)) => {
            old.len() == new.len() && old.iter().zip(new).all(|(old, new)| equal(old, new))
        }
        (NodeKind::Mapping(_), NodeKind::Mapping(_)) => {
            let (old, new) = (Entries::of(old), Entries::of(new));
            old.len() == new.len() && old.iter().all(|(key, old)| new.get(key).is_some_and(|new| equal(old, new)))
        }
        _ => false,
    }
}

fn has_no_json_form(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar(it) => matches!(it.value, ScalarValue::Float(value) if !value.is_finite()),
        NodeKind::Sequence(items) => items.iter().any(has_no_json_form),
        NodeKind::Mapping(entries) => entries.iter().any(|it| has_no_json_form(&it.value)),
    }
}

/// A mapping's entries by key text, the last duplicate winning as in a JSON object.
enum Entries<'a> {
    Scanned(Vec<(&'a str, &'a Node)>),
    Hashed(HashMap<&'a str, &'a Node>),
}

impl<'a> Entries<'a> {
    fn of(node: &'a Node) -> Entries<'a> {
        let list = node.as_mapping().unwrap_or_default();
        let key = |entry: &'a crate::syntax::Entry| entry.key.scalar_text().unwrap_or_default();
        if list.len() > MAX_SCANNED_ENTRIES {
            return Entries::Hashed(list.iter().map(|it| (key(it), &it.value)).collect());
        }
        let mut out: Vec<(&str, &Node)> = Vec::with_capacity(list.len());
        for it in list {
            match out.iter_mut().find(|(seen, _)| *seen == key(it)) {
                Some(slot) => slot.1 = &it.value,
                None => out.push((key(it), &it.value)),
            }
        }
        Entries::Scanned(out)
    }

    fn len(&self) -> usize {
        match self {
            Entries::Scanned(it) => it.len(),
            Entries::Hashed(it) => it.len(),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Node> {
        match self {
            Entries::Scanned(it) => it.iter().find(|(seen, _)| *seen == key).map(|(_, node)| *node),
            Entries::Hashed(it) => it.get(key).copied(),
        }
    }

    fn iter(&self) -> Box<dyn Iterator<Item = (&'a str, &'a Node)> + '_> {
        match self {
            Entries::Scanned(it) => Box::new(it.iter().copied()),
            Entries::Hashed(it) => Box::new(it.iter().map(|(key, node)| (*key, *node))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::deep_equal;
    use crate::syntax::parse;
    use crate::validate::json::to_json;

    /// Every pair of these values is judged as comparing their JSON forms judges it.
    #[test]
    fn deep_equal_agrees_with_json_equality() {
        let mut big = String::from("{");
        for idx in 0..20 {
            big.push_str(&format!("k{idx}: {idx}, "));
        }
        let big_reordered = big.replacen("k0: 0, ", "", 1) + "k0: 0}";
        let big = big + "}";
        let values = [
            "1",
            "1.0",
            "\"1\"",
            "'1'",
            "true",
            "null",
            "~",
            "",
            ".nan",
            ".inf",
            "-.inf",
            "0",
            "-0.0",
            "0.0",
            "[1, 2]",
            "[2, 1]",
            "[1, .nan]",
            "[.nan, 1]",
            "{a: 1, b: 2}",
            "{b: 2, a: 1}",
            "{a: 1}",
            "{a: 1, a: 2}",
            "{a: 2}",
            "{a: .inf, b: 1}",
            "{a: .inf, b: 2}",
            "{1: x}",
            "{\"1\": x}",
            &big,
            &big_reordered,
            "x",
        ];
        let nodes: Vec<_> = values.iter().map(|it| parse(&format!("v: {it}\n")).root.unwrap()).collect();
        for (old_idx, old) in nodes.iter().enumerate() {
            for (new_idx, new) in nodes.iter().enumerate() {
                let (old, new) = (old.get("v").unwrap(), new.get("v").unwrap());
                assert_eq!(
                    deep_equal(old, new),
                    to_json(old).ok() == to_json(new).ok(),
                    "{} against {}",
                    values[old_idx],
                    values[new_idx]
                );
            }
        }
    }
}
