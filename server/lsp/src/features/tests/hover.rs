//! Hover: keys from the schema, enum values, interface names and `health.interface`, referenced files.

use expect_test::{Expect, expect};

use super::{base_at, check_cases};
use crate::features::hover::contract_hover as hover;
use crate::fixture::fixture;

/// The hovered span, then the markdown; `none` for no hover.
fn render(fixture_text: &str) -> String {
    let it = fixture(fixture_text);
    match hover(&it.analysis, it.offset) {
        Some(info) => format!("{}\n{}\n", it.span(info.span), info.markdown),
        None => "none\n".to_owned(),
    }
}

fn check(fixture_text: &str, expect: Expect) {
    expect.assert_eq(&render(fixture_text));
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

/// The health check's interface shows the interface's own hover under a heading.
#[test]
fn hover_interface_name_and_health_interface() {
    check_cases(
        &[("health.interface", &base_at("interface: api", 0, 12)), ("interfaces[0].name", &base_at("name: api", 0, 7))],
        render,
        expect![[r#"
            === health.interface
            23:16-23:19
            Health checks go to this interface:

            **`api`** · http · port 8080

            contract: `interfaces/openapi.yaml`
            === interfaces[0].name
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

#[test]
fn hover_v2_top_level_key_from_the_2_0_schema() {
    check(
        &super::base_v2_at("capabilities:", 0, 3),
        expect![[r#"
        34:1-34:13
        **`capabilities`** · array · optional

        Observability capabilities the service offers (health, metrics) and custom extensions. Each capability may appear once (an extension once per ref).

        Rules: `DUPLICATE_CAPABILITY`
    "#]],
    );
}

#[test]
fn hover_v2_interface_type_key_lists_the_spec_kinds() {
    check(
        &super::base_v2_at("type: openapi", 0, 1),
        expect![[r#"
        9:5-9:9
        **`interfaces.type`** · string · required

        The kind of specification that describes the interface.

        Allowed values:
        - `openapi`: an OpenAPI document, for HTTP/REST traffic
        - `asyncapi`: an AsyncAPI document, for event-driven communication
        - `grpc`: a Protocol Buffers definition, for gRPC services
    "#]],
    );
}

#[test]
fn hover_v2_enum_value() {
    check(
        &super::base_v2_at("asyncapi", 0, 2),
        expect![[r#"
        13:11-13:19
        **`asyncapi`** (interfaces.type): an AsyncAPI document, for event-driven communication
    "#]],
    );
}

#[test]
fn hover_v2_binding_interface_shows_the_interface() {
    check(
        &super::base_v2_at("interface: rest-api", 0, 13),
        expect![[r#"
        38:18-38:26
        The endpoint is on this interface:

        **`rest-api`** · openapi · public

        ref: `interfaces/openapi.yaml`
    "#]],
    );
}

#[test]
fn hover_v2_binding_to_an_unknown_interface() {
    check(
        "pactoVersion: \"2.0\"\ncapabilities:\n  - type: health\n    binding: {type: http, interface: nop$0e}\n",
        expect![[r#"
            4:38-4:42
            No interface is named `nope`: `CAPABILITY_INTERFACE_UNKNOWN`.
        "#]],
    );
}

#[test]
fn hover_v2_interface_name() {
    check(
        &super::base_v2_at("rest-api", 0, 1),
        expect![[r#"
        8:11-8:19
        **`rest-api`** · openapi · public

        ref: `interfaces/openapi.yaml`
    "#]],
    );
}

#[test]
fn hover_v2_spec_and_schema_files() {
    let missing = "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: api, type: openapi, ref: inter$0faces}\n//- interfaces/openapi.yaml\nopenapi: 3.0.0\n";
    check_cases(
        &[
            ("spec", &super::base_v2_at("interfaces/openapi.yaml", 0, 3)),
            ("policy schema", &super::base_v2_at("policy/schema.json", 0, 3)),
            ("missing spec", missing),
        ],
        render,
        expect![[r#"
            === spec
            10:10-10:33
            `interfaces/openapi.yaml` exists in the bundle.
            === policy schema
            21:13-21:31
            `policy/schema.json` exists in the bundle.
            === missing spec
            3:37-3:47
            `interfaces` is not in the bundle (`FILE_NOT_FOUND`).
        "#]],
    );
}

#[test]
fn hover_v2_capability_binding_path_rules() {
    check(
        &super::base_v2_at("path: /health", 0, 1),
        expect![[r#"
        39:7-39:11
        **`capabilities.binding.path`** · string · optional

        Path of the endpoint on that interface, starting with a single '/', e.g. /healthz; no scheme, host, userinfo or fragment.

        Constraints: minimum length 1, pattern `^/([^/].*)?$`

        Rules: `CAPABILITY_PATH_INVALID`
    "#]],
    );
}

#[test]
fn hover_v2_visibility_default_is_never_applied() {
    check(
        &super::base_v2_at("visibility", 0, 1),
        expect![[r#"
        11:5-11:15
        **`interfaces.visibility`** · string · optional

        Who may reach the interface. Leaving it out states nothing (it is not read as internal).

        Allowed values:
        - `public`: reachable from outside the cluster or network boundary
        - `internal`: reachable only from inside the cluster or internal network

        Default: `internal` (documented; never applied)
    "#]],
    );
}

#[test]
fn hover_v2_one_point_zero_fields_are_unknown() {
    check(
        "pactoVersion: \"2.0\"\nrunt$0ime:\n  workload: service\n",
        expect![[r#"
        none
    "#]],
    );
}

#[test]
fn hover_v2_string_owner_explains_the_object() {
    check(
        "pactoVersion: \"2.0\"\nservice:\n  name: a\n  owner: team/pay$0ments\n",
        expect![[r#"
        4:10-4:23
        In format 2.0 the owner is an object with at least one of `team`, `dri` and `contacts`; a 1.0 owner string does not decode (`PARSE_ERROR`).

        A team name is written:

        ```yaml
        owner:
          team: team/payments
        ```
    "#]],
    );
}

#[test]
fn hover_v2_free_form_sections_say_nothing_inside() {
    check(
        "pactoVersion: \"2.0\"\nextensions:\n  acme.example/co$0st: 1\n",
        expect![[r#"
        none
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\nconfigurations:\n  - name: a\n    values:\n      log_le$0vel: info\n",
        expect![[r#"
            none
        "#]],
    );
}
