//! Byte offsets to lines and columns: the only place where positions are counted.

/// Start offsets of every line; `\n`, `\r\n` and a lone `\r` end a line, as in YAML and LSP.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// The 0-based lines holding a character beyond ASCII, ascending: on every other line a
    /// column is a byte count, so a long line costs nothing per position asked.
    non_ascii_lines: Vec<usize>,
    len: usize,
}

/// A position for people: 1-based line, 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        if text.is_ascii() && !bytes.contains(&b'\r') {
            // The common case, checked at memory speed: only `\n` to find, many bytes at a time (the editor indexes
            // every version).
            let breaks = memchr::memchr_iter(b'\n', bytes).map(|at| at + 1);
            let line_starts = std::iter::once(0).chain(breaks).collect();
            return LineIndex { line_starts, non_ascii_lines: Vec::new(), len: text.len() };
        }
        let mut line_starts = vec![0];
        let mut non_ascii_lines = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    line_starts.push(i + 2);
                    i += 1;
                }
                b'\r' => line_starts.push(i + 1),
                byte if !byte.is_ascii() => {
                    let line = line_starts.len() - 1;
                    if non_ascii_lines.last() != Some(&line) {
                        non_ascii_lines.push(line);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { line_starts, non_ascii_lines, len: text.len() }
    }

    /// The length of the text the index was made for.
    pub fn text_len(&self) -> usize {
        self.len
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// Start offset of a 0-based line, or the end of the text past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// The byte range of a 0-based line's content, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        start..end
    }

    /// The human position of `offset`: offsets inside a character count as its start.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = if self.non_ascii_lines.binary_search(&line).is_ok() {
            text[start..offset].chars().count()
        } else {
            offset - start
        } + 1;
        LineCol { line: line + 1, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_all_line_breaks() {
        let text = "a: 1\r\nb: é😀x\rc: 3\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x), LineCol { line: 2, column: 6 });
        let c = text.find('c').unwrap();
        assert_eq!(index.line_col(text, c), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(text, text.len()), LineCol { line: 4, column: 2 });
        assert_eq!(index.line_range(text, 0), 0..4);
    }

    #[test]
    fn line_index_plain_ascii_matches_the_general_count() {
        let text = "a: 1\n\nb:\n  - c\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_starts, [0, 5, 6, 9, 15]);
        assert_eq!(index.line_col(text, 11), LineCol { line: 4, column: 3 });
        let general = LineIndex::new(&format!("{text}\r"));
        assert_eq!(general.line_starts[..5], index.line_starts[..]);
    }

    #[test]
    fn line_col_clamps_offsets_inside_a_character_and_past_the_end() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 99), LineCol { line: 1, column: 2 });
    }
}
