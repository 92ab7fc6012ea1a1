//! `pacto diff` golden cases: each `tests/data/diff/<case>/{old,new}/` pair is compared by the
//! built binary in every output format and the output checked against `expected.txt` beside it
//! (`UPDATE_EXPECT=1` rewrites them).

mod common;

use std::path::{Path, PathBuf};

use common::{diff_in_formats, golden_cases, transcript};
use expect_test::{expect, expect_file};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/diff")
}

#[test]
fn diff_fixtures_match_expected_output() {
    let root = data_dir();
    for case in golden_cases(&root, 10, Path::is_dir) {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (old, new) = (format!("{name}/old"), format!("{name}/new"));
        let out = diff_in_formats(&root, &["text", "json", "markdown", "sarif"], &old, &new);
        expect_file![case.join("expected.txt")].assert_eq(&out);
    }
}

#[test]
fn diff_oci_argument_with_the_registry_down() {
    let root = data_dir();
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        old contract: registry unreachable for 127.0.0.1:9/acme/orders:1.0.0: error sending request for url (https://127.0.0.1:9/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)
    "#]]
    .assert_eq(&transcript(&root, &["diff", "oci://127.0.0.1:9/acme/orders:1.0.0", "identical/new"]));
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        new contract: failed to access missing: stat missing: no such file or directory
    "#]]
    .assert_eq(&transcript(&root, &["diff", "identical/old", "missing"]));
}

#[test]
fn diff_needs_exactly_two_arguments() {
    let out = transcript(&data_dir(), &["diff", "identical/old"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
}
