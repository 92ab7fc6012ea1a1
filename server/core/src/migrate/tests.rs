//! Migration tests: every valid 1.0 fixture migrates to a valid 2.0 contract, the report and the
//! kept text of representative contracts (exact goldens), and the refusals.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect, expect_file};

use crate::syntax::LineIndex;
use crate::validate::{BundleFiles, DirBundle, Mode, validate};

use super::{MigrateError, Migration, migrate};

/// A bundle held in memory: path → content.
#[derive(Clone, Default)]
struct Files(BTreeMap<String, String>);

impl Files {
    fn with(mut self, path: &str, text: &str) -> Files {
        self.0.insert(path.to_owned(), text.to_owned());
        self
    }
}

impl BundleFiles for Files {
    fn contains(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.0.get(path).map(|it| it.clone().into_bytes())
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The migration as text: the new contract, then the planned files, the report and the 2.0 findings.
fn render(original: &str, migration: &Migration) -> String {
    let index = LineIndex::new(original);
    let mut out = migration.text.clone();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "--- kept formatting: {}", migration.report.kept_formatting);
    for file in &migration.files {
        let _ = writeln!(out, "--- file {}", file.path);
        out.push_str(&file.content);
    }
    out.push_str("--- report\n");
    for note in &migration.report.notes {
        let at = index.line_col(original, note.span.start);
        let _ = writeln!(out, "{} {} ({}:{}): {}", note.kind, note.path, at.line, at.column, note.message);
    }
    for finding in &migration.report.findings {
        let _ = writeln!(out, "finding {} {} {}: {}", format!("{:?}", finding.severity).to_lowercase(), finding.code, finding.path_text(), finding.message);
    }
    out
}

fn check(text: &str, bundle: &Files, expect: Expect) {
    let migration = migrate(text, Some(bundle)).unwrap_or_else(|err| panic!("migration refused: {err}"));
    expect.assert_eq(&render(text, &migration));
}

fn refused(text: &str) -> String {
    match migrate(text, None) {
        Ok(_) => "migrated".to_owned(),
        Err(err @ MigrateError::AlreadyV2 { span }) => format!("{err} @{span:?}"),
        Err(err @ MigrateError::Invalid { .. }) => {
            let MigrateError::Invalid { findings, .. } = &err else { unreachable!() };
            let first = findings.first().map(|it| format!("{} {}", it.code, it.message)).unwrap_or_default();
            format!("{err}; first: {first}")
        }
    }
}

#[test]
fn migrate_every_valid_fixture_validates_as_2_0() {
    let root = repo_root().join("tests/data/validate");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|it| it.unwrap().path()).collect();
    dirs.sort();
    let mut n_valid = 0;
    let mut failures = String::new();
    for dir in dirs.iter().filter(|it| it.is_dir()) {
        let Ok(text) = std::fs::read_to_string(dir.join("pacto.yaml")) else { continue };
        let bundle = DirBundle { root: dir.clone() };
        if !validate(&text, Some(&bundle), Mode::Reference).is_valid() {
            assert!(matches!(migrate(&text, Some(&bundle)), Err(MigrateError::Invalid { .. })), "{}", dir.display());
            continue;
        }
        n_valid += 1;
        let migration = migrate(&text, Some(&bundle)).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
        // Merge keys copy entries from elsewhere: edited in place they would change the anchor's
        // text too, so that contract is written anew (and still valid).
        let rewritten = dir.ends_with("valid-merge-key-anchor-in-metadata");
        if !migration.report.is_valid() || migration.report.kept_formatting == rewritten {
            let _ = writeln!(failures, "== {}\n{}", dir.display(), render(&text, &migration));
        }
    }
    assert_eq!(failures, "");
    // Every fixture whose expected output says "is valid", so the sweep cannot pass empty.
    assert_eq!(n_valid, 47);
}

#[test]
fn migrate_payments_api_example() {
    let dir = repo_root().join("examples/payments-api");
    let text = std::fs::read_to_string(dir.join("pacto.yaml")).unwrap();
    let migration = migrate(&text, Some(&DirBundle { root: dir })).unwrap();
    expect_file!["../../../../tests/data/migrate/payments-api.txt"].assert_eq(&render(&text, &migration));
}

#[test]
fn migrate_refuses_2_0_and_invalid_contracts() {
    expect![[r#"the contract is already pactoVersion "2.0": nothing to migrate @14..19"#]]
        .assert_eq(&refused("pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\n"));
    expect![[r#"the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate; first: INVALID_SEMVER service version "two" is not valid semver: invalid semantic version"#]]
        .assert_eq(&refused("pactoVersion: \"1.0\"\nservice:\n  name: a\n  version: two\n"));
    expect![[r#"the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate; first: PARSE_ERROR parse error: failed to parse YAML: EOF"#]]
        .assert_eq(&refused(""));
}

#[test]
fn migrate_minimal_keeps_comments() {
    check(
        r#"# top comment
pactoVersion: "1.0" # the version
service:
  name: svc # the name
  version: 1.0.0
"#,
        &Files::default(),
        expect![[r##"
            # top comment
            pactoVersion: "2.0"
            service:
              name: svc # the name
              version: 1.0.0
            --- kept formatting: true
            --- report
        "##]],
    );
}
