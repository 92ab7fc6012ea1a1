//! References and rename of interface names, through `runtime.health.interface`.

use expect_test::{Expect, expect};

use super::base_at;
use crate::features::references::{prepare_rename, references, rename};
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
