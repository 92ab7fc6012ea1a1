//! Dependency contract diffs (spec §3.9) and the overall classification (§3.10) over graphs
//! resolved from in-memory bundles.

use expect_test::expect;

use crate::diff::dependencies::{ResolvedGraph, local_override_name};
use crate::diff::tests::{MemBundles, contract, render, service};
use crate::diff::{NoFiles, compare_with_dependencies};

const SPEC_V1: &str = "paths:\n  /pay:\n    get: {responses: {\"200\": {description: ok}}}\n    post: {}\n";
const SPEC_V2: &str = "paths:\n  /pay:\n    get: {responses: {\"200\": {description: ok}}}\n";
const SBOM_V1: &str = r#"{"spdxVersion": "SPDX-2.3", "packages": [{"name": "tls", "versionInfo": "1.0"}]}"#;
const SBOM_V2: &str = r#"{"spdxVersion": "SPDX-2.3", "packages": [{"name": "tls", "versionInfo": "1.1"}]}"#;
const HTTP: &str = "interfaces:\n  - {name: api, type: http, port: 80, contract: openapi.yaml}\n";

fn registry() -> MemBundles {
    MemBundles(vec![
        ("r/pay:1", service("pay", "1.0.0", &["oci://r/ledger:1"], HTTP), vec![("openapi.yaml", SPEC_V1)]),
        ("r/pay:2", service("pay", "2.0.0", &["oci://r/ledger:2"], HTTP), vec![("openapi.yaml", SPEC_V2)]),
        ("r/ledger:1", service("ledger", "1.0.0", &[], ""), vec![("sbom/ledger.spdx.json", SBOM_V1)]),
        ("r/ledger:2", service("ledger", "1.0.1", &[], ""), vec![("sbom/ledger.spdx.json", SBOM_V2)]),
        ("r/audit:1", service("audit", "1.0.0", &[], "scaling: {replicas: 1}\n"), vec![]),
        ("r/audit:2", service("audit", "1.0.0", &[], "scaling: {replicas: 1}\n"), vec![]),
        ("../pay", service("pay", "2.0.0", &[], "scaling: {min: 1, max: 2}\n"), vec![]),
        ("r/root:1", service("root", "9.0.0", &[], ""), vec![]),
    ])
}

/// Diffs `root` depending on `old_deps` against `root` depending on `new_deps` (the roots
/// themselves identical but for their dependencies) and renders each dependency diff.
fn diff(old_deps: &[&str], new_deps: &[&str]) -> String {
    let (old, new) =
        (contract(&service("root", "1.0.0", old_deps, "")), contract(&service("root", "1.0.0", new_deps, "")));
    let old_graph = ResolvedGraph::resolve(&old, &mut registry());
    let new_graph = ResolvedGraph::resolve(&new, &mut registry());
    let report = compare_with_dependencies(&old, &new, &NoFiles, &NoFiles, &old_graph, &new_graph);
    let mut out = format!("overall {} (root {})\n", report.classification, report.root.classification);
    for it in &report.dependencies {
        out.push_str(&format!("== {} {}\n{}", it.name, it.result.classification, render(&it.result.changes)));
        for change in it.result.sbom.iter().flat_map(|sbom| &sbom.changes) {
            out.push_str(&format!(
                "sbom {} {} {} {} -> {}\n",
                change.package, change.change_type, change.field, change.old_value, change.new_value
            ));
        }
    }
    out
}

/// Each case the overall classification and every dependency diff of `root` with `old` against `new` dependencies.
#[test]
fn dependency_diff_cases() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("recurse with each bundle's files", &["oci://r/pay:1"], &["oci://r/pay:2"]),
        // `audit` changed ref but not content; `ledger` only on the new side; `gone` never loads.
        (
            "identical, added and failed dependencies are skipped",
            &["oci://r/audit:1", "oci://r/gone:1"],
            &["oci://r/audit:2", "oci://r/ledger:1", "oci://r/gone:1"],
        ),
        // A local `pay` against a published one; `root` in the old graph is the old root's name.
        ("through local paths, never the root", &["oci://r/pay:1", "oci://r/root:1"], &["../pay", "oci://r/root:1"]),
    ];
    let actual: String = cases.iter().map(|(name, old, new)| format!("=== {name}\n{}", diff(old, new))).collect();
    expect![[r#"
        === recurse with each bundle's files
        overall BREAKING (root POTENTIAL_BREAKING)
        == ledger NON_BREAKING
        [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 1.0.1]
           old=pacto.yaml@53..58 new=pacto.yaml@53..58
        sbom tls modified version 1.0 -> 1.1
        == pay BREAKING
        [POTENTIAL_BREAKING] dependencies.ref (modified): dependencies.ref modified [oci://r/ledger:1 -> oci://r/ledger:2]
           old=pacto.yaml@81..99 new=pacto.yaml@81..99
        [BREAKING] openapi.paths[/pay].methods[POST] (removed): POST /pay method removed [- POST /pay]
           old=openapi.yaml@68..72
        [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 2.0.0]
           old=pacto.yaml@50..55 new=pacto.yaml@50..55
        === identical, added and failed dependencies are skipped
        overall POTENTIAL_BREAKING (root POTENTIAL_BREAKING)
        === through local paths, never the root
        overall BREAKING (root BREAKING)
        == pay BREAKING
        [BREAKING] dependencies (removed): dependencies removed [- oci://r/ledger:1]
           old=pacto.yaml@75..121
        [BREAKING] interfaces (removed): interfaces removed [- api]
           old=pacto.yaml@138..195
        [NON_BREAKING] scaling (added): scaling added [+ min=1 max=2]
           new=pacto.yaml@66..82
        [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 2.0.0]
           old=pacto.yaml@50..55 new=pacto.yaml@50..55
    "#]]
    .assert_eq(&actual);
}

#[test]
fn local_override_name_is_the_last_segment_without_tag() {
    assert_eq!(local_override_name("ghcr.io/acme/payments-pacto:1.0.0"), "payments-pacto");
    assert_eq!(local_override_name("localhost:5000/payments"), "payments");
    assert_eq!(local_override_name("r/svc@sha256:abc"), "svc@sha256");
    assert_eq!(local_override_name("svc:1"), "svc");
    assert_eq!(local_override_name("svc"), "svc");
}
