//! `pacto diff` across `oci://` pairs on a real registry on 127.0.0.1: dependency graphs resolved
//! from the registry, the dependencies' own contract diffs (spec §3.8, §3.9), and the local
//! override that lets a sibling directory stand in for a published dependency.

mod common;

use std::fs;
use std::process::Output;

use common::{stderr, stdout};
use expect_test::expect;
use pacto_testkit::registry::home::{Home, ok};
use pacto_testkit::registry::{Mode, Registry};

const PAYMENTS_SPEC_V1: &str = "openapi: 3.0.0\ninfo: {title: payments, version: 1.0.0}\npaths:\n  /charges:\n    get:\n      responses:\n        \"200\": {description: ok}\n    delete:\n      responses:\n        \"204\": {description: gone}\n";
const PAYMENTS_SPEC_V2: &str = "openapi: 3.0.0\ninfo: {title: payments, version: 2.0.0}\npaths:\n  /charges:\n    get:\n      responses:\n        \"200\": {description: ok}\n";

/// A bundle directory below the home: `pacto.yaml` and the given files.
fn write_bundle(home: &Home, dir: &str, contract: &str, files: &[(&str, &str)]) {
    let root = home.path().join(dir);
    for (rel, text) in std::iter::once(&("pacto.yaml", contract)).chain(files) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

fn payments(version: &str) -> String {
    format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: payments\n  version: {version}\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\n    contract: interfaces/openapi.yaml\n"
    )
}

fn orders(version: &str, payments_ref: &str) -> String {
    format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: orders\n  version: {version}\ndependencies:\n  - ref: {payments_ref}\n    required: true\n    compatibility: ^1.0.0\n"
    )
}

/// Stdout, stderr and exit code with the registry's address made stable.
fn transcript(output: &Output, addr: &str) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().map_or("signal".to_owned(), |it| it.to_string()),
        stdout(output),
        stderr(output)
    )
    .replace(addr, "<registry>")
}

/// `orders` 1.0.0 and 2.0.0 pushed, depending on `payments` 1.0.0 and 2.0.0 (which drops a method).
fn publish(home: &Home, registry: &Registry) {
    let repo = |name: &str, tag: &str| format!("oci://{}/acme/{name}:{tag}", registry.addr);
    write_bundle(home, "payments-v1", &payments("1.0.0"), &[("interfaces/openapi.yaml", PAYMENTS_SPEC_V1)]);
    write_bundle(home, "payments-v2", &payments("2.0.0"), &[("interfaces/openapi.yaml", PAYMENTS_SPEC_V2)]);
    write_bundle(home, "orders-v1", &orders("1.0.0", &repo("payments", "1.0.0")), &[]);
    write_bundle(home, "orders-v2", &orders("1.1.0", &repo("payments", "2.0.0")), &[]);
    for (target, dir) in [
        (repo("payments", "1.0.0"), "payments-v1"),
        (repo("payments", "2.0.0"), "payments-v2"),
        (repo("orders", "1.0.0"), "orders-v1"),
        (repo("orders", "1.1.0"), "orders-v2"),
    ] {
        ok(&home.pacto(&["push", &target, "-p", dir], &[]));
    }
}

#[test]
fn diff_registry_oci_pair_diffs_dependencies_pulled_from_the_registry() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    publish(&home, &registry);
    let old = format!("oci://{}/acme/orders:1.0.0", registry.addr);
    let new = format!("oci://{}/acme/orders:1.1.0", registry.addr);
    let output = home.pacto(&["diff", &old, &new], &[]);
    expect![[r#"
        exit: 1
        --- stdout
        Classification: BREAKING
        Changes (2):
          [POTENTIAL_BREAKING] dependencies.ref (modified): dependencies.ref modified [oci://<registry>/acme/payments:1.0.0 -> oci://<registry>/acme/payments:2.0.0]
          [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 1.1.0]

        Dependency payments [BREAKING] (2):
          [BREAKING] openapi.paths[/charges].methods[DELETE] (removed): DELETE /charges method removed [- DELETE /charges]
          [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 2.0.0]

        Dependency graph changes:
        orders
        └─ payments      1.0.0 → 2.0.0
        --- stderr
        breaking changes detected
    "#]]
    .assert_eq(&transcript(&output, &registry.addr));

    let output = home.pacto(&["diff", "--output-format", "json", &old, &new], &[]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["dependencyDiffs"][0]["name"], "payments");
    assert_eq!(json["dependencyDiffs"][0]["classification"], "BREAKING");
    assert_eq!(
        json["graphDiff"]["changes"],
        serde_json::json!([{"name": "payments", "changeType": "version_changed", "oldVersion": "1.0.0", "newVersion": "2.0.0"}])
    );
    // The root itself is only POTENTIAL_BREAKING: its version needs no major bump.
    assert_eq!(json.get("versionCheck"), None);
}

#[test]
fn diff_registry_local_directory_overrides_a_published_dependency() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    publish(&home, &registry);
    // A monorepo checkout: `work/orders` still points at the published payments 1.0.0, but its
    // sibling `work/payments` is being edited (the method removal of 2.0.0, version not bumped).
    let payments_ref = format!("oci://{}/acme/payments:1.0.0", registry.addr);
    write_bundle(&home, "work/orders", &orders("1.0.1", &payments_ref), &[]);
    write_bundle(&home, "work/payments", &payments("1.0.0"), &[("interfaces/openapi.yaml", PAYMENTS_SPEC_V2)]);
    let old = format!("oci://{}/acme/orders:1.0.0", registry.addr);
    let output = home.pacto(&["diff", &old, "work/orders"], &[]);
    expect![[r#"
        exit: 1
        --- stdout
        Classification: BREAKING
        Changes (1):
          [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 1.0.1]

        Dependency payments [BREAKING] (1):
          [BREAKING] openapi.paths[/charges].methods[DELETE] (removed): DELETE /charges method removed [- DELETE /charges]
        --- stderr
        breaking changes detected
    "#]]
    .assert_eq(&transcript(&output, &registry.addr));

    // Without the sibling, the published 1.0.0 is fetched and nothing differs below the root.
    fs::remove_dir_all(home.path().join("work/payments")).unwrap();
    let output = home.pacto(&["diff", &old, "work/orders"], &[]);
    expect![[r#"
        exit: 0
        --- stdout
        Classification: NON_BREAKING
        Changes (1):
          [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 1.0.1]
        --- stderr
    "#]]
    .assert_eq(&transcript(&output, &registry.addr));
}
