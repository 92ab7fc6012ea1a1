//! `pacto doc` on the example bundle, the graph fixtures and a bundle whose dependency is
//! described from its own files: the Markdown, the JSON shape, and `-o`.

use std::path::Path;
use std::process::Command;

use expect_test::expect_file;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn doc(dir: &Path, args: &[&str]) -> std::process::Output {
    // The example depends on contracts in a public registry: tests stay on this machine.
    Command::new(env!("CARGO_BIN_EXE_pacto"))
        .arg("doc")
        .args(args)
        .current_dir(dir)
        .env("PACTO_OFFLINE", "1")
        .output()
        .unwrap()
}

/// `pacto doc <arg>` in `dir` of the repository succeeds and prints `tests/data/doc/<expected>`.
fn check_doc(dir: &str, arg: &str, expected: &str) {
    let output = doc(&root().join(dir), &[arg]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    expect_file![root().join("tests/data/doc").join(expected)].assert_eq(&String::from_utf8_lossy(&output.stdout));
}

#[test]
fn doc_of_the_example_bundle() {
    check_doc("examples", "payments-api", "payments-api.md");
}

#[test]
fn doc_with_local_dependencies() {
    let output = doc(&root().join("tests/data/graph"), &["app"]);
    expect_file![root().join("tests/data/doc/graph-app.md")].assert_eq(&String::from_utf8_lossy(&output.stdout));
}

#[test]
fn doc_describes_each_resolved_dependency_from_its_own_bundle() {
    check_doc("tests/data/doc/bundles", "shop", "shop.md");
}

#[test]
fn doc_writes_the_file_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/payments-api");
    let output = doc(dir.path(), &["-o", "out", example.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "Wrote out/payments-api.md\n");
    let written = std::fs::read_to_string(dir.path().join("out/payments-api.md")).unwrap();
    assert_eq!(written, String::from_utf8_lossy(&output.stdout));
    let output = doc(dir.path(), &["--output-format", "json", example.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["serviceName"], "payments-api");
    assert_eq!(json["markdown"].as_str(), Some(written.as_str()));
    assert!(json.get("path").is_none());
}

/// `pacto doc` on 2.0 contracts (pacto-v2.md §6.3): the 2.0 example, and a root whose local
/// dependencies resolve (a 2.0 one under another name, a 1.0 one, a cycle).
#[test]
fn doc_of_2_0_contracts() {
    check_doc("examples", "payments-api-v2", "payments-api-v2.md");
    check_doc("tests/data/graph-v2", "shop", "graph-v2-shop.md");
}

/// A 2.0 root's resolved dependencies each get a block, as under a 1.0 root: a 2.0 one with its
/// runtime, interfaces, capabilities, configurations, policies, dependencies and readiness, a 1.0
/// one in 1.0's own sections.
#[test]
fn doc_of_a_2_0_contract_describes_each_resolved_dependency() {
    check_doc("tests/data/doc/bundles-v2", "shop", "bundles-v2-shop.md");
}

/// A 1.0 root's 2.0 dependency is described in 2.0's own sections (its 1.0 projection has no
/// runtime or interfaces to show).
#[test]
fn doc_of_a_1_0_contract_describes_a_2_0_dependency_as_2_0() {
    check_doc("tests/data/doc/bundles-v2", "legacy", "bundles-v2-legacy.md");
}
