//! Go's formatting of values inside messages, so our texts match the reference's byte for byte.

use std::fmt;

/// `text` as Go's `%q` prints it (`strconv.Quote`).
pub fn quote(text: &str) -> String {
    GoQuoted(text).to_string()
}

/// A string as Go's `%q` prints it (`strconv.Quote`), which the reference uses in this message.
pub struct GoQuoted<'a>(pub &'a str);

impl fmt::Display for GoQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for ch in self.0.chars() {
            match ch {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\x07' => f.write_str("\\a")?,
                '\x08' => f.write_str("\\b")?,
                '\x0c' => f.write_str("\\f")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\x0b' => f.write_str("\\v")?,
                _ if is_go_printable(ch) => write!(f, "{ch}")?,
                _ if (ch as u32) < 0x20 || ch == '\x7f' => write!(f, "\\x{:02x}", ch as u32)?,
                _ if (ch as u32) < 0x1_0000 => write!(f, "\\u{:04x}", ch as u32)?,
                _ => write!(f, "\\U{:08x}", ch as u32)?,
            }
        }
        f.write_str("\"")
    }
}

/// Go's `unicode.IsPrint` without its tables: controls, separators other than the ASCII space,
/// format characters, private-use characters and noncharacters are escaped. Unassigned code
/// points, which Go also escapes, are printed as they are: knowing them needs the Unicode tables.
fn is_go_printable(ch: char) -> bool {
    let cp = ch as u32;
    if ch.is_ascii() {
        return (0x20..0x7f).contains(&cp);
    }
    let is_format = matches!(
        cp,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let is_private_use = matches!(cp, 0xe000..=0xf8ff | 0xf_0000..=0xf_fffd | 0x10_0000..=0x10_fffd);
    let is_noncharacter = matches!(cp, 0xfdd0..=0xfdef) || cp & 0xfffe == 0xfffe;
    !(ch.is_control() || ch.is_whitespace() || is_format || is_private_use || is_noncharacter)
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_escapes_like_strconv_quote() {
        let cases = [
            ("say \"hi\"\\", r#""say \"hi\"\\""#),
            ("\u{7}\u{8}\u{c}\n\r\t\u{b}", r#""\a\b\f\n\r\t\v""#),
            ("\u{1}\u{7f}", r#""\x01\x7f""#),
            ("café ünïcode ✓ 🦀", "\"café ünïcode ✓ 🦀\""),
            ("\u{85}\u{a0}\u{200b}\u{2028}\u{feff}", r#""\u0085\u00a0\u200b\u2028\ufeff""#),
            ("\u{e000}\u{f0000}\u{fffe}", r#""\ue000\U000f0000\ufffe""#),
        ];
        for (remaining, quoted) in cases {
            assert_eq!(quote(remaining), quoted);
        }
    }
}
