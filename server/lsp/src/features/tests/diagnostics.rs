//! Diagnostics of 2.0 contracts as the editor publishes them: every layer at once, each finding on its node.

use expect_test::{Expect, expect};

use crate::fixture::fixture;

/// `line:col-line:col severity CODE path: message`, one per finding, in the published order.
fn check(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual: String = it
        .analysis
        .validation
        .diagnostics
        .iter()
        .map(|d| {
            let severity = format!("{:?}", d.severity).to_lowercase();
            format!("{} {severity} {} {}: {}\n", it.span(d.span), d.code.as_str(), d.path, d.message)
        })
        .collect();
    // The scratch directory's name changes every run.
    let actual = actual.replace(&it.bundle().display().to_string(), "<bundle>");
    expect.assert_eq(&actual);
}

/// The 2.0 service the policy cases start from; each adds the sections it is about.
const HEAD: &str = "pactoVersion: \"2.0\"\nservice:\n  name: payments\n  version: 1.0.0\n";

fn check_v2(body: &str, expect: Expect) {
    check(&format!("{HEAD}{body}"), expect);
}

#[test]
fn diagnostics_v2_policy_violation_points_at_the_offending_node() {
    // The reference reports path "" (pacto-v2.md §3.4): the code, path and message stay, the span is the node's.
    check_v2(
        r#"interfaces:
  - {name: api, type: openapi, ref: api.yaml}
policies:
  - {name: naming, schema: naming.json}
  - {name: complete, schema: complete.json}
//- api.yaml
openapi: 3.0.0
//- naming.json
{"properties": {"service": {"properties": {"name": {"pattern": "^svc-"}}}, "interfaces": {"items": {"properties": {"visibility": {"const": "public"}}, "required": ["visibility"]}}}}
//- complete.json
{"required": ["workload"]}
"#,
        expect![[r#"
            3:9-3:17 error POLICY_VIOLATION : policy policies["naming"]: at '/service/name': 'payments' does not match pattern '^svc-'
            6:6-6:10 error POLICY_VIOLATION : policy policies["naming"]: at '/interfaces/0': missing property 'visibility'
            9:6-9:10 error POLICY_VIOLATION : policy policies["complete"]: at '': missing property 'workload'
        "#]],
    );
}

#[test]
fn diagnostics_v2_string_owner() {
    check(
        "pactoVersion: \"2.0\"\nservice:\n  name: a\n  version: 1.0.0\n  owner: team/payments\n",
        expect![[r#"
        5:10-5:23 error PARSE_ERROR service.owner: cannot unmarshal !!str `team/pa...` into contract.Owner
    "#]],
    );
}

#[test]
fn diagnostics_v2_local_policy_ref_is_enforced_on_the_offending_node() {
    // A local provider bundle without `policies[]`: its `policy/schema.json` applies (pacto-v2.md §3.4).
    check_v2(
        r#"workload: job
policies:
  - {name: org, ref: ./org-policy}
//- org-policy/pacto.yaml
pactoVersion: "2.0"
service: {name: org-policy, version: 1.0.0}
//- org-policy/policy/schema.json
{"properties": {"workload": {"const": "service"}}, "required": ["state"]}
"#,
        expect![[r#"
            5:11-5:14 error POLICY_VIOLATION : policy policies["org"]: at '/workload': value must be 'service'
            7:6-7:10 error POLICY_VIOLATION : policy policies["org"]: at '': missing property 'state'
        "#]],
    );
}

#[test]
fn diagnostics_v2_local_policy_ref_missing_fails_closed() {
    check_v2(
        r#"policies:
  - {name: org, ref: ./nowhere}
"#,
        expect![[r#"
            6:6-6:10 error POLICY_REF_UNRESOLVED : policy policies["org"]: failed to resolve ref "./nowhere": failed to access <bundle>/./nowhere: No such file or directory (os error 2)
        "#]],
    );
}

#[test]
fn diagnostics_v2_oci_policy_ref_unknown_to_the_analysis_fails_closed() {
    // The session fetches it in the background (`deps::policy_refs`); an analysis without it says so.
    check_v2(
        r#"policies:
  - {name: org, ref: "oci://registry.example/acme/org-policy:1.0.0"}
"#,
        expect![[r#"
            6:6-6:10 error POLICY_REF_UNRESOLVED : policy policies["org"]: failed to resolve ref "oci://registry.example/acme/org-policy:1.0.0": not fetched yet; the editor is fetching it from the registry
        "#]],
    );
}
