//! Completion: missing keys, enum values, interface names, bundle files, versions, whole contracts.

use expect_test::expect;

use super::check_cases;
use crate::features::completion::{SKELETON_V1, SKELETON_V2, contract_completion as completion};
use crate::fixture::fixture;

/// `label [kind] replace → insert` per entry, in the server's order.
fn render(fixture_text: &str) -> String {
    let it = fixture(fixture_text);
    completion(&it.analysis, it.offset)
        .iter()
        .map(|entry| {
            let insert = entry.insert.replace('\n', "⏎");
            format!("{} [{:?}] {} → {}\n", entry.label, entry.kind, it.span(entry.replace), insert)
        })
        .collect()
}

/// 1.0 contracts: each case the entries offered at its `$0`; a case with nothing under its name is offered none.
#[test]
fn completion_cases() {
    check_cases(
        &[
            ("top_level_keys_not_yet_written", "pactoVersion: \"1.0\"\nser$0\n"),
            ("service_keys", "pactoVersion: \"1.0\"\nservice:\n  name: a\n  $0\n"),
            (
                "health_interface_names",
                "interfaces:\n  - name: api\n    type: http\n  - name: admin\n    type: grpc\nruntime:\n  health:\n    interface: $0\n",
            ),
            ("pacto_version", "pactoVersion: $0\n"),
            ("under_metadata_offers_nothing", "pactoVersion: \"1.0\"\nmetadata:\n  $0\n"),
            ("state_type_values", "pactoVersion: \"1.0\"\nruntime:\n  state:\n    type: $0\n"),
            ("in_an_empty_file_offers_a_2_0_then_a_1_0_contract", "$0"),
            ("dependency_keys", "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.io/a/b:1.0.0\n    $0\n"),
            ("workload_values", "runtime:\n  workload: $0\n"),
            (
                "contract_file_paths_from_the_bundle",
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
            ),
            ("interface_type_values_with_prefix", "pactoVersion: \"1.0\"\ninterfaces:\n  - name: a\n    type: gr$0\n"),
        ],
        render,
        expect![[r#"
            === top_level_keys_not_yet_written
            service [Field] 2:1-2:4 → service:⏎  name: $1⏎  version: $2
            interfaces [Field] 2:1-2:4 → interfaces:⏎  - name: $1⏎    type: ${2|http,grpc,event|}
            configuration [Field] 2:1-2:4 → configuration:⏎  schema: $1
            dependencies [Field] 2:1-2:4 → dependencies:⏎  - ref: $1⏎    compatibility: $2
            runtime [Field] 2:1-2:4 → runtime:⏎  workload: ${1|service,job,scheduled|}⏎  state:⏎    type: ${2|stateless,stateful,hybrid|}⏎    persistence:⏎      scope: ${3|local,shared|}⏎      durability: ${4|ephemeral,persistent|}⏎    dataCriticality: ${5|low,medium,high|}
            scaling [Field] 2:1-2:4 → scaling:⏎  
            metadata [Field] 2:1-2:4 → metadata:⏎  
            === service_keys
            version [Field] 4:3-4:3 → version: $1
            owner [Field] 4:3-4:3 → owner: $1
            image [Field] 4:3-4:3 → image:⏎    ref: $1
            === health_interface_names
            api [Value] 8:16-8:16 → api
            admin [Value] 8:16-8:16 → admin
            === pacto_version
            "1.0" [Value] 1:15-1:15 → "1.0"
            === under_metadata_offers_nothing
            === state_type_values
            stateless [Value] 4:11-4:11 → stateless
            stateful [Value] 4:11-4:11 → stateful
            hybrid [Value] 4:11-4:11 → hybrid
            === in_an_empty_file_offers_a_2_0_then_a_1_0_contract
            pacto contract [Snippet] 1:1-1:1 → pactoVersion: "2.0"⏎⏎service:⏎  name: ${1:my-service}⏎  version: ${2:0.1.0}⏎  owner:⏎    team: ${3:my-team}⏎⏎# Every interface names its spec file in the bundle (OpenAPI, AsyncAPI or gRPC):⏎# interfaces:⏎#   - name: api⏎#     type: openapi⏎#     ref: interfaces/openapi.yaml⏎⏎workload: ${4|service,job,scheduled|}⏎⏎state:⏎  type: ${5|stateless,stateful,hybrid|}⏎  persistence:⏎    scope: ${6|local,shared|}⏎    durability: ${7|ephemeral,persistent|}⏎  dataCriticality: ${8|low,medium,high|}⏎⏎capabilities:⏎  - type: ${9|health,metrics|}⏎
            pacto contract (1.0) [Snippet] 1:1-1:1 → pactoVersion: "1.0"⏎⏎service:⏎  name: ${1:my-service}⏎  version: ${2:0.1.0}⏎  owner: ${3:team/my-team}⏎⏎interfaces:⏎  - name: ${4:api}⏎    type: ${5|http,grpc,event|}⏎    port: ${6:8080}⏎⏎runtime:⏎  workload: ${7|service,job,scheduled|}⏎  state:⏎    type: ${8|stateless,stateful,hybrid|}⏎    persistence:⏎      scope: ${9|local,shared|}⏎      durability: ${10|ephemeral,persistent|}⏎    dataCriticality: ${11|low,medium,high|}⏎⏎scaling:⏎  min: ${12:1}⏎  max: ${13:3}⏎
            === dependency_keys
            required [Field] 4:5-4:5 → required: $1
            compatibility [Field] 4:5-4:5 → compatibility: $1
            === workload_values
            service [Value] 2:13-2:13 → service
            job [Value] 2:13-2:13 → job
            scheduled [Value] 2:13-2:13 → scheduled
            === contract_file_paths_from_the_bundle
            configuration/schema.json [File] 5:15-5:15 → configuration/schema.json
            interfaces/events.yaml [File] 5:15-5:15 → interfaces/events.yaml
            interfaces/openapi.yaml [File] 5:15-5:15 → interfaces/openapi.yaml
            === interface_type_values_with_prefix
            http [Value] 4:11-4:13 → http
            grpc [Value] 4:11-4:13 → grpc
            event [Value] 4:11-4:13 → event
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

/// 2.0 contracts, as `completion_cases`.
#[test]
fn completion_v2_cases() {
    let files = "//- interfaces/openapi.yaml\nopenapi: 3.0.0\n//- policy/schema.json\n{}\n";
    check_cases(
        &[
            ("top_level_keys_from_the_2_0_model", "pactoVersion: \"2.0\"\nser$0\n"),
            ("interface_type_values", "pactoVersion: \"2.0\"\ninterfaces:\n  - name: api\n    type: $0\n"),
            ("visibility_values", "pactoVersion: \"2.0\"\ninterfaces:\n  - name: api\n    visibility: $0\n"),
            (
                "binding_interface_offers_the_declared_interfaces",
                "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: rest-api, type: openapi, ref: a.yaml}\n  - {name: rpc, type: grpc, ref: b.proto}\ncapabilities:\n  - type: health\n    binding:\n      type: http\n      interface: r$0\n",
            ),
            ("health_capability_keys", "pactoVersion: \"2.0\"\ncapabilities:\n  - type: health\n    $0\n"),
            ("extension_capability_keys", "pactoVersion: \"2.0\"\ncapabilities:\n  - type: extension\n    $0\n"),
            ("capability_keys_before_its_type", "pactoVersion: \"2.0\"\ncapabilities:\n  - $0\n"),
            (
                "spec_paths_are_bundle_files",
                &format!(
                    "//- pacto.yaml\npactoVersion: \"2.0\"\ninterfaces:\n  - name: api\n    type: openapi\n    ref: $0\n{files}"
                ),
            ),
            (
                "configuration_schema_paths_are_bundle_files",
                &format!(
                    "//- pacto.yaml\npactoVersion: \"2.0\"\nconfigurations:\n  - name: a\n    schema: $0\n{files}"
                ),
            ),
            (
                "policy_schema_paths_are_bundle_files",
                &format!("//- pacto.yaml\npactoVersion: \"2.0\"\npolicies:\n  - schema: $0\n{files}"),
            ),
            ("dependency_required_values", "pactoVersion: \"2.0\"\ndependencies:\n  - name: a\n    required: $0\n"),
            ("binding_keys", "pactoVersion: \"2.0\"\ncapabilities:\n  - type: metrics\n    binding:\n      $0\n"),
            ("readiness_claim_values", "pactoVersion: \"2.0\"\nreadiness:\n  claims:\n    - id: a\n      status: $0\n"),
            ("version_value", "pactoVersion: \"2.0$0\"\nservice: {name: a, version: 1.0.0}\n"),
            // Without a version the document takes the 1.0 route (pacto-v2.md §2.2), and so does completion.
            ("version_value_without_a_version", "pactoVersion: $0\nservice: {name: a, version: 1.0.0}\n"),
            ("configuration_ref_offers_schemes", "pactoVersion: \"2.0\"\nconfigurations:\n  - name: a\n    ref: $0\n"),
            ("policy_ref_offers_schemes", "pactoVersion: \"2.0\"\npolicies:\n  - name: a\n    ref: $0\n"),
            ("capability_type_values", "pactoVersion: \"2.0\"\ncapabilities:\n  - type: $0\n"),
            ("owner_keys", "pactoVersion: \"2.0\"\nservice:\n  owner:\n    $0\n"),
            (
                "contact_purpose_values",
                "pactoVersion: \"2.0\"\nservice:\n  owner:\n    contacts:\n      - type: email\n        purpose: $0\n",
            ),
        ],
        render,
        expect![[r#"
            === top_level_keys_from_the_2_0_model
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
            === interface_type_values
            openapi [Value] 4:11-4:11 → openapi
            asyncapi [Value] 4:11-4:11 → asyncapi
            grpc [Value] 4:11-4:11 → grpc
            === visibility_values
            public [Value] 4:17-4:17 → public
            internal [Value] 4:17-4:17 → internal
            === binding_interface_offers_the_declared_interfaces
            rest-api [Value] 9:18-9:19 → rest-api
            rpc [Value] 9:18-9:19 → rpc
            === health_capability_keys
            binding [Field] 4:5-4:5 → binding:⏎      type: ${1|http|}⏎      interface: $2
            === extension_capability_keys
            ref [Field] 4:5-4:5 → ref: $1
            === capability_keys_before_its_type
            type [Field] 3:5-3:5 → type: ${1|health,metrics,extension|}
            ref [Field] 3:5-3:5 → ref: $1
            binding [Field] 3:5-3:5 → binding:⏎      type: ${1|http|}⏎      interface: $2
            === spec_paths_are_bundle_files
            interfaces/openapi.yaml [File] 5:10-5:10 → interfaces/openapi.yaml
            policy/schema.json [File] 5:10-5:10 → policy/schema.json
            === configuration_schema_paths_are_bundle_files
            interfaces/openapi.yaml [File] 4:13-4:13 → interfaces/openapi.yaml
            policy/schema.json [File] 4:13-4:13 → policy/schema.json
            === policy_schema_paths_are_bundle_files
            interfaces/openapi.yaml [File] 3:13-3:13 → interfaces/openapi.yaml
            policy/schema.json [File] 3:13-3:13 → policy/schema.json
            === dependency_required_values
            true [Value] 4:15-4:15 → true
            false [Value] 4:15-4:15 → false
            === binding_keys
            type [Field] 5:7-5:7 → type: ${1|http|}
            interface [Field] 5:7-5:7 → interface: $1
            path [Field] 5:7-5:7 → path: $1
            === readiness_claim_values
            done [Value] 5:15-5:15 → done
            partial [Value] 5:15-5:15 → partial
            not-done [Value] 5:15-5:15 → not-done
            deferred [Value] 5:15-5:15 → deferred
            === version_value
            "2.0" [Value] 1:15-1:19 → "2.0"
            === version_value_without_a_version
            "1.0" [Value] 1:15-1:15 → "1.0"
            === configuration_ref_offers_schemes
            oci:// [Value] 4:10-4:10 → oci://
            file:// [Value] 4:10-4:10 → file://
            === policy_ref_offers_schemes
            oci:// [Value] 4:10-4:10 → oci://
            file:// [Value] 4:10-4:10 → file://
            === capability_type_values
            health [Value] 3:11-3:11 → health
            metrics [Value] 3:11-3:11 → metrics
            extension [Value] 3:11-3:11 → extension
            === owner_keys
            team [Field] 4:5-4:5 → team: $1
            dri [Field] 4:5-4:5 → dri: $1
            contacts [Field] 4:5-4:5 → contacts:⏎      - type: ${1|email,url,group,oncall,chat,other|}⏎        value: $2
            === contact_purpose_values
            ownership [Value] 6:18-6:18 → ownership
            support [Value] 6:18-6:18 → support
            escalation [Value] 6:18-6:18 → escalation
            oncall [Value] 6:18-6:18 → oncall
            notifications [Value] 6:18-6:18 → notifications
        "#]],
    );
    // The prefix does not filter (the client does): `dep` is offered what `ser` is, the dependency snippet with it.
    assert_eq!(render("pactoVersion: \"2.0\"\ndep$0\n"), render("pactoVersion: \"2.0\"\nser$0\n"));
}
