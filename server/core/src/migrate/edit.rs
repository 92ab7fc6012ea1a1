//! Span edits on the original text of a block-style contract: rename a key, replace a value,
//! delete an entry with its lines, insert an entry. Each helper refuses (returns `false`) what it
//! cannot do without touching unrelated text — a flow collection, an entry sharing its line — and
//! the migration then writes the contract anew instead.

use crate::syntax::{Entry, Node, NodeKind, ScalarStyle, Span};

pub(super) struct Edits<'a> {
    pub text: &'a str,
    /// `\r\n` when the contract uses it, so inserted lines match the file.
    pub eol: &'static str,
    edits: Vec<(Span, String)>,
    /// Cleared by the first edit that cannot be made faithfully.
    pub ok: bool,
}

impl<'a> Edits<'a> {
    pub fn new(text: &'a str) -> Edits<'a> {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Edits { text, eol, edits: Vec::new(), ok: true }
    }

    pub fn fail(&mut self) {
        self.ok = false;
    }

    pub fn replace(&mut self, span: Span, with: String) {
        self.edits.push((span, with));
    }

    /// The source text of a span, as written (quotes and all).
    pub fn source(&self, span: Span) -> &'a str {
        &self.text[span.start..span.end]
    }

    /// A node's text without what the parser's span may carry past it: a quoted scalar's span
    /// runs on over a comment after it (`"1.0" # note`), which an edit must leave in place.
    pub fn exact(&self, node: &Node) -> Span {
        match &node.kind {
            NodeKind::Scalar(scalar) => {
                let quote = match scalar.style {
                    ScalarStyle::DoubleQuoted => b'"',
                    ScalarStyle::SingleQuoted => b'\'',
                    _ => return node.span,
                };
                let bytes = &self.text.as_bytes()[node.span.start..node.span.end];
                let mut idx = 1;
                while idx < bytes.len() {
                    match bytes[idx] {
                        b'\\' if quote == b'"' => idx += 2,
                        b'\'' if quote == b'\'' && bytes.get(idx + 1) == Some(&b'\'') => idx += 2,
                        it if it == quote => return Span::new(node.span.start, node.span.start + idx + 1),
                        _ => idx += 1,
                    }
                }
                node.span
            }
            NodeKind::Mapping(entries) => match entries.last() {
                Some(last) => Span::new(node.span.start, self.exact(&last.value).end.max(last.key.span.end)),
                None => node.span,
            },
            NodeKind::Sequence(items) => match items.last() {
                Some(last) => Span::new(node.span.start, self.exact(last).end),
                None => node.span,
            },
        }
    }

    /// The end of an entry's own text (its value's, else its key's).
    fn entry_end(&self, entry: &Entry) -> usize {
        self.exact(&entry.value).end.max(entry.key.span.end)
    }

    /// Replaces a scalar's text; a block scalar (`|`, `>`), whose span leaves out its header,
    /// is left to the rewrite.
    pub fn replace_scalar(&mut self, node: &Node, with: String) {
        match node.as_scalar().map(|it| it.style) {
            Some(ScalarStyle::Literal | ScalarStyle::Folded) | None => self.fail(),
            Some(_) => self.replace(self.exact(node), with),
        }
    }

    /// The column of `offset`, in bytes from its line start.
    pub fn column(&self, offset: usize) -> usize {
        offset - self.line_start(offset)
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text[..offset].rfind('\n').map_or(0, |at| at + 1)
    }

    /// The offset just past the newline ending the line of `offset` (or the text's end).
    fn next_line_start(&self, offset: usize) -> usize {
        self.text[offset..].find('\n').map_or(self.text.len(), |at| offset + at + 1)
    }

    /// Whether only spaces precede `offset` on its line (so the entry starts its line rather than
    /// following a `- ` or a `{`).
    fn starts_line(&self, offset: usize) -> bool {
        self.text[self.line_start(offset)..offset].bytes().all(|it| it == b' ')
    }

    /// Whether a mapping or sequence is written in block style (flow ones are left to the rewrite).
    pub fn is_block(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Scalar(_) => true,
            // An empty flow collection (`[]`) is never edited, so it is no obstacle.
            NodeKind::Mapping(entries) => {
                entries.is_empty()
                    || (!self.text[node.span.start..].starts_with('{') && entries.iter().all(|it| !it.merged))
            }
            NodeKind::Sequence(items) => items.is_empty() || !self.text[node.span.start..].starts_with('['),
        }
    }

    /// Deletes an entry with its whole lines and the comment lines directly above it (they
    /// describe it); a blank line left doubled by the deletion goes too.
    pub fn delete_entry(&mut self, entries: &[Entry], idx: usize) {
        let entry = &entries[idx];
        if !self.starts_line(entry.key.span.start) {
            // The first entry of a list item (`- port: 80`): cut up to the next key, which then
            // follows the dash.
            match entries.get(idx + 1) {
                Some(next) if idx == 0 && !next.merged => {
                    self.replace(Span::new(entry.key.span.start, next.key.span.start), String::new());
                }
                _ => self.fail(),
            }
            return;
        }
        let indent = self.column(entry.key.span.start);
        let mut start = self.line_start(entry.key.span.start);
        while start > 0 {
            let above = self.line_start(start - 1);
            let line = &self.text[above..start];
            let trimmed = line.trim_start_matches(' ');
            if trimmed.starts_with('#') && line.len() - trimmed.len() == indent {
                start = above;
            } else {
                break;
            }
        }
        let mut end = self.next_line_start(self.entry_end(entry));
        let blank_above = start == 0 || self.text[self.line_start(start - 1)..start].trim().is_empty();
        let next = self.next_line_start(end);
        if blank_above && end < self.text.len() && self.text[end..next].trim().is_empty() {
            end = next;
        }
        self.replace(Span::new(start, end), String::new());
    }

    /// Replaces an entry (key through value) with `lines`, the first written where the key was
    /// and the others at the key's column.
    pub fn replace_entry(&mut self, entry: &Entry, lines: &[String]) {
        let indent = " ".repeat(self.column(entry.key.span.start));
        let joined = lines.join(&format!("{}{indent}", self.eol));
        self.replace(Span::new(entry.key.span.start, self.entry_end(entry)), joined);
    }

    /// Inserts `line` as a new entry after the last entry of `entries`, at the column of the
    /// first one.
    pub fn append_entry(&mut self, entries: &[Entry], line: &str) {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            self.fail();
            return;
        };
        let indent = " ".repeat(self.column(first.key.span.start));
        let at = self.next_line_start(self.entry_end(last));
        let text = if at == self.text.len() && !self.text.ends_with('\n') {
            format!("{}{indent}{line}", self.eol)
        } else {
            format!("{indent}{line}{}", self.eol)
        };
        self.replace(Span::empty(at), text);
    }

    /// Inserts `line` as the first entry of a list item, right after its dash.
    pub fn prepend_entry(&mut self, entries: &[Entry], line: &str) {
        let Some(first) = entries.first() else {
            self.fail();
            return;
        };
        let indent = " ".repeat(self.column(first.key.span.start));
        if self.starts_line(first.key.span.start) {
            self.replace(Span::empty(self.line_start(first.key.span.start)), format!("{indent}{line}{}", self.eol));
        } else {
            self.replace(Span::empty(first.key.span.start), format!("{line}{}{indent}", self.eol));
        }
    }

    /// The source of an entry re-indented from its own column to `column` (comments inside kept);
    /// `None` when a line is indented less than the entry, which a plain shift would break.
    pub fn entry_at_column(&self, entry: &Entry, column: usize) -> Option<String> {
        let from = self.column(entry.key.span.start);
        let source = self.source(Span::new(entry.key.span.start, self.entry_end(entry)));
        let mut out = String::with_capacity(source.len());
        for (idx, line) in source.split('\n').enumerate() {
            if idx > 0 {
                out.push('\n');
                let spaces = line.len() - line.trim_start_matches(' ').len();
                if line.trim().is_empty() {
                    out.push_str(line.trim_start_matches(' '));
                    continue;
                }
                if spaces < from {
                    return None;
                }
                out.push_str(&" ".repeat(spaces - from + column));
                out.push_str(&line[spaces..]);
            } else {
                out.push_str(line);
            }
        }
        Some(out)
    }

    /// Replaces from an entry's key to the end of its value.
    pub fn replace_whole_entry(&mut self, entry: &Entry, with: String) {
        self.replace(Span::new(entry.key.span.start, self.entry_end(entry)), with);
    }

    /// The text with every edit applied; `None` when two edits overlap.
    pub fn apply(mut self) -> Option<String> {
        self.edits.sort_by_key(|it| (it.0.start, it.0.end));
        let mut out = String::with_capacity(self.text.len() + 256);
        let mut at = 0;
        for (span, with) in &self.edits {
            if span.start < at {
                return None;
            }
            out.push_str(&self.text[at..span.start]);
            out.push_str(with);
            at = span.end;
        }
        out.push_str(&self.text[at..]);
        Some(out)
    }
}
