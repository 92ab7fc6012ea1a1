//! Go to definition: `health.interface` to the interface, contract and schema paths to their files, a local
//! dependency to its bundle's contract.

use expect_test::{Expect, expect};

use super::base_at;
use crate::features::definition::{Target, definition};
use crate::fixture::fixture;

fn check(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual = match definition(&it.analysis, it.offset) {
        Some((origin, Target::Here(span))) => format!("{} → {}\n", it.span(origin), it.span(span)),
        Some((origin, Target::File(path))) => format!("{} → file {}\n", it.span(origin), it.relative(&path)),
        None => "none\n".to_owned(),
    };
    expect.assert_eq(&actual);
}

#[test]
fn definition_health_interface() {
    check(
        &base_at("interface: api", 0, 13),
        expect![[r#"
        23:16-23:19 → 7:11-7:14
    "#]],
    );
}

#[test]
fn definition_contract_file() {
    check(
        &base_at("interfaces/events.yaml", 0, 5),
        expect![[r#"
        13:15-13:37 → file interfaces/events.yaml
    "#]],
    );
}

#[test]
fn definition_configuration_schema() {
    check(
        r#"
pactoVersion: "1.0"
configuration:
  schema: config/sch$0ema.json
//- config/schema.json
{}
"#,
        expect![[r#"
            3:11-3:29 → file config/schema.json
        "#]],
    );
}

#[test]
fn definition_local_dependency() {
    check(
        r#"
//- app/pacto.yaml
pactoVersion: "1.0"
dependencies:
  - ref: ../bil$0ling
    compatibility: ^1.0.0
//- billing/pacto.yaml
pactoVersion: "1.0"
"#,
        expect![[r#"
            3:10-3:20 → file billing/pacto.yaml
        "#]],
    );
}

#[test]
fn definition_on_a_key_goes_nowhere() {
    check(
        &base_at("workload:", 0, 2),
        expect![[r#"
        none
    "#]],
    );
}

#[test]
fn definition_of_a_health_interface_nothing_declares() {
    check(
        "interfaces:\n  - name: api\n    type: http\nruntime:\n  health:\n    interface: adm$0in\n",
        expect![[r#"
            none
        "#]],
    );
}

#[test]
fn definition_v2_binding_interface() {
    check(
        &super::base_v2_at("interface: rest-api", 0, 13),
        expect![[r#"
        38:18-38:26 → 8:11-8:19
    "#]],
    );
}

#[test]
fn definition_v2_spec_and_schema_files() {
    check(
        &super::base_v2_at("interfaces/events.yaml", 0, 5),
        expect![[r#"
        14:10-14:32 → file interfaces/events.yaml
    "#]],
    );
    check(
        &super::base_v2_at("configuration/schema.json", 0, 5),
        expect![[r#"
        17:13-17:38 → file configuration/schema.json
    "#]],
    );
    check(
        &super::base_v2_at("policy/schema.json", 0, 5),
        expect![[r#"
        21:13-21:31 → file policy/schema.json
    "#]],
    );
}

#[test]
fn definition_v2_local_refs_open_the_owning_contract() {
    check(
        r#"
//- app/pacto.yaml
pactoVersion: "2.0"
service: {name: app, version: 1.0.0}
policies:
  - name: platform
    ref: ../plat$0form
//- platform/pacto.yaml
pactoVersion: "2.0"
"#,
        expect![[r#"
            5:10-5:21 → file platform/pacto.yaml
        "#]],
    );
    check(
        r#"
//- app/pacto.yaml
pactoVersion: "2.0"
dependencies:
  - name: auth
    ref: file://../au$0th
    required: true
    compatibility: ^1.0.0
//- auth/pacto.yaml
pactoVersion: "2.0"
"#,
        expect![[r#"
            4:10-4:24 → file auth/pacto.yaml
        "#]],
    );
}

#[test]
fn definition_v2_directory_is_not_a_spec_file() {
    check(
        "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: a, type: openapi, ref: inter$0faces}\n//- interfaces/a.yaml\nopenapi: 3.0.0\n",
        expect![[r#"
            none
        "#]],
    );
}
