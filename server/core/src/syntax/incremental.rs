//! An edit re-parsed where it happened (issue #15): on a keystroke only the top-level entry, or the item of a
//! top-level block sequence, holding the change is parsed again; the rest of the previous tree is kept, its spans
//! moved by the edit's length.
//!
//! The part is parsed alone, so it must read the same alone as in the document. It does when it starts a line at its
//! siblings' column (a key at column 0, or `- ` at the sequence's column), its later lines cannot close it early or
//! belong to a parent (an item's are indented deeper or start another item; a top-level entry's are anything but a
//! document marker or directive, the root reads them alike), and what follows it is the next sibling's first line,
//! unchanged, after the comments at or left of the part's column that separate them. Anything else is left to a full
//! parse: a previous parse with errors, anchors or merged keys (a copy elsewhere could hold the edited node) or a
//! second document; directives; a part that does not parse cleanly alone, or ends in a block scalar or an empty value
//! (their spans reach into the next line); a top-level key that clashes with another part's.

use super::limits::Limits;
use super::parse::{Parse, clean_root};
use super::tree::{Entry, Node, NodeKind, ScalarStyle, Span};

/// The parse of `new_text`, from `old`, the parse of `old_text`, when the edit between them stays inside one part
/// that can be parsed alone; `None` when a full parse is needed. The result is the one [`super::parse`] gives.
pub fn reparse_edited(old_text: &str, old: &Parse, new_text: &str) -> Option<Parse> {
    reparse_edited_with_limits(old_text, old, new_text, &Limits::DEFAULT)
}

pub fn reparse_edited_with_limits(old_text: &str, old: &Parse, new_text: &str, limits: &Limits) -> Option<Parse> {
    let clean = old.errors.is_empty() && old.recovered.is_empty() && old.extra_document.is_none() && !old.anchored;
    // A `%TAG` directive changes how a part's tags read; without the document's head they would read otherwise.
    if !clean || old_text.starts_with('%') || old_text.contains("\n%") {
        return None;
    }
    let root = old.root.as_ref()?;
    let entries = root.as_mapping().filter(|_| !is_flow(old_text, root))?;
    if entries.iter().any(|it| it.merged) {
        return None;
    }
    let (start, old_end) = changed(old_text.as_bytes(), new_text.as_bytes());
    if start == old_end && old_text.len() == new_text.len() {
        return Some(old.clone());
    }
    // Text inserted where a part starts may end the part before it (a new item) or begin the part itself.
    let ends_previous = unit_of(old_text, entries, start, old_end, Boundary::EndsPrevious);
    let reparsed = |unit| reparse_unit(unit, (old_text, new_text), root, entries, limits);
    ends_previous.and_then(reparsed).or_else(|| reparsed(unit_of(old_text, entries, start, old_end, Boundary::Starts)?))
}

/// [`reparse_edited`] with the edit inside `unit`.
fn reparse_unit(
    unit: Unit,
    (old_text, new_text): (&str, &str),
    root: &Node,
    entries: &[Entry],
    limits: &Limits,
) -> Option<Parse> {
    let delta = new_text.len() as isize - old_text.len() as isize;
    let fragment_end = usize::try_from(unit.end as isize + delta).ok()?;
    let fragment = new_text.get(unit.start..fragment_end)?;
    if !reads_alone(fragment, unit.column, fragment_end == new_text.len()) {
        return None;
    }
    let ends_alike = |node: &Node| ends_alike(fragment, node);
    let moved = |entry: &Entry| shifted_entry(entry, delta);
    let (before, after) = (&entries[..unit.entry], &entries[unit.entry + 1..]);
    let new_entries: Vec<Entry> = match unit.item {
        None => {
            // The document's own nesting limit holds: the part's mapping is the root again.
            let NodeKind::Mapping(parsed) = clean_root(fragment, limits)?.kind else {
                return None;
            };
            // The part's keys against the other parts' (a merge would read them too): a clash is the full parse's
            // error to report.
            let others = || before.iter().chain(after).map(|it| it.key.scalar_text());
            let clash = |entry: &Entry| entry.merged || others().any(|it| it == entry.key.scalar_text());
            if parsed.is_empty() || parsed.iter().any(clash) || !ends_alike(&parsed[parsed.len() - 1].value) {
                return None;
            }
            let parsed = parsed.iter().map(|it| shifted_entry(it, unit.start as isize));
            before.iter().cloned().chain(parsed).chain(after.iter().map(moved)).collect()
        }
        Some(item) => {
            // Alone, the item's sequence is the root: one level less than under the document's mapping.
            let limits = Limits { max_nesting_depth: limits.max_nesting_depth.checked_sub(1)?, ..*limits };
            let NodeKind::Sequence(parsed) = clean_root(fragment, &limits)?.kind else {
                return None;
            };
            if !parsed.last().is_some_and(ends_alike) {
                return None;
            }
            let entry = &entries[unit.entry];
            let items = entry.value.as_sequence()?;
            let items: Vec<Node> = items[..item]
                .iter()
                .cloned()
                .chain(parsed.iter().map(|it| shifted(it, unit.start as isize)))
                .chain(items[item + 1..].iter().map(|it| shifted(it, delta)))
                .collect();
            let span = block_span(entry.value.span.start, items.iter().map(|it| it.span));
            let value = Node { span, kind: NodeKind::Sequence(items.into()) };
            let entry = Entry { key: entry.key.clone(), value, merged: false };
            before.iter().cloned().chain([entry]).chain(after.iter().map(moved)).collect()
        }
    };
    let span = block_span(root.span.start, new_entries.iter().map(|it| it.key.span.cover(it.value.span)));
    let root = Node { span, kind: NodeKind::Mapping(new_entries.into()) };
    Some(Parse { root: Some(root), errors: Vec::new(), recovered: Vec::new(), extra_document: None, anchored: false })
}

/// The part of the old text re-parsed: `[start, end)` from the start of its first line to the comments and blank
/// lines before the next sibling (or the end of the text), which stay out of it.
#[derive(Debug)]
struct Unit {
    start: usize,
    end: usize,
    column: usize,
    entry: usize,
    item: Option<usize>,
}

/// Which part a change at the first byte of a part's line is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Boundary {
    EndsPrevious,
    Starts,
}

/// The smallest part holding the old text's changed bytes `[start, end)`: an item of the entry's block sequence,
/// else the top-level entry.
fn unit_of(text: &str, entries: &[Entry], start: usize, end: usize, boundary: Boundary) -> Option<Unit> {
    let before = |at: usize| if boundary == Boundary::Starts { at <= start } else { at < start };
    let starts: Vec<usize> = entries.iter().map(|it| it.key.span.start).collect();
    if starts.iter().any(|&at| line_start(text, at) != at) {
        return None;
    }
    let entry = starts.partition_point(|&at| before(at)).checked_sub(1)?;
    let next = starts.get(entry + 1).copied().unwrap_or(text.len());
    let entry_end = comments_before(text, starts[entry], next, 0);
    if end > entry_end {
        return None;
    }
    let whole = Unit { start: starts[entry], end: entry_end, column: 0, entry, item: None };
    let value = &entries[entry].value;
    let Some(items) = value.as_sequence().filter(|it| !it.is_empty() && !is_flow(text, value)) else {
        return Some(whole);
    };
    // Each item's content on its dash line, every dash at one column: else the entry is parsed whole.
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        let line = line_start(text, item.span.start);
        let lead = &text[line..item.span.start];
        let column = lead.len() - lead.trim_start_matches(' ').len();
        let dash = lead.trim_start_matches(' ');
        let is_dash = dash.strip_prefix('-').is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|it| it == b' '));
        if !is_dash || line <= starts[entry] || lines.last().is_some_and(|&(_, at)| at != column) {
            return Some(whole);
        }
        lines.push((line, column));
    }
    let Some(item) = lines.partition_point(|&(at, _)| before(at)).checked_sub(1) else {
        return Some(whole);
    };
    let (line, column) = lines[item];
    let item_end = comments_before(text, line, lines.get(item + 1).map_or(next, |&(at, _)| at), column);
    if end > item_end {
        return Some(whole);
    }
    Some(Unit { start: line, end: item_end, column, entry, item: Some(item) })
}

/// Where the lines `[start, end)` of a part starting at `column` end, without the comments at or left of `column`
/// (and the blank lines after them) that separate it from the next sibling: a section's heading comment.
fn comments_before(text: &str, start: usize, end: usize, column: usize) -> usize {
    let mut part_end = end;
    let mut at = end;
    while at > start {
        let line = line_start(text, at - 1);
        if line == start {
            break;
        }
        let content = text[line..at].trim_start_matches(' ');
        if content.starts_with('#') && at - line - content.len() <= column {
            part_end = line;
        } else if !content.bytes().all(|it| matches!(it, b' ' | b'\t' | b'\r' | b'\n')) {
            break;
        }
        at = line;
    }
    part_end
}

/// Whether `fragment`, a part starting at its siblings' column `column`, reads the same alone as in the document: it
/// ends a line (or the text) and it starts one or more whole siblings. Top-level entries (column 0) read at the
/// root either way, so only document markers and directives are refused; an item's later lines are indented
/// deeper than its dash, or start another item.
fn reads_alone(fragment: &str, column: usize, at_text_end: bool) -> bool {
    if fragment.is_empty() || !(at_text_end || fragment.ends_with('\n')) {
        return false;
    }
    let mut lines = fragment.split('\n');
    let first = lines.next().unwrap_or_default();
    let starts_item = |line: &str| {
        let content = line.trim_start_matches(' ');
        line.len() - content.len() == column
            && content.strip_prefix('-').is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\r']))
    };
    if column == 0 {
        let is_marker = |line: &str| line.starts_with("---") || line.starts_with("...") || line.starts_with('%');
        // The first line holds a key: not a comment, an item, a complex key or an indented line.
        let is_key = !first.starts_with(['-', '.', '%', '#', '?', ' ', '\t']) && !first.is_empty();
        return is_key && !lines.any(is_marker);
    }
    starts_item(first)
        && lines.all(|line| {
            let content = line.trim_start_matches(' ');
            let blank = content.bytes().all(|it| matches!(it, b' ' | b'\t' | b'\r'));
            blank || line.len() - content.len() > column || starts_item(line)
        })
}

/// Whether `node`, parsed alone from `fragment`, ends where it would in the document: a block scalar or an empty
/// value as the last thing of a part reaches into what follows it (the next line's indentation).
fn ends_alike(fragment: &str, node: &Node) -> bool {
    let mut node = node;
    loop {
        if is_flow(fragment, node) {
            return true;
        }
        node = match &node.kind {
            NodeKind::Mapping(entries) => match entries.last() {
                Some(entry) => &entry.value,
                None => return true,
            },
            NodeKind::Sequence(items) => match items.last() {
                Some(item) => item,
                None => return true,
            },
            NodeKind::Scalar(scalar) => {
                let block = matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded);
                return !block && !node.span.is_empty();
            }
        };
    }
}

/// `[start, end)` of `old` that an edit replaced: the bytes between the longest common prefix and suffix.
fn changed(old: &[u8], new: &[u8]) -> (usize, usize) {
    let prefix = common_prefix(old, new);
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix = common_suffix(old_rest, new_rest);
    (prefix, old.len() - suffix)
}

/// Whole blocks first: a keystroke in a big text compares hundreds of kilobytes twice.
const COMPARED_AT_ONCE: usize = 64;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut at = 0;
    while at + COMPARED_AT_ONCE <= n && a[at..at + COMPARED_AT_ONCE] == b[at..at + COMPARED_AT_ONCE] {
        at += COMPARED_AT_ONCE;
    }
    at + a[at..n].iter().zip(&b[at..n]).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut at = n;
    while at >= COMPARED_AT_ONCE && a[at - COMPARED_AT_ONCE..at] == b[at - COMPARED_AT_ONCE..at] {
        at -= COMPARED_AT_ONCE;
    }
    n - at + a[..at].iter().rev().zip(b[..at].iter().rev()).take_while(|(x, y)| x == y).count()
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |at| at + 1)
}

/// A flow collection (`{…}`, `[…]`); a scalar is not one, whatever it starts with.
fn is_flow(text: &str, node: &Node) -> bool {
    !matches!(node.kind, NodeKind::Scalar(_)) && matches!(text.as_bytes().get(node.span.start), Some(b'{' | b'['))
}

/// A block collection's span, as the parser gives it: from its first token over its children.
fn block_span(start: usize, children: impl Iterator<Item = Span>) -> Span {
    children.fold(Span::empty(start), Span::cover)
}

fn moved_span(span: Span, delta: isize) -> Span {
    let at = |offset: usize| offset.saturating_add_signed(delta);
    Span::new(at(span.start), at(span.end))
}

/// A copy of `node` with every span moved by `delta` bytes.
fn shifted(node: &Node, delta: isize) -> Node {
    if delta == 0 {
        return node.clone();
    }
    let kind = match &node.kind {
        NodeKind::Scalar(scalar) => NodeKind::Scalar(scalar.clone()),
        NodeKind::Mapping(entries) => NodeKind::Mapping(entries.iter().map(|it| shifted_entry(it, delta)).collect()),
        NodeKind::Sequence(items) => NodeKind::Sequence(items.iter().map(|it| shifted(it, delta)).collect()),
    };
    Node { span: moved_span(node.span, delta), kind }
}

fn shifted_entry(entry: &Entry, delta: isize) -> Entry {
    Entry { key: shifted(&entry.key, delta), value: shifted(&entry.value, delta), merged: entry.merged }
}

#[cfg(test)]
mod tests;
