//! CLI parity cases: each `tests/data/validate/<case>/` is validated by the built binary and the
//! output compared with `expected.txt` beside it (`UPDATE_EXPECT=1` rewrites them).

mod common;

use std::path::{Path, PathBuf};

use common::{golden_cases, transcript};
use expect_test::expect_file;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/validate")
}

#[test]
fn validate_fixtures_match_expected_output() {
    let root = data_dir();
    let is_case = |it: &Path| {
        it.file_name().is_some_and(|name| name != "README.md" && !name.to_string_lossy().ends_with(".expected.txt"))
    };
    for case in golden_cases(&root, 60, is_case) {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let mut out = transcript(&root, &["validate", &name]);
        out.push_str("--- json\n");
        out.push_str(&transcript(&root, &["validate", "--output-format", "json", &name]));
        let expected =
            if case.is_dir() { case.join("expected.txt") } else { root.join(format!("{name}.expected.txt")) };
        expect_file![expected].assert_eq(&out);
    }
}

/// The 2.0 cases (`tests/data/validate-v2`): every code with its path and line. `gate-*` cases run
/// with `--readiness`; `policy-providers/` holds the bundles their policy refs name.
#[test]
fn validate_v2_fixtures_match_expected_output() {
    let root = data_dir().join("../validate-v2");
    let is_case = |it: &Path| it.is_dir() && it.file_name().is_some_and(|name| name != "policy-providers");
    for case in golden_cases(&root, 90, is_case) {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let gate: &[&str] = if name.starts_with("gate-") { &["--readiness"] } else { &[] };
        let text_args: Vec<&str> = ["validate"].iter().chain(gate).chain([&name.as_str()]).copied().collect();
        let mut out = transcript(&root, &text_args);
        out.push_str("--- json\n");
        let json_args: Vec<&str> =
            ["validate", "--output-format", "json"].iter().chain(gate).chain([&name.as_str()]).copied().collect();
        out.push_str(&transcript(&root, &json_args));
        expect_file![case.join("expected.txt")].assert_eq(&out);
    }
}
