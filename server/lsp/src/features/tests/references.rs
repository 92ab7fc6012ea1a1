//! References and rename of interface names, through `runtime.health.interface`.

use expect_test::{Expect, expect};

use super::base_at;
use crate::features::references::references;
use crate::features::rename::{prepare_rename, rename};
use crate::fixture::fixture;

fn check_references(fixture_text: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let actual: String =
        references(&it.analysis, it.offset).iter().map(|span| format!("{}\n", it.span(*span))).collect();
    expect.assert_eq(&actual);
}

fn check_rename(fixture_text: &str, new_name: &str, expect: Expect) {
    let it = fixture(fixture_text);
    let prepared = prepare_rename(&it.analysis, it.offset).map(|span| it.span(span));
    let actual = match rename(&it.analysis, it.offset, new_name) {
        Ok(edits) => {
            let edits: Vec<String> = edits.iter().map(|(span, text)| format!("{} → {text}", it.span(*span))).collect();
            format!("prepare {prepared:?}\n{}\n", edits.join("\n"))
        }
        Err(err) => format!("prepare {prepared:?}\nerror: {err}\n"),
    };
    expect.assert_eq(&actual);
}

#[test]
fn references_from_the_interface_name() {
    check_references(
        &base_at("name: api", 0, 7),
        expect![[r#"
        7:11-7:14
        23:16-23:19
    "#]],
    );
}

#[test]
fn references_from_health_interface() {
    check_references(
        &base_at("interface: api", 0, 11),
        expect![[r#"
        7:11-7:14
        23:16-23:19
    "#]],
    );
}

#[test]
fn references_of_an_unused_interface() {
    check_references(
        &base_at("name: events", 0, 8),
        expect![[r#"
        11:11-11:17
    "#]],
    );
}

#[test]
fn rename_interface_and_its_health_reference() {
    check_rename(
        &base_at("name: api", 0, 7),
        "public-api",
        expect![[r#"
        prepare Some("7:11-7:14")
        7:11-7:14 → public-api
        23:16-23:19 → public-api
    "#]],
    );
}

#[test]
fn rename_refuses_a_name_yaml_would_read_as_another_type() {
    check_rename(
        &base_at("name: api", 0, 7),
        "true",
        expect![[r#"
        prepare Some("7:11-7:14")
        7:11-7:14 → "true"
        23:16-23:19 → "true"
    "#]],
    );
}

#[test]
fn rename_elsewhere_is_not_offered() {
    check_rename(
        &base_at("workload: service", 0, 12),
        "x",
        expect![[r#"
        prepare None
        error: only interface names can be renamed
    "#]],
    );
}

#[test]
fn references_v2_interface_through_capability_bindings() {
    let text = "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: api, type: openapi, ref: a.yaml}\ncapabilities:\n  - type: health\n    binding: {type: http, interface: api}\n  - type: metrics\n    binding: {type: http, interface: \"api\"}\n";
    let at = |nth: usize| {
        let (idx, _) = text.match_indices("api").nth(nth).unwrap();
        format!("{}$0{}", &text[..idx], &text[idx..])
    };
    check_references(
        &at(0),
        expect![[r#"
        3:12-3:15
        6:38-6:41
        8:38-8:43
    "#]],
    );
    // `at(1)` is the `api` inside `openapi`; 2 and 3 are the bindings, the second one quoted.
    check_references(
        &at(3),
        expect![[r#"
        3:12-3:15
        6:38-6:41
        8:38-8:43
    "#]],
    );
    check_rename(
        &at(2),
        "rest",
        expect![[r#"
        prepare Some("6:38-6:41")
        3:12-3:15 → rest
        6:38-6:41 → rest
        8:38-8:43 → "rest"
    "#]],
    );
}

#[test]
fn references_v2_configuration_policy_and_dependency_names_are_separate_namespaces() {
    let text = "pactoVersion: \"2.0\"\nconfigurations:\n  - {name: shared, schema: c.json, required: true}\npolicies:\n  - {name: shared, schema: p.json}\n  - {name: shared, schema: q.json}\ndependencies:\n  - {name: shared, ref: ../x, required: true, compatibility: ^1.0.0}\n";
    let at = |nth: usize| {
        let (idx, _) = text.match_indices("shared").nth(nth).unwrap();
        format!("{}$0{}", &text[..idx], &text[idx..])
    };
    check_references(
        &at(0),
        expect![[r#"
        3:12-3:18
    "#]],
    );
    check_references(
        &at(1),
        expect![[r#"
        5:12-5:18
        6:12-6:18
    "#]],
    );
    check_references(
        &at(3),
        expect![[r#"
        8:12-8:18
    "#]],
    );
    check_rename(
        &at(1),
        "platform rules",
        expect![[r#"
        prepare Some("5:12-5:18")
        5:12-5:18 → platform rules
        6:12-6:18 → platform rules
    "#]],
    );
}

#[test]
fn rename_v2_refuses_other_values() {
    check_rename(
        &super::base_v2_at("payments", 0, 2),
        "billing",
        expect![[r#"
        prepare None
        error: only interface, configuration, policy and dependency names can be renamed
    "#]],
    );
    check_rename(
        &super::base_v2_at("default", 0, 2),
        " ",
        expect![[r#"
        prepare Some("16:11-16:18")
        error: a configuration name cannot be empty
    "#]],
    );
}

/// On the service's name the references are the workspace's dependency entries on the contract, read from the
/// index; a document without a file has no place in the workspace, so nothing.
#[test]
fn references_on_the_service_name_come_from_the_workspace() {
    use std::path::Path;

    use pacto_core::workspace::{read_entry, repository_key};

    use crate::features::Known;
    use crate::features::references::{Found, Site, find};
    use crate::session::Session;

    let it = fixture("pactoVersion: \"2.0\"\nservice:\n  name: pay$0ments\n  version: 1.4.2\n");
    let session = Session::default();
    let web = "pactoVersion: \"2.0\"\nservice: {name: web, version: 3.0.0}\ndependencies:\n  - name: payments\n    ref: oci://ghcr.io/acme/payments\n    compatibility: ~1.4.0\n";
    session.workspace.update(read_entry(Path::new("/w/web/pacto.yaml"), web));
    let known = Known::of(&session);
    let buffer = || {
        let entry = read_entry(Path::new("/w/payments/pacto.yaml"), it.text());
        Some(pacto_core::workspace::Entry { published: Some(repository_key("oci://ghcr.io/acme/payments")), ..entry })
    };
    let found = find(&it.analysis, &known, buffer, it.offset);
    let declaration = it.text().find("payments").map(|at| pacto_core::syntax::Span::new(at, at + 8)).unwrap();
    let dependents = vec![Site { path: "/w/web/pacto.yaml".into(), line: 5 }];
    assert_eq!(found, Some(Found::Service { declaration, dependents }));
    assert_eq!(find(&it.analysis, &known, || None, it.offset), None);
}
