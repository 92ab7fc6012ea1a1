//! `pacto graph` against the real loopback registry: contracts published with `pacto push`, then graphed
//! from an `oci://` root and from a local one. Outputs are golden files in `tests/data/graph/expected/`
//! (`UPDATE_EXPECT=1` rewrites them) with the registry's address masked as `<registry>`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use expect_test::expect_file;
use pacto_testkit::registry::home::{Home, ok};
use pacto_testkit::registry::{Mode, Registry};

fn expected(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph/expected").join(name)
}

/// A contract `name@version` depending on `deps` (`(ref, compatibility)`), `<registry>` standing for the address.
fn contract(registry: &Registry, name: &str, version: &str, deps: &[(&str, &str)]) -> String {
    let mut out = format!("pactoVersion: \"1.0\"\nservice: {{name: {name}, version: {version}}}\n");
    if !deps.is_empty() {
        out.push_str("dependencies:\n");
        for (index, (reference, compatibility)) in deps.iter().enumerate() {
            let reference = reference.replace("<registry>", &registry.addr);
            let required = index == 0;
            out.push_str(&format!(
                "  - {{ref: \"{reference}\", compatibility: \"{compatibility}\", required: {required}}}\n"
            ));
        }
    }
    out
}

/// Writes the contract into `<home>/src/<name>-<version>/` and pushes it as `acme/<name>:<version>`.
fn publish(home: &Home, registry: &Registry, name: &str, version: &str, deps: &[(&str, &str)]) {
    let dir = format!("src/{name}-{version}");
    fs::create_dir_all(home.path().join(&dir)).unwrap();
    fs::write(home.path().join(&dir).join("pacto.yaml"), contract(registry, name, version, deps)).unwrap();
    ok(&home.pacto(&["push", &format!("oci://{}/acme/{name}:{version}", registry.addr), "-p", &dir], &[]));
}

/// `pacto graph <root>` in every output format, the address masked.
fn graph_transcript(home: &Home, registry: &Registry, root: &str) -> String {
    let mut out = String::new();
    for format in ["text", "json", "dot", "mermaid"] {
        out.push_str(&format!("=== {format}\n"));
        out.push_str(&ok(&home.pacto(&["graph", "--output-format", format, root], &[])));
    }
    out.replace(&registry.addr, "<registry>")
}

/// orders → payments (tag-less, `^2.0.0`: 2.1.0 among 1.0.0, 2.0.0, 2.1.0, 3.0.0), ledger, a missing
/// repository, and payments:1.0.0 (a version conflict); payments 2.1.0 → ledger (shared) and back to
/// orders (a cycle, seen one level late as the root is on the path by name). Cold cache, then warm:
/// the same graph.
#[test]
fn graph_registry_cycle_conflict_shared_and_failed_edges() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    for version in ["1.0.0", "2.0.0", "3.0.0"] {
        publish(&home, &registry, "payments", version, &[]);
    }
    publish(&home, &registry, "ledger", "1.0.0", &[]);
    let orders = "oci://<registry>/acme/orders:1.0.0";
    publish(
        &home,
        &registry,
        "payments",
        "2.1.0",
        &[("oci://<registry>/acme/ledger:1.0.0", "^1.0.0"), (orders, "^1.0.0")],
    );
    publish(
        &home,
        &registry,
        "orders",
        "1.0.0",
        &[
            ("oci://<registry>/acme/payments", "^2.0.0"),
            ("oci://<registry>/acme/ledger:1.0.0", "^1.0.0"),
            ("oci://<registry>/acme/missing:1.0.0", "^1.0.0"),
            ("oci://<registry>/acme/payments:1.0.0", "^1.0.0"),
        ],
    );
    fs::remove_dir_all(home.path().join("cache")).unwrap();
    let root = orders.replace("<registry>", &registry.addr);
    let cold = graph_transcript(&home, &registry, &root);
    expect_file![expected("registry-orders.txt")].assert_eq(&cold);
    assert!(home.path().join("cache/pacto").is_dir(), "the pulls went through the cache");
    assert_eq!(graph_transcript(&home, &registry, &root), cold);
}

/// A local root with more `oci://` siblings than are fetched at once: every one resolves, and the
/// edges keep the declaration order whatever order the pulls finish in.
#[test]
fn graph_registry_siblings_beyond_the_concurrency_cap_keep_their_order() {
    let siblings = pacto_oci::graph_fetch::MAX_CONCURRENT_FETCHES + 3;
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let mut deps = Vec::new();
    for index in 0..siblings {
        let name = format!("leaf{index:02}");
        publish(&home, &registry, &name, "1.0.0", &[]);
        deps.push(format!("oci://<registry>/acme/{name}:1.0.0"));
    }
    let deps: Vec<(&str, &str)> = deps.iter().rev().map(|it| (it.as_str(), "^1.0.0")).collect();
    fs::create_dir_all(home.path().join("wide")).unwrap();
    fs::write(home.path().join("wide/pacto.yaml"), contract(&registry, "wide", "1.0.0", &deps)).unwrap();
    let text = ok(&home.pacto(&["graph", "wide"], &[]));
    let mut want = String::from("wide@1.0.0\n");
    for index in (0..siblings).rev() {
        let connector = if index == 0 { "└─ " } else { "├─ " };
        want.push_str(&format!("{connector}leaf{index:02}@1.0.0\n"));
    }
    assert_eq!(text, want);
}

/// A command lists tags afresh, as the reference does: a version pushed a moment ago counts, even though
/// the previous run stored the repository's tags in the cache (the editor trusts those for a while).
#[test]
fn graph_registry_sees_a_version_pushed_a_moment_ago() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    publish(&home, &registry, "ledger", "1.0.0", &[]);
    fs::create_dir_all(home.path().join("app")).unwrap();
    let app = contract(&registry, "app", "1.0.0", &[("oci://<registry>/acme/ledger", "^1.0.0")]);
    fs::write(home.path().join("app/pacto.yaml"), app).unwrap();
    assert_eq!(ok(&home.pacto(&["graph", "app"], &[])), "app@1.0.0\n└─ ledger@1.0.0\n");
    publish(&home, &registry, "ledger", "1.1.0", &[]);
    assert_eq!(ok(&home.pacto(&["graph", "app"], &[])), "app@1.0.0\n└─ ledger@1.1.0\n");
}
