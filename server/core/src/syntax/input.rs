//! The parser's input during recovery: a text that is blanked between attempts, and the furthest
//! byte the parser has looked at, so a saved parser state is reused only when its past is unchanged.
//!
//! Every method behaves as saphyr's `StrInput` does (same buffer length, same lookahead rules), so
//! the events and errors are those of a plain parse of the same text.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use saphyr_parser::Input;
use saphyr_parser::input::{SkipTabs, is_alpha, is_blank, is_blank_or_breakz, is_break, is_breakz, is_digit, is_flow};

/// The current text, and how far any input reading it has looked.
#[derive(Debug)]
pub(crate) struct Source {
    /// Replaced (never changed in place) when a line is blanked: a parser state restored from a
    /// checkpoint picks the current text up when it is cloned, and reads it without a lock.
    text: RefCell<Rc<str>>,
    seen: Cell<usize>,
}

impl Source {
    pub(crate) fn new(text: &str) -> Rc<Source> {
        Rc::new(Source { text: RefCell::new(Rc::from(text)), seen: Cell::new(0) })
    }

    /// The exclusive end of the bytes read so far: a saved state taken at this point depends on
    /// nothing at or after it.
    pub(crate) fn seen(&self) -> usize {
        self.seen.get()
    }

    /// Rewinds the record of what was read, when an earlier state is restored.
    pub(crate) fn set_seen(&self, seen: usize) {
        self.seen.set(seen);
    }

    pub(crate) fn text(&self) -> Rc<str> {
        Rc::clone(&self.text.borrow())
    }

    /// Makes `text` the current text; inputs cloned from now on read it.
    pub(crate) fn replace(&self, text: &str) {
        *self.text.borrow_mut() = Rc::from(text);
    }

    #[inline]
    fn touch(&self, end: usize) {
        if end > self.seen.get() {
            self.seen.set(end);
        }
    }
}

/// A cursor into a [`Source`]'s text; cloning it (with the parser) saves the position and
/// moves to the source's current text.
#[derive(Debug)]
pub(crate) struct BlankableInput {
    source: Rc<Source>,
    text: Rc<str>,
    /// Byte offset of the next character.
    pos: usize,
    /// As `StrInput`: the largest lookahead asked for, which is what `buflen` reports.
    lookahead: usize,
}

impl Clone for BlankableInput {
    fn clone(&self) -> BlankableInput {
        BlankableInput {
            source: Rc::clone(&self.source),
            text: self.source.text(),
            pos: self.pos,
            lookahead: self.lookahead,
        }
    }
}

/// `StrInput`'s buffer size, which the scanner sizes its lookahead requests by.
const BUFFER_LEN: usize = 128;

impl BlankableInput {
    pub(crate) fn new(source: Rc<Source>) -> BlankableInput {
        let text = source.text();
        BlankableInput { source, text, pos: 0, lookahead: 0 }
    }

    /// Runs `f` on the unread text; `f` returns its result and how many bytes it looked at.
    #[inline]
    fn look<R>(&self, f: impl FnOnce(&str) -> (R, usize)) -> R {
        let rest = &self.text[self.pos..];
        let (res, looked) = f(rest);
        // Looking at the end of the text counts as looking at everything up to it.
        self.source.touch(if looked >= rest.len() { self.text.len() } else { self.pos + looked });
        res
    }

    /// Whether the unread text starts with a document marker (`---`, `...`): three times the same
    /// byte that `is_marker` accepts, then a blank, a break or the end.
    #[inline]
    fn next_is_marker(&self, is_marker: impl Fn(u8) -> bool) -> bool {
        self.look(|rest| {
            if rest.len() < 3 {
                return (false, rest.len() + 1);
            }
            let bytes = rest.as_bytes();
            let res = (bytes.len() == 3 || is_blank_or_breakz(bytes[3] as char))
                && is_marker(bytes[0])
                && bytes[0] == bytes[1]
                && bytes[1] == bytes[2];
            (res, 4)
        })
    }

    /// Runs `f` on the unread text; `f` returns its result, the bytes it consumed and the bytes
    /// it looked at (at least the consumed ones).
    #[inline]
    fn consume<R>(&mut self, f: impl FnOnce(&str) -> (R, usize, usize)) -> R {
        let rest = &self.text[self.pos..];
        let (res, consumed, looked) = f(rest);
        self.source.touch(if looked >= rest.len() { self.text.len() } else { self.pos + looked });
        self.pos += consumed;
        res
    }
}

#[inline]
fn first_char(rest: &str) -> (Option<char>, usize) {
    match rest.chars().next() {
        Some(ch) => (Some(ch), ch.len_utf8()),
        None => (None, 1),
    }
}

/// The byte length of the first `n` characters (fewer at the end) and the character after them.
#[inline]
fn nth_char(rest: &str, n: usize) -> (Option<char>, usize) {
    let mut chars = rest.char_indices();
    for _ in 0..n {
        if chars.next().is_none() {
            return (None, rest.len() + 1);
        }
    }
    match chars.next() {
        Some((at, ch)) => (Some(ch), at + ch.len_utf8()),
        None => (None, rest.len() + 1),
    }
}

/// saphyr's `is_yaml_non_break`: neither a line break, nor `\0`, nor a byte order mark.
fn is_yaml_non_break(ch: char) -> bool {
    !is_breakz(ch) && ch != '\u{FEFF}'
}

fn is_yaml_non_space(ch: char) -> bool {
    is_yaml_non_break(ch) && !is_blank(ch)
}

impl Input for BlankableInput {
    #[inline]
    fn lookahead(&mut self, count: usize) {
        self.lookahead = self.lookahead.max(count);
    }

    #[inline]
    fn buflen(&self) -> usize {
        self.lookahead
    }

    #[inline]
    fn bufmaxlen(&self) -> usize {
        BUFFER_LEN
    }

    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.buflen() == 0
    }

    #[inline]
    fn raw_read_ch(&mut self) -> char {
        self.consume(|rest| {
            let (ch, len) = first_char(rest);
            (ch.unwrap_or('\0'), if ch.is_some() { len } else { 0 }, len)
        })
    }

    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.consume(|rest| {
            let (ch, len) = first_char(rest);
            match ch {
                Some(ch) if is_yaml_non_break(ch) => (Some(ch), len, len),
                _ => (None, 0, len),
            }
        })
    }

    #[inline]
    fn skip(&mut self) {
        self.consume(|rest| {
            let (ch, len) = first_char(rest);
            ((), if ch.is_some() { len } else { 0 }, len)
        });
    }

    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.consume(|rest| {
            let consumed = rest.char_indices().nth(count).map_or(rest.len(), |(at, _)| at);
            ((), consumed, consumed)
        });
    }

    #[inline]
    fn peek(&self) -> char {
        self.look(|rest| {
            let (ch, len) = first_char(rest);
            (ch.unwrap_or('\0'), len)
        })
    }

    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.look(|rest| {
            let (ch, looked) = nth_char(rest, n);
            (ch.unwrap_or('\0'), looked)
        })
    }

    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.look(first_char)
    }

    #[inline]
    fn look_ch(&mut self) -> char {
        self.lookahead(1);
        self.peek()
    }

    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.peek() == c
    }

    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.peek_nth(n) == c
    }

    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.look(|rest| {
            let mut chars = rest.chars();
            let first = chars.next();
            if first != Some(c1) {
                return (false, first.map_or(1, char::len_utf8));
            }
            let second = chars.next();
            (second == Some(c2), c1.len_utf8() + second.map_or(1, char::len_utf8))
        })
    }

    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.look(|rest| {
            let mut chars = rest.chars();
            let mut looked = 0;
            for want in [c1, c2, c3] {
                let got = chars.next();
                looked += got.map_or(1, char::len_utf8);
                if got != Some(want) {
                    return (false, looked);
                }
            }
            (true, looked)
        })
    }

    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.next_is_marker(|it| it == b'.' || it == b'-')
    }

    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.next_is_marker(|it| it == b'-')
    }

    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.next_is_marker(|it| it == b'.')
    }

    #[inline]
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        assert!(!matches!(skip_tabs, SkipTabs::Result(..)));
        self.consume(|rest| {
            let bytes = rest.as_bytes();
            let mut at = 0;
            let mut has_yaml_ws = false;
            let mut encountered_tab = false;
            while at < bytes.len() {
                match bytes[at] {
                    b' ' => has_yaml_ws = true,
                    b'\t' if skip_tabs == SkipTabs::Yes => encountered_tab = true,
                    _ => break,
                }
                at += 1;
            }
            // Whitespace is ASCII: bytes and characters agree.
            let mut chars_consumed = at;
            if bytes.get(at) == Some(&b'#') {
                if !encountered_tab && !has_yaml_ws {
                    let res = (chars_consumed, Err("comments must be separated from other tokens by whitespace"));
                    return (res, at, at + 1);
                }
                for ch in rest[at..].chars() {
                    if !is_yaml_non_break(ch) {
                        break;
                    }
                    at += ch.len_utf8();
                    chars_consumed += 1;
                }
            }
            ((chars_consumed, Ok(SkipTabs::Result(encountered_tab, has_yaml_ws))), at, at + 1)
        })
    }

    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        let next = self.peek_nth(1);
        match self.peek() {
            // Indicators end a plain scalar (YAML 1.2 §7.3.3); a byte order mark is not part of one.
            ':' if is_blank_or_breakz(next) || (in_flow && is_flow(next)) => false,
            '\u{FEFF}' => false,
            c if in_flow && is_flow(c) => false,
            _ => true,
        }
    }

    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.look(|rest| match rest.as_bytes().first() {
            Some(&byte) => (is_blank(byte as char) || is_break(byte as char), 1),
            None => (false, 1),
        })
    }

    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.look(|rest| match rest.as_bytes().first() {
            Some(&byte) => (is_blank(byte as char) || is_breakz(byte as char), 1),
            None => (true, 1),
        })
    }

    #[inline]
    fn next_is_blank(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_some_and(|&it| is_blank(it as char)), 1))
    }

    #[inline]
    fn next_is_break(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_some_and(|&it| is_break(it as char)), 1))
    }

    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_none_or(|&it| is_breakz(it as char)), 1))
    }

    #[inline]
    fn next_is_z(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_none_or(|&it| it == 0), 1))
    }

    #[inline]
    fn next_is_flow(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_some_and(|&it| is_flow(it as char)), 1))
    }

    #[inline]
    fn next_is_digit(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_some_and(|&it| is_digit(it as char)), 1))
    }

    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.look(|rest| (rest.as_bytes().first().is_some_and(|&it| is_alpha(it as char)), 1))
    }

    #[inline]
    fn skip_while_non_breakz(&mut self) -> usize {
        self.consume(|rest| {
            let mut at = 0;
            let mut count = 0;
            for ch in rest.chars() {
                if !is_yaml_non_break(ch) {
                    break;
                }
                at += ch.len_utf8();
                count += 1;
            }
            (count, at, at + 1)
        })
    }

    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.consume(|rest| {
            let at = rest.bytes().take_while(|&it| is_blank(it as char)).count();
            (at, at, at + 1)
        })
    }

    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.consume(|rest| {
            let at = rest.char_indices().find(|(_, ch)| !is_alpha(*ch)).map_or(rest.len(), |(at, _)| at);
            out.push_str(&rest[..at]);
            (at, at, at + 1)
        })
    }

    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.consume(|rest| {
            let at = rest.char_indices().find(|(_, ch)| !is_yaml_non_space(*ch)).map_or(rest.len(), |(at, _)| at);
            out.push_str(&rest[..at]);
            (at, at, at + 1)
        })
    }
}
