//! JSON syntax checking with Go's `encoding/json` error texts (`invalid character 'x' looking for
//! beginning of value`), which `INVALID_INTERFACE_SPEC` repeats (pacto-v2.md §3.3 rule 8).
//!
//! Go validates the whole input with its scanner before decoding, so the first scanner error is
//! the message; values themselves are not built here.

/// Refused beyond this depth, as Go's scanner does (`exceeded max depth`); deeper input would
/// otherwise grow the state stack without bound.
pub const MAX_JSON_DEPTH: usize = 10_000;

/// `None` when `bytes` is one valid JSON value (with optional surrounding whitespace).
pub fn go_json_error(bytes: &[u8]) -> Option<String> {
    let mut scanner = Scanner { bytes, pos: 0 };
    scanner.document().err()
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

type Scan = Result<(), String>;

const EOF: &str = "unexpected end of JSON input";

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn invalid(&self, context: &str) -> String {
        match self.peek() {
            None => EOF.to_owned(),
            Some(byte) => format!("invalid character {} {context}", quote_char(byte)),
        }
    }

    /// One value and nothing after it; nesting is kept on an explicit stack, as Go's scanner
    /// keeps it, so deep input cannot exhaust the thread's stack.
    fn document(&mut self) -> Scan {
        let mut stack: Vec<u8> = Vec::new();
        self.skip_space();
        'value: loop {
            match self.peek() {
                None => return Err(EOF.to_owned()),
                Some(open @ (b'{' | b'[')) => {
                    stack.push(open);
                    if stack.len() > MAX_JSON_DEPTH {
                        return Err("exceeded max depth".to_owned());
                    }
                    self.pos += 1;
                    self.skip_space();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        stack.pop();
                    } else {
                        if open == b'{' {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => self.string()?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(_) => return Err(self.invalid("looking for beginning of value")),
            }
            // After a complete value: close what it ends, or go on to the next member.
            loop {
                self.skip_space();
                let (close, context) = match stack.last() {
                    None if self.peek().is_some() => return Err(self.invalid("after top-level value")),
                    None => return Ok(()),
                    Some(b'{') => (b'}', "after object key:value pair"),
                    Some(_) => (b']', "after array element"),
                };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_space();
                        if close == b'}' {
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(it) if it == close => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return Err(self.invalid(context)),
                }
            }
        }
    }

    /// `"key"` and its `:`, up to the member's value.
    fn key(&mut self) -> Scan {
        if self.peek() != Some(b'"') {
            return Err(self.invalid("looking for beginning of object key string"));
        }
        self.string()?;
        self.skip_space();
        if self.peek() != Some(b':') {
            return Err(self.invalid("after object key"));
        }
        self.pos += 1;
        self.skip_space();
        Ok(())
    }

    fn string(&mut self) -> Scan {
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(EOF.to_owned()),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                        Some(b'u') => {
                            self.pos += 1;
                            for _ in 0..4 {
                                match self.peek() {
                                    Some(it) if it.is_ascii_hexdigit() => self.pos += 1,
                                    _ => return Err(self.invalid("in \\u hexadecimal character escape")),
                                }
                            }
                        }
                        _ => return Err(self.invalid("in string escape code")),
                    }
                }
                Some(byte) if byte < 0x20 => return Err(self.invalid("in string literal")),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn number(&mut self) -> Scan {
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid("in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid("after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid("in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Scan {
        let name = std::str::from_utf8(word).unwrap_or_default();
        for (idx, want) in word.iter().enumerate() {
            if idx == 0 {
                self.pos += 1;
                continue;
            }
            if self.peek() != Some(*want) {
                let context = format!("in literal {name} (expecting {})", quote_char(*want));
                return Err(self.invalid(&context));
            }
            self.pos += 1;
        }
        Ok(())
    }
}

/// Go's `quoteChar`: `'\''`, `'"'`, else the `strconv.Quote` of the character in single quotes.
fn quote_char(byte: u8) -> String {
    match byte {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let quoted = crate::gofmt::quote(&char::from(byte).to_string());
            format!("'{}'", &quoted[1..quoted.len() - 1])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_JSON_DEPTH, go_json_error};

    #[test]
    fn json_depth_at_limit_passes() {
        let text = format!("{}{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        assert_eq!(go_json_error(text.as_bytes()), None);
    }

    #[test]
    fn json_depth_over_limit_refused() {
        let text = format!("{}{}", "[".repeat(MAX_JSON_DEPTH + 1), "]".repeat(MAX_JSON_DEPTH + 1));
        assert_eq!(go_json_error(text.as_bytes()).as_deref(), Some("exceeded max depth"));
    }

    #[test]
    fn messages_match_go() {
        let cases = [
            ("{}", None),
            (" [1, 2.5e3, -0, \"a\\u00e9\", true, null] ", None),
            ("", Some("unexpected end of JSON input")),
            ("{", Some("unexpected end of JSON input")),
            ("openapi: 3.0.0", Some("invalid character 'o' looking for beginning of value")),
            ("{a: 1}", Some("invalid character 'a' looking for beginning of object key string")),
            ("{\"a\" 1}", Some("invalid character '1' after object key")),
            ("{\"a\": 1 \"b\"}", Some("invalid character '\"' after object key:value pair")),
            ("[1 2]", Some("invalid character '2' after array element")),
            ("{} x", Some("invalid character 'x' after top-level value")),
            ("[tru]", Some("invalid character ']' in literal true (expecting 'e')")),
            ("\"a\nb\"", Some("invalid character '\\n' in string literal")),
            ("-x", Some("invalid character 'x' in numeric literal")),
        ];
        for (input, want) in cases {
            assert_eq!(go_json_error(input.as_bytes()).as_deref(), want, "{input:?}");
        }
    }
}
