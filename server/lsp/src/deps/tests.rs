//! Dependency features on `$0` fixtures before the registry has answered: what hover, completion and diagnostics
//! say from the text and the bundle alone (what they say once it answered is in `registry_tests.rs`, and against a
//! real registry in `testing/dependencies.rs`).

use std::collections::BTreeSet;

use expect_test::{Expect, expect};

use super::resolve::State;
use super::{completion, diagnostics, hover, words};
use crate::fixture::fixture;

fn check_hover(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual = match hover::hover(&it.analysis, &State::default(), it.offset) {
        Some(info) => format!("{}\n{}\n", it.span(info.span), info.markdown),
        None => "none\n".to_owned(),
    };
    let bundle = it.bundle().canonicalize().unwrap().display().to_string();
    expect.assert_eq(&actual.replace(&bundle, "BUNDLE"));
}

#[test]
fn hover_oci_ref_not_resolved_yet() {
    check_hover(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://registry.example.com/acme/bil$0ling\n    compatibility: ^2.0.0\n",
        expect![[r#"
            3:10-3:49
            **`oci://registry.example.com/acme/billing`**

            resolving…
        "#]],
    );
}

#[test]
fn hover_compatibility_in_words_before_tags_are_known() {
    check_hover(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://registry.example.com/acme/billing\n    compatibility: \">=1.2.0 <2.0$0.0\"\n",
        expect![[r#"
            4:20-4:36
            **`>=1.2.0 <2.0.0`**: ≥ 1.2.0 and < 2.0.0

            Published versions: resolving…
        "#]],
    );
}

#[test]
fn hover_local_ref_summarises_the_bundle() {
    check_hover(
        r#"
//- app/pacto.yaml
pactoVersion: "1.0"
dependencies:
  - ref: ../bil$0ling
    compatibility: ^1.0.0
//- billing/pacto.yaml
pactoVersion: "1.0"
service:
  name: billing
  version: 1.4.0
  owner: team/billing
interfaces:
  - name: api
    type: http
    port: 8080
runtime:
  workload: service
  state: {type: stateless}
"#,
        expect![[r#"
            3:10-3:20
            **`../billing`**

            Local bundle: `BUNDLE/billing/pacto.yaml`

            **billing** 1.4.0 · owner `team/billing`

            - interfaces: `api` http port 8080
            - runtime: service, stateless
            - dependencies: 0
        "#]],
    );
}

#[test]
fn hover_local_ref_to_a_missing_bundle() {
    check_hover(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: ./nowh$0ere\n    compatibility: ^1.0.0\n",
        expect![[r#"
            3:10-3:19
            **`./nowhere`**

            No readable `pacto.yaml` at `BUNDLE/nowhere/pacto.yaml`.
        "#]],
    );
}

/// Completion items as lines: label, sort text, detail, the range they replace.
pub(super) fn item_lines(it: &crate::fixture::Fixture, items: &[completion::Item]) -> String {
    items
        .iter()
        .map(|item| format!("{} [{}] {} {}\n", item.label, item.sort_text, item.detail, it.span(item.replace)))
        .collect()
}

fn check_completion(fixture_text: &str, repositories: &[&str], expect: Expect) {
    let it = fixture(fixture_text);
    let repositories: BTreeSet<String> = repositories.iter().map(|it| (*it).to_owned()).collect();
    let actual = match completion::completion(it.text(), it.offset, &State::default(), &repositories) {
        None => "none\n".to_owned(),
        Some(found) => {
            let mut out = format!(
                "incomplete={} exclusive={} list_tags={:?}\n",
                found.incomplete,
                found.exclusive,
                found.list_tags.map(|it| it.repository_path())
            );
            out.push_str(&item_lines(&it, &found.items));
            out
        }
    };
    expect.assert_eq(&actual);
}

#[test]
fn completion_tags_asked_for_while_the_registry_has_not_answered() {
    check_completion(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://registry.example.com/acme/billing:$0\n",
        &[],
        expect![[r#"
            incomplete=true exclusive=true list_tags=Some("registry.example.com/acme/billing")
        "#]],
    );
}

#[test]
fn completion_repositories_used_elsewhere_in_the_workspace() {
    check_completion(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://$0\n",
        &["oci://registry.example.com/acme/billing", "oci://registry.example.com/acme/ledger"],
        expect![[r#"
            incomplete=false exclusive=false list_tags=None
            oci://registry.example.com/acme/billing [00000] referenced in the workspace 3:10-3:16
            oci://registry.example.com/acme/ledger [00001] referenced in the workspace 3:10-3:16
        "#]],
    );
}

#[test]
fn completion_constraints_from_a_pinned_tag() {
    check_completion(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://registry.example.com/acme/billing:2.1.0\n    compatibility: $0\n",
        &[],
        expect![[r#"
            incomplete=true exclusive=true list_tags=Some("registry.example.com/acme/billing")
        "#]],
    );
}

#[test]
fn completion_outside_dependencies_is_not_ours() {
    check_completion(
        "pactoVersion: \"1.0\"\nservice:\n  name: $0\n",
        &[],
        expect![[r#"
        none
    "#]],
    );
}

#[test]
fn diagnostics_wait_for_the_registry() {
    // Nothing is known yet: no registry finding, rather than a guess.
    let it = fixture(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ndependencies:\n  - ref: oci://registry.example.com/acme/billing:2.1.0$0\n    compatibility: ^2.0.0\n",
    );
    assert_eq!(diagnostics::findings(&it.analysis, &State::default()).len(), 0);
}

#[test]
fn constraints_in_words() {
    let actual: String = ["^1.2.3", "~1.2", ">=1.0.0 <2.0.0", "1.x", "^0.2.0 || ^1.0.0", "*", "nonsense"]
        .iter()
        .map(|it| format!("{it}: {:?}\n", words::describe(it)))
        .collect();
    expect![[r#"
        ^1.2.3: Some("≥ 1.2.3 and < 2.0.0")
        ~1.2: Some("≥ 1.2.0 and < 1.3.0")
        >=1.0.0 <2.0.0: Some("≥ 1.0.0 and < 2.0.0")
        1.x: Some("≥ 1.0.0 and < 2.0.0")
        ^0.2.0 || ^1.0.0: Some("≥ 0.2.0 and < 0.3.0 or ≥ 1.0.0 and < 2.0.0")
        *: Some("any version")
        nonsense: None
    "#]]
    .assert_eq(&actual);
}

#[test]
fn hover_v2_oci_ref_not_resolved_yet() {
    check_hover(
        "pactoVersion: \"2.0\"\ndependencies:\n  - name: billing\n    ref: oci://registry.example.com/acme/bil$0ling\n    required: true\n    compatibility: ^2.0.0\n",
        expect![[r#"
            4:10-4:49
            **`oci://registry.example.com/acme/billing`**

            resolving…
        "#]],
    );
}

#[test]
fn hover_v2_local_ref_summarises_a_2_0_bundle() {
    check_hover(
        r#"
//- app/pacto.yaml
pactoVersion: "2.0"
dependencies:
  - name: billing
    ref: ../bil$0ling
    required: true
    compatibility: ^1.0.0
//- billing/pacto.yaml
pactoVersion: "2.0"
service:
  name: billing
  version: 1.4.0
  owner: {team: billing}
interfaces:
  - {name: api, type: openapi, ref: api.yaml}
workload: service
state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}
"#,
        expect![[r#"
            4:10-4:20
            **`../billing`**

            Local bundle: `BUNDLE/billing/pacto.yaml`

            **billing** 1.4.0 · owner `billing`

            - interfaces: `api` openapi
            - runtime: service, stateless
            - dependencies: 0
        "#]],
    );
}

#[test]
fn hover_v2_oci_policy_ref_not_fetched_yet() {
    let it = fixture(
        "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\npolicies:\n  - {name: org, ref: \"oci://registry.example.com/acme/org$0-policy:1.0.0\"}\n",
    );
    let info = super::policy_refs::hover(&super::policy_refs::State::default(), &it.analysis, it.offset).unwrap();
    assert_eq!(it.span(info.span), "4:22-4:72");
    assert_eq!(
        info.markdown,
        "**`oci://registry.example.com/acme/org-policy:1.0.0`**\n\nPolicy bundle: not fetched yet."
    );
    // A local ref is followed on disk, not through the registry: nothing to say here.
    let local = fixture(
        "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\npolicies:\n  - {name: org, ref: ./o$0rg}\n",
    );
    assert!(super::policy_refs::hover(&super::policy_refs::State::default(), &local.analysis, local.offset).is_none());
}
