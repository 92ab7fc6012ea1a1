//! `pacto diff` on 2.0 contracts (pacto-v2.md §5): each `tests/data/diff-v2/<case>/{old,new}/` pair,
//! one per row of the 2.0 rule table and per part of the JSON walk, compared by the built binary in
//! text and JSON and checked against `expected.txt` beside it (`UPDATE_EXPECT=1` rewrites them).

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, diff_in_formats, golden_cases, transcript};
use expect_test::{expect, expect_file};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/diff-v2")
}

#[test]
fn diff_v2_fixtures_match_expected_output() {
    let root = data_dir();
    for case in golden_cases(&root, 50, Path::is_dir) {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (old, new) = (format!("{name}/old"), format!("{name}/new"));
        let formats: &[&str] = if name == "openapi-responses" || name == "dependency-format-changed" {
            &["text", "json", "markdown", "sarif"]
        } else {
            &["text", "json"]
        };
        let out = diff_in_formats(&root, formats, &old, &new);
        expect_file![case.join("expected.txt")].assert_eq(&out);
    }
}

/// A 1.0 contract against its own migration (`pacto migrate --write`), both ways (pacto-v2.md
/// §8.2): the only change is `pactoVersion` (NON_BREAKING), and the fields the migration dropped
/// are listed as information.
#[test]
fn diff_of_a_1_0_contract_and_its_migration_shows_only_the_version() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&examples.join("payments-api"), &dir.path().join("v1"));
    copy_dir(&examples.join("payments-api"), &dir.path().join("v2"));
    // Dependencies on a port nothing listens on: their fetches fail at once, without the network.
    for side in ["v1", "v2"] {
        let file = dir.path().join(side).join("pacto.yaml");
        let text = std::fs::read_to_string(&file).unwrap().replace("oci://ghcr.io/", "oci://127.0.0.1:9/");
        std::fs::write(file, text).unwrap();
    }
    let migrate = transcript(dir.path(), &["migrate", "--write", "v2"]);
    assert!(migrate.starts_with("exit: 0\n"), "{migrate}");
    let mut out = String::new();
    for (format, old, new) in [("text", "v1", "v2"), ("json", "v1", "v2"), ("markdown", "v2", "v1")] {
        out.push_str(&format!("=== {format} {old} {new}\n"));
        out.push_str(&transcript(dir.path(), &["diff", "--output-format", format, old, new]));
    }
    expect_file![data_dir().join("cross-version-migration.txt")].assert_eq(&out);
}

/// A 1.0 side that is not a valid 1.0 contract cannot be migrated, so the pair is refused.
#[test]
fn diff_of_an_invalid_1_0_contract_and_a_2_0_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("v1")).unwrap();
    std::fs::write(dir.path().join("v1/pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: svc, version: one}\n")
        .unwrap();
    copy_dir(&data_dir().join("identical/new"), &dir.path().join("v2"));
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        old contract: cannot compare a 1.0 contract with a 2.0 one: the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate; run pacto validate on it
    "#]].assert_eq(&transcript(dir.path(), &["diff", "v1", "v2"]));
}
