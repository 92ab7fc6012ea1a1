//! SBOM diff cases (spec §3.7, §8.2): both formats, presence combinations, malformed files.

use expect_test::expect;

use super::{SbomDiff, diff_bundles, diff_texts};
use crate::diff::tests::MemFiles;

/// One side of a text diff: its file name and text, or no SBOM at all.
type Side = Option<(&'static str, &'static str)>;

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

/// Each case the diff of two texts, `none` where there is no diff: both formats, the presence combinations, and
/// a malformed side, which suppresses the diff.
#[test]
fn sbom_text_cases() {
    let cases: &[(&str, Side, Side)] = &[
        ("spdx added, removed, modified", Some(("a.spdx.json", SPDX_OLD)), Some(("a.spdx.json", SPDX_NEW))),
        ("cyclonedx against spdx", Some(("a.spdx.json", SPDX_NEW)), Some(("b.cdx.json", CDX))),
        ("neither side", None, None),
        ("new side only", None, Some(("b.cdx.json", CDX))),
        ("old side only", Some(("a.spdx.json", SPDX_OLD)), None),
        ("identical", Some(("a.cdx.json", CDX)), Some(("b.cdx.json", CDX))),
        ("malformed old side", Some(("a.spdx.json", "{")), Some(("b.cdx.json", CDX))),
        ("malformed new side", Some(("a.cdx.json", CDX)), Some(("b.cdx.json", r#"{"components": {}}"#))),
    ];
    let actual: String =
        cases.iter().map(|(name, old, new)| format!("=== {name}\n{}", render(diff_texts(*old, *new)))).collect();
    expect![[r#"
        === spdx added, removed, modified
        spdx -> spdx
        fresh added field="" old="" new="2.0.0"
        gone removed field="" old="0.1.0" new=""
        serde modified field="license" old="MIT" new="MIT OR Apache-2.0"
        serde modified field="version" old="1.0.0" new="1.1.0"
        tokio modified field="supplier" old="Jane" new="Tokio"
        === cyclonedx against spdx
        spdx -> cyclonedx
        fresh removed field="" old="2.0.0" new=""
        serde modified field="license" old="MIT OR Apache-2.0" new="MIT AND Apache-2.0 AND Custom"
        tokio modified field="supplier" old="Tokio" new=""
        === neither side
        none
        === new side only
        - -> cyclonedx
        serde added field="" old="" new="1.1.0"
        tokio added field="" old="" new="1.0.0"
        === old side only
        spdx -> -
        gone removed field="" old="0.1.0" new=""
        serde removed field="" old="1.0.0" new=""
        tokio removed field="" old="1.0.0" new=""
        === identical
        none
        === malformed old side
        none
        === malformed new side
        none
    "#]]
    .assert_eq(&actual);
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
