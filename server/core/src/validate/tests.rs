//! Both drivers on small contracts; diagnostics render one per line as
//! `line:col-line:col severity CODE path: message`.

use expect_test::{Expect, expect};

use super::{BundleFiles, Mode, validate};
use crate::Severity;

struct Files(&'static [&'static str]);

impl BundleFiles for Files {
    fn contains(&self, path: &str) -> bool {
        self.0.contains(&path)
    }
}

fn render(text: &str, mode: Mode) -> String {
    let validation = validate(text, Some(&Files(&["openapi.yaml", "schema.json"])), mode);
    let mut out = String::new();
    for it in &validation.diagnostics {
        let start = validation.line_index.line_col(text, it.span.start);
        let end = validation.line_index.line_col(text, it.span.end);
        let severity = match it.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "{}:{}-{}:{} {severity} {} {}: {}\n",
            start.line,
            start.column,
            end.line,
            end.column,
            it.code,
            it.path_text(),
            it.message
        ));
        for related in &it.related {
            let at = validation.line_index.line_col(text, related.span.start);
            out.push_str(&format!("  related {}:{}: {}\n", at.line, at.column, related.message));
        }
    }
    if out.is_empty() {
        out.push_str("no findings\n");
    }
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text.trim_start(), Mode::Everything));
}

fn check_reference(text: &str, expect: Expect) {
    expect.assert_eq(&render(text.trim_start(), Mode::Reference));
}

const HEAD: &str = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{}", rest.trim_start())
}

#[test]
fn minimal_contract_is_clean() {
    check(
        HEAD,
        expect![[r#"
        no findings
    "#]],
    );
}

#[test]
fn everything_reports_each_fault_once_across_layers() {
    check(
        r#"
pactoVersion: 1.0
service:
  nme: svc
  version: not-semver
interfaces:
  - name: api
    type: htp
    port: abc
  - name: api
    type: event
    port: 80
    contract: events.yaml
runtime:
  workload: service
  state:
    type: stateless
    persistence: {scope: local, durability: persistent}
    dataCriticality: low
  lifecycle:
    upgradeStrategy: ordered
  health:
    interface: missing
scaling: {min: 5, max: 2}
"#,
        expect![[r#"
            1:15-1:18 error SCHEMA_VIOLATION pactoVersion: at '/pactoVersion': got number, want string
            2:1-2:8 error PARSE_ERROR service.name: service.name is required
            3:3-3:6 error PARSE_ERROR service.nme: field nme not found in type contract.ServiceIdentity; did you mean `name`?
            4:12-4:22 error INVALID_SEMVER service.version: service version "not-semver" is not valid semver: invalid semantic version
            7:11-7:14 error SCHEMA_VIOLATION interfaces.0.type: at '/interfaces/0/type': value must be one of 'http', 'grpc', 'event'
            8:11-8:14 error PARSE_ERROR interfaces[0].port: cannot unmarshal !!str `abc` into int
            9:11-9:14 error DUPLICATE_INTERFACE_NAME interfaces[1].name: interface name "api" is already declared at interfaces[0]
              related 6:11: interfaces[0] declares "api" first
            11:11-11:13 warning PORT_IGNORED interfaces[1].port: port is not applicable for event interface "api"
            12:15-12:26 error FILE_NOT_FOUND interfaces[1].contract: interface contract file "events.yaml" not found in bundle
            17:45-17:55 error SCHEMA_VIOLATION runtime.state.persistence.durability: at '/runtime/state/persistence/durability': value must be 'ephemeral'
            20:22-20:29 warning UPGRADE_STRATEGY_STATE_MISMATCH runtime.lifecycle.upgradeStrategy: ordered upgrade strategy is typically used with stateful services, but state is stateless
            22:16-22:23 error HEALTH_INTERFACE_NOT_FOUND runtime.health.interface: health interface "missing" does not match any declared interface
            23:1-23:8 error SCALING_MIN_EXCEEDS_MAX scaling: scaling min (5) must not exceed max (2)
        "#]],
    );
}

#[test]
fn reference_stops_at_the_first_parse_fault() {
    check_reference(
        "pactoVersion: \"1.0\"\nfoo: 1\nservice:\n  nme: x\n",
        expect![[r#"
        2:1-2:4 error PARSE_ERROR : parse error: failed to parse YAML: yaml: unmarshal errors:
          line 2: field foo not found in type contract.Contract
          line 4: field nme not found in type contract.ServiceIdentity; did you mean `name`?
    "#]],
    );
}

#[test]
fn reference_reports_schema_only_when_schema_fails() {
    check_reference(
        &with_head(
            "interfaces:\n  - name: api\n    type: http\nscaling: {}\nruntime:\n  workload: job\n  state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}\n",
        ),
        expect![[r#"
            6:5-6:9 error SCHEMA_VIOLATION interfaces.0: at '/interfaces/0': missing property 'port'
            8:1-8:8 error SCHEMA_VIOLATION scaling: at '/scaling': missing property 'replicas'
            8:1-8:8 error SCHEMA_VIOLATION scaling: at '/scaling': missing properties 'min', 'max'
        "#]],
    );
}

#[test]
fn reference_keeps_warnings_of_layer_two_with_its_errors() {
    check_reference(
        &with_head(
            "interfaces:\n  - {name: ev, type: event, port: 1, contract: openapi.yaml}\n  - {name: ev, type: http, port: 2}\ndependencies:\n  - {ref: \"oci://ghcr.io/a/b:1.0.0\", compatibility: latest}\n",
        ),
        expect![[r#"
            7:12-7:14 error DUPLICATE_INTERFACE_NAME interfaces[1].name: interface name "ev" is already declared at interfaces[0]
              related 6:12: interfaces[0] declares "ev" first
            6:35-6:36 warning PORT_IGNORED interfaces[0].port: port is not applicable for event interface "ev"
            9:11-9:36 warning TAG_NOT_DIGEST dependencies[0].ref: dependency "oci://ghcr.io/a/b:1.0.0" uses a tag instead of a digest; digest pinning is recommended
            9:53-9:59 error INVALID_COMPATIBILITY dependencies[0].compatibility: invalid compatibility range "latest": invalid semver range "latest": improper constraint: latest
        "#]],
    );
}

#[test]
fn reference_runs_semantic_layer_when_layer_two_is_clean() {
    check_reference(
        &with_head(
            "runtime:\n  workload: service\n  state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}\n  lifecycle: {upgradeStrategy: ordered}\n",
        ),
        expect![[r#"
            8:32-8:39 warning UPGRADE_STRATEGY_STATE_MISMATCH runtime.lifecycle.upgradeStrategy: ordered upgrade strategy is typically used with stateful services, but state is stateless
        "#]],
    );
}

#[test]
fn files_are_checked_against_the_bundle() {
    check(
        &with_head(
            "interfaces:\n  - {name: a, type: http, port: 1, contract: ./openapi.yaml}\n  - {name: b, type: http, port: 2, contract: openapi.yaml}\nconfiguration:\n  schema: missing.json\n",
        ),
        expect![[r#"
            6:46-6:60 error FILE_NOT_FOUND interfaces[0].contract: interface contract file "./openapi.yaml" not found in bundle
            9:11-9:23 error FILE_NOT_FOUND configuration.schema: configuration schema file "missing.json" not found in bundle
        "#]],
    );
}

#[test]
fn nan_is_a_yaml_parse_error() {
    check_reference(
        &with_head("metadata:\n  x: .nan\n"),
        expect![[r#"
        6:6-6:10 error YAML_PARSE_ERROR : json: unsupported value: NaN
    "#]],
    );
}

#[test]
fn syntax_error_while_typing_keeps_the_rest_checked() {
    check(
        &with_head("runtime:\n  wor\n  state:\n    type: stateless\nscaling:\n  min: 3\n  max: 1\n"),
        expect![[r#"
            6:3-6:6 error PARSE_ERROR runtime: cannot unmarshal !!str `wor` into contract.Runtime
            7:8-7:9 error PARSE_ERROR : mapping values are not allowed in this context
            9:1-9:8 error SCALING_MIN_EXCEEDS_MAX scaling: scaling min (3) must not exceed max (1)
        "#]],
    );
}

#[test]
fn empty_document_is_eof() {
    check_reference(
        "",
        expect![[r#"
        1:1-1:1 error PARSE_ERROR : parse error: failed to parse YAML: EOF
    "#]],
    );
    check(
        "",
        expect![[r#"
        1:1-1:1 error PARSE_ERROR : the document is empty
    "#]],
    );
}

#[test]
fn scaling_shape_is_one_clear_finding_in_the_editor() {
    check(
        &with_head("scaling:\n  replicas: 1\n  min: 1\n"),
        expect![[r#"
        5:1-5:8 error SCHEMA_VIOLATION scaling: at '/scaling': scaling takes either `replicas` alone (a fixed count) or both `min` and `max` (a range)
    "#]],
    );
    check_reference(
        &with_head("scaling:\n  replicas: 1\n  min: 1\n"),
        expect![[r#"
        5:1-5:8 error SCHEMA_VIOLATION scaling: at '/scaling': not failed
        5:1-5:8 error SCHEMA_VIOLATION scaling: at '/scaling': missing property 'max'
        5:1-5:8 error SCHEMA_VIOLATION scaling: at '/scaling': not failed
    "#]],
    );
}

#[test]
fn contract_over_the_size_limit_is_refused_whole() {
    let limit = crate::syntax::limits::MAX_CONTRACT_BYTES;
    let at_limit = format!("{HEAD}metadata:\n  blob: \"{}\"\n", "a".repeat(limit - HEAD.len() - 21));
    assert_eq!(at_limit.len(), limit);
    assert!(validate(&at_limit, None, Mode::Everything).is_valid());
    let over = format!("{at_limit} ");
    let validation = validate(&over, None, Mode::Everything);
    let messages: Vec<String> = validation.diagnostics.iter().map(|it| format!("{} {}", it.code, it.message)).collect();
    assert_eq!(
        messages,
        ["PARSE_ERROR the contract is 10485761 bytes, larger than the 10485760-byte limit for a contract"]
    );
}
