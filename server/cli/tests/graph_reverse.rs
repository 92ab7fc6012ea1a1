//! `pacto graph --reverse` on the fixture workspace of `tests/data/graph-reverse/`: local and oci://
//! edges, a cycle, a duplicate publisher, a contract that does not parse, a 2.0 dependent, a contract
//! found by its first key and an ignored directory, in every output format; and its failures.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::transcript;
use expect_test::{expect, expect_file};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph-reverse")
}

fn all_formats(case: &str) -> String {
    let mut out = String::new();
    for format in ["text", "json", "dot", "mermaid"] {
        out.push_str(&format!("=== {format}\n"));
        out.push_str(&transcript(
            &data(),
            &["graph", "--reverse", case, "--workspace", ".", "--output-format", format],
        ));
    }
    out
}

/// `payments` is depended on by path (checkout, broken, the first-key contract), by its oci://
/// repository with and without a tag (web, billing), transitively through checkout and through the
/// billing/ledger cycle; `ignored/` depends on it too but is not seen. `ledger` sits inside the cycle.
#[test]
fn graph_reverse_golden_outputs() {
    for case in ["payments", "ledger", "web"] {
        expect_file![data().join(format!("expected/{case}.txt"))].assert_eq(&all_formats(case));
    }
}

#[test]
fn graph_reverse_fails_only_when_the_contract_cannot_load() {
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        failed to access ignored/missing: stat ignored/missing: no such file or directory
    "#]]
    .assert_eq(&transcript(&data(), &["graph", "--reverse", "ignored/missing", "--workspace", "."]));
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        failed to parse broken/pacto.yaml: parse error: failed to parse YAML: yaml: line 7: while parsing a flow sequence, expected ',' or ']' (broken/pacto.yaml:7:1)
    "#]]
    .assert_eq(&transcript(&data(), &["graph", "--reverse", "broken", "--workspace", "."]));
}

#[test]
fn graph_reverse_workspace_needs_reverse() {
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        error: the following required arguments were not provided:
          --reverse

        Usage: pacto graph --reverse --workspace <ROOT> <PATH>

        For more information, try '--help'.
    "#]]
    .assert_eq(&transcript(&data(), &["graph", "payments", "--workspace", "."]));
}

/// Without `--workspace`, the git repository holding the contract: found from another directory.
#[test]
fn graph_reverse_defaults_to_the_enclosing_git_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("a")).unwrap();
    fs::create_dir_all(repo.join("b")).unwrap();
    fs::write(repo.join("a/pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\n").unwrap();
    fs::write(
        repo.join("b/pacto.yaml"),
        "pactoVersion: \"1.0\"\nservice: {name: b, version: 1.0.0}\ndependencies:\n  - {ref: ../a, compatibility: \"^2\"}\n",
    )
    .unwrap();
    // A contract outside the repository that depends on `a` is not part of the answer.
    fs::create_dir_all(tmp.path().join("outside")).unwrap();
    fs::write(
        tmp.path().join("outside/pacto.yaml"),
        "pactoVersion: \"1.0\"\nservice: {name: outside, version: 1.0.0}\ndependencies:\n  - {ref: ../repo/a}\n",
    )
    .unwrap();
    expect![[r#"
        exit: 0
        --- stdout
        a@1.0.0 (a/pacto.yaml)
        └─ b@1.0.0 (b/pacto.yaml:4) requires ^2: UNSATISFIED

        Unsatisfied (1):
          b/pacto.yaml:4 b requires a ^2: a is 1.0.0
        --- stderr
    "#]]
    .assert_eq(&transcript(&tmp.path().join("outside"), &["graph", "--reverse", "../repo/a"]));
}
