//! Path items written identically in both specs are cut out before parsing, so only the
//! items that differ are parsed and compared: parsing is most of a spec diff's cost, and
//! between two versions of a spec most path items are untouched. Spans found in the cut text
//! are mapped back to the full text.
//!
//! The items are found from the text's lines, for the plain block shape specs are written in
//! (`paths:` at column 0, one `<path>:` key line per item). Anything else, and any item that
//! could hold an anchor or an alias (its meaning would not be its text alone), is left to the
//! full parse.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::syntax::Span;

/// A spec's text without the path items it shares with the other side.
pub(super) struct Reduced {
    pub text: String,
    /// `(start in text, start in the full text)` of each piece kept, in order.
    kept: Vec<(usize, usize)>,
}

impl Reduced {
    /// Where a span of the cut text was in the full text. No node spans a cut: a cut is whole
    /// items of one mapping, so a span lies in one kept piece (an end may touch its end).
    pub fn original(&self, span: Span) -> Span {
        Span {
            start: self.map(span.start, |reduced, offset| reduced <= offset),
            end: self.map(span.end, |reduced, offset| reduced < offset),
        }
    }

    fn map(&self, offset: usize, before: impl Fn(usize, usize) -> bool) -> usize {
        let idx = self.kept.partition_point(|&(reduced, _)| before(reduced, offset));
        match idx.checked_sub(1) {
            Some(piece) => self.kept[piece].1 + (offset - self.kept[piece].0),
            None => offset,
        }
    }

    fn cut(text: &str, mut ranges: Vec<Range<usize>>) -> Reduced {
        ranges.sort_by_key(|it| it.start);
        let mut out = Reduced { text: String::with_capacity(text.len()), kept: Vec::new() };
        let mut from = 0;
        for range in ranges.into_iter().chain(std::iter::once(text.len()..text.len())) {
            out.kept.push((out.text.len(), from));
            out.text.push_str(&text[from..range.start]);
            from = range.end;
        }
        out
    }
}

/// Both texts without the path items written identically on both sides (same key, same
/// text); `None` when nothing can be cut.
///
/// Deviation: a syntax error inside an item written identically on both sides is not seen, so
/// the other items are still compared; the reference gives up on the whole file. Such an item
/// did not change either way.
pub(super) fn drop_shared_items(old: &str, new: &str) -> Option<(Reduced, Reduced)> {
    let (old_items, new_items) = (path_items(old)?, path_items(new)?);
    let new_by_key: HashMap<&str, Range<usize>> = new_items.into_iter().collect();
    let (mut old_cut, mut new_cut) = (Vec::new(), Vec::new());
    for (key, range) in old_items {
        let Some(new_range) = new_by_key.get(key) else { continue };
        let item = &old[range.clone()];
        if item == &new[new_range.clone()] && !may_hold_anchor_or_alias(item) {
            old_cut.push(range);
            new_cut.push(new_range.clone());
        }
    }
    if old_cut.is_empty() {
        return None;
    }
    Some((Reduced::cut(old, old_cut), Reduced::cut(new, new_cut)))
}

/// The keys and byte ranges of the `paths` mapping's items (whole lines, up to the next item),
/// or `None` when the text is not in the shape read here or two items have the same key.
fn path_items(text: &str) -> Option<Vec<(&str, Range<usize>)>> {
    let mut lines = lines(text);
    let mut in_paths = false;
    for (_, line) in lines.by_ref() {
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        if let Some(rest) = line.strip_prefix("paths:") {
            if !is_blank_or_comment(rest) {
                return None;
            }
            in_paths = true;
            break;
        }
    }
    if !in_paths {
        return None;
    }
    let mut items: Vec<(&str, Range<usize>)> = Vec::new();
    let mut keys = HashSet::new();
    let mut indent = None;
    let mut end = text.len();
    for (start, line) in lines {
        if is_blank_or_comment(line) {
            continue;
        }
        let leading = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if leading.contains('\t') {
            return None;
        }
        let width = leading.len();
        if width == 0 {
            // The next top-level key ends `paths`; a second `paths:` would be a duplicate key,
            // and a line that is no plain key may be a quoted scalar running on.
            if line.starts_with("paths:") || !is_top_level_key(line) {
                return None;
            }
            end = start;
            break;
        }
        let item_indent = *indent.get_or_insert(width);
        if width < item_indent {
            return None;
        }
        if width == item_indent {
            let key = item_key(&line[width..])?;
            if !keys.insert(key) {
                return None;
            }
            if let Some((_, last)) = items.last_mut() {
                last.end = start;
            }
            items.push((key, start..text.len()));
        }
    }
    if let Some((_, last)) = items.last_mut() {
        last.end = end;
    }
    // An odd number of double quotes in an item means a quoted scalar may run across items.
    if items.iter().any(|(_, range)| text[range.clone()].bytes().filter(|it| *it == b'"').count() % 2 == 1) {
        return None;
    }
    // Text after `paths` that is not top-level keys (a second document, say) is not ours.
    if text[end..].lines().any(|it| it.starts_with("paths:")) {
        return None;
    }
    Some(items)
}

/// `<name>:` followed by a space or the end of the line, the name made of the characters
/// OpenAPI's top-level keys use (`components`, `x-tagGroups`, `externalDocs`).
fn is_top_level_key(line: &str) -> bool {
    let Some((name, rest)) = line.split_once(':') else { return false };
    !name.is_empty()
        && name.bytes().all(|it| it.is_ascii_alphanumeric() || matches!(it, b'_' | b'-' | b'.'))
        && (rest.is_empty() || rest.starts_with([' ', '\r', '\n']))
}

/// Each line with the offset it starts at, line breaks included.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line))
    })
}

fn is_blank_or_comment(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// The key of an item's first line, which must be `<key>:` alone (a block mapping follows);
/// quotes are taken off so `"/a"` and `/a` are one key. `None` for any other shape.
fn item_key(line: &str) -> Option<&str> {
    let line = line.trim_end();
    let (key, rest) = match line.as_bytes().first()? {
        quote @ (b'"' | b'\'') => {
            let close = line[1..].find(*quote as char)? + 1;
            let key = &line[1..close];
            // Escapes would make the written key differ from the read one.
            if key.contains(['\\', '\'', '"']) || line[close + 1..].starts_with(*quote as char) {
                return None;
            }
            (key, &line[close + 1..])
        }
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
        | b'@' | b'`' => return None,
        _ => {
            let colon = line.find(':')?;
            (&line[..colon], &line[colon..])
        }
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(" #")) || key.contains(" #") || key.contains(": ") {
        return None;
    }
    Some(key)
}

/// An `&anchor` or `*alias` starts a token: at a line start or after a space or a flow
/// indicator, followed by a name. Over-matching only costs a parse.
fn may_hold_anchor_or_alias(item: &str) -> bool {
    let bytes = item.as_bytes();
    bytes.iter().enumerate().any(|(idx, &byte)| {
        (byte == b'&' || byte == b'*')
            && (idx == 0 || matches!(bytes[idx - 1], b' ' | b'\t' | b'\n' | b'[' | b'{' | b','))
            && bytes.get(idx + 1).is_some_and(|it| !it.is_ascii_whitespace())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str =
        "openapi: 3.0.0\npaths:\n  /a:\n    get: {}\n  \"/b\":\n    get: {}\n\n  /c:\n    get: {}\ninfo: {}\n";

    #[test]
    fn items_are_found_by_their_key_lines() {
        let items = path_items(OLD).expect("the block shape");
        let texts: Vec<(&str, &str)> = items.into_iter().map(|(key, range)| (key, &OLD[range])).collect();
        assert_eq!(
            texts,
            [("/a", "  /a:\n    get: {}\n"), ("/b", "  \"/b\":\n    get: {}\n\n"), ("/c", "  /c:\n    get: {}\n")]
        );
    }

    #[test]
    fn shared_items_are_cut_and_spans_map_back() {
        let new = OLD.replace("/c:\n    get", "/c:\n    put").replace("  /a:", "  /z:\n    get: {}\n  /a:");
        let (old_out, new_out) = drop_shared_items(OLD, &new).expect("two shared items");
        assert_eq!(old_out.text, "openapi: 3.0.0\npaths:\n  /c:\n    get: {}\ninfo: {}\n");
        assert_eq!(new_out.text, "openapi: 3.0.0\npaths:\n  /z:\n    get: {}\n  /c:\n    put: {}\ninfo: {}\n");
        let at = |reduced: &Reduced, full: &str, needle: &str| {
            let start = reduced.text.find(needle).expect("in the cut text");
            let span = reduced.original(Span { start, end: start + needle.len() });
            full[span.start..span.end].to_owned()
        };
        assert_eq!(at(&old_out, OLD, "/c"), "/c");
        assert_eq!(at(&old_out, OLD, "get: {}\n"), "get: {}\n");
        assert_eq!(at(&new_out, &new, "/z"), "/z");
        assert_eq!(at(&new_out, &new, "put"), "put");
        assert_eq!(at(&new_out, &new, "info"), "info");
        assert!(drop_shared_items(OLD, "paths:\n  /x:\n    get: {}\n").is_none());
    }

    #[test]
    fn other_shapes_are_left_to_the_parser() {
        for text in [
            "{\"paths\": {\"/a\": {}}}\n",
            "paths: {/a: {}}\n",
            "paths:\n  /a: {get: {}}\n",
            "paths:\n  /a:\n    get: {}\n  /a:\n    put: {}\n",
            "paths:\n  /a:\n    get: {}\n  \"/a\":\n    put: {}\n",
            "paths:\n  /a:\n    get: {}\n paths:\n",
            "paths:\n  /a:\n    get: {}\n\tb: 1\n",
            "paths:\n  - /a\n",
            "paths:\n  ? /a\n  : {}\n",
            "paths:\n  \"/a\\u0041\":\n    get: {}\n",
            "paths:\n  /a:\n    get: {}\n---\npaths:\n  /b:\n",
            "paths:\n  /a:\n    get: {description: \"x\n\"}\n",
            "paths:\n  /a:\n    get: {description: \"x\ny:\"}\ninfo: {}\n",
        ] {
            assert!(drop_shared_items(text, text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn items_with_anchors_or_aliases_are_parsed() {
        let text = "paths:\n  /a:\n    get: &op {}\n  /b:\n    get: *op\n  /c:\n    get: {content: {\"*/*\": {}}}\n";
        let (old_out, _) = drop_shared_items(text, text).expect("`/c` is shared");
        assert_eq!(old_out.text, "paths:\n  /a:\n    get: &op {}\n  /b:\n    get: *op\n");
    }
}
