//! Hover: keys from the schema, enum values, interface names and `health.interface`, referenced files.

use expect_test::{Expect, expect};

use super::base_at;
use crate::features::hover::hover;
use crate::fixture::fixture;

fn check(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual = match hover(&it.analysis, it.offset) {
        Some(info) => format!("{}\n{}\n", it.span(info.span), info.markdown),
        None => "none\n".to_owned(),
    };
    expect.assert_eq(&actual);
}

#[test]
fn hover_top_level_key() {
    check(
        &base_at("runtime:", 0, 2),
        expect![[r#"
        14:1-14:8
        **`runtime`** · object · optional

        How a platform must run the service: the kind of workload, the state it keeps, how it is upgraded and how its health is checked. Requires workload and state.
    "#]],
    );
}

#[test]
fn hover_nested_key() {
    check(
        &base_at("durability:", 0, 0),
        expect![[r#"
        20:7-20:17
        **`runtime.state.persistence.durability`** · string · required

        Whether the data must survive restarts and rescheduling. Must be ephemeral when state.type is stateless.

        Allowed values:
        - `ephemeral`: Data may be lost whenever an instance stops or is rescheduled; the only value allowed for stateless services.
        - `persistent`: Data must survive restarts and rescheduling and needs durable storage; only stateful or hybrid services may use it.

        Rules: `STATELESS_PERSISTENT_CONFLICT`
    "#]],
    );
}

#[test]
fn hover_enum_value() {
    check(
        &base_at("stateless", 0, 3),
        expect![[r#"
        17:11-17:20
        **`stateless`** (runtime.state.type): Keeps no data of its own; any instance can be restarted or replaced at any moment without loss.
    "#]],
    );
}

#[test]
fn hover_interface_type_value() {
    check(
        &base_at("event\n", 0, 1),
        expect![[r#"
        12:11-12:16
        **`event`** (interfaces.type): Asynchronous messages published or consumed through a broker; needs a contract such as an AsyncAPI document and takes no port.
    "#]],
    );
}

#[test]
fn hover_health_interface_points_at_the_interface() {
    check(
        &base_at("interface: api", 0, 12),
        expect![[r#"
        23:16-23:19
        Health checks go to this interface:

        **`api`** · http · port 8080

        contract: `interfaces/openapi.yaml`
    "#]],
    );
}

#[test]
fn hover_interface_name() {
    check(
        &base_at("name: api", 0, 7),
        expect![[r#"
        7:11-7:14
        **`api`** · http · port 8080

        contract: `interfaces/openapi.yaml`
    "#]],
    );
}

#[test]
fn hover_contract_file_that_exists() {
    check(
        &base_at("interfaces/openapi.yaml", 0, 3),
        expect![[r#"
        10:15-10:38
        `interfaces/openapi.yaml` exists in the bundle.
    "#]],
    );
}

#[test]
fn hover_contract_file_that_is_missing() {
    check(
        r#"
pactoVersion: "1.0"
service: {name: a, version: 1.0.0}
interfaces:
  - name: api
    type: grpc
    port: 9090
    contract: protos/mi$0ssing.proto
"#,
        expect![[r#"
            7:15-7:35
            `protos/missing.proto` is not in the bundle (`FILE_NOT_FOUND`).
        "#]],
    );
}

#[test]
fn hover_inside_metadata_says_nothing() {
    check(
        r#"
pactoVersion: "1.0"
service: {name: a, version: 1.0.0}
metadata:
  te$0am: payments
"#,
        expect![[r#"
            none
        "#]],
    );
}

#[test]
fn hover_on_a_broken_document_still_explains_keys_before_the_fault() {
    check(
        r#"
pactoVersion: "1.0"
serv$0ice:
  name: a
  version: [unclosed
"#,
        expect![[r#"
            2:1-2:8
            **`service`** · object · required

            Identity of the service: its name, version and owner, and optionally the container image it ships as. Requires name and version.
        "#]],
    );
}
