//! What is at an offset: the node of the tree (for hover and navigation), or, read from the
//! text's indentation, the key path being typed (for completion in documents that do not parse).

use pacto_core::syntax::{FieldPath, Node, NodeKind, Segment, Span};

/// A key or a value of the tree under the cursor.
#[derive(Clone, Copy, Debug)]
pub enum Hit<'a> {
    Key { span: Span },
    Value(&'a Node),
}

/// The deepest key or scalar value touching `offset`, with its path.
pub fn node_at(root: &Node, offset: usize) -> Option<(FieldPath, Hit<'_>)> {
    let mut path = FieldPath::root();
    let mut node = root;
    loop {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                let entry = entries.iter().filter(|it| !it.merged).find(|it| {
                    it.key.span.touches(offset) || (it.value.span.touches(offset) && !it.value.span.is_empty())
                })?;
                let name = entry.key.scalar_text().unwrap_or_default();
                path.push(Segment::Key(name.to_owned()));
                if entry.key.span.touches(offset) {
                    return Some((path, Hit::Key { span: entry.key.span }));
                }
                node = &entry.value;
            }
            NodeKind::Sequence(items) => {
                let (idx, item) = items.iter().enumerate().find(|(_, it)| it.span.touches(offset))?;
                path.push(Segment::Index(idx));
                node = item;
            }
            NodeKind::Scalar(_) => return Some((path, Hit::Value(node))),
        }
    }
}

/// Where the cursor is in the text, as far as completion needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The mapping the cursor is in (list indexes are written as 0: completion needs the shape).
    pub path: FieldPath,
    pub place: Place,
    /// Keys already written in that mapping.
    pub present: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Typing a key; `prefix` is what is typed so far, starting at `start`.
    Key { prefix: String, start: usize },
    /// Typing the value of `key`; `prefix` starts at `start`.
    Value { key: String, prefix: String, start: usize },
}

/// One line split into its list markers and its key.
struct Line<'a> {
    /// Column of each `- ` marker.
    markers: Vec<usize>,
    /// Column where the content after the markers starts.
    key_col: usize,
    /// The key, when the content is `key:` or `key: value`.
    key: Option<&'a str>,
}

fn split_line(line: &str) -> Line<'_> {
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut markers = Vec::new();
    let mut rest = &line[col..];
    while rest == "-" || rest.starts_with("- ") {
        markers.push(col);
        let skipped = if rest == "-" { 1 } else { 2 + rest[2..].len() - rest[2..].trim_start_matches(' ').len() };
        col += skipped;
        rest = &rest[skipped..];
    }
    let content = rest.trim_end_matches(['\r', '\n']);
    let key = content.find(':').and_then(|colon| {
        let after = &content[colon + 1..];
        let is_key = after.is_empty() || after.starts_with(' ');
        let key = content[..colon].trim().trim_matches(['"', '\'']);
        (is_key && !key.is_empty() && !key.contains(' ')).then_some(key)
    });
    Line { markers, key_col: col, key }
}

/// Reads the context at `offset` from the text alone: works while the document does not parse.
pub fn context(text: &str, offset: usize) -> Context {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |it| it + 1);
    let before = &text[line_start..offset];
    let here = split_line(before);
    let content = &before[here.key_col.min(before.len())..];
    let place = match content.find(": ").or_else(|| content.strip_suffix(':').map(|it| it.len())) {
        Some(colon) if here.key.is_some() || content[..colon].trim().chars().all(is_key_char) => {
            let key = content[..colon].trim().trim_matches(['"', '\'']).to_owned();
            let value = content[colon + 1..].trim_start();
            let start = offset - value.len();
            Place::Value { key, prefix: value.to_owned(), start }
        }
        _ => {
            let prefix = content.trim().to_owned();
            Place::Key { start: offset - prefix.len(), prefix }
        }
    };
    let mut col = here.key_col;
    // A line that is only `- ` (a new list item) is inside an item of the list.
    let mut segments: Vec<Segment> = Vec::new();
    if !here.markers.is_empty() {
        segments.push(Segment::Index(0));
        col = *here.markers.last().expect("checked");
    }
    let mut present = Vec::new();
    let mut collecting_siblings = here.markers.is_empty();
    for line in text[..line_start].lines().rev() {
        let it = split_line(line);
        if it.key.is_none() && it.markers.is_empty() {
            continue;
        }
        if it.key_col == col && collecting_siblings {
            if let Some(key) = it.key {
                present.push(key.to_owned());
            }
            if let Some(&marker) = it.markers.last() {
                // This line opens the item the cursor is in.
                segments.push(Segment::Index(0));
                col = marker;
                collecting_siblings = false;
            }
            continue;
        }
        if it.key_col == col && !collecting_siblings {
            if let Some(&marker) = it.markers.last() {
                // A sibling of the key just climbed to that opens their list item
                // (`- type: health` above `  binding:`): the path goes through the item.
                segments.push(Segment::Index(0));
                col = marker;
            }
            continue;
        }
        if it.key_col < col || it.markers.last().is_some_and(|&m| m < col && it.key_col > col) {
            if it.markers.last().is_some_and(|&m| m == col) {
                // A sibling item of the list; the list's key is further up.
                continue;
            }
            if let Some(key) = it.key {
                segments.push(Segment::Key(key.to_owned()));
            }
            col = it.key_col;
            if let Some(&marker) = it.markers.last() {
                segments.push(Segment::Index(0));
                col = marker;
            }
            collecting_siblings = false;
            if col == 0 && it.markers.is_empty() {
                break;
            }
        }
    }
    // Siblings below the cursor count as present too.
    if here.markers.is_empty() || here.key.is_some() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |it| offset + it + 1);
        for line in text[line_end..].lines() {
            let it = split_line(line);
            if it.key.is_none() && it.markers.is_empty() {
                continue;
            }
            if it.key_col < here.key_col || !it.markers.is_empty() && it.key_col <= here.key_col {
                break;
            }
            if it.key_col == here.key_col {
                if let Some(key) = it.key {
                    present.push(key.to_owned());
                }
            }
        }
    }
    segments.reverse();
    let mut path = FieldPath::root();
    for segment in segments {
        path.push(segment);
    }
    Context { path, place, present }
}

fn is_key_char(ch: char) -> bool {
    ch.is_alphanumeric() || matches!(ch, '_' | '-' | '"' | '\'')
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    fn check(fixture: &str, expect: Expect) {
        let offset = fixture.find("$0").expect("a $0 marker");
        let text = fixture.replace("$0", "");
        let it = context(&text, offset);
        expect.assert_eq(&format!("path={} {:?} present={:?}\n", it.path, it.place, it.present));
    }

    #[test]
    fn context_while_typing_a_key_under_runtime() {
        check(
            "pactoVersion: \"1.0\"\nruntime:\n  wor$0\n  state:\n    type: x\n",
            expect![[r#"
                path=runtime Key { prefix: "wor", start: 31 } present=["state"]
            "#]],
        );
    }

    #[test]
    fn context_on_an_empty_line_under_interfaces() {
        check(
            "interfaces:\n  - name: a\n    type: http\n  - $0\n",
            expect![[r#"
                path=interfaces[0] Key { prefix: "", start: 43 } present=[]
            "#]],
        );
        check(
            "interfaces:\n  - name: a\n    $0\n",
            expect![[r#"
                path=interfaces[0] Key { prefix: "", start: 28 } present=["name"]
            "#]],
        );
    }

    #[test]
    fn context_for_a_value() {
        check(
            "interfaces:\n  - name: a\n    type: $0\n",
            expect![[r#"
                path=interfaces[0] Value { key: "type", prefix: "", start: 34 } present=["name"]
            "#]],
        );
        check(
            "runtime:\n  health:\n    interface: ap$0\n",
            expect![[r#"
                path=runtime.health Value { key: "interface", prefix: "ap", start: 34 } present=[]
            "#]],
        );
        check(
            "pactoVersion: $0",
            expect![[r#"
                path= Value { key: "pactoVersion", prefix: "", start: 14 } present=[]
            "#]],
        );
    }

    #[test]
    fn context_in_an_object_inside_a_list_item() {
        check(
            "capabilities:\n  - type: metrics\n    binding:\n      $0\n",
            expect![[r#"
                path=capabilities[0].binding Key { prefix: "", start: 51 } present=[]
            "#]],
        );
        check(
            "capabilities:\n  - binding:\n      type: http\n      interface: $0\n",
            expect![[r#"
                path=capabilities[0].binding Value { key: "interface", prefix: "", start: 61 } present=["type"]
            "#]],
        );
    }

    #[test]
    fn context_at_top_level() {
        check(
            "pactoVersion: \"1.0\"\nser$0\nruntime:\n  workload: job\n",
            expect![[r#"
                path= Key { prefix: "ser", start: 20 } present=["pactoVersion", "runtime"]
            "#]],
        );
        check(
            "$0",
            expect![[r#"
                path= Key { prefix: "", start: 0 } present=[]
            "#]],
        );
    }
}
