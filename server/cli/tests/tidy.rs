//! Repository rules that no compiler checks: module headers, the core's dependency boundary,
//! and no deprecated YAML crate.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|it| it == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_line() {
    let mut files = Vec::new();
    rust_files(&root().join("server"), &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter(|it| !std::fs::read_to_string(it).unwrap().starts_with("//!"))
        .map(|it| it.display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a `//!` header: {missing:#?}");
}

#[test]
fn core_depends_on_no_runtime_protocol_or_terminal_crate() {
    let manifest = std::fs::read_to_string(root().join("server/core/Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    let names: Vec<&str> =
        deps.lines().filter_map(|it| it.split(['=', '.']).next()).map(str::trim).filter(|it| !it.is_empty()).collect();
    assert_eq!(names, ["saphyr-parser", "jsonschema", "serde_json"]);
}

#[test]
fn no_deprecated_serde_yaml() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    assert!(!lock.contains("name = \"serde_yaml\""));
}

#[test]
fn readme_main_command_names_the_binary() {
    // The workspace has several binaries: a bare `cargo run` cannot tell which one to run.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let runs: Vec<&str> = readme.lines().filter(|it| it.contains("cargo run")).collect();
    assert!(!runs.is_empty(), "the README shows no `cargo run` command");
    for line in runs {
        assert!(line.matches("cargo run").count() == line.matches("cargo run --release -p pacto --").count(), "{line}");
    }
}
