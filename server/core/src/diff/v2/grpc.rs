//! gRPC diff (pacto-v2.md §5.7): a text scan of two `.proto` sources, no compiler and no imports.
//! Comments and string-literal contents are blanked first (offsets kept); top-level `service` and
//! `message` blocks are found at line starts and brace-matched; their rpcs and their fields (the
//! message's own `;` statements) are compared. Descriptors in JSON or YAML yield nothing.

use std::collections::BTreeMap;

use super::super::{Change, ChangeType, FileSpan};
use super::{change, entry_change, str_value};
use crate::syntax::Span;

/// Statements of a message body that are not fields.
const NOT_FIELDS: [&str; 6] = ["option", "reserved", "extensions", "import", "package", "syntax"];

/// A named member and the span of its name.
type Members = BTreeMap<String, (String, Span)>;

#[derive(Default)]
struct Proto {
    /// Service name → (span of the name, rpcs by name → signature).
    services: BTreeMap<String, (Span, Members)>,
    /// Message name → (span of the name, fields by name → descriptor).
    messages: BTreeMap<String, (Span, Members)>,
}

pub fn diff(old_file: &str, old_text: &str, new_file: &str, new_text: &str) -> Vec<Change> {
    let (old, new) = (scan(old_text), scan(new_text));
    let mut acc = Vec::new();
    let files = (old_file, new_file);
    owners(("grpc.services", "service"), ("grpc.rpcs", "rpc", "rpcs"), &old.services, &new.services, files, &mut acc);
    owners(
        ("grpc.messages", "message"),
        ("grpc.messages.fields", "field", "fields"),
        &old.messages,
        &new.messages,
        files,
        &mut acc,
    );
    acc
}

fn owners(
    (rule, noun): (&'static str, &str),
    member_kind: (&'static str, &str, &str),
    old: &BTreeMap<String, (Span, Members)>,
    new: &BTreeMap<String, (Span, Members)>,
    (old_file, new_file): (&str, &str),
    acc: &mut Vec<Change>,
) {
    for (name, (old_span, old_members)) in old {
        match new.get(name) {
            None => acc.push(entry_change(rule, noun, name, ChangeType::Removed, old_file, *old_span)),
            Some((_, new_members)) => members(name, member_kind, old_members, new_members, (old_file, new_file), acc),
        }
    }
    for (name, (new_span, _)) in new {
        if !old.contains_key(name) {
            acc.push(entry_change(rule, noun, name, ChangeType::Added, new_file, *new_span));
        }
    }
}

fn members(
    owner: &str,
    (rule, noun, segment): (&'static str, &str, &str),
    old: &Members,
    new: &Members,
    (old_file, new_file): (&str, &str),
    acc: &mut Vec<Change>,
) {
    let at = |file: &str, span: Span| Some(FileSpan { file: file.to_owned(), span });
    // `grpc.rpcs[S.M]`; `grpc.messages[M].fields[f]`.
    let path = |member: &str| match segment {
        "rpcs" => format!("grpc.rpcs[{owner}.{member}]"),
        _ => format!("grpc.messages[{owner}].fields[{member}]"),
    };
    let mut push = |member: &str, change_type: ChangeType, values, spans| {
        let mut it = change(rule, path(member), change_type, values, spans);
        it.reason = format!("{noun} {owner}.{member} {change_type}");
        acc.push(it);
    };
    for (member, (old_value, old_span)) in old {
        match new.get(member) {
            None => push(
                member,
                ChangeType::Removed,
                (str_value(old_value.as_str()), None),
                (at(old_file, *old_span), None),
            ),
            Some((new_value, new_span)) if new_value != old_value => push(
                member,
                ChangeType::Modified,
                (str_value(old_value.as_str()), str_value(new_value.as_str())),
                (at(old_file, *old_span), at(new_file, *new_span)),
            ),
            Some(_) => {}
        }
    }
    for (member, (new_value, new_span)) in new {
        if !old.contains_key(member) {
            push(member, ChangeType::Added, (None, str_value(new_value.as_str())), (None, at(new_file, *new_span)));
        }
    }
}

/// Comments and the contents of closed string literals as spaces, newlines kept; an unterminated
/// literal blanks to the end of its line.
fn blank(text: &str) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    let mut idx = 0;
    let blank_range = |out: &mut Vec<u8>, from: usize, to: usize| {
        for it in &mut out[from..to] {
            if *it != b'\n' {
                *it = b' ';
            }
        }
    };
    while idx < out.len() {
        match out[idx] {
            b'/' if out.get(idx + 1) == Some(&b'/') => {
                let end = out[idx..].iter().position(|it| *it == b'\n').map_or(out.len(), |it| idx + it);
                blank_range(&mut out, idx, end);
                idx = end;
            }
            b'/' if out.get(idx + 1) == Some(&b'*') => {
                let end = text[idx + 2..].find("*/").map_or(out.len(), |it| idx + 2 + it + 2);
                blank_range(&mut out, idx, end);
                idx = end;
            }
            quote @ (b'"' | b'\'') => {
                let mut end = idx + 1;
                while end < out.len() && out[end] != quote && out[end] != b'\n' {
                    end += if out[end] == b'\\' { 2 } else { 1 };
                }
                let end = end.min(out.len());
                if end < out.len() && out[end] == quote {
                    blank_range(&mut out, idx + 1, end);
                    idx = end + 1;
                } else {
                    blank_range(&mut out, idx, end);
                    idx = end;
                }
            }
            _ => idx += 1,
        }
    }
    out
}

/// The index just past the `}` matching the `{` at `open`; `None` when unbalanced.
fn matching(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (idx, it) in bytes.iter().enumerate().skip(open) {
        match it {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(idx + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn scan(text: &str) -> Proto {
    let bytes = blank(text);
    let mut proto = Proto::default();
    let mut idx = 0;
    let mut line_start = true;
    while idx < bytes.len() {
        let byte = bytes[idx];
        if byte == b'\n' {
            line_start = true;
            idx += 1;
            continue;
        }
        if byte == b' ' || byte == b'\t' || byte == b'\r' {
            idx += 1;
            continue;
        }
        if byte == b'{' {
            // A top-level block that is neither a service nor a message (an enum): skipped whole.
            let Some(end) = matching(&bytes, idx) else { break };
            idx = end;
            line_start = false;
            continue;
        }
        if line_start {
            if let Some((keyword, name, name_span, open)) = block_head(&bytes, idx) {
                let Some(end) = matching(&bytes, open) else { break };
                let body = (open + 1, end - 1);
                match keyword {
                    "service" => {
                        let rpcs = rpcs(&bytes, body);
                        proto.services.entry(name).or_insert((name_span, rpcs));
                    }
                    _ => {
                        let fields = fields(&bytes, body);
                        proto.messages.entry(name).or_insert((name_span, fields));
                    }
                }
                idx = end;
                line_start = false;
                continue;
            }
        }
        line_start = false;
        idx += 1;
    }
    proto
}

/// `service <Name> {` or `message <Name> {` at `idx`: the keyword, the name, its span, the `{`.
fn block_head(bytes: &[u8], idx: usize) -> Option<(&'static str, String, Span, usize)> {
    let keyword = ["service", "message"].into_iter().find(|it| bytes[idx..].starts_with(it.as_bytes()))?;
    let mut at = idx + keyword.len();
    if !bytes.get(at).is_some_and(|it| it.is_ascii_whitespace()) {
        return None;
    }
    while bytes.get(at).is_some_and(|it| it.is_ascii_whitespace()) {
        at += 1;
    }
    let name_start = at;
    while bytes.get(at).is_some_and(|it| is_ident(*it)) {
        at += 1;
    }
    if at == name_start {
        return None;
    }
    let name = String::from_utf8_lossy(&bytes[name_start..at]).into_owned();
    while bytes.get(at).is_some_and(|it| it.is_ascii_whitespace()) {
        at += 1;
    }
    (bytes.get(at) == Some(&b'{'))
        .then(|| (keyword, name, Span { start: name_start, end: at.min(name_start + (at - name_start)) }, at))
}

/// The statements of a block body at its own depth: `(text, start offset)`; nested blocks skipped.
fn statements(bytes: &[u8], (from, to): (usize, usize)) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut start = from;
    let mut idx = from;
    while idx < to {
        match bytes[idx] {
            b'{' => {
                let end = matching(bytes, idx).unwrap_or(to).min(to);
                idx = end;
                start = end;
            }
            b';' => {
                out.push((String::from_utf8_lossy(&bytes[start..idx]).into_owned(), start));
                idx += 1;
                start = idx;
            }
            _ => idx += 1,
        }
    }
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `rpc <M> ( <req> ) returns ( <resp> )` → `(<req>) returns (<resp>)`.
fn rpcs(bytes: &[u8], body: (usize, usize)) -> Members {
    let mut out = Members::new();
    let text = String::from_utf8_lossy(&bytes[body.0..body.1]).into_owned();
    let mut search = 0;
    while let Some(found) = text[search..].find("rpc") {
        let at = search + found;
        search = at + 3;
        let before_ok = at == 0 || !is_ident(text.as_bytes()[at - 1]);
        let rest = &text[at + 3..];
        if !before_ok || !rest.starts_with(|it: char| it.is_whitespace()) {
            continue;
        }
        let trimmed = rest.trim_start();
        let name_len = trimmed.bytes().take_while(|it| is_ident(*it)).count();
        if name_len == 0 {
            continue;
        }
        let name = &trimmed[..name_len];
        let after = trimmed[name_len..].trim_start();
        let Some((request, after)) = parenthesised(after) else { continue };
        let after = after.trim_start();
        let Some(after) = after.strip_prefix("returns") else { continue };
        let Some((response, _)) = parenthesised(after.trim_start()) else { continue };
        let name_start = body.0 + at + 3 + (rest.len() - trimmed.len());
        let span = Span { start: name_start, end: name_start + name_len };
        out.entry(name.to_owned())
            .or_insert((format!("({}) returns ({})", collapse(request), collapse(response)), span));
    }
    out
}

/// `( … )` at the start of `text`: its content and what follows.
fn parenthesised(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('(')?;
    let close = inner.find(')')?;
    Some((&inner[..close], &inner[close + 1..]))
}

/// `[repeated|optional] <type> <name> = <number> [options]` → `[label ]<type> = <number>`.
fn fields(bytes: &[u8], body: (usize, usize)) -> Members {
    let mut out = Members::new();
    for (statement, start) in statements(bytes, body) {
        let trimmed = statement.trim_start();
        let offset = start + (statement.len() - trimmed.len());
        let first = trimmed.split_whitespace().next().unwrap_or_default();
        if first.is_empty() || NOT_FIELDS.contains(&first) {
            continue;
        }
        let Some(eq) = trimmed.find('=') else { continue };
        let (left, right) = (trimmed[..eq].trim_end(), trimmed[eq + 1..].trim());
        let Some(name_at) = left.rfind(|it: char| it.is_whitespace()) else { continue };
        let (declared, name) = (collapse(&left[..name_at]), &left[name_at + 1..]);
        if declared.is_empty() || name.is_empty() || !name.bytes().all(is_ident) {
            continue;
        }
        let number_len = right.bytes().take_while(|it| it.is_ascii_digit()).count();
        if number_len == 0 {
            continue;
        }
        let options = right[number_len..].trim();
        if options.contains('{') || options.contains('}') || !(options.is_empty() || options.starts_with('[')) {
            continue;
        }
        let span_start = offset + name_at + 1;
        let span = Span { start: span_start, end: span_start + name.len() };
        out.entry(name.to_owned()).or_insert((format!("{declared} = {}", &right[..number_len]), span));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_services_rpcs_messages_and_fields() {
        let proto = scan(
            "syntax = \"proto3\";\n// service Fake {\nservice Pay {\n  rpc Charge ( ChargeRequest )  returns (stream Receipt);\n}\n\
             message ChargeRequest {\n  option x = 1;\n  repeated string ids = 1 [deprecated = true];\n  map<string, int32> m = 2;\n\
             message Inner { int32 a = 1; }\n  oneof k { string s = 3; }\n  int64 amount = 4; // \"x\"\n}\nenum E { A = 0; }\n",
        );
        let services: Vec<String> = proto
            .services
            .iter()
            .flat_map(|(name, (_, rpcs))| rpcs.iter().map(move |(rpc, (sig, _))| format!("{name}.{rpc} {sig}")))
            .collect();
        assert_eq!(services, ["Pay.Charge (ChargeRequest) returns (stream Receipt)"]);
        let fields: Vec<String> = proto
            .messages
            .iter()
            .flat_map(|(name, (_, fields))| {
                fields.iter().map(move |(field, (value, _))| format!("{name}.{field} {value}"))
            })
            .collect();
        assert_eq!(
            fields,
            [
                "ChargeRequest.amount int64 = 4",
                "ChargeRequest.ids repeated string = 1",
                "ChargeRequest.m map<string, int32> = 2"
            ]
        );
    }
}
