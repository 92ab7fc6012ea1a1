//! Quick fixes with their exact edits, on `$0…$0` ranges over the findings.

use expect_test::expect;

use super::check_cases;
use crate::features::code_action::code_actions;
use crate::fixture::fixture;

/// `title [CODE] (preferred)` then each edit as `range → text`.
fn render(fixture_text: &str) -> String {
    let it = fixture(fixture_text);
    let mut actual = String::new();
    for fix in code_actions(&it.analysis, it.range) {
        let preferred = if fix.preferred { " (preferred)" } else { "" };
        actual.push_str(&format!("{} [{}] on {}{preferred}\n", fix.title, fix.code.as_str(), it.span(fix.fixes)));
        for (span, text) in &fix.edits {
            actual.push_str(&format!("  {} → {:?}\n", it.span(*span), text));
        }
    }
    actual
}

/// The 1.0 fixes; a case with nothing under its name is offered none.
#[test]
fn code_action_fixes() {
    check_cases(
        &[
            ("misspelt_key", "pactoVersion: \"1.0\"\nservice:\n  nme$0$0: a\n  version: 1.0.0\n"),
            (
                "invalid_enum_value",
                "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\nruntime:\n  workload: servise$0$0\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n",
            ),
            ("unquoted_pacto_version", "pactoVersion: 1.0$0$0\nservice: {name: a, version: 1.0.0}\n"),
            (
                "scaling_min_above_max",
                "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\nsca$0ling:\n  min: 5\n  max: 2$0\n",
            ),
            (
                "stateless_persistent_conflict",
                "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence:\n      scope: local\n      durability: persis$0tent$0\n    dataCriticality: low\n",
            ),
            (
                "dangling_health_interface",
                "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n  health:\n    interface: ap$0$0p\n    path: /health\n",
            ),
            (
                "missing_health_path",
                "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n  $0health:\n    interface: api$0\n",
            ),
            (
                "away_from_any_finding_offers_nothing",
                "pactoVersion: \"1.0\"\nser$0$0vice: {name: a, version: 1.0.0}\nscaling: {min: 5, max: 2}\n",
            ),
        ],
        render,
        expect![[r#"
            === misspelt_key
            Rename to `name` [PARSE_ERROR] on 3:3-3:6 (preferred)
              3:3-3:6 → "name"
            === invalid_enum_value
            Replace with `service` [SCHEMA_VIOLATION] on 4:13-4:20 (preferred)
              4:13-4:20 → "service"
            === unquoted_pacto_version
            Quote the version: "1.0" [SCHEMA_VIOLATION] on 1:15-1:18 (preferred)
              1:15-1:18 → "\"1.0\""
            === scaling_min_above_max
            Swap `min` and `max` [SCALING_MIN_EXCEEDS_MAX] on 3:1-3:8 (preferred)
              4:8-4:9 → "2"
              5:8-5:9 → "5"
            === stateless_persistent_conflict
            Use ephemeral durability [SCHEMA_VIOLATION] on 9:19-9:29 (preferred)
              9:19-9:29 → "ephemeral"
            Make the service stateful [SCHEMA_VIOLATION] on 9:19-9:29
              6:11-6:20 → "stateful"
            === dangling_health_interface
            Point the health check at `api` [HEALTH_INTERFACE_NOT_FOUND] on 14:16-14:19
              14:16-14:19 → "api"
            === missing_health_path
            Add `path` [HEALTH_PATH_REQUIRED] on 13:3-13:9 (preferred)
              14:19-14:19 → "\n    path: /health"
            === away_from_any_finding_offers_nothing
        "#]],
    );
}

/// A 2.0 contract that passes every layer, to which each case adds its fault.
const V2_HEAD: &str = "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - {name: rest-api, type: openapi, ref: api.yaml}\n  - {name: events, type: asyncapi, ref: events.yaml}\n";
const V2_FILES: &str = "//- api.yaml\nopenapi: 3.0.0\n//- events.yaml\nasyncapi: 2.6.0\n";

fn v2(body: &str) -> String {
    format!("//- pacto.yaml\n{V2_HEAD}{body}{V2_FILES}")
}

/// The 2.0 fixes, each case's fault added to `V2_HEAD`.
#[test]
fn code_action_v2_fixes() {
    check_cases(
        &[
            ("unquoted_version", "pactoVersion: 2.0$0$0\nservice: {name: a, version: 1.0.0}\n"),
            ("misspelt_key", &v2("  - {name: rpc, type: grpc, ref: api.yaml, visibilty$0$0: public}\n")),
            (
                "string_owner_becomes_its_team",
                "pactoVersion: \"2.0\"\nservice:\n  name: a\n  version: 1.0.0\n  owner: team/pay$0$0ments\n",
            ),
            (
                "flow_string_owner_becomes_its_team",
                "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0, owner: team/pay$0$0ments}\n",
            ),
            // Not a team name: where it belongs is the author's call.
            (
                "string_owner_not_a_team_name",
                "pactoVersion: \"2.0\"\nservice:\n  name: a\n  version: 1.0.0\n  owner: Jane Doe$0$0\n",
            ),
            ("invalid_interface_type", &v2("  - {name: rpc, type: gprc$0$0, ref: api.yaml}\n")),
            (
                "binding_to_a_misspelt_interface",
                &v2("capabilities:\n  - type: health\n    binding: {type: http, interface: rest-apj$0$0}\n"),
            ),
            (
                "binding_to_an_unrelated_name_offers_each_interface",
                &v2("capabilities:\n  - type: health\n    binding: {type: http, interface: zzz$0$0}\n"),
            ),
            // The finding is shown on the item's first key.
            (
                "dependency_without_required",
                &v2("dependencies:\n  - na$0$0me: auth\n    ref: ../auth\n    compatibility: ^1.0.0\n"),
            ),
            ("configuration_without_required", &v2("configurations:\n  - {na$0$0me: env, schema: api.yaml}\n")),
            (
                "readiness_expires_written_canonically",
                &v2(
                    "readiness:\n  expires: 2099-6-3$0$0\n  history:\n    - {date: \"2026-1-15\", version: 1.0.0, author: me, description: first}\n  claims:\n    - {id: a, type: other, status: done, evidence: x, weight: 1}\n",
                ),
            ),
            (
                "readiness_revision_date_written_canonically",
                &v2(
                    "readiness:\n  expires: 2099-6-3\n  history:\n    - {date: \"2026-1-15$0$0\", version: 1.0.0, author: me, description: first}\n  claims:\n    - {id: a, type: other, status: done, evidence: x, weight: 1}\n",
                ),
            ),
            // Not a calendar day: no fix guesses which one was meant.
            (
                "readiness_date_not_a_calendar_day",
                &v2(
                    "readiness:\n  expires: 2099-2-30$0$0\n  claims:\n    - {id: a, type: other, status: done, evidence: x, weight: 1}\n",
                ),
            ),
            (
                "duplicates_have_no_fix",
                &v2("policies:\n  - {name: p, schema: api.yaml}\n  - {name: p$0$0, schema: events.yaml}\n"),
            ),
            (
                "stateless_and_persistent",
                &v2(
                    "state:\n  type: stateless\n  persistence: {scope: local, durability: persistent$0$0}\n  dataCriticality: low\n",
                ),
            ),
        ],
        render,
        expect![[r#"
            === unquoted_version
            Quote the version: "2.0" [SCHEMA_VIOLATION] on 1:15-1:18 (preferred)
              1:15-1:18 → "\"2.0\""
            === misspelt_key
            Rename to `visibility` [PARSE_ERROR] on 6:44-6:53 (preferred)
              6:44-6:53 → "visibility"
            === string_owner_becomes_its_team
            Write the owner as `team: team/payments` [PARSE_ERROR] on 5:10-5:23 (preferred)
              5:9-5:23 → "\n    team: team/payments"
            === flow_string_owner_becomes_its_team
            Write the owner as `team: team/payments` [PARSE_ERROR] on 2:43-2:56 (preferred)
              2:43-2:56 → "{team: team/payments}"
            === string_owner_not_a_team_name
            === invalid_interface_type
            Replace with `grpc` [SCHEMA_VIOLATION] on 6:23-6:27 (preferred)
              6:23-6:27 → "grpc"
            === binding_to_a_misspelt_interface
            Bind to interface `rest-api` [CAPABILITY_INTERFACE_UNKNOWN] on 8:38-8:46 (preferred)
              8:38-8:46 → "rest-api"
            === binding_to_an_unrelated_name_offers_each_interface
            Bind to interface `rest-api` [CAPABILITY_INTERFACE_UNKNOWN] on 8:38-8:41
              8:38-8:41 → "rest-api"
            Bind to interface `events` [CAPABILITY_INTERFACE_UNKNOWN] on 8:38-8:41
              8:38-8:41 → "events"
            === dependency_without_required
            Add `required` [SCHEMA_VIOLATION] on 7:5-7:9 (preferred)
              9:26-9:26 → "\n    required: true"
            === configuration_without_required
            Add `required` [SCHEMA_VIOLATION] on 7:6-7:10 (preferred)
              7:33-7:33 → ", required: true"
            === readiness_expires_written_canonically
            Write the date as `2099-06-03` [INVALID_READINESS_EXPIRES] on 7:12-7:20 (preferred)
              7:12-7:20 → "2099-06-03"
            === readiness_revision_date_written_canonically
            Write the date as `2026-01-15` [INVALID_READINESS_REVISION] on 9:14-9:25 (preferred)
              9:14-9:25 → "2026-01-15"
            === readiness_date_not_a_calendar_day
            === duplicates_have_no_fix
            === stateless_and_persistent
            Use ephemeral durability [SCHEMA_VIOLATION] on 8:43-8:53 (preferred)
              8:43-8:53 → "ephemeral"
            Make the service stateful [SCHEMA_VIOLATION] on 8:43-8:53
              7:9-7:18 → "stateful"
        "#]],
    );
}

/// All sources together: the contract's fixes and, on the `pactoVersion` of a valid 1.0 contract, the migration;
/// nothing from the registry (no dependency) or the published version (no repository).
#[test]
fn code_action_sources_merged() {
    use crate::features::Known;
    use crate::features::code_action::{Document, actions};
    use crate::session::Session;

    let session = Session::default();
    let known = Known::of(&session);
    let document = Document { key: "file:///bundle/pacto.yaml", repository: None };
    let render = |fixture_text: &str| {
        let it = fixture(fixture_text);
        let found = actions(&it.analysis, &known, &document, it.range);
        assert_eq!(found.contract, code_actions(&it.analysis, it.range));
        assert!(found.registry.is_empty());
        assert_eq!(found.bump, None);
        let titles: Vec<&str> = found.contract.iter().map(|fix| fix.title.as_str()).collect();
        format!("{titles:?} migration on {:?}\n", found.migration.map(|action| it.span(action.on)))
    };
    let valid = "pactoVersion: \"1.0\"$0$0\nservice: {name: a, version: 1.0.0}\nruntime:\n  workload: service\n  state:\n    type: stateless\n    persistence: {scope: local, durability: ephemeral}\n    dataCriticality: low\n";
    let actual = render("pactoVersion: 1.0$0$0\nservice: {name: a, version: 1.0.0}\n") + &render(valid);
    expect![[r#"
        ["Quote the version: \"1.0\""] migration on None
        [] migration on Some("1:1-1:13")
    "#]]
    .assert_eq(&actual);
}
