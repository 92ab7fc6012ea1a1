//! `pacto pack` through the built binary on a copy of the shipped example: output, archive content,
//! reproducible bytes, and refusals that leave nothing behind.

mod common;

use common::{EXAMPLE_FILES, example, stderr, stdout};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use expect_test::expect;
use pacto_oci::{Bundle, Limits};

/// A temp dir holding a copy of the example as `payments-api/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for rel in EXAMPLE_FILES {
        let dest = dir.path().join("payments-api").join(rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(example().join(rel), dest).unwrap();
    }
    dir
}

fn pacto(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pacto")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

/// Every path below `dir`, sorted, to show what a command left on disk.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() && !path.is_symlink() {
                pending.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn pack_text_names_the_service_and_the_archive() {
    let dir = workspace();
    let output = pacto(dir.path(), &["pack", "payments-api"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Packed payments-api@2.1.0 -> payments-api-2.1.0.tar.gz\n");
    assert_eq!(stderr(&output), "");
    let archive = fs::read(dir.path().join("payments-api-2.1.0.tar.gz")).unwrap();
    let bundle = Bundle::from_archive(archive.as_slice(), &Limits::DEFAULT).unwrap();
    let names: Vec<&str> = bundle.entries().map(|(path, _)| path).collect();
    assert_eq!(
        names,
        [
            "configuration",
            "configuration/schema.json",
            "docs",
            "docs/README.md",
            "interfaces",
            "interfaces/events.yaml",
            "interfaces/openapi.yaml",
            "interfaces/payments.proto",
            "pacto.yaml"
        ]
    );
    for rel in EXAMPLE_FILES {
        assert_eq!(bundle.file(rel), Some(fs::read(example().join(rel)).unwrap().as_slice()), "{rel}");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir.path().join("payments-api-2.1.0.tar.gz")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
}

#[test]
fn pack_json_uses_the_references_keys() {
    let dir = workspace();
    let output = pacto(dir.path(), &["pack", "--output-format", "json", "payments-api", "-o", "svc.tar.gz"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    expect![[r#"
        {
          "Output": "svc.tar.gz",
          "Name": "payments-api",
          "Version": "2.1.0"
        }
    "#]]
    .assert_eq(&stdout(&output));
    assert!(dir.path().join("svc.tar.gz").is_file());
}

#[test]
fn two_packs_give_identical_bytes() {
    let dir = workspace();
    assert_eq!(pacto(dir.path(), &["pack", "payments-api", "-o", "first.tar.gz"]).status.code(), Some(0));
    // New mtimes on every file must not change a byte.
    let then = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
    for rel in EXAMPLE_FILES {
        fs::File::options()
            .write(true)
            .open(dir.path().join("payments-api").join(rel))
            .unwrap()
            .set_modified(then)
            .unwrap();
    }
    assert_eq!(pacto(dir.path(), &["pack", "payments-api", "--output", "second.tar.gz"]).status.code(), Some(0));
    let first = fs::read(dir.path().join("first.tar.gz")).unwrap();
    assert!(fs::read(dir.path().join("second.tar.gz")).unwrap() == first, "the archives differ");
}

#[test]
fn packing_inside_the_bundle_never_packs_the_archive_itself() {
    let dir = workspace();
    let bundle_dir = dir.path().join("payments-api");
    let archive = bundle_dir.join("payments-api-2.1.0.tar.gz");
    let mut packs = Vec::new();
    for _ in 0..2 {
        let output = pacto(&bundle_dir, &["pack"]);
        assert_eq!(stdout(&output), "Packed payments-api@2.1.0 -> payments-api-2.1.0.tar.gz\n", "{}", stderr(&output));
        packs.push(fs::read(&archive).unwrap());
    }
    assert!(packs[0] == packs[1], "the second pack packed the first");
    let bundle = Bundle::from_archive(packs[0].as_slice(), &Limits::DEFAULT).unwrap();
    assert_eq!(bundle.file("payments-api-2.1.0.tar.gz"), None);
    // The same bytes as a pack from outside, once the archive is moved out of the bundle.
    fs::rename(&archive, dir.path().join("inside.tar.gz")).unwrap();
    assert_eq!(pacto(dir.path(), &["pack", "payments-api", "-o", "outside.tar.gz"]).status.code(), Some(0));
    assert!(fs::read(dir.path().join("outside.tar.gz")).unwrap() == packs[0]);
}

#[test]
fn pack_of_an_invalid_contract_shows_the_findings_then_the_count_and_writes_nothing() {
    let dir = workspace();
    let contract = dir.path().join("payments-api/pacto.yaml");
    let text = fs::read_to_string(&contract).unwrap();
    fs::write(&contract, text.replace("version: 2.1.0", "version: two")).unwrap();
    fs::remove_file(dir.path().join("payments-api/interfaces/openapi.yaml")).unwrap();
    let before = tree(dir.path());
    let output = pacto(dir.path(), &["pack", "payments-api"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    // Ours: each finding as `pacto validate` shows it; the reference prints the count alone.
    expect![[r#"
          ERROR [INVALID_SEMVER] service.version: service version "two" is not valid semver: invalid semantic version
             --> payments-api/pacto.yaml:7:12
              |
            7 |   version: two
              |            ^^^
          ERROR [FILE_NOT_FOUND] interfaces[0].contract: interface contract file "interfaces/openapi.yaml" not found in bundle
              --> payments-api/pacto.yaml:19:15
               |
            19 |     contract: interfaces/openapi.yaml
               |               ^^^^^^^^^^^^^^^^^^^^^^^
        contract validation failed with 2 error(s)
    "#]].assert_eq(&stderr(&output));
    assert_eq!(tree(dir.path()), before);

    let output = pacto(dir.path(), &["pack", "payments-api", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        {
          "Path": "payments-api",
          "Valid": false,
          "Errors": [
            {
              "Path": "service.version",
              "Code": "INVALID_SEMVER",
              "Message": "service version \"two\" is not valid semver: invalid semantic version",
              "Line": 7,
              "Column": 12
            },
            {
              "Path": "interfaces[0].contract",
              "Code": "FILE_NOT_FOUND",
              "Message": "interface contract file \"interfaces/openapi.yaml\" not found in bundle",
              "Line": 19,
              "Column": 15
            }
          ],
          "Warnings": null
        }
    "#]]
    .assert_eq(&stdout(&output));
    assert_eq!(stderr(&output), "contract validation failed with 2 error(s)\n");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn pack_refuses_a_symlink_in_the_bundle_and_writes_nothing() {
    let dir = workspace();
    std::os::unix::fs::symlink("README.md", dir.path().join("payments-api/docs/link.md")).unwrap();
    let before = tree(dir.path());
    let output = pacto(dir.path(), &["pack", "payments-api"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "cannot pack symlink \"payments-api/docs/link.md\": a bundle holds only regular files and directories\n"
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn pack_of_a_missing_directory_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = pacto(dir.path(), &["pack", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "failed to access nope: stat nope: no such file or directory\n");
    assert!(tree(dir.path()).is_empty());
}
