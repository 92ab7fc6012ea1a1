//! Folding ranges, selection ranges and document links.

use expect_test::{Expect, expect};

use super::{BASE, base_at};
use crate::features::links::links;
use crate::features::structure::{folding_ranges, selection_spans};
use crate::fixture::{fixture, render_span};

/// `start..end` per range, 0-based lines as the protocol has them.
fn folds(fixture_text: &str) -> String {
    let it = fixture(fixture_text);
    folding_ranges(&it.analysis).iter().map(|(start, end)| format!("{start}..{end}\n")).collect()
}

#[test]
fn folding_ranges_of_the_base_contract() {
    expect![[r#"
        1..4
        5..12
        6..9
        10..12
        13..23
        15..20
        17..19
        21..23
    "#]]
    .assert_eq(&folds(BASE));
}

fn check_selection(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual: String = selection_spans(&it.analysis, it.offset)
        .iter()
        .map(|span| format!("{} {:?}\n", it.span(*span), &it.text()[span.start..span.end].lines().next().unwrap_or("")))
        .collect();
    expect.assert_eq(&actual);
}

#[test]
fn selection_grows_from_a_value_to_the_document() {
    check_selection(
        &base_at("ephemeral", 0, 2),
        expect![[r#"
        20:19-20:28 "ephemeral"
        20:7-20:28 "durability: ephemeral"
        19:7-20:28 "scope: local"
        18:5-20:28 "persistence:"
        17:5-21:25 "type: stateless"
        16:3-21:25 "state:"
        15:3-24:18 "workload: service"
        14:1-24:18 "runtime:"
        1:1-24:18 "pactoVersion: \"1.0\""
    "#]],
    );
}

#[test]
fn selection_from_a_key() {
    check_selection(
        &base_at("owner:", 0, 1),
        expect![[r#"
        5:3-5:8 "owner"
        5:3-5:23 "owner: team/payments"
        3:3-5:23 "name: payments"
        2:1-5:23 "service:"
        1:1-24:18 "pactoVersion: \"1.0\""
    "#]],
    );
}

#[test]
fn links_to_the_bundle_files_that_exist() {
    let it = fixture(
        r#"
pactoVersion: "1.0"
interfaces:
  - name: api
    type: http
    contract: interfaces/openapi.yaml
  - name: rpc
    type: grpc
    contract: protos/missing.proto
configuration:
  schema: config/schema.json
//- interfaces/openapi.yaml
openapi: 3.0.0
//- config/schema.json
{}
"#,
    );
    let actual: String = links(&it.analysis)
        .iter()
        .map(|(span, path)| format!("{} {}\n", render_span(it.text(), *span), it.relative(path)))
        .collect();
    expect![[r#"
        5:15-5:38 interfaces/openapi.yaml
        10:11-10:29 config/schema.json
    "#]]
    .assert_eq(&actual);
}

#[test]
fn folding_ranges_v2_follow_the_blocks() {
    expect![[r#"
        1..5
        4..5
        6..13
        7..10
        11..13
        14..17
        15..17
        18..20
        19..20
        21..25
        22..25
        27..32
        29..31
        33..40
        34..38
        35..38
        39..40
        41..48
        43..48
        44..48
    "#]]
    .assert_eq(&folds(super::BASE_V2));
}

#[test]
fn selection_v2_grows_from_a_binding_interface() {
    check_selection(
        &super::base_v2_at("interface: rest-api", 0, 13),
        expect![[r#"
        38:18-38:26 "rest-api"
        38:7-38:26 "interface: rest-api"
        37:7-39:20 "type: http"
        36:5-39:20 "binding:"
        35:5-39:20 "type: health"
        35:3-41:26 "- type: health"
        34:1-41:26 "capabilities:"
        1:1-49:18 "pactoVersion: \"2.0\""
    "#]],
    );
}

#[test]
fn links_v2_specs_schemas_and_local_contracts() {
    // The dependency moved inside the scratch bundle, and a policy provider added next to it.
    let text = super::BASE_V2.replace("ref: ../auth", "ref: vendor/auth").replace(
        "schema: policy/schema.json",
        "schema: policy/schema.json\n  - name: shared\n    ref: file://vendor/rules",
    );
    let it = fixture(&format!(
        "{text}//- vendor/auth/pacto.yaml\npactoVersion: \"2.0\"\n//- vendor/rules/pacto.yaml\npactoVersion: \"2.0\"\n"
    ));
    let actual: String = links(&it.analysis)
        .iter()
        .map(|(span, path)| format!("{} → {}\n", it.span(*span), it.relative(path)))
        .collect();
    expect![[r#"
        10:10-10:33 → interfaces/openapi.yaml
        14:10-14:32 → interfaces/events.yaml
        17:13-17:38 → configuration/schema.json
        21:13-21:31 → policy/schema.json
        23:10-23:29 → vendor/rules/pacto.yaml
        26:10-26:21 → vendor/auth/pacto.yaml
    "#]]
    .assert_eq(&actual);
}
