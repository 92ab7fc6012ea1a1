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
