//! CLI parity cases: each `tests/data/validate/<case>/` is validated by the built binary and the
//! output compared with `expected.txt` beside it (`UPDATE_EXPECT=1` rewrites them).

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect_file;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/validate")
}

fn run(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(args)
        .current_dir(dir)
        .env_remove("PACTO_OUTPUT_FORMAT")
        .env("NO_COLOR", "1")
        .output()
        .expect("the pacto binary runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().map_or("signal".to_owned(), |it| it.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn validate_fixtures_match_expected_output() {
    let root = data_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/data/validate exists")
        .map(|it| it.expect("readable entry").path())
        .filter(|it| {
            it.file_name().is_some_and(|name| name != "README.md" && !name.to_string_lossy().ends_with(".expected.txt"))
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 60, "the corpus has {} cases, fewer than 60", cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let mut out = run(&root, &["validate", &name]);
        out.push_str("--- json\n");
        out.push_str(&run(&root, &["validate", "--output-format", "json", &name]));
        let expected =
            if case.is_dir() { case.join("expected.txt") } else { root.join(format!("{name}.expected.txt")) };
        expect_file![expected].assert_eq(&out);
    }
}
