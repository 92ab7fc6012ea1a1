//! The incremental parse against the full one: after any edit, either no answer (a full parse is needed) or
//! exactly the full parse's tree.

use super::super::{Parse, parse};
use super::reparse_edited;

/// Everything a parse says, spans included (`Debug`, so a NaN compares equal to itself).
fn render(parse: &Parse) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{}",
        parse.root, parse.errors, parse.recovered, parse.extra_document, parse.anchored
    )
}

/// Whether `new` was re-parsed incrementally from `old`; fails when the result differs from a full parse.
fn reused(old: &str, new: &str) -> bool {
    let Some(incremental) = reparse_edited(old, &parse(old), new) else {
        return false;
    };
    let full = parse(new);
    assert_eq!(
        render(&incremental),
        render(&full),
        "the incremental parse differs after editing\n{old}\n---- into\n{new}"
    );
    true
}

const SHAPES: &str = r#"# A contract with the shapes an edit meets.
pactoVersion: "1.0"
service:
  name: payments-api
  version: 1.2.0
  owner: team-payments
interfaces:
  - name: rest-api
    type: http
    port: 8080
    contract: interfaces/openapi.yaml

  - name: events
    type: event
    # a comment inside an item
    contract: interfaces/events.yaml
  -   name: spaced
      tags: [a, b, {c: d}]
  - plain
    continued
  - "quoted
    over lines"
  - description: |
      a literal block
        indented more

      after a blank line
    other: >-
      folded
      text
  - keep: |+
      kept

# a comment at column 0 between two items

  - after: the comment
  # a comment at the dash's column
  - ends: with a null
    value:
  - ends: |
      with a block
  - last: item

oddities:
  - first
  -
  - - nested
    - list
  -
    on: the next line
# The dependencies' heading.
dependencies:
- ref: oci://ghcr.io/acme/auth:1.0.0
  required: true
- ref: oci://ghcr.io/acme/ledger:2.0.0
  compatibility: ^2.0.0
configuration:
  schema: configuration/schema.json
  values: {a: 1, b: [1, 2]}
"quoted key": 1
'single': two
metadata:
  count: 0x1F
  ratio: 1.5e3
  flag: yes
  empty:
  list: []
notes: |
  a block at the end of an entry
nothing:
# the end
"#;

/// Text edits anywhere in `text`: each one character inserted or removed at `step`-spaced places, and a few whole
/// lines removed, doubled or inserted.
fn edits(text: &str, step: usize) -> Vec<String> {
    let mut out = Vec::new();
    let boundaries: Vec<usize> = (0..=text.len()).filter(|&at| text.is_char_boundary(at)).step_by(step).collect();
    for &at in &boundaries {
        for insert in ["x", " ", "\n", "- ", ": ", "#", "\"", "\t", "  - a: 1\n", "&a ", "*a", "---\n", "%TAG ! x\n"] {
            out.push(format!("{}{insert}{}", &text[..at], &text[at..]));
        }
        if let Some(ch) = text[at..].chars().next() {
            out.push(format!("{}{}", &text[..at], &text[at + ch.len_utf8()..]));
        }
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for idx in 0..lines.len() {
        let without: String = lines.iter().enumerate().filter(|(it, _)| *it != idx).map(|(_, line)| *line).collect();
        let doubled: String = lines
            .iter()
            .enumerate()
            .flat_map(|(it, line)| if it == idx { vec![*line, *line] } else { vec![*line] })
            .collect();
        out.extend([without, doubled]);
    }
    out
}

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name).join("pacto.yaml");
    std::fs::read_to_string(path).expect("the example")
}

fn check_all(text: &str, step: usize) -> (usize, usize) {
    let edits = edits(text, step);
    let reused = edits.iter().filter(|new| reused(text, new)).count();
    (reused, edits.len())
}

#[test]
fn every_edit_of_a_text_with_many_shapes_parses_as_the_whole_text_does() {
    let (reused, all) = check_all(SHAPES, 3);
    // Most edits stay inside one part; the count is exact, so a change of what is reused shows.
    assert_eq!((reused, all), (1959, 5938), "edits re-parsed incrementally, of all");
}

#[test]
fn edits_of_the_examples_parse_as_the_whole_text_does() {
    let mut counts = Vec::new();
    for name in ["payments-api", "payments-api-v2"] {
        let text = example(name);
        counts.push((name, check_all(&text, 13)));
    }
    assert_eq!(
        counts,
        [("payments-api", (844, 2122)), ("payments-api-v2", (1670, 4078))],
        "edits re-parsed incrementally, of all"
    );
}

/// A session of random edits, each parsed from the previous result as the server does (incremental or not), with
/// the characters YAML reads most into: every step must equal a full parse.
fn random_session(fixture: &str, steps: usize) -> usize {
    let pieces = [
        "x", "x", "x", "x", "x", "ab", "1", " ", "  ", "\n", "\n  ", "\n  - ", "- ", ": ", "#", "\"", "'", "|", ">",
        "[", "]", "{", "}", ",", "\t", "é",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = |below: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % below.max(1)
    };
    let mut text = fixture.to_owned();
    let mut current = parse(&text);
    let mut reused = 0;
    for _ in 0..steps {
        let mut at = next(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let new = if next(3) == 0 {
            let mut end = (at + 1 + next(4)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..at], &text[end..])
        } else {
            format!("{}{}{}", &text[..at], pieces[next(pieces.len())], &text[at..])
        };
        let full = parse(&new);
        if let Some(incremental) = reparse_edited(&text, &current, &new) {
            assert_eq!(render(&incremental), render(&full), "after editing\n{text}\n---- into\n{new}");
            reused += 1;
        }
        // Back to the fixture now and then, so that most steps start from a text that parses.
        (text, current) = if next(4) == 0 { (fixture.to_owned(), parse(fixture)) } else { (new, full) };
    }
    reused
}

#[test]
fn a_session_of_random_edits_parses_as_the_whole_text_does_at_every_step() {
    let crlf = SHAPES.replace('\n', "\r\n");
    let fixtures = [SHAPES, &crlf, &example("payments-api"), &example("payments-api-v2")];
    let reused = fixtures.map(|it| random_session(it, 1000));
    assert_eq!(reused, [208, 211, 262, 233], "steps re-parsed incrementally");
}

#[test]
fn what_is_parsed_again_alone_and_what_takes_a_whole_parse() {
    let base = "pactoVersion: \"1.0\"\nservice:\n  name: a\ninterfaces:\n  - name: x\n    port: 1\n  - name: y\n\n# heading\nmetadata:\n  k: v\n";
    let edited = |from: &str, to: &str| base.replacen(from, to, 1);
    // Alone: a value in an item, in an entry, a line added to the last entry, an item added, a blank line, a
    // top-level key renamed, a top-level entry added.
    assert!(reused(base, &edited("port: 1", "port: 12")));
    assert!(reused(base, &edited("name: a", "name: ab")));
    assert!(reused(base, &edited("  k: v\n", "  k: v\n  k2: w\n")));
    assert!(reused(base, &edited("  - name: y\n", "  - name: y\n  - name: z\n")));
    assert!(reused(base, &edited("    port: 1\n", "    port: 1\n\n")));
    assert!(reused(base, &edited("service:", "servic:")));
    assert!(reused(base, &edited("  name: a\n", "  name: a\nextra: 1\n")));
    // Whole: the heading comment between two parts, a key renamed to another part's, a line moved out of its item,
    // an edit over two parts, a text that stops parsing.
    assert!(!reused(base, &edited("# heading", "# heading!")));
    assert!(!reused(base, &edited("service:", "metadata:")));
    assert!(!reused(base, &edited("    port: 1", "port: 1")));
    assert!(!reused(base, &edited("a\ninterfaces:\n  - name: x", "b\ninterfaces:\n  - name: w")));
    assert!(!reused(base, &edited("port: 1", "port: [1")));
    // Whole, whatever the edit: a previous text with an anchor, an error, a merged top-level key or a directive.
    let anchored = edited("k: v", "k: &v v");
    assert!(!reused(&anchored, &anchored.replacen("port: 1", "port: 2", 1)));
    let broken = edited("k: v", "k: [v");
    assert!(!reused(&broken, &broken.replacen("port: 1", "port: 2", 1)));
    let merged = format!("{base}<<: {{m: 1}}\n");
    assert!(parse(&merged).errors.is_empty() && parse(&merged).root.unwrap().entry("m").is_some_and(|it| it.merged));
    assert!(!reused(&merged, &merged.replacen("port: 1", "port: 2", 1)));
    let directive = format!("%YAML 1.2\n---\n{base}");
    assert!(!reused(&directive, &directive.replacen("port: 1", "port: 2", 1)));
}
