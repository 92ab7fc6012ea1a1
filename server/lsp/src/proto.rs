//! Byte spans to LSP positions and back, in the negotiated encoding, through the rope; and
//! core diagnostics to LSP diagnostics. The only place where `Position` and `Range` are made.

use pacto_core::syntax::{LineIndex, Span};
use pacto_core::{Code, Severity};
use ropey::Rope;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

/// How the client counts columns: negotiated once in `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Where each rule is explained; the README's anchors are the lowercase codes.
const RULES_URL: &str = "https://github.com/pacto-rs/pacto/blob/main/README.md";

pub fn position(rope: &Rope, encoding: Encoding, offset: usize) -> Position {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let line_start = rope.line_to_byte(line);
    let character = match encoding {
        Encoding::Utf8 => offset - line_start,
        Encoding::Utf16 => {
            // Thousands of diagnostics are placed per publish: when the line starts in the offset's chunk, its
            // column is counted there instead of with four more walks of the rope.
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(offset);
            if line_start >= chunk_start {
                utf16_len(chunk, line_start - chunk_start, offset - chunk_start)
            } else {
                let char_idx = rope.byte_to_char(offset);
                let line_char = rope.line_to_char(line);
                rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_char)
            }
        }
    };
    Position::new(line as u32, character as u32)
}

/// The UTF-16 code units of `text[start..end]`, `end` moved back to the start of the character it is in.
fn utf16_len(text: &str, start: usize, mut end: usize) -> usize {
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let column = &text[start..end];
    if column.is_ascii() { column.len() } else { column.encode_utf16().count() }
}

pub fn range(rope: &Rope, encoding: Encoding, span: Span) -> Range {
    Range::new(position(rope, encoding, span.start), position(rope, encoding, span.end))
}

/// Where the byte offsets of one text are for the client: through its rope, or through the line index an analysis
/// already holds, which places each of the thousands of diagnostics of a publish without walking the rope.
pub enum Place<'a> {
    Rope(&'a Rope, Encoding),
    Lines { text: &'a str, index: &'a LineIndex, encoding: Encoding },
}

impl Place<'_> {
    pub fn encoding(&self) -> Encoding {
        match self {
            Place::Rope(_, encoding) | Place::Lines { encoding, .. } => *encoding,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        match self {
            Place::Rope(rope, encoding) => position(rope, *encoding, offset),
            Place::Lines { text, index, encoding } => {
                let offset = offset.min(text.len());
                let line = index.line_of(offset);
                let start = index.line_start(line);
                let character = match encoding {
                    Encoding::Utf8 => offset - start,
                    Encoding::Utf16 => utf16_len(text, start, offset),
                };
                Position::new(line as u32, character as u32)
            }
        }
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }
}

/// The byte offset of a client position, clamped: a line past the end is the end of the text,
/// a column past the end of its line is the line's end, a column inside a character or a
/// surrogate pair is that character's start.
pub fn offset(rope: &Rope, encoding: Encoding, position: Position) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start_char = rope.line_to_char(line);
    let line_slice = rope.line(line);
    let content_chars = line_content_chars(&line_slice);
    let column = position.character as usize;
    let char_in_line = match encoding {
        Encoding::Utf8 => {
            let bytes = column.min(line_slice.len_bytes());
            let mut chars = line_slice.byte_to_char(bytes);
            // A byte column inside a character: go back to its start.
            if line_slice.char_to_byte(chars) > bytes {
                chars -= 1;
            }
            chars
        }
        Encoding::Utf16 => {
            let units = column.min(line_slice.len_utf16_cu());
            line_slice.utf16_cu_to_char(units)
        }
    };
    rope.char_to_byte(line_start_char + char_in_line.min(content_chars))
}

fn line_content_chars(line: &ropey::RopeSlice<'_>) -> usize {
    let mut n = line.len_chars();
    while n > 0 && matches!(line.char(n - 1), '\n' | '\r') {
        n -= 1;
    }
    n
}

pub fn diagnostic(at: &Place<'_>, uri: &Uri, it: &pacto_core::Diagnostic) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = it
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location { uri: uri.clone(), range: at.range(related.span) },
            message: related.message.clone(),
        })
        .collect();
    Diagnostic {
        range: at.range(it.span),
        severity: Some(match it.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(it.code.as_str().to_owned())),
        code_description: rule_link(it.code),
        source: Some("pacto".to_owned()),
        message: it.message.clone(),
        related_information: if related.is_empty() { None } else { Some(related) },
        tags: None,
        data: None,
    }
}

/// A baseline's finding: a BREAKING change as information and a POTENTIAL_BREAKING one as a hint, since the
/// change may be intended; a version not bumped for them as a warning.
pub fn lens_diagnostic(at: &Place<'_>, it: &crate::lens::compute::Finding) -> Diagnostic {
    use crate::lens::compute::{Code, SOURCE};
    let related = it.related.as_ref().and_then(|related| {
        let location = Location {
            uri: Uri::from_file_path(&related.path)?,
            range: range(&related.text, at.encoding(), related.span),
        };
        Some(DiagnosticRelatedInformation { location, message: related.message.clone() })
    });
    Diagnostic {
        range: at.range(it.span),
        severity: Some(match it.code {
            Code::Change { breaking: true, .. } => DiagnosticSeverity::INFORMATION,
            Code::Change { breaking: false, .. } => DiagnosticSeverity::HINT,
            Code::Bump(_) => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(it.code.as_str().to_owned())),
        source: Some(SOURCE.to_owned()),
        message: it.message.clone(),
        related_information: related.map(|it| vec![it]),
        ..Default::default()
    }
}

fn rule_link(code: Code) -> Option<CodeDescription> {
    let href = format!("{RULES_URL}#{}", code.as_str().to_lowercase()).parse().ok()?;
    Some(CodeDescription { href })
}

/// A quick fix that carries its edits of `uri` (never a command that edits later) and the diagnostics
/// it fixes.
pub fn quick_fix(
    rope: &Rope,
    encoding: Encoding,
    uri: &Uri,
    title: String,
    edits: Vec<(Span, String)>,
    fixes: Vec<Diagnostic>,
    preferred: bool,
) -> CodeActionOrCommand {
    let edits =
        edits.into_iter().map(|(span, new_text)| TextEdit { range: range(rope, encoding, span), new_text }).collect();
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: (!fixes.is_empty()).then_some(fixes),
        edit: Some(WorkspaceEdit { changes: Some([(uri.clone(), edits)].into_iter().collect()), ..Default::default() }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

/// The whole 1-based `line` of a file that may not be open: the index knows lines, not columns, and a
/// line is what a reference list shows.
pub fn line_location(path: &std::path::Path, line: usize) -> Option<Location> {
    let line = line.checked_sub(1)? as u32;
    Some(Location {
        uri: Uri::from_file_path(path)?,
        range: Range::new(Position::new(line, 0), Position::new(line + 1, 0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_through_both_encodings_with_emoji_cjk_and_crlf() {
        let text = "a: 1\r\nowner: 中文😀x\r\nb: 2";
        let rope = Rope::from_str(text);
        let x = text.find('x').unwrap();
        assert_eq!(position(&rope, Encoding::Utf16, x), Position::new(1, 11));
        assert_eq!(position(&rope, Encoding::Utf8, x), Position::new(1, 17));
        assert_eq!(offset(&rope, Encoding::Utf16, Position::new(1, 11)), x);
        assert_eq!(offset(&rope, Encoding::Utf8, Position::new(1, 17)), x);
        let b = text.find('b').unwrap();
        assert_eq!(position(&rope, Encoding::Utf16, b), Position::new(2, 0));
    }

    /// The line index places every byte where the rope does, in both encodings: CRLF and lone CR line ends, characters
    /// of 1 to 4 bytes, offsets inside a character and past the end.
    #[test]
    fn a_line_index_places_every_offset_where_the_rope_does() {
        let text = "a: 1\r\nowner: 中文😀é x\rnext: ö\n\n  - item 😀\r\n\rlast";
        let rope = Rope::from_str(text);
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let lines = Place::Lines { text, index: &index, encoding };
            for offset in 0..=text.len() + 2 {
                assert_eq!(lines.position(offset), position(&rope, encoding, offset), "{encoding:?} {offset}");
            }
        }
    }

    /// The column counted in the offset's chunk agrees with the rope's own count at every byte: lines inside a chunk,
    /// lines across chunks, CRLF, characters of 1 to 4 bytes, offsets inside a character.
    #[test]
    fn utf16_columns_from_the_chunk_agree_with_the_rope_everywhere() {
        let mut text = String::new();
        for n in 0..300 {
            let line = match n % 4 {
                0 => format!("k{n}: plain ascii value\n"),
                1 => format!("owner: 中文😀é {n}\r\n"),
                2 => format!("long: {}\n", "wörd ".repeat(n / 3)),
                _ => "\n".to_owned(),
            };
            text.push_str(&line);
        }
        let rope = Rope::from_str(&text);
        assert!(rope.chunks().count() > 10, "the text spans many chunks");
        for offset in 0..=text.len() {
            let line = rope.byte_to_line(offset);
            let expected =
                rope.char_to_utf16_cu(rope.byte_to_char(offset)) - rope.char_to_utf16_cu(rope.line_to_char(line));
            assert_eq!(
                position(&rope, Encoding::Utf16, offset),
                Position::new(line as u32, expected as u32),
                "{offset}"
            );
        }
    }

    #[test]
    fn hostile_positions_are_clamped() {
        let text = "k: 😀\nz";
        let rope = Rope::from_str(text);
        let emoji = text.find('😀').unwrap();
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(offset(&rope, Encoding::Utf16, Position::new(0, 4)), emoji);
        // Inside the UTF-8 bytes of the emoji: its start.
        assert_eq!(offset(&rope, Encoding::Utf8, Position::new(0, 5)), emoji);
        // Past the line's end: the end of its content, before the line break.
        assert_eq!(offset(&rope, Encoding::Utf16, Position::new(0, 99)), emoji + 4);
        // Past the last line: the end of the text.
        assert_eq!(offset(&rope, Encoding::Utf16, Position::new(9, 0)), text.len());
    }
}
