//! `pacto graph` on the local fixtures of `tests/data/graph/`: shared nodes, cycles, a conflict,
//! failed edges, in every output format.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::transcript;
use expect_test::{expect, expect_file};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph")
}

/// `pacto graph <case>` in every output format, as one transcript; absolute paths masked, since errors
/// name them and the checkout's location is not part of the expectation.
fn all_formats(case: &str) -> String {
    let root = data().canonicalize().unwrap().display().to_string();
    let mut out = String::new();
    for format in ["text", "json", "dot", "mermaid"] {
        out.push_str(&format!("=== {format}\n"));
        out.push_str(&transcript(&data(), &["graph", "--output-format", format, case]).replace(&root, "<data>"));
    }
    out
}

/// Each root under `tests/data/graph/` against `expected/<root>.txt` (`UPDATE_EXPECT=1` rewrites them):
/// `app` has local refs by bare path and `file://`, a shared node, a cycle through dependencies, a version
/// conflict and failed edges (unreachable registry, missing bundle); `cache` meets the same cycle from
/// another root; `selfref` names itself (the cycle is seen one level late); `db2` has no dependencies.
#[test]
fn graph_golden_outputs() {
    for case in ["app", "cache", "selfref", "db2"] {
        expect_file![data().join(format!("expected/{case}.txt"))].assert_eq(&all_formats(case));
    }
}

#[test]
fn graph_picture_formats_are_for_graph_only() {
    let mut out = String::new();
    for args in [["validate", "--output-format", "mermaid", "app"], ["explain", "app", "--output-format", "dot"]] {
        out.push_str(&format!("=== {}\n", args.join(" ")));
        out.push_str(&transcript(&data(), &args));
    }
    expect![[r#"
        === validate --output-format mermaid app
        exit: 1
        --- stdout
        --- stderr
        --output-format mermaid is only for pacto graph; this command prints text, json or markdown
        === explain app --output-format dot
        exit: 1
        --- stdout
        --- stderr
        --output-format dot is only for pacto graph; this command prints text, json or markdown
    "#]]
    .assert_eq(&out);
}

#[test]
fn graph_fails_only_when_the_root_cannot_load() {
    let output =
        Command::new(env!("CARGO_BIN_EXE_pacto")).args(["graph", "missing"]).current_dir(data()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "failed to access missing: stat missing: no such file or directory\n"
    );
}

#[test]
fn graph_of_an_unreachable_oci_root_fails() {
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        registry unreachable for 127.0.0.1:9/acme/orders:1.0.0: error sending request for url (https://127.0.0.1:9/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)
    "#]]
    .assert_eq(&transcript(&data(), &["graph", "oci://127.0.0.1:9/acme/orders:1.0.0"]));
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        not fetched: oci://127.0.0.1:9/acme/orders (offline: PACTO_OFFLINE is set)
    "#]]
    .assert_eq(&transcript_offline(&["graph", "oci://127.0.0.1:9/acme/orders"]));
}

fn transcript_offline(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(args)
        .current_dir(data())
        .env("PACTO_OFFLINE", "1")
        .output()
        .unwrap();
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn graph_offline_never_fetches() {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["graph", "app"])
        .current_dir(data())
        .env("PACTO_OFFLINE", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("remote-pacto:1.0.0 (error: not fetched: oci://127.0.0.1:9/acme/remote-pacto:1.0.0 (offline: PACTO_OFFLINE is set))"),
        "{text}"
    );
}

fn data_v2() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph-v2")
}

/// 2.0 roots (pacto-v2.md §6.4) against `tests/data/graph-v2/expected/<case>.txt`: `shop` declares
/// `order-service` (resolving to `orders`, so the label names both), a shared `billing`, a 1.0
/// `legacy` node in the same graph, two cycles found in one pass and sorted, and configuration and
/// policy refs shown with `--with-references` (deduplicated, never fetched) or alone with
/// `--only-references`; JSON edges carry `type` and `name`.
#[test]
fn graph_of_2_0_contracts_golden_outputs() {
    let cases: [(&str, &[&str]); 3] = [
        ("shop", &["graph", "shop"]),
        ("shop-with-references", &["graph", "--with-references", "shop"]),
        ("shop-only-references", &["graph", "--only-references", "shop"]),
    ];
    for (case, args) in cases {
        let mut out = String::new();
        for format in ["text", "json", "dot", "mermaid"] {
            out.push_str(&format!("=== {format}\n"));
            let mut with_format = args.to_vec();
            with_format.extend(["--output-format", format]);
            out.push_str(&transcript(&data_v2(), &with_format));
        }
        expect_file![data_v2().join(format!("expected/{case}.txt"))].assert_eq(&out);
    }
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        error: the argument '--with-references' cannot be used with '--only-references'

        Usage: pacto graph --with-references <PATH>

        For more information, try '--help'.
    "#]]
    .assert_eq(&transcript(&data_v2(), &["graph", "--with-references", "--only-references", "shop"]));
}
