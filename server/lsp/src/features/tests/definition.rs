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
