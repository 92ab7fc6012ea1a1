//! SBOM diff cases (spec §3.7, §8.2): both formats, presence combinations, malformed files.

use expect_test::{Expect, expect};

use super::{SbomDiff, diff_bundles, diff_texts};
use crate::diff::tests::MemFiles;

fn render(diff: Option<SbomDiff>) -> String {
    let Some(diff) = diff else {
        return "none\n".to_owned();
    };
    let mut out = format!(
        "{} -> {}\n",
        diff.old_format.map_or("-", |it| it.as_str()),
        diff.new_format.map_or("-", |it| it.as_str())
    );
    for it in &diff.changes {
        out.push_str(&format!(
            "{} {} field={:?} old={:?} new={:?}\n",
            it.package, it.change_type, it.field, it.old_value, it.new_value
        ));
    }
    out
}

fn check(old: Option<(&str, &str)>, new: Option<(&str, &str)>, expect: Expect) {
    expect.assert_eq(&render(diff_texts(old, new)));
}

const SPDX_OLD: &str = r#"{"spdxVersion": "SPDX-2.3", "packages": [
  {"name": "serde", "versionInfo": "1.0.0", "licenseConcluded": "MIT", "supplier": "Organization: Serde Team"},
  {"name": "tokio", "versionInfo": "1.0.0", "licenseConcluded": "MIT", "supplier": "Person: Jane"},
  {"name": "gone", "versionInfo": "0.1.0"}
]}"#;

const SPDX_NEW: &str = r#"{"spdxVersion": "SPDX-2.3", "packages": [
  {"name": "serde", "versionInfo": "1.1.0", "licenseConcluded": "MIT OR Apache-2.0", "supplier": "Serde Team"},
  {"name": "tokio", "versionInfo": "1.0.0", "licenseConcluded": "MIT", "supplier": "Organization: Tokio"},
  {"name": "fresh", "versionInfo": "2.0.0"}
]}"#;

const CDX: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
  {"name": "serde", "version": "1.1.0", "supplier": {"name": "Serde Team"},
   "licenses": [{"license": {"id": "MIT"}}, {"expression": "Apache-2.0"}, {"license": {"name": "Custom"}}]},
  {"name": "tokio", "version": "1.0.0", "licenses": [{"license": {"id": "MIT"}}]}
]}"#;

#[test]
fn sbom_spdx_added_removed_modified() {
    check(
        Some(("a.spdx.json", SPDX_OLD)),
        Some(("a.spdx.json", SPDX_NEW)),
        expect![[r#"
        spdx -> spdx
        fresh added field="" old="" new="2.0.0"
        gone removed field="" old="0.1.0" new=""
        serde modified field="license" old="MIT" new="MIT OR Apache-2.0"
        serde modified field="version" old="1.0.0" new="1.1.0"
        tokio modified field="supplier" old="Jane" new="Tokio"
    "#]],
    );
}

#[test]
fn sbom_cyclonedx_against_spdx() {
    check(
        Some(("a.spdx.json", SPDX_NEW)),
        Some(("b.cdx.json", CDX)),
        expect![[r#"
        spdx -> cyclonedx
        fresh removed field="" old="2.0.0" new=""
        serde modified field="license" old="MIT OR Apache-2.0" new="MIT AND Apache-2.0 AND Custom"
        tokio modified field="supplier" old="Tokio" new=""
    "#]],
    );
}

#[test]
fn sbom_presence_combinations() {
    check(
        None,
        None,
        expect![[r#"
        none
    "#]],
    );
    check(
        None,
        Some(("b.cdx.json", CDX)),
        expect![[r#"
        - -> cyclonedx
        serde added field="" old="" new="1.1.0"
        tokio added field="" old="" new="1.0.0"
    "#]],
    );
    check(
        Some(("a.spdx.json", SPDX_OLD)),
        None,
        expect![[r#"
        spdx -> -
        gone removed field="" old="0.1.0" new=""
        serde removed field="" old="1.0.0" new=""
        tokio removed field="" old="1.0.0" new=""
    "#]],
    );
    check(
        Some(("a.cdx.json", CDX)),
        Some(("b.cdx.json", CDX)),
        expect![[r#"
        none
    "#]],
    );
}

#[test]
fn sbom_malformed_side_suppresses_the_diff() {
    check(
        Some(("a.spdx.json", "{")),
        Some(("b.cdx.json", CDX)),
        expect![[r#"
        none
    "#]],
    );
    check(
        Some(("a.cdx.json", CDX)),
        Some(("b.cdx.json", r#"{"components": {}}"#)),
        expect![[r#"
        none
    "#]],
    );
}

#[test]
fn sbom_discovery_takes_the_first_recognised_file() {
    let old = MemFiles(vec![("sbom/readme.txt", "x"), ("sbom/b.spdx.json", SPDX_OLD), ("sbom/z.cdx.json", "{")]);
    let new = MemFiles(vec![("sbom/a.cdx.json", CDX), ("sbom/c.spdx.json", "{")]);
    expect![[r#"
        spdx -> cyclonedx
        gone removed field="" old="0.1.0" new=""
        serde modified field="license" old="MIT" new="MIT AND Apache-2.0 AND Custom"
        serde modified field="version" old="1.0.0" new="1.1.0"
        tokio modified field="supplier" old="Jane" new=""
    "#]]
    .assert_eq(&render(diff_bundles(&old, &new)));
    let none = MemFiles(vec![("sbom/notes.json", "{}")]);
    expect![[r#"
        none
    "#]]
    .assert_eq(&render(diff_bundles(&none, &none)));
}
