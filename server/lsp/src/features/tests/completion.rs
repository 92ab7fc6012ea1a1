//! Completion: missing keys, enum values, interface names, bundle files, versions, whole contracts.

use expect_test::{Expect, expect};

use crate::features::completion::{SKELETON_V1, SKELETON_V2, completion};
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
fn completion_in_an_empty_file_offers_a_2_0_then_a_1_0_contract() {
    check(
        "$0",
        expect![[r#"
            pacto contract [Snippet] 1:1-1:1 → pactoVersion: "2.0"⏎⏎service:⏎  name: ${1:my-service}⏎  version: ${2:0.1.0}⏎  owner:⏎    team: ${3:my-team}⏎⏎# Every interface names its spec file in the bundle (OpenAPI, AsyncAPI or gRPC):⏎# interfaces:⏎#   - name: api⏎#     type: openapi⏎#     ref: interfaces/openapi.yaml⏎⏎workload: ${4|service,job,scheduled|}⏎⏎state:⏎  type: ${5|stateless,stateful,hybrid|}⏎  persistence:⏎    scope: ${6|local,shared|}⏎    durability: ${7|ephemeral,persistent|}⏎  dataCriticality: ${8|low,medium,high|}⏎⏎capabilities:⏎  - type: ${9|health,metrics|}⏎
            pacto contract (1.0) [Snippet] 1:1-1:1 → pactoVersion: "1.0"⏎⏎service:⏎  name: ${1:my-service}⏎  version: ${2:0.1.0}⏎  owner: ${3:team/my-team}⏎⏎interfaces:⏎  - name: ${4:api}⏎    type: ${5|http,grpc,event|}⏎    port: ${6:8080}⏎⏎runtime:⏎  workload: ${7|service,job,scheduled|}⏎  state:⏎    type: ${8|stateless,stateful,hybrid|}⏎    persistence:⏎      scope: ${9|local,shared|}⏎      durability: ${10|ephemeral,persistent|}⏎    dataCriticality: ${11|low,medium,high|}⏎⏎scaling:⏎  min: ${12:1}⏎  max: ${13:3}⏎
        "#]],
    );
}

/// A snippet as accepted with every placeholder left at its default (`${1:x}` → `x`, `${1|a,b|}` → `a`).
fn with_defaults(snippet: &str) -> String {
    let mut out = String::new();
    let mut rest = snippet;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let body = &rest[at + 2..];
        let end = body.find('}').expect("a closed placeholder");
        let (_, default) = body[..end].split_once([':', '|']).expect("a placeholder with a default");
        out.push_str(default.split(['|', ',']).next().unwrap());
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn completion_skeletons_are_valid_with_their_defaults() {
    use pacto_core::validate::{DirBundle, Mode, validate};
    assert_eq!(with_defaults("a: ${1:x}\nb: ${2|p,q|}\n"), "a: x\nb: p\n");
    // Where a new contract is written: a directory with nothing else in it.
    let dir = tempfile::tempdir().unwrap();
    let bundle = DirBundle { root: dir.path().to_path_buf() };
    for (skeleton, version) in [(SKELETON_V2, "2.0"), (SKELETON_V1, "1.0")] {
        let text = with_defaults(skeleton);
        assert!(text.starts_with(&format!("pactoVersion: \"{version}\"\n")), "{text}");
        assert!(!text.contains('$'), "{text}");
        let findings: Vec<String> = validate(&text, Some(&bundle), Mode::Everything)
            .diagnostics
            .iter()
            .map(|it| format!("{} {}: {}", it.code.as_str(), it.path, it.message))
            .collect();
        assert_eq!(findings, Vec::<String>::new(), "{version} skeleton:\n{text}");
    }
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

#[test]
fn completion_v2_top_level_keys_from_the_2_0_model() {
    check(
        "pactoVersion: \"2.0\"\nser$0\n",
        expect![[r#"
        service [Field] 2:1-2:4 → service:⏎  name: $1⏎  version: $2
        interfaces [Field] 2:1-2:4 → interfaces:⏎  - name: $1⏎    type: ${2|openapi,asyncapi,grpc|}⏎    ref: $3
        configurations [Field] 2:1-2:4 → configurations:⏎  - name: $1⏎    required: $2
        dependencies [Field] 2:1-2:4 → dependencies:⏎  - name: $1⏎    ref: $2⏎    compatibility: $3⏎    required: $4
        state [Field] 2:1-2:4 → state:⏎  type: ${1|stateless,stateful,hybrid|}⏎  persistence:⏎    scope: ${2|local,shared|}⏎    durability: ${3|ephemeral,persistent|}⏎  dataCriticality: ${4|low,medium,high|}
        workload [Field] 2:1-2:4 → workload: ${1|service,job,scheduled|}
        capabilities [Field] 2:1-2:4 → capabilities:⏎  - type: ${1|health,metrics,extension|}
        policies [Field] 2:1-2:4 → policies:⏎  - name: $1
        readiness [Field] 2:1-2:4 → readiness:⏎  expires: $1⏎  claims:⏎    - id: $2⏎      type: ${3|url,document,ticket,report,artifact,identifier,other|}⏎      status: ${4|done,partial,not-done,deferred|}⏎      evidence: $5⏎      weight: $6
        metadata [Field] 2:1-2:4 → metadata:⏎  
        extensions [Field] 2:1-2:4 → extensions:⏎  
    "#]],
    );
}

#[test]
fn completion_v2_version_value() {
    check(
        "pactoVersion: \"2.0$0\"\nservice: {name: a, version: 1.0.0}\n",
        expect![[r#"
        "2.0" [Value] 1:15-1:19 → "2.0"
    "#]],
    );
    // Without a version the document takes the 1.0 route (pacto-v2.md §2.2), and so does completion.
    check(
        "pactoVersion: $0\nservice: {name: a, version: 1.0.0}\n",
        expect![[r#"
        "1.0" [Value] 1:15-1:15 → "1.0"
    "#]],
    );
}

#[test]
fn completion_v2_interface_type_and_visibility_values() {
    check(
        "pactoVersion: \"2.0\"\ninterfaces:\n  - name: api\n    type: $0\n",
        expect![[r#"
        openapi [Value] 4:11-4:11 → openapi
        asyncapi [Value] 4:11-4:11 → asyncapi
        grpc [Value] 4:11-4:11 → grpc
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\ninterfaces:\n  - name: api\n    visibility: $0\n",
        expect![[r#"
        public [Value] 4:17-4:17 → public
        internal [Value] 4:17-4:17 → internal
    "#]],
    );
}

#[test]
fn completion_v2_capability_keys_follow_its_type() {
    check(
        "pactoVersion: \"2.0\"\ncapabilities:\n  - type: health\n    $0\n",
        expect![[r#"
        binding [Field] 4:5-4:5 → binding:⏎      type: ${1|http|}⏎      interface: $2
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\ncapabilities:\n  - type: extension\n    $0\n",
        expect![[r#"
        ref [Field] 4:5-4:5 → ref: $1
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\ncapabilities:\n  - $0\n",
        expect![[r#"
        type [Field] 3:5-3:5 → type: ${1|health,metrics,extension|}
        ref [Field] 3:5-3:5 → ref: $1
        binding [Field] 3:5-3:5 → binding:⏎      type: ${1|http|}⏎      interface: $2
    "#]],
    );
}

#[test]
fn completion_v2_capability_type_values() {
    check(
        "pactoVersion: \"2.0\"\ncapabilities:\n  - type: $0\n",
        expect![[r#"
        health [Value] 3:11-3:11 → health
        metrics [Value] 3:11-3:11 → metrics
        extension [Value] 3:11-3:11 → extension
    "#]],
    );
}

#[test]
fn completion_v2_binding_interface_offers_the_declared_interfaces() {
    check(
        "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: rest-api, type: openapi, ref: a.yaml}\n  - {name: rpc, type: grpc, ref: b.proto}\ncapabilities:\n  - type: health\n    binding:\n      type: http\n      interface: r$0\n",
        expect![[r#"
            rest-api [Value] 9:18-9:19 → rest-api
            rpc [Value] 9:18-9:19 → rpc
        "#]],
    );
}

#[test]
fn completion_v2_binding_keys() {
    check(
        "pactoVersion: \"2.0\"\ncapabilities:\n  - type: metrics\n    binding:\n      $0\n",
        expect![[r#"
        type [Field] 5:7-5:7 → type: ${1|http|}
        interface [Field] 5:7-5:7 → interface: $1
        path [Field] 5:7-5:7 → path: $1
    "#]],
    );
}

#[test]
fn completion_v2_spec_and_schema_paths_are_bundle_files() {
    let files = "//- interfaces/openapi.yaml\nopenapi: 3.0.0\n//- policy/schema.json\n{}\n";
    check(
        &format!(
            "//- pacto.yaml\npactoVersion: \"2.0\"\ninterfaces:\n  - name: api\n    type: openapi\n    ref: $0\n{files}"
        ),
        expect![[r#"
            interfaces/openapi.yaml [File] 5:10-5:10 → interfaces/openapi.yaml
            policy/schema.json [File] 5:10-5:10 → policy/schema.json
        "#]],
    );
    check(
        &format!("//- pacto.yaml\npactoVersion: \"2.0\"\nconfigurations:\n  - name: a\n    schema: $0\n{files}"),
        expect![[r#"
            interfaces/openapi.yaml [File] 4:13-4:13 → interfaces/openapi.yaml
            policy/schema.json [File] 4:13-4:13 → policy/schema.json
        "#]],
    );
    check(
        &format!("//- pacto.yaml\npactoVersion: \"2.0\"\npolicies:\n  - schema: $0\n{files}"),
        expect![[r#"
        interfaces/openapi.yaml [File] 3:13-3:13 → interfaces/openapi.yaml
        policy/schema.json [File] 3:13-3:13 → policy/schema.json
    "#]],
    );
}

#[test]
fn completion_v2_configuration_and_policy_refs_offer_schemes() {
    check(
        "pactoVersion: \"2.0\"\nconfigurations:\n  - name: a\n    ref: $0\n",
        expect![[r#"
        oci:// [Value] 4:10-4:10 → oci://
        file:// [Value] 4:10-4:10 → file://
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\npolicies:\n  - name: a\n    ref: $0\n",
        expect![[r#"
        oci:// [Value] 4:10-4:10 → oci://
        file:// [Value] 4:10-4:10 → file://
    "#]],
    );
}

#[test]
fn completion_v2_dependency_snippet_and_required_values() {
    check(
        "pactoVersion: \"2.0\"\ndependencies:\n  - name: a\n    required: $0\n",
        expect![[r#"
        true [Value] 4:15-4:15 → true
        false [Value] 4:15-4:15 → false
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\ndep$0\n",
        expect![[r#"
        service [Field] 2:1-2:4 → service:⏎  name: $1⏎  version: $2
        interfaces [Field] 2:1-2:4 → interfaces:⏎  - name: $1⏎    type: ${2|openapi,asyncapi,grpc|}⏎    ref: $3
        configurations [Field] 2:1-2:4 → configurations:⏎  - name: $1⏎    required: $2
        dependencies [Field] 2:1-2:4 → dependencies:⏎  - name: $1⏎    ref: $2⏎    compatibility: $3⏎    required: $4
        state [Field] 2:1-2:4 → state:⏎  type: ${1|stateless,stateful,hybrid|}⏎  persistence:⏎    scope: ${2|local,shared|}⏎    durability: ${3|ephemeral,persistent|}⏎  dataCriticality: ${4|low,medium,high|}
        workload [Field] 2:1-2:4 → workload: ${1|service,job,scheduled|}
        capabilities [Field] 2:1-2:4 → capabilities:⏎  - type: ${1|health,metrics,extension|}
        policies [Field] 2:1-2:4 → policies:⏎  - name: $1
        readiness [Field] 2:1-2:4 → readiness:⏎  expires: $1⏎  claims:⏎    - id: $2⏎      type: ${3|url,document,ticket,report,artifact,identifier,other|}⏎      status: ${4|done,partial,not-done,deferred|}⏎      evidence: $5⏎      weight: $6
        metadata [Field] 2:1-2:4 → metadata:⏎  
        extensions [Field] 2:1-2:4 → extensions:⏎  
    "#]],
    );
}

#[test]
fn completion_v2_owner_and_contacts() {
    check(
        "pactoVersion: \"2.0\"\nservice:\n  owner:\n    $0\n",
        expect![[r#"
        team [Field] 4:5-4:5 → team: $1
        dri [Field] 4:5-4:5 → dri: $1
        contacts [Field] 4:5-4:5 → contacts:⏎      - type: ${1|email,url,group,oncall,chat,other|}⏎        value: $2
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\nservice:\n  owner:\n    contacts:\n      - type: email\n        purpose: $0\n",
        expect![[r#"
            ownership [Value] 6:18-6:18 → ownership
            support [Value] 6:18-6:18 → support
            escalation [Value] 6:18-6:18 → escalation
            oncall [Value] 6:18-6:18 → oncall
            notifications [Value] 6:18-6:18 → notifications
        "#]],
    );
}

#[test]
fn completion_v2_readiness_claim_values() {
    check(
        "pactoVersion: \"2.0\"\nreadiness:\n  claims:\n    - id: a\n      status: $0\n",
        expect![[r#"
            done [Value] 5:15-5:15 → done
            partial [Value] 5:15-5:15 → partial
            not-done [Value] 5:15-5:15 → not-done
            deferred [Value] 5:15-5:15 → deferred
        "#]],
    );
}
