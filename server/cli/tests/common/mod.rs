//! Helpers the CLI test files share: the shipped example, a run of the built binary as a
//! transcript, and the text of an output's streams.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

// Each test file uses a part of them.
#[allow(unused_imports)]
pub use pacto_testkit::{EXAMPLE_FILES, example, stderr, stdout};

/// Runs `pacto args…` in `dir` and renders exit code, stdout and stderr for a golden file.
pub fn transcript(dir: &Path, args: &[&str]) -> String {
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
        stdout(&output),
        stderr(&output)
    )
}

#[allow(unused_imports)]
pub use pacto_testkit::copy_dir;

/// The cases of a golden corpus: the entries of `root` that `is_case` keeps, sorted. Fewer than
/// `at_least` fails the test, so a corpus that lost its files cannot pass by checking nothing.
pub fn golden_cases(root: &Path, at_least: usize, is_case: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|err| panic!("{} is readable: {err}", root.display()))
        .map(|it| it.expect("readable entry").path())
        .filter(|it| is_case(it))
        .collect();
    cases.sort();
    assert!(cases.len() >= at_least, "{} has {} cases, fewer than {at_least}", root.display(), cases.len());
    cases
}

/// `pacto diff old new` in `dir`, once per output format, each transcript under a `=== format` line.
pub fn diff_in_formats(dir: &Path, formats: &[&str], old: &str, new: &str) -> String {
    let mut out = String::new();
    for format in formats {
        out.push_str(&format!("=== {format}\n"));
        out.push_str(&transcript(dir, &["diff", "--output-format", format, old, new]));
    }
    out
}
