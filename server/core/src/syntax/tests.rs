//! Snapshot tests of the tree and the syntax errors, rendered as `start..end kind text`.

use expect_test::{Expect, expect};

use super::limits::Limits;
use super::tree::{Node, NodeKind};
use super::{parse, parse_with_limits};

fn render(node: &Node, text: &str, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match &node.kind {
        NodeKind::Scalar(scalar) => {
            out.push_str(&format!(
                "{pad}{:?} {:?} {:?}\n",
                node.span,
                scalar.value,
                &text[node.span.start..node.span.end]
            ));
        }
        NodeKind::Sequence(items) => {
            out.push_str(&format!("{pad}{:?} seq\n", node.span));
            for item in items {
                render(item, text, indent + 1, out);
            }
        }
        NodeKind::Mapping(entries) => {
            out.push_str(&format!("{pad}{:?} map\n", node.span));
            for entry in entries {
                out.push_str(&format!(
                    "{pad}  key {:?} {:?}{}\n",
                    entry.key.span,
                    entry.key.scalar_text().unwrap_or("?"),
                    if entry.merged { " (merged)" } else { "" }
                ));
                render(&entry.value, text, indent + 2, out);
            }
        }
    }
}

fn check_with(text: &str, limits: &Limits, expect: Expect) {
    let parse = parse_with_limits(text, limits);
    let mut out = String::new();
    for error in &parse.errors {
        out.push_str(&format!("error {:?} {:?}: {}\n", error.span, error.kind, error.message));
    }
    for span in &parse.recovered {
        out.push_str(&format!("recovered {span:?}\n"));
    }
    if let Some(span) = parse.extra_document {
        out.push_str(&format!("extra document at {span:?}\n"));
    }
    match &parse.root {
        Some(root) => render(root, text, 0, &mut out),
        None => out.push_str("no root\n"),
    }
    expect.assert_eq(&out);
}

fn check(text: &str, expect: Expect) {
    check_with(text, &Limits::DEFAULT, expect);
}

#[test]
fn spans_of_keys_and_values() {
    check(
        "a: 1\nb:\n  - \"x\"\n  - {c: d}\n",
        expect![[r#"
            0..26 map
              key 0..1 "a"
                3..4 Int(1) "1"
              key 5..6 "b"
                10..26 seq
                  12..15 String "\"x\""
                  20..26 map
                    key 21..22 "c"
                      24..25 String "d"
        "#]],
    );
}

#[test]
fn syntax_error_is_recovered_and_the_rest_kept() {
    check(
        "service:\n  name: a\nruntime:\n  wor\n  state: x\nscaling:\n  min: 1\n",
        expect![[r#"
            error 41..42 Syntax: mapping values are not allowed in this context
            recovered 34..44
            0..62 map
              key 0..7 "service"
                11..18 map
                  key 11..15 "name"
                    17..18 String "a"
              key 19..26 "runtime"
                30..33 String "wor"
              key 45..52 "scaling"
                56..62 map
                  key 56..59 "min"
                    61..62 Int(1) "1"
        "#]],
    );
}

#[test]
fn unclosed_flow_sequence_keeps_earlier_keys() {
    check(
        "a: 1\nb: [1, 2\n",
        expect![[r#"
        error 14..14 Syntax: while parsing a flow sequence, expected ',' or ']'
        recovered 5..13
        0..4 map
          key 0..1 "a"
            3..4 Int(1) "1"
    "#]],
    );
}

#[test]
fn duplicate_key_reports_the_second_and_keeps_the_first() {
    check(
        "a: 1\nb: 2\na: 3\n",
        expect![[r#"
        error 10..11 DuplicateKey: mapping key "a" already defined at line 1
        0..9 map
          key 0..1 "a"
            3..4 Int(1) "1"
          key 5..6 "b"
            8..9 Int(2) "2"
    "#]],
    );
}

#[test]
fn merge_keys_and_aliases_expand_like_yaml_v3() {
    check(
        "base: &b {type: http, port: 80}\nitem:\n  <<: *b\n  port: 81\n  name: api\n",
        expect![[r#"
            0..69 map
              key 0..4 "base"
                6..30 map
                  key 10..14 "type"
                    16..20 String "http"
                  key 22..26 "port"
                    28..30 Int(80) "80"
              key 32..36 "item"
                40..69 map
                  key 49..53 "port"
                    55..57 Int(81) "81"
                  key 60..64 "name"
                    66..69 String "api"
                  key 10..14 "type" (merged)
                    16..20 String "http"
        "#]],
    );
}

#[test]
fn bad_merge_value_is_an_error() {
    check(
        "a:\n  <<: 3\n",
        expect![[r#"
        error 9..10 BadMerge: map merge requires map or sequence of maps as the value
        0..5 map
          key 0..1 "a"
            5..5 map
    "#]],
    );
}

#[test]
fn complex_keys_are_refused() {
    check(
        "? [a]\n: 1\nb: 2\n",
        expect![[r#"
        error 2..5 ComplexKey: mapping keys must be scalars
        0..14 map
          key 10..11 "b"
            13..14 Int(2) "2"
    "#]],
    );
}

#[test]
fn tags_resolve_or_complain() {
    check(
        "a: !!str 80\nb: !!int abc\nc: !local x\nd: 0x10\ne: 1.5e3\nf: ~\n",
        expect![[r#"
        error 15..24 BadTag: cannot decode !!str `abc` as a !!int
        0..58 map
          key 0..1 "a"
            3..11 String "!!str 80"
          key 12..13 "b"
            15..24 String "!!int abc"
          key 25..26 "c"
            28..36 String "!local x"
          key 37..38 "d"
            40..44 Int(16) "0x10"
          key 45..46 "e"
            48..53 Float(1500.0) "1.5e3"
          key 54..55 "f"
            57..58 Null "~"
    "#]],
    );
}

#[test]
fn later_documents_are_ignored() {
    check(
        "a: 1\n---\nb: [\n",
        expect![[r#"
        extra document at 5..8
        0..4 map
          key 0..1 "a"
            3..4 Int(1) "1"
    "#]],
    );
}

#[test]
fn tabs_for_indentation_are_a_syntax_error() {
    check(
        "a:\n\tb: 1\n",
        expect![[r#"
        error 4..5 Syntax: tabs disallowed within this context (block indentation)
        recovered 3..8
        0..1 map
          key 0..1 "a"
            1..1 Null ""
    "#]],
    );
}

#[test]
fn crlf_and_non_ascii_keep_byte_offsets() {
    check(
        "a: é😀\r\nb: 2\r\n",
        expect![[r#"
        0..15 map
          key 0..1 "a"
            3..9 String "é😀"
          key 11..12 "b"
            14..15 Int(2) "2"
    "#]],
    );
}

#[test]
fn empty_text_has_no_root() {
    check(
        "",
        expect![[r#"
        no root
    "#]],
    );
    check(
        "# only a comment\n",
        expect![[r#"
        no root
    "#]],
    );
}

#[test]
fn nesting_at_limit_passes() {
    let limits = Limits { max_nesting_depth: 4, ..Limits::DEFAULT };
    check_with(
        "a:\n  b:\n    c:\n      d: 1\n",
        &limits,
        expect![[r#"
        0..25 map
          key 0..1 "a"
            5..25 map
              key 5..6 "b"
                12..25 map
                  key 12..13 "c"
                    21..25 map
                      key 21..22 "d"
                        24..25 Int(1) "1"
    "#]],
    );
}

#[test]
fn nesting_over_limit_refused() {
    let limits = Limits { max_nesting_depth: 4, ..Limits::DEFAULT };
    check_with(
        "a:\n  b:\n    c:\n      d:\n        e: 1\n",
        &limits,
        expect![[r#"
        error 32..33 Limit: nesting deeper than 4 levels is not allowed
        0..22 map
          key 0..1 "a"
            5..22 map
              key 5..6 "b"
                12..22 map
                  key 12..13 "c"
                    21..22 map
                      key 21..22 "d"
                        22..22 Null ""
    "#]],
    );
}

#[test]
fn alias_expansion_at_limit_passes() {
    let limits = Limits { max_alias_expansions: 6, ..Limits::DEFAULT };
    check_with(
        "a: &a [1, 2]\nb: [*a, *a]\n",
        &limits,
        expect![[r#"
        0..24 map
          key 0..1 "a"
            3..11 seq
              7..8 Int(1) "1"
              10..11 Int(2) "2"
          key 13..14 "b"
            16..24 seq
              17..19 seq
                7..8 Int(1) "1"
                10..11 Int(2) "2"
              21..23 seq
                7..8 Int(1) "1"
                10..11 Int(2) "2"
    "#]],
    );
}

#[test]
fn alias_expansion_over_limit_refused() {
    let limits = Limits { max_alias_expansions: 5, ..Limits::DEFAULT };
    check_with(
        "a: &a [1, 2]\nb: [*a, *a]\n",
        &limits,
        expect![[r#"
        error 21..23 Limit: aliases expand to more than 5 nodes; refusing to expand further
        0..25 map
          key 0..1 "a"
            3..11 seq
              7..8 Int(1) "1"
              10..11 Int(2) "2"
          key 13..14 "b"
            16..25 seq
              17..19 seq
                7..8 Int(1) "1"
                10..11 Int(2) "2"
    "#]],
    );
}

#[test]
fn default_limits_stop_an_alias_bomb() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = level - 1;
        text.push_str(&format!("a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let parse = parse(&text);
    let error = parse.errors.last().expect("an error");
    assert_eq!(error.kind, super::SyntaxErrorKind::Limit);
    assert_eq!(error.message, "aliases expand to more than 100000 nodes; refusing to expand further");
}

#[test]
fn default_limits_stop_deep_nesting() {
    let text = "- ".repeat(100_000) + "x\n";
    let parse = parse(&text);
    let error = &parse.errors[0];
    assert_eq!(error.kind, super::SyntaxErrorKind::Limit);
    assert_eq!(error.span.start, 2 * super::limits::MAX_NESTING_DEPTH);
    assert_eq!(error.message, "nesting deeper than 10000 levels is not allowed");
    let brackets = "[".repeat(100_000);
    let parse = super::parse(&brackets);
    assert_eq!(parse.errors[0].kind, super::SyntaxErrorKind::Syntax);
    assert_eq!(parse.errors[0].message, "recursion limit exceeded");
}

#[test]
fn locate_finds_nodes_by_either_path_spelling_and_missing_fields_at_their_parent_key() {
    use super::{FieldPath, locate};
    let text = "service:\n  name: a\ninterfaces:\n  - name: x\n  - name: y\n    port: 80\n";
    let root = parse(text).root.unwrap();
    let show = |path: &str| {
        let at = locate(&root, &FieldPath::parse(path));
        format!("{path} -> {:?} {:?}", &text[at.span.start..at.span.end], at.found)
    };
    let out: Vec<String> =
        ["interfaces[1].port", "interfaces.1.port", "interfaces[0].port", "service.version", "runtime.state", ""]
            .iter()
            .map(|it| show(it))
            .collect();
    expect![[r#"
        [
            "interfaces[1].port -> \"80\" true",
            "interfaces.1.port -> \"80\" true",
            "interfaces[0].port -> \"name\" false",
            "service.version -> \"service\" false",
            "runtime.state -> \"service\" false",
            " -> \"service\" true",
        ]
    "#]]
    .assert_debug_eq(&out);
}

#[test]
fn recovery_resumes_after_several_broken_lines() {
    check(
        "service:\n  name: a\n  versoin 1.0.0\n  owner: x\ninterfaces:\n  - name: api\n    type http\n    port: 80\n  - name: b\n\tport: 81\nscaling:\n  min: 1\n",
        expect![[r#"
            error 37..38 Syntax: simple key expect ':'
            error 46..47 Syntax: simple key expect ':'
            error 121..122 Syntax: simple key expect ':'
            error 139..139 Syntax: simple key expect ':'
            recovered 35..45
            recovered 46..120
            recovered 121..138
            recovered 19..34
            0..18 map
              key 0..7 "service"
                11..18 map
                  key 11..15 "name"
                    17..18 String "a"
        "#]],
    );
}

#[test]
fn recovery_counts_bytes_after_blanked_non_ascii_lines() {
    check(
        "a: é😀\nbé😀 x\n  c: 1\nd: ü\ne [1\nf: 🎉\n",
        expect![[r#"
            error 23..24 Syntax: simple key expect ':'
            error 27..28 Syntax: simple key expect ':'
            error 33..34 Syntax: simple key expect ':'
            error 38..39 Syntax: simple key expect ':'
            error 46..46 Syntax: simple key expect ':'
            recovered 20..26
            recovered 27..32
            recovered 33..37
            recovered 38..45
            recovered 10..19
            0..9 map
              key 0..1 "a"
                3..9 String "é😀"
        "#]],
    );
}

#[test]
fn recovery_at_limit_passes() {
    let limits = Limits { max_recovery_attempts: 2, ..Limits::DEFAULT };
    check_with(
        "a: 1\nb:\n\tc: 1\nd: 2\ne:\n\tf: 1\ng: 3\n",
        &limits,
        expect![[r#"
        error 9..10 Syntax: tabs disallowed within this context (block indentation)
        error 23..24 Syntax: tabs disallowed within this context (block indentation)
        recovered 8..13
        recovered 22..27
        0..32 map
          key 0..1 "a"
            3..4 Int(1) "1"
          key 5..6 "b"
            6..6 Null ""
          key 14..15 "d"
            17..18 Int(2) "2"
          key 19..20 "e"
            20..20 Null ""
          key 28..29 "g"
            31..32 Int(3) "3"
    "#]],
    );
}

#[test]
fn recovery_over_limit_refused() {
    let limits = Limits { max_recovery_attempts: 2, ..Limits::DEFAULT };
    check_with(
        "a: 1\nb:\n\tc: 1\nd: 2\ne:\n\tf: 1\ng: 3\nh:\n\ti: 1\nj: 4\n",
        &limits,
        expect![[r#"
        error 9..10 Syntax: tabs disallowed within this context (block indentation)
        error 23..24 Syntax: tabs disallowed within this context (block indentation)
        error 37..38 Syntax: tabs disallowed within this context (block indentation)
        recovered 8..13
        recovered 22..27
        0..34 map
          key 0..1 "a"
            3..4 Int(1) "1"
          key 5..6 "b"
            6..6 Null ""
          key 14..15 "d"
            17..18 Int(2) "2"
          key 19..20 "e"
            20..20 Null ""
          key 28..29 "g"
            31..32 Int(3) "3"
          key 33..34 "h"
            34..34 Null ""
    "#]],
    );
}

#[test]
fn default_limits_stop_recovery_after_sixteen_errors() {
    let text: String = (0..20).map(|idx| format!("k{idx}: 1\nbroken {idx}\n")).collect();
    let parse = parse(&text);
    assert_eq!(parse.recovered.len(), super::limits::MAX_RECOVERY_ATTEMPTS);
    assert_eq!(parse.errors.len(), super::limits::MAX_RECOVERY_ATTEMPTS + 1);
    let last = parse.errors.last().expect("an error");
    assert_eq!(last.message, "simple key expect ':'");
    assert_eq!(&text[last.span.start..last.span.end], "k");
}

#[test]
fn duplicate_keys_in_a_large_mapping_are_each_reported_at_the_first_line() {
    let mut text = String::from("metadata:\n");
    for idx in 0..5_000 {
        text.push_str(&format!("  key-{idx}: {idx}\n"));
    }
    for idx in [0, 17, 4_999, 17] {
        text.push_str(&format!("  key-{idx}: again\n"));
    }
    let parse = parse(&text);
    let found: Vec<String> = parse
        .errors
        .iter()
        .map(|it| format!("{:?} {}: {}", it.kind, &text[it.span.start..it.span.end], it.message))
        .collect();
    expect![[r#"
        [
            "DuplicateKey key-0: mapping key \"key-0\" already defined at line 2",
            "DuplicateKey key-17: mapping key \"key-17\" already defined at line 19",
            "DuplicateKey key-4999: mapping key \"key-4999\" already defined at line 5001",
            "DuplicateKey key-17: mapping key \"key-17\" already defined at line 19",
        ]
    "#]]
    .assert_debug_eq(&found);
    let metadata = parse.root.as_ref().and_then(|it| it.get("metadata")).and_then(|it| it.as_mapping());
    assert_eq!(metadata.map(|it| it.len()), Some(5_000));
    assert_eq!(metadata.and_then(|it| it[17].value.scalar_text()), Some("17"));
}

#[test]
fn merges_into_a_large_mapping_keep_written_keys() {
    let mut text = String::from("base: &b {k-3: merged, extra: merged}\nitem:\n  <<: *b\n");
    for idx in 0..100 {
        text.push_str(&format!("  k-{idx}: {idx}\n"));
    }
    let parse = parse(&text);
    assert!(parse.errors.is_empty());
    let item = parse.root.as_ref().and_then(|it| it.get("item")).and_then(|it| it.as_mapping()).expect("a mapping");
    assert_eq!(item.len(), 101);
    assert_eq!(item[3].value.scalar_text(), Some("3"));
    assert_eq!((item[100].key.scalar_text(), item[100].merged), (Some("extra"), true));
}

/// Resuming from a saved parser state must give exactly what parsing the blanked text from the
/// start gives (the original recovery, still used for documents with aliases).
#[test]
fn resumed_recovery_matches_a_parse_per_error() {
    let base = "pactoVersion: \"1.0\"\nservice:\n  name: é😀\n  version: 1.0.0\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\n  - {name: b, type: grpc}\nmetadata:\n  notes: |\n    line one\n    line two\n  list: [1, 2, 3]\n";
    let lines: Vec<&str> = base.split('\n').collect();
    let edits: [fn(&str) -> String; 6] = [
        |line| line.replacen(':', "", 1),
        |line| format!("  {line}"),
        |line| format!("\t{line}"),
        |line| format!("{line} [1, 2"),
        |line| format!("ü{line}\n  wor\n  state: x"),
        |line| format!("{line} {{a: "),
    ];
    let limits = [Limits::DEFAULT, Limits { max_recovery_attempts: 1, ..Limits::DEFAULT }];
    let mut n_broken = 0;
    for (edit_idx, edit) in edits.iter().enumerate() {
        for first in 0..lines.len() {
            let mut broken: Vec<String> = lines.iter().map(|it| (*it).to_owned()).collect();
            for line_idx in (first..lines.len()).step_by(3 + edit_idx) {
                broken[line_idx] = edit(lines[line_idx]);
            }
            let text = broken.join("\n");
            for limits in &limits {
                let line_index = super::LineIndex::new(&text);
                let resumed = super::parse::resume(&text, limits, &line_index).expect("no aliases");
                let reparsed = super::parse::reparse(&text, limits, &line_index);
                let show = |it: &super::Parse| {
                    format!("{:?}\n{:?}\n{:?}\n{:?}", it.root, it.errors, it.recovered, it.extra_document)
                };
                assert_eq!(show(&resumed), show(&reparsed), "{text}");
                n_broken += usize::from(!resumed.errors.is_empty());
            }
        }
    }
    assert!(n_broken > 100, "{n_broken}");
}

#[test]
fn resolve_plain_first_byte_shortcut_keeps_every_form() {
    use super::parse::resolve_plain;
    use super::tree::ScalarValue;
    let cases = [
        ("", ScalarValue::Null),
        ("~", ScalarValue::Null),
        ("NULL", ScalarValue::Null),
        ("True", ScalarValue::Bool(true)),
        ("false", ScalarValue::Bool(false)),
        ("-12", ScalarValue::Int(-12)),
        ("+0x1f", ScalarValue::Int(31)),
        ("18446744073709551615", ScalarValue::Uint(u64::MAX)),
        (".5", ScalarValue::Float(0.5)),
        ("1e3", ScalarValue::Float(1000.0)),
        ("-.inf", ScalarValue::Float(f64::NEG_INFINITY)),
        ("e5", ScalarValue::String),
        ("label-0000001", ScalarValue::String),
        ("nope", ScalarValue::String),
        ("é1", ScalarValue::String),
    ];
    for (text, want) in cases {
        assert_eq!(resolve_plain(text), want, "{text:?}");
    }
    assert!(matches!(resolve_plain(".nan"), ScalarValue::Float(it) if it.is_nan()));
}
