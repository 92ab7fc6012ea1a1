//! `compare` on a 1.0/2.0 pair: the 1.0 side migrated in memory, from its bundle's text or, when
//! the bundle does not hold it, from the model; the dropped fields listed, never as changes.

use expect_test::{Expect, expect};

use super::super::tests::{MemFiles, contract, render};
use super::super::{DiffResult, NoFiles, compare};
use crate::contract::Contract;
use crate::syntax::{LineIndex, parse};
use crate::v2::document::{parse_document, projection};

const V1: &str = "pactoVersion: \"1.0\"
service:
  name: svc
  version: 1.0.0
  image: {ref: ghcr.io/acme/svc:1.0.0}
interfaces:
  - {name: rpc, type: grpc, port: 9090, contract: svc.proto}
runtime:
  workload: service
  state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}
scaling: {replicas: 2}
";

/// The faithful 2.0 form of [`V1`], but `svc` is now a job.
const V2: &str = "pactoVersion: \"2.0\"
service:
  name: svc
  version: 1.0.0
interfaces:
  - {name: rpc, type: grpc, ref: svc.proto}
workload: job
state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}
";

const PROTO: &str = "syntax = \"proto3\";\npackage svc;\nservice Svc {}\n";

fn v2(text: &str) -> Contract {
    let parsed = parse(text);
    projection(parse_document(text, &LineIndex::new(text), &parsed).expect("a 2.0 document"))
}

/// What the report lists as not carried over, empty for a pair that needed no alignment.
fn alignment(result: &DiffResult) -> String {
    let mut lines = String::new();
    if let Some(alignment) = &result.alignment {
        crate::diff::render::alignment_lines(&mut lines, "", alignment);
    }
    lines
}

fn show(result: &DiffResult, expect: Expect) {
    expect.assert_eq(&format!("{}\n{}{}", result.classification, render(&result.changes), alignment(result)));
}

#[test]
fn a_1_0_old_side_is_compared_as_its_migration_with_the_dropped_fields_listed() {
    let old_files = MemFiles(vec![("pacto.yaml", V1), ("svc.proto", PROTO)]);
    let new_files = MemFiles(vec![("pacto.yaml", V2), ("svc.proto", PROTO)]);
    let result = compare(&contract(V1), &v2(V2), &old_files, &new_files);
    show(
        &result,
        expect![[r#"
            BREAKING
            [NON_BREAKING] pactoVersion (modified): pactoVersion modified [1.0 -> 2.0]
               old=pacto.yaml@14..19 new=pacto.yaml@14..19
            [BREAKING] workload (modified): workload modified [service -> job]
               old=pacto.yaml@128..135 new=pacto.yaml@124..127
            Not carried over by the migration of the old contract to 2.0 (informational, 3):
              - service.image: {"ref":"ghcr.io/acme/svc:1.0.0"}: no 2.0 field; the image belongs in deployment manifests (pacto generate kubernetes --option image=<ref>)
              - interfaces[0].port: 9090: no 2.0 field; ports belong in deployment manifests
              - scaling: {"replicas":2}: no 2.0 field; replicas belong in deployment manifests
        "#]],
    );
}

#[test]
fn a_1_0_new_side_is_migrated_the_same_way() {
    let old_files = MemFiles(vec![("pacto.yaml", V2), ("svc.proto", PROTO)]);
    let new_files = MemFiles(vec![("pacto.yaml", V1), ("svc.proto", PROTO)]);
    let result = compare(&v2(V2), &contract(V1), &old_files, &new_files);
    let alignment = result.alignment.as_ref().expect("a mixed pair is aligned");
    assert_eq!((alignment.side.as_str(), alignment.dropped.len(), &alignment.failure), ("new", 3, &None));
    let paths: Vec<_> = result.changes.iter().map(|it| (it.path.as_str(), it.classification.as_str())).collect();
    assert_eq!(paths, [("pactoVersion", "NON_BREAKING"), ("workload", "BREAKING")]);
}

/// An editor buffer with unsaved edits: the bundle's `pacto.yaml` is not the text the model came
/// from, so the model's JSON form is migrated instead, and the buffer's own change is found.
#[test]
fn without_the_1_0_text_in_its_bundle_the_model_is_migrated() {
    let edited = contract(&V1.replace("dataCriticality: low", "dataCriticality: high"));
    let new_files = MemFiles(vec![("pacto.yaml", V2), ("svc.proto", PROTO)]);
    let with_text = MemFiles(vec![("pacto.yaml", V1), ("svc.proto", PROTO)]);
    let from_text = compare(&contract(V1), &v2(V2), &with_text, &new_files);
    for old_files in [MemFiles(vec![("svc.proto", PROTO)]), with_text] {
        let result = compare(&edited, &v2(V2), &old_files, &new_files);
        // The model's migration leaves out what the text's does.
        assert_eq!(alignment(&result), alignment(&from_text));
        expect![[r#"
            BREAKING
            [NON_BREAKING] pactoVersion (modified): pactoVersion modified [1.0 -> 2.0]
               old=pacto.yaml@14..19 new=pacto.yaml@14..19
            [POTENTIAL_BREAKING] state.dataCriticality (modified): state.dataCriticality modified [high -> low]
               old=pacto.yaml@238..242 new=pacto.yaml@222..225
            [BREAKING] workload (modified): workload modified [service -> job]
               old=pacto.yaml@128..135 new=pacto.yaml@124..127
        "#]]
        .assert_eq(&format!("{}\n{}", result.classification, render(&result.changes)));
    }
}

#[test]
fn an_invalid_1_0_side_is_not_compared_and_says_why() {
    let text = "pactoVersion: \"1.0\"\nservice: {name: svc, version: one}\n";
    let result = compare(&contract(text), &v2(V2), &MemFiles(vec![("pacto.yaml", text)]), &NoFiles);
    show(
        &result,
        expect![[r#"
            NON_BREAKING
            Not compared: old contract: cannot compare a 1.0 contract with a 2.0 one: the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate; run pacto validate on it
        "#]],
    );
}

/// 1.0 HTTP without a contract needs a placeholder OpenAPI document in 2.0 (pacto-v2.md §7.3): the
/// old side reads it from memory, so against a 2.0 side holding the same document only the version
/// differs (without it, every path of the document would read as added).
#[test]
fn placeholder_specs_of_the_migration_are_read_from_memory() {
    let old = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 80}\n";
    let migration = crate::migrate::migrate(old, None).expect("migrates");
    let placeholder = migration.files.first().expect("one placeholder");
    let new = format!(
        "pactoVersion: \"2.0\"\nservice: {{name: svc, version: 1.0.0}}\ninterfaces:\n  - {{name: api, type: openapi, ref: {}}}\n",
        placeholder.path
    );
    let new_files = MemFiles(vec![
        ("pacto.yaml", new.clone().leak()),
        (placeholder.path.clone().leak(), placeholder.content.clone().leak()),
    ]);
    let result = compare(&contract(old), &v2(&new), &MemFiles(vec![("pacto.yaml", old)]), &new_files);
    show(
        &result,
        expect![[r#"
            NON_BREAKING
            [NON_BREAKING] pactoVersion (modified): pactoVersion modified [1.0 -> 2.0]
               old=pacto.yaml@14..19 new=pacto.yaml@14..19
            Not carried over by the migration of the old contract to 2.0 (informational, 1):
              - interfaces[0].port: 80: no 2.0 field; ports belong in deployment manifests
        "#]],
    );
}

#[test]
fn pairs_of_one_format_are_not_aligned() {
    let files = MemFiles(vec![("pacto.yaml", V1), ("svc.proto", PROTO)]);
    assert_eq!(compare(&contract(V1), &contract(V1), &files, &files).alignment, None);
    assert_eq!(compare(&v2(V2), &v2(V2), &NoFiles, &NoFiles).alignment, None);
}
