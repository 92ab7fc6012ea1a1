//! AsyncAPI diff (pacto-v2.md §5.6): the `channels` and `operations` maps of two documents (YAML
//! or JSON; a 2.x document has no operations); entries on both sides are walked with no direction.
//! `info`, `servers`, `components` and `defaultContentType` are not compared.

use std::collections::BTreeMap;

use super::super::{Change, ChangeType};
use super::entry_change;
use super::walk::{self, Direction, Sides};
use crate::syntax::{Node, Parse, parse};

/// Both documents' changes; nothing when either is not a readable mapping.
pub fn diff(old_file: &str, old_text: &str, new_file: &str, new_text: &str) -> Vec<Change> {
    let (old_parse, new_parse) = (parse(old_text), parse(new_text));
    let (Some(old_root), Some(new_root)) = (document(&old_parse), document(&new_parse)) else {
        return Vec::new();
    };
    let mut acc = Vec::new();
    let sides = Sides { old_file, new_file, old_span: &walk::same, new_span: &walk::same };
    for (key, rule, noun) in
        [("channels", "asyncapi.channels", "channel"), ("operations", "asyncapi.operations", "operation")]
    {
        let (old, new) = (entries(old_root.get(key)), entries(new_root.get(key)));
        for (name, (old_key, old_node)) in &old {
            let path = format!("{rule}[{name}]");
            match new.get(name) {
                None => acc.push(entry_change(rule, noun, name, ChangeType::Removed, old_file, old_key.span)),
                Some((_, new_node)) => {
                    walk::walk(rule, Direction::Unknown, &path, old_node, new_node, &sides, &mut acc)
                }
            }
        }
        for (name, (new_key, _)) in &new {
            if !old.contains_key(name) {
                acc.push(entry_change(rule, noun, name, ChangeType::Added, new_file, new_key.span));
            }
        }
    }
    acc
}

fn document(parse: &Parse) -> Option<&Node> {
    if !parse.errors.is_empty() {
        return None;
    }
    parse.root.as_ref().filter(|it| it.as_mapping().is_some())
}

/// A map's entries by stringified key (key node, value node); empty when absent or not a map.
fn entries(node: Option<&Node>) -> BTreeMap<String, (&Node, &Node)> {
    let entries = node.and_then(Node::as_mapping).unwrap_or_default();
    entries.iter().map(|it| (it.key.scalar_text().unwrap_or_default().to_owned(), (&it.key, &it.value))).collect()
}
