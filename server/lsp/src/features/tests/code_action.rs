//! Quick fixes with their exact edits, on `$0…$0` ranges over the findings.

use expect_test::{Expect, expect};

use crate::features::code_action::code_actions;
use crate::fixture::fixture;

/// `title [CODE] (preferred)` then each edit as `range → text`.
fn check(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let mut actual = String::new();
    for fix in code_actions(&it.analysis, it.range) {
        let preferred = if fix.preferred { " (preferred)" } else { "" };
        actual.push_str(&format!("{} [{}] on {}{preferred}\n", fix.title, fix.code.as_str(), it.span(fix.fixes)));
        for (span, text) in &fix.edits {
            actual.push_str(&format!("  {} → {:?}\n", it.span(*span), text));
        }
    }
    expect.assert_eq(&actual);
}

#[test]
fn code_action_misspelt_key() {
    check(
        "pactoVersion: \"1.0\"\nservice:\n  nme$0$0: a\n  version: 1.0.0\n",
        expect![[r#"
        Rename to `name` [PARSE_ERROR] on 3:3-3:6 (preferred)
          3:3-3:6 → "name"
    "#]],
    );
}

#[test]
fn code_action_invalid_enum_value() {
    check(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\nruntime:\n  workload: servise$0$0\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n",
        expect![[r#"
            Replace with `service` [SCHEMA_VIOLATION] on 4:13-4:20 (preferred)
              4:13-4:20 → "service"
        "#]],
    );
}

#[test]
fn code_action_unquoted_pacto_version() {
    check(
        "pactoVersion: 1.0$0$0\nservice: {name: a, version: 1.0.0}\n",
        expect![[r#"
        Quote the version: "1.0" [SCHEMA_VIOLATION] on 1:15-1:18 (preferred)
          1:15-1:18 → "\"1.0\""
    "#]],
    );
}

#[test]
fn code_action_scaling_min_above_max() {
    check(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\nsca$0ling:\n  min: 5\n  max: 2$0\n",
        expect![[r#"
        Swap `min` and `max` [SCALING_MIN_EXCEEDS_MAX] on 3:1-3:8 (preferred)
          4:8-4:9 → "2"
          5:8-5:9 → "5"
    "#]],
    );
}

#[test]
fn code_action_stateless_persistent_conflict() {
    check(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence:\n      scope: local\n      durability: persis$0tent$0\n    dataCriticality: low\n",
        expect![[r#"
            Use ephemeral durability [SCHEMA_VIOLATION] on 9:19-9:29 (preferred)
              9:19-9:29 → "ephemeral"
            Make the service stateful [SCHEMA_VIOLATION] on 9:19-9:29
              6:11-6:20 → "stateful"
        "#]],
    );
}

#[test]
fn code_action_dangling_health_interface() {
    check(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n  health:\n    interface: ap$0$0p\n    path: /health\n",
        expect![[r#"
            Point the health check at `api` [HEALTH_INTERFACE_NOT_FOUND] on 14:16-14:19
              14:16-14:19 → "api"
        "#]],
    );
}

#[test]
fn code_action_missing_health_path() {
    check(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n  $0health:\n    interface: api$0\n",
        expect![[r#"
            Add `path` [HEALTH_PATH_REQUIRED] on 13:3-13:9 (preferred)
              14:19-14:19 → "\n    path: /health"
        "#]],
    );
}

#[test]
fn code_action_away_from_any_finding_offers_nothing() {
    check("pactoVersion: \"1.0\"\nser$0$0vice: {name: a, version: 1.0.0}\nscaling: {min: 5, max: 2}\n", expect![[""]]);
}

/// A 2.0 contract that passes every layer, to which each case adds its fault.
const V2_HEAD: &str = "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - {name: rest-api, type: openapi, ref: api.yaml}\n  - {name: events, type: asyncapi, ref: events.yaml}\n";
const V2_FILES: &str = "//- api.yaml\nopenapi: 3.0.0\n//- events.yaml\nasyncapi: 2.6.0\n";

fn check_v2(body: &str, expect: Expect) {
    check(&format!("//- pacto.yaml\n{V2_HEAD}{body}{V2_FILES}"), expect);
}

#[test]
fn code_action_v2_binding_to_a_misspelt_interface() {
    check_v2(
        "capabilities:\n  - type: health\n    binding: {type: http, interface: rest-apj$0$0}\n",
        expect![[r#"
            Bind to interface `rest-api` [CAPABILITY_INTERFACE_UNKNOWN] on 8:38-8:46 (preferred)
              8:38-8:46 → "rest-api"
        "#]],
    );
}

#[test]
fn code_action_v2_binding_to_an_unrelated_name_offers_each_interface() {
    check_v2(
        "capabilities:\n  - type: health\n    binding: {type: http, interface: zzz$0$0}\n",
        expect![[r#"
        Bind to interface `rest-api` [CAPABILITY_INTERFACE_UNKNOWN] on 8:38-8:41
          8:38-8:41 → "rest-api"
        Bind to interface `events` [CAPABILITY_INTERFACE_UNKNOWN] on 8:38-8:41
          8:38-8:41 → "events"
    "#]],
    );
}

#[test]
fn code_action_v2_dependency_without_required() {
    // The finding is shown on the item's first key.
    check_v2(
        "dependencies:\n  - na$0$0me: auth\n    ref: ../auth\n    compatibility: ^1.0.0\n",
        expect![[r#"
            Add `required` [SCHEMA_VIOLATION] on 7:5-7:9 (preferred)
              9:26-9:26 → "\n    required: true"
        "#]],
    );
}

#[test]
fn code_action_v2_invalid_interface_type() {
    check_v2(
        "  - {name: rpc, type: gprc$0$0, ref: api.yaml}\n",
        expect![[r#"
        Replace with `grpc` [SCHEMA_VIOLATION] on 6:23-6:27 (preferred)
          6:23-6:27 → "grpc"
    "#]],
    );
}

#[test]
fn code_action_v2_unquoted_version() {
    check(
        "pactoVersion: 2.0$0$0\nservice: {name: a, version: 1.0.0}\n",
        expect![[r#"
        Quote the version: "2.0" [SCHEMA_VIOLATION] on 1:15-1:18 (preferred)
          1:15-1:18 → "\"2.0\""
    "#]],
    );
}

#[test]
fn code_action_v2_stateless_and_persistent() {
    check_v2(
        "state:\n  type: stateless\n  persistence: {scope: local, durability: persistent$0$0}\n  dataCriticality: low\n",
        expect![[r#"
            Use ephemeral durability [SCHEMA_VIOLATION] on 8:43-8:53 (preferred)
              8:43-8:53 → "ephemeral"
            Make the service stateful [SCHEMA_VIOLATION] on 8:43-8:53
              7:9-7:18 → "stateful"
        "#]],
    );
}

#[test]
fn code_action_v2_readiness_dates_written_canonically() {
    check_v2(
        "readiness:\n  expires: 2099-6-3$0$0\n  history:\n    - {date: \"2026-1-15\", version: 1.0.0, author: me, description: first}\n  claims:\n    - {id: a, type: other, status: done, evidence: x, weight: 1}\n",
        expect![[r#"
            Write the date as `2099-06-03` [INVALID_READINESS_EXPIRES] on 7:12-7:20 (preferred)
              7:12-7:20 → "2099-06-03"
        "#]],
    );
    check_v2(
        "readiness:\n  expires: 2099-6-3\n  history:\n    - {date: \"2026-1-15$0$0\", version: 1.0.0, author: me, description: first}\n  claims:\n    - {id: a, type: other, status: done, evidence: x, weight: 1}\n",
        expect![[r#"
            Write the date as `2026-01-15` [INVALID_READINESS_REVISION] on 9:14-9:25 (preferred)
              9:14-9:25 → "2026-01-15"
        "#]],
    );
    // Not a calendar day: no fix guesses which one was meant.
    check_v2(
        "readiness:\n  expires: 2099-2-30$0$0\n  claims:\n    - {id: a, type: other, status: done, evidence: x, weight: 1}\n",
        expect![[r#""#]],
    );
}

#[test]
fn code_action_v2_misspelt_key() {
    check_v2(
        "  - {name: rpc, type: grpc, ref: api.yaml, visibilty$0$0: public}\n",
        expect![[r#"
        Rename to `visibility` [PARSE_ERROR] on 6:44-6:53 (preferred)
          6:44-6:53 → "visibility"
    "#]],
    );
}

#[test]
fn code_action_v2_duplicates_have_no_fix() {
    check_v2("policies:\n  - {name: p, schema: api.yaml}\n  - {name: p$0$0, schema: events.yaml}\n", expect![[r#""#]]);
}

#[test]
fn code_action_v2_configuration_without_required() {
    check_v2(
        "configurations:\n  - {na$0$0me: env, schema: api.yaml}\n",
        expect![[r#"
        Add `required` [SCHEMA_VIOLATION] on 7:6-7:10 (preferred)
          7:33-7:33 → ", required: true"
    "#]],
    );
}

#[test]
fn code_action_v2_string_owner_becomes_its_team() {
    check(
        "pactoVersion: \"2.0\"\nservice:\n  name: a\n  version: 1.0.0\n  owner: team/pay$0$0ments\n",
        expect![[r#"
        Write the owner as `team: team/payments` [PARSE_ERROR] on 5:10-5:23 (preferred)
          5:9-5:23 → "\n    team: team/payments"
    "#]],
    );
    check(
        "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0, owner: team/pay$0$0ments}\n",
        expect![[r#"
        Write the owner as `team: team/payments` [PARSE_ERROR] on 2:43-2:56 (preferred)
          2:43-2:56 → "{team: team/payments}"
    "#]],
    );
    // Not a team name: where it belongs is the author's call.
    check("pactoVersion: \"2.0\"\nservice:\n  name: a\n  version: 1.0.0\n  owner: Jane Doe$0$0\n", expect![[r#""#]]);
}
