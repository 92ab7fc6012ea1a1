//! Completion: missing keys, enum values, interface names, bundle files, versions, whole contracts.

use expect_test::{Expect, expect};

use crate::features::completion::completion;
use crate::fixture::fixture;

/// `label [kind] replace → insert` per entry, in the server's order.
fn check(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual: String = completion(&it.analysis, it.offset)
        .iter()
        .map(|entry| {
            let insert = entry.insert.replace('\n', "⏎");
            format!("{} [{:?}] {} → {}\n", entry.label, entry.kind, it.span(entry.replace), insert)
        })
        .collect();
    expect.assert_eq(&actual);
}

#[test]
fn completion_top_level_keys_not_yet_written() {
    check(
        "pactoVersion: \"1.0\"\nser$0\n",
        expect![[r#"
        service [Field] 2:1-2:4 → service:⏎  name: $1⏎  version: $2
        interfaces [Field] 2:1-2:4 → interfaces:⏎  - name: $1⏎    type: ${2|http,grpc,event|}
        configuration [Field] 2:1-2:4 → configuration:⏎  schema: $1
        dependencies [Field] 2:1-2:4 → dependencies:⏎  - ref: $1⏎    compatibility: $2
        runtime [Field] 2:1-2:4 → runtime:⏎  workload: ${1|service,job,scheduled|}⏎  state:⏎    type: ${2|stateless,stateful,hybrid|}⏎    persistence:⏎      scope: ${3|local,shared|}⏎      durability: ${4|ephemeral,persistent|}⏎    dataCriticality: ${5|low,medium,high|}
        scaling [Field] 2:1-2:4 → scaling:⏎  
        metadata [Field] 2:1-2:4 → metadata:⏎  
    "#]],
    );
}

#[test]
fn completion_service_keys() {
    check(
        "pactoVersion: \"1.0\"\nservice:\n  name: a\n  $0\n",
        expect![[r#"
        version [Field] 4:3-4:3 → version: $1
        owner [Field] 4:3-4:3 → owner: $1
        image [Field] 4:3-4:3 → image:⏎    ref: $1
    "#]],
    );
}

#[test]
fn completion_state_type_values() {
    check(
        "pactoVersion: \"1.0\"\nruntime:\n  state:\n    type: $0\n",
        expect![[r#"
        stateless [Value] 4:11-4:11 → stateless
        stateful [Value] 4:11-4:11 → stateful
        hybrid [Value] 4:11-4:11 → hybrid
    "#]],
    );
}

#[test]
fn completion_interface_type_values_with_prefix() {
    check(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - name: a\n    type: gr$0\n",
        expect![[r#"
        http [Value] 4:11-4:13 → http
        grpc [Value] 4:11-4:13 → grpc
        event [Value] 4:11-4:13 → event
    "#]],
    );
}

#[test]
fn completion_workload_values() {
    check(
        "runtime:\n  workload: $0\n",
        expect![[r#"
        service [Value] 2:13-2:13 → service
        job [Value] 2:13-2:13 → job
        scheduled [Value] 2:13-2:13 → scheduled
    "#]],
    );
}

#[test]
fn completion_health_interface_names() {
    check(
        "interfaces:\n  - name: api\n    type: http\n  - name: admin\n    type: grpc\nruntime:\n  health:\n    interface: $0\n",
        expect![[r#"
            api [Value] 8:16-8:16 → api
            admin [Value] 8:16-8:16 → admin
        "#]],
    );
}

#[test]
fn completion_contract_file_paths_from_the_bundle() {
    check(
        r#"
pactoVersion: "1.0"
interfaces:
  - name: api
    type: http
    contract: $0
//- interfaces/openapi.yaml
openapi: 3.0.0
//- interfaces/events.yaml
asyncapi: 2.6.0
//- configuration/schema.json
{}
"#,
        expect![[r#"
            configuration/schema.json [File] 5:15-5:15 → configuration/schema.json
            interfaces/events.yaml [File] 5:15-5:15 → interfaces/events.yaml
            interfaces/openapi.yaml [File] 5:15-5:15 → interfaces/openapi.yaml
        "#]],
    );
}

#[test]
fn completion_pacto_version() {
    check(
        "pactoVersion: $0\n",
        expect![[r#"
        "1.0" [Value] 1:15-1:15 → "1.0"
    "#]],
    );
}

#[test]
fn completion_in_an_empty_file_offers_a_whole_contract() {
    check(
        "$0",
        expect![[r#"
        pacto contract [Snippet] 1:1-1:1 → pactoVersion: "1.0"⏎⏎service:⏎  name: ${1:my-service}⏎  version: ${2:0.1.0}⏎  owner: ${3:team/my-team}⏎⏎interfaces:⏎  - name: ${4:api}⏎    type: ${5|http,grpc,event|}⏎    port: ${6:8080}⏎⏎runtime:⏎  workload: ${7|service,job,scheduled|}⏎  state:⏎    type: ${8|stateless,stateful,hybrid|}⏎    persistence:⏎      scope: ${9|local,shared|}⏎      durability: ${10|ephemeral,persistent|}⏎    dataCriticality: ${11|low,medium,high|}⏎⏎scaling:⏎  min: ${12:1}⏎  max: ${13:3}⏎
    "#]],
    );
}

#[test]
fn completion_under_metadata_offers_nothing() {
    check("pactoVersion: \"1.0\"\nmetadata:\n  $0\n", expect![[""]]);
}

#[test]
fn completion_dependency_keys() {
    check(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.io/a/b:1.0.0\n    $0\n",
        expect![[r#"
        required [Field] 4:5-4:5 → required: $1
        compatibility [Field] 4:5-4:5 → compatibility: $1
    "#]],
    );
}
