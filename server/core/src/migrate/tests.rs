//! Migration tests: every valid 1.0 fixture migrates to a valid 2.0 contract, the report and the
//! kept text of representative contracts (exact goldens), and the refusals.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect, expect_file};

use crate::diff::{BundleReader, Classification, DiffResult, compare};
use crate::syntax::{LineIndex, parse};
use crate::v2::document::{parse_document, projection};
use crate::validate::bundle::MemBundle;
use crate::validate::{DirBundle, Mode, validate};

use super::{MigrateError, Migration, migrate};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The migration as text: the new contract, then the planned files, the report and the 2.0 findings.
fn render(original: &str, migration: &Migration) -> String {
    let index = LineIndex::new(original);
    let mut out = migration.text.clone();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "--- kept formatting: {}", migration.report.kept_formatting);
    for file in &migration.files {
        let _ = writeln!(out, "--- file {}", file.path);
        out.push_str(&file.content);
    }
    out.push_str("--- report\n");
    for note in &migration.report.notes {
        let at = index.line_col(original, note.span.start);
        let _ = writeln!(out, "{} {} ({}:{}): {}", note.kind, note.path, at.line, at.column, note.message);
    }
    for finding in &migration.report.findings {
        let _ = writeln!(
            out,
            "finding {} {} {}: {}",
            format!("{:?}", finding.severity).to_lowercase(),
            finding.code,
            finding.path_text(),
            finding.message
        );
    }
    out
}

fn check(text: &str, bundle: &MemBundle, expect: Expect) {
    let migration = match migrate(text, Some(bundle)) {
        Ok(it) => it,
        Err(MigrateError::Invalid { findings, .. }) => panic!("migration refused: {findings:?}"),
        Err(err) => panic!("migration refused: {err}"),
    };
    expect.assert_eq(&render(text, &migration));
}

fn refused(text: &str) -> String {
    match migrate(text, None) {
        Ok(_) => "migrated".to_owned(),
        Err(err @ MigrateError::AlreadyV2 { span }) => format!("{err} @{span:?}"),
        Err(err @ MigrateError::Invalid { .. }) => {
            let MigrateError::Invalid { findings, .. } = &err else { unreachable!() };
            let first = findings.first().map(|it| format!("{} {}", it.code, it.message)).unwrap_or_default();
            format!("{err}; first: {first}")
        }
    }
}

/// A fixture bundle on disk, as diff reads it.
struct DirFiles<'a>(&'a Path);

impl BundleReader for DirFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(path)).ok()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.0.join(dir)) else { return Vec::new() };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|it| it.path().is_file())
            .filter_map(|it| it.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}

/// The migrated bundle: the new `pacto.yaml` and placeholder specs over the original files.
struct Migrated<'a> {
    dir: DirFiles<'a>,
    migration: &'a Migration,
}

impl BundleReader for Migrated<'_> {
    fn read(&self, path: &str) -> Option<String> {
        if path == "pacto.yaml" {
            return Some(self.migration.text.clone());
        }
        match self.migration.files.iter().find(|it| it.path == path) {
            Some(file) => Some(file.content.clone()),
            None => self.dir.read(path),
        }
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let mut names = self.dir.list(dir);
        let prefix = format!("{dir}/");
        for file in &self.migration.files {
            if let Some(name) = file.path.strip_prefix(&prefix).filter(|it| !it.contains('/'))
                && !names.iter().any(|it| it == name)
            {
                names.push(name.to_owned());
            }
        }
        names.sort();
        names
    }
}

/// `pacto diff` of the 1.0 original against its migration, as the CLI compares such a pair.
fn cross_version_diff(dir: &Path, original: &str, migration: &Migration) -> DiffResult {
    let old = crate::contract::from_tree(parse(original).root.as_ref()).contract;
    let tree = parse(&migration.text);
    let document = parse_document(&migration.text, &LineIndex::new(&migration.text), &tree).expect("a 2.0 document");
    compare(&old, &projection(document), &DirFiles(dir), &Migrated { dir: DirFiles(dir), migration })
}

#[test]
fn migrate_every_valid_fixture_validates_as_2_0() {
    let root = repo_root().join("tests/data/validate");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|it| it.unwrap().path()).collect();
    dirs.sort();
    let mut n_valid = 0;
    let mut failures = String::new();
    for dir in dirs.iter().filter(|it| it.is_dir()) {
        let Ok(text) = std::fs::read_to_string(dir.join("pacto.yaml")) else { continue };
        let bundle = DirBundle { root: dir.clone() };
        if !validate(&text, Some(&bundle), Mode::Reference).is_valid() {
            assert!(matches!(migrate(&text, Some(&bundle)), Err(MigrateError::Invalid { .. })), "{}", dir.display());
            continue;
        }
        n_valid += 1;
        let migration = migrate(&text, Some(&bundle)).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
        // The editor's path (the caller validated it) gives the same migration.
        let root = parse(&text).root.expect("a valid contract has a root");
        let validated = super::migrate_validated(&text, &root, Some(&bundle));
        assert_eq!(render(&text, &validated), render(&text, &migration), "{}", dir.display());
        // Merge keys copy entries from elsewhere: edited in place they would change the anchor's
        // text too, so that contract is written anew (and still valid).
        let rewritten = dir.ends_with("valid-merge-key-anchor-in-metadata");
        if !migration.report.is_valid() || migration.report.kept_formatting == rewritten {
            let _ = writeln!(failures, "== {}\n{}", dir.display(), render(&text, &migration));
        }
        // A faithful migration: the cross-version diff shows no breaking change (the dropped
        // deployment fields are the alignment's list, never changes).
        let diff = cross_version_diff(dir, &text, &migration);
        let breaking: Vec<String> = diff
            .changes
            .iter()
            .filter(|it| it.classification == Classification::Breaking)
            .map(|it| format!("{} {}: {}", it.path, it.change_type, it.reason))
            .collect();
        if !breaking.is_empty() || diff.alignment.is_none() {
            let _ = writeln!(failures, "== {} diff\n{}", dir.display(), breaking.join("\n"));
        }
    }
    assert_eq!(failures, "");
    // Every fixture whose expected output says "is valid", so the sweep cannot pass empty.
    assert_eq!(n_valid, 47);
}

#[test]
fn migrate_payments_api_example() {
    let dir = repo_root().join("examples/payments-api");
    let text = std::fs::read_to_string(dir.join("pacto.yaml")).unwrap();
    let migration = migrate(&text, Some(&DirBundle { root: dir })).unwrap();
    expect_file!["../../../../tests/data/migrate/payments-api.txt"].assert_eq(&render(&text, &migration));
}

#[test]
fn migrate_refuses_2_0_and_invalid_contracts() {
    expect![[r#"the contract is already pactoVersion "2.0": nothing to migrate @14..19"#]]
        .assert_eq(&refused("pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\n"));
    expect![[r#"the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate; first: INVALID_SEMVER service version "two" is not valid semver: invalid semantic version"#]]
        .assert_eq(&refused("pactoVersion: \"1.0\"\nservice:\n  name: a\n  version: two\n"));
    expect![[r#"the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate; first: PARSE_ERROR parse error: failed to parse YAML: EOF"#]]
        .assert_eq(&refused(""));
}

#[test]
fn migrate_minimal_keeps_comments() {
    check(
        r#"# top comment
pactoVersion: "1.0" # the version
service:
  name: svc # the name
  version: 1.0.0
"#,
        &MemBundle::default(),
        expect![[r##"
            # top comment
            pactoVersion: "2.0" # the version
            service:
              name: svc # the name
              version: 1.0.0
            --- kept formatting: true
            --- report
        "##]],
    );
}

#[test]
fn migrate_trailing_comments_stay_on_their_lines() {
    check(
        r#"pactoVersion: "1.0" # the version
service:
  name: svc
  version: 1.0.0
  owner: 'team/a' # the team
interfaces:
  - name: api # the api
    type: event # events
    port: 80 # ignored
    contract: "events.yaml" # spec
configuration:
  schema: "schema.json" # settings
dependencies:
  - ref: oci://r.io/a/b@sha256:abc # short digest
    compatibility: "^1.0.0" # any 1.x
"#,
        &MemBundle::default().with("events.yaml", "asyncapi: 3.0.0\n").with("schema.json", "{}"),
        expect![[r#"
            pactoVersion: "2.0" # the version
            service:
              name: svc
              version: 1.0.0
              owner:
                team: 'team/a' # the team
            interfaces:
              - name: api # the api
                type: asyncapi # events
                ref: "events.yaml" # spec
            configurations:
              - name: default
                required: true
                schema: "schema.json" # settings
            dependencies:
              - name: b
                ref: oci://r.io/a/b # short digest
                compatibility: "^1.0.0" # any 1.x
                required: false
            --- kept formatting: true
            --- report
            review service.owner (5:10): "team/a" became service.owner.team; add owner.dri or owner.contacts if they apply
            review interfaces[0].type (8:11): type event became asyncapi: "events.yaml" is an AsyncAPI document
            dropped interfaces[0].port (9:5): 80: no 2.0 field; ports belong in deployment manifests
            invented configuration (11:1): configuration became configurations[0], named "default": 2.0 names every configuration
            review configuration (11:1): configurations[0].required set to true (1.0 had no such flag): the service cannot run without this configuration; set false if it can
            invented dependencies[0] (14:10): dependencies[0].name "b": derived from the ref; 2.0 names every dependency
            review dependencies[0].ref (14:10): the digest "sha256:abc" is malformed (2.0 checks digests; no registry could serve it): dropped it, pin the real digest
            review dependencies[0].required (14:10): required was not written (1.0 reads it as false): set to false, which 2.0 requires written; confirm the service runs without it
        "#]],
    );
}

#[test]
fn migrate_placeholders_and_health() {
    check(
        r#"pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
  owner: Jane Doe <jane@example.com>
interfaces:
  - name: api
    type: http
    port: 8080
  - name: legacy
    type: http
    port: 8081
    contract: legacy.proto
  - name: rpc
    type: grpc
    port: 9090
    contract: rpc.proto
dependencies:
  - ref: ../auth
    compatibility: ^1.0.0
  - ref: oci://ghcr.io/acme/auth:1.0.0
    required: true
    compatibility: ^1.0.0
runtime:
  state:
    type: stateless
    persistence: {scope: local, durability: ephemeral}
    dataCriticality: low
  workload: service
  health:
    interface: api
    path: healthz
"#,
        &MemBundle::default()
            .with("legacy.proto", "syntax = \"proto3\";\n")
            .with("rpc.proto", "syntax = \"proto3\";\n"),
        expect![[r#"
            pactoVersion: "2.0"
            service:
              name: svc
              version: 1.0.0
            interfaces:
              - name: api
                type: openapi
                ref: interfaces/api.yaml
              - name: legacy
                type: openapi
                ref: interfaces/legacy.yaml
              - name: rpc
                type: grpc
                ref: rpc.proto
            dependencies:
              - name: auth
                ref: ../auth
                compatibility: ^1.0.0
                required: false
              - name: auth-2
                ref: oci://ghcr.io/acme/auth:1.0.0
                required: true
                compatibility: ^1.0.0
            state:
              type: stateless
              persistence: {scope: local, durability: ephemeral}
              dataCriticality: low
            workload: service
            capabilities:
              - type: health
                binding:
                  type: http
                  interface: api
                  path: /healthz
            --- kept formatting: true
            --- file interfaces/api.yaml
            # Placeholder written by `pacto migrate`: the 1.0 contract had no usable spec for this interface.
            # Describe its endpoints, then remove this comment.
            openapi: 3.1.0
            info:
              title: api
              version: 1.0.0
            paths: {}
            --- file interfaces/legacy.yaml
            # Placeholder written by `pacto migrate`: the 1.0 contract had no usable spec for this interface.
            # Describe its endpoints, then remove this comment.
            openapi: 3.1.0
            info:
              title: legacy
              version: 1.0.0
            paths: {}
            --- report
            dropped service.owner (5:10): "Jane Doe <jane@example.com>": does not fit owner.team (letters, digits and ._/-); omitted: write service.owner.team, .dri or .contacts by hand
            placeholder interfaces[0] (7:5): the http interface "api" has no contract and 2.0 needs a spec file: wrote a placeholder OpenAPI 3.1 document "interfaces/api.yaml" and referenced it; describe the interface there
            dropped interfaces[0].port (9:5): 8080: no 2.0 field; ports belong in deployment manifests
            dropped interfaces[1].port (12:5): 8081: no 2.0 field; ports belong in deployment manifests
            placeholder interfaces[1].contract (13:15): "legacy.proto" is not an OpenAPI document, so it cannot be the ref of an openapi interface: wrote a placeholder OpenAPI 3.1 document "interfaces/legacy.yaml" and referenced it instead
            dropped interfaces[2].port (16:5): 9090: no 2.0 field; ports belong in deployment manifests
            invented dependencies[0] (19:10): dependencies[0].name "auth": derived from the ref; 2.0 names every dependency
            review dependencies[0].required (19:10): required was not written (1.0 reads it as false): set to false, which 2.0 requires written; confirm the service runs without it
            invented dependencies[1] (21:10): dependencies[1].name "auth-2": derived from the ref; 2.0 names every dependency
            review runtime.health.path (32:11): health path "healthz" became "/healthz" (2.0 binding paths start with /)
            finding warning TAG_NOT_DIGEST dependencies[1].ref: dependency "oci://ghcr.io/acme/auth:1.0.0" uses a tag instead of a digest; digest pinning is recommended
        "#]],
    );
}

#[test]
fn migrate_flow_style_is_written_anew() {
    check(
        "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0, image: {ref: ghcr.io/a/b:1}}\nruntime:\n  workload: job\n  state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}\n  health: {interface: rpc}\ninterfaces: [{name: rpc, type: grpc, port: 1, contract: a.proto}]\n",
        &MemBundle::default().with("a.proto", ""),
        expect![[r#"
            pactoVersion: "2.0"
            service:
              name: svc
              version: 1.0.0
            workload: job
            state:
              type: stateless
              persistence:
                scope: local
                durability: ephemeral
              dataCriticality: low
            capabilities:
              - type: health
            interfaces:
              - name: rpc
                type: grpc
                ref: a.proto
            --- kept formatting: false
            --- report
            dropped service.image (2:38): {"ref":"ghcr.io/a/b:1"}: no 2.0 field; the image belongs in deployment manifests (pacto generate kubernetes --option image=<ref>)
            dropped interfaces[0].port (7:38): 1: no 2.0 field; ports belong in deployment manifests
        "#]],
    );
}

#[test]
fn migrate_crlf_lines_stay_crlf() {
    let text = "pactoVersion: \"1.0\"\r\nservice:\r\n  name: svc\r\n  version: 1.0.0\r\nscaling:\r\n  replicas: 2\r\nconfiguration:\r\n  schema: s.json\r\n";
    let migration = migrate(text, Some(&MemBundle::default().with("s.json", "{}"))).unwrap();
    assert_eq!(
        migration.text,
        "pactoVersion: \"2.0\"\r\nservice:\r\n  name: svc\r\n  version: 1.0.0\r\nconfigurations:\r\n  - name: default\r\n    schema: s.json\r\n    required: true\r\n"
    );
    assert!(migration.report.kept_formatting);
}

/// The report (and text) of representative fixtures, one golden each under `tests/data/migrate/`.
#[test]
fn migrate_representative_fixtures_goldens() {
    let cases = [
        "valid-full-bundle",
        "file-directory-counts-as-found",
        "valid-health-grpc-without-path",
        "valid-dependency-bare-path",
        "valid-merge-key-anchor-in-metadata",
        "valid-utf8-bom",
        "semantic-upgrade-strategy-state-mismatch",
    ];
    for case in cases {
        let dir = repo_root().join("tests/data/validate").join(case);
        let text = std::fs::read_to_string(dir.join("pacto.yaml")).unwrap();
        let migration = migrate(&text, Some(&DirBundle { root: dir })).unwrap();
        let golden = repo_root().join("tests/data/migrate").join(format!("{case}.txt"));
        expect_file![golden].assert_eq(&render(&text, &migration));
    }
}

#[test]
fn migrate_reports_a_ref_2_0_refuses() {
    check(
        "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\ndependencies:\n  - ref: oci://r.io/a/b:-bad\n    required: true\n    compatibility: ^1.0.0\n",
        &MemBundle::default(),
        expect![[r#"
            pactoVersion: "2.0"
            service:
              name: svc
              version: 1.0.0
            dependencies:
              - name: b
                ref: oci://r.io/a/b:-bad
                required: true
                compatibility: ^1.0.0
            --- kept formatting: true
            --- report
            invented dependencies[0] (6:10): dependencies[0].name "b": derived from the ref; 2.0 names every dependency
            review dependencies[0].ref (6:10): invalid OCI reference: malformed tag "-bad": 2.0 refuses this ref; fix it by hand
            finding error INVALID_OCI_REF dependencies[0].ref: invalid OCI reference "oci://r.io/a/b:-bad": invalid OCI reference: malformed tag "-bad"
        "#]],
    );
}
