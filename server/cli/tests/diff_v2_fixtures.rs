//! `pacto diff` on 2.0 contracts (pacto-v2.md §5): each `tests/data/diff-v2/<case>/{old,new}/` pair,
//! one per row of the 2.0 rule table and per part of the JSON walk, compared by the built binary in
//! text and JSON and checked against `expected.txt` beside it (`UPDATE_EXPECT=1` rewrites them).

mod common;

use std::path::{Path, PathBuf};

use common::transcript;
use expect_test::{expect, expect_file};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/diff-v2")
}

#[test]
fn diff_v2_fixtures_match_expected_output() {
    let root = data_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/data/diff-v2 exists")
        .map(|it| it.expect("readable entry").path())
        .filter(|it| it.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "the corpus has {} cases, fewer than 50", cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (old, new) = (format!("{name}/old"), format!("{name}/new"));
        let mut out = String::new();
        let formats: &[&str] =
            if name == "openapi-responses" { &["text", "json", "markdown", "sarif"] } else { &["text", "json"] };
        for format in formats {
            out.push_str(&format!("=== {format}\n"));
            out.push_str(&transcript(&root, &["diff", "--output-format", format, &old, &new]));
        }
        expect_file![case.join("expected.txt")].assert_eq(&out);
    }
}

/// FIXME(#14): a 1.0 contract against a 2.0 one is to be compared through the migration mapping.
#[test]
fn diff_of_a_1_0_and_a_2_0_contract_is_refused() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        cannot compare a 1.0 contract with a 2.0 one yet; migrate first with `pacto migrate`
    "#]]
    .assert_eq(&transcript(&examples, &["diff", "payments-api", "payments-api-v2"]));
}
