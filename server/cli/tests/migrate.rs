//! `pacto migrate`: output without `--write` (nothing written), `--write` (every file atomic, a
//! failure leaves the bundle as it was), the result validating as 2.0, and the refusals.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{copy_dir, transcript};
use expect_test::{expect, expect_file};

/// Every file under `dir` (bundle-relative) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if meta.is_dir() {
                walk(root, &path, out);
            } else if meta.file_type().is_symlink() {
                out.insert(name, format!("-> {}", fs::read_link(&path).unwrap().display()).into_bytes());
            } else {
                out.insert(name, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A bundle in a fresh temporary directory, at `<tmp>/svc`.
fn bundle(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join("svc").join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    dir
}

/// A 1.0 service whose two http interfaces have no contract: each needs a placeholder in 2.0.
const NO_CONTRACT: &str = include_str!("../../../tests/data/migrate/no-contract/pacto.yaml");

/// `pacto validate svc` in `dir` passes with nothing to say: what every migration must leave.
fn assert_svc_valid(dir: &Path) {
    expect![[r#"
        exit: 0
        --- stdout
        svc is valid
        --- stderr
    "#]]
    .assert_eq(&transcript(dir, &["validate", "svc"]));
}

#[test]
fn migrate_example_prints_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::example(), &dir.path().join("payments-api"));
    let before = snapshot(dir.path());
    expect_file!["../../../tests/data/migrate/cli-example.txt"]
        .assert_eq(&transcript(dir.path(), &["migrate", "payments-api"]));
    assert_eq!(snapshot(dir.path()), before);
    let json = transcript(dir.path(), &["migrate", "--output-format", "json", "payments-api"]);
    assert!(
        json.starts_with("exit: 0\n--- stdout\n{\n  \"Path\": \"payments-api/pacto.yaml\",\n  \"Written\": false,"),
        "{json}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn migrate_write_creates_placeholders_and_validates() {
    let dir = bundle(&[("pacto.yaml", NO_CONTRACT)]);
    expect![[r#"
        exit: 0
        --- stdout
        Wrote svc/interfaces/api.yaml
        Wrote svc/interfaces/admin.yaml
        Wrote svc/pacto.yaml
        --- stderr
        Migration of svc/pacto.yaml to pactoVersion "2.0" (4 item(s) to review):
          placeholder interfaces[0] (svc/pacto.yaml:7:5): the http interface "api" has no contract and 2.0 needs a spec file: wrote a placeholder OpenAPI 3.1 document "interfaces/api.yaml" and referenced it; describe the interface there
          dropped interfaces[0].port (svc/pacto.yaml:9:5): 8080: no 2.0 field; ports belong in deployment manifests
          placeholder interfaces[1] (svc/pacto.yaml:10:5): the http interface "admin" has no contract and 2.0 needs a spec file: wrote a placeholder OpenAPI 3.1 document "interfaces/admin.yaml" and referenced it; describe the interface there
          dropped interfaces[1].port (svc/pacto.yaml:12:5): 8081: no 2.0 field; ports belong in deployment manifests
          placeholder file written: svc/interfaces/api.yaml
          placeholder file written: svc/interfaces/admin.yaml
        The migrated contract validates as 2.0.
    "#]]
    .assert_eq(&transcript(dir.path(), &["migrate", "svc", "--write"]));
    expect_file!["../../../tests/data/migrate/no-contract/migrated.yaml"]
        .assert_eq(&fs::read_to_string(dir.path().join("svc/pacto.yaml")).unwrap());
    assert_svc_valid(dir.path());
    // Migrating again is refused: the contract is 2.0 now.
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        svc/pacto.yaml:2:15: the contract is already pactoVersion "2.0": nothing to migrate
    "#]]
    .assert_eq(&transcript(dir.path(), &["migrate", "svc"]));
}

#[test]
fn migrate_write_failure_leaves_the_bundle_as_it_was() {
    let dir = bundle(&[("pacto.yaml", NO_CONTRACT)]);
    // The second placeholder's path is taken by a dangling link: the first one is written, the
    // second fails, and the run must take the first back and leave pacto.yaml alone.
    fs::create_dir_all(dir.path().join("svc/interfaces")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere", dir.path().join("svc/interfaces/admin.yaml")).unwrap();
    let before = snapshot(dir.path());
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        failed to write svc/interfaces/admin.yaml: it already exists
    "#]]
    .assert_eq(&transcript(dir.path(), &["migrate", "svc", "--write"]));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn migrate_init_1_0_template_validates_as_2_0() {
    let dir = tempfile::tempdir().unwrap();
    assert!(transcript(dir.path(), &["init", "--pacto-version", "1.0", "svc"]).starts_with("exit: 0"));
    let migrated = transcript(dir.path(), &["migrate", "--write", "svc"]);
    assert!(migrated.starts_with("exit: 0\n--- stdout\nWrote svc/pacto.yaml\n"), "{migrated}");
    assert_svc_valid(dir.path());
}

#[test]
fn migrate_refuses_invalid_and_unreadable_bundles() {
    let dir = bundle(&[("pacto.yaml", "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: two\n")]);
    let before = snapshot(dir.path());
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
          ERROR [INVALID_SEMVER] service.version: service version "two" is not valid semver: invalid semantic version
             --> svc/pacto.yaml:4:12
              |
            4 |   version: two
              |            ^^^
        svc/pacto.yaml: the contract is not a valid 1.0 contract (1 error(s)): fix it first, then migrate
    "#]]
    .assert_eq(&transcript(dir.path(), &["migrate", "svc", "--write"]));
    assert_eq!(snapshot(dir.path()), before);
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        failed to access missing: stat missing: no such file or directory
    "#]]
    .assert_eq(&transcript(dir.path(), &["migrate", "missing"]));
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        --write needs a local bundle directory, not an oci:// reference
    "#]]
    .assert_eq(&transcript(dir.path(), &["migrate", "oci://localhost:1/a/b:1", "--write"]));
}

#[test]
fn migrate_result_that_fails_2_0_is_never_written() {
    let contract = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\ndependencies:\n  - ref: oci://r.io/a/b:-bad\n    required: true\n    compatibility: ^1.0.0\n";
    let dir = bundle(&[("pacto.yaml", contract)]);
    let before = snapshot(dir.path());
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        Migration of svc/pacto.yaml to pactoVersion "2.0" (2 item(s) to review):
          invented dependencies[0] (svc/pacto.yaml:6:10): dependencies[0].name "b": derived from the ref; 2.0 names every dependency
          review dependencies[0].ref (svc/pacto.yaml:6:10): invalid OCI reference: malformed tag "-bad": 2.0 refuses this ref; fix it by hand
          ERROR [INVALID_OCI_REF] dependencies[0].ref: invalid OCI reference "oci://r.io/a/b:-bad": invalid OCI reference: malformed tag "-bad"
             --> pacto.yaml (migrated):7:10
              |
            7 |     ref: oci://r.io/a/b:-bad
              |          ^^^^^^^^^^^^^^^^^^^
        the migrated contract does not validate as 2.0 (1 error(s)); nothing written
    "#]].assert_eq(&transcript(dir.path(), &["migrate", "svc", "--write"]));
    assert_eq!(snapshot(dir.path()), before);
}
