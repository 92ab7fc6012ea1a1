//! `explain`, `init` and `validate` on the shipped example, through the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::expect;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn pacto(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pacto")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn explain_text_summarises_the_example() {
    let output = pacto(&examples(), &["explain", "payments-api"]);
    assert_eq!(output.status.code(), Some(0));
    expect![[r#"
        Service: payments-api@2.1.0
        Owner: team/payments
        Pacto Version: 1.0

        Runtime:
          Workload: service
          State: stateful
          Persistence: local/persistent
          Data Criticality: high

        Interfaces (3):
          - rest-api (http, port 8080, public)
          - grpc-api (grpc, port 9090)
          - order-events (event)

        Dependencies (2):
          - oci://ghcr.io/acme/auth-service-pacto:2.3.0@sha256:6399805427338fbd96e25bd4f5dd38f9cedc4964bbd347849bc07fba86eaf918 (^2.0.0, required)
          - oci://ghcr.io/acme/notification-service-pacto:1.0.4@sha256:b56db8ef38da97a53ad5daefed64b7deef00532d3dc3c96e2911430671e04ee1 (~1.0.0, optional)

        Scaling: 2-10
    "#]].assert_eq(&stdout(&output));
}

#[test]
fn explain_json_uses_camel_case_keys() {
    let output = pacto(&examples(), &["explain", "--output-format", "json", "payments-api"]);
    assert_eq!(output.status.code(), Some(0));
    expect![[r#"
        {
          "name": "payments-api",
          "version": "2.1.0",
          "owner": "team/payments",
          "pactoVersion": "1.0",
          "runtime": {
            "workloadType": "service",
            "stateType": "stateful",
            "scope": "local",
            "durability": "persistent",
            "dataCriticality": "high"
          },
          "interfaces": [
            {
              "name": "rest-api",
              "type": "http",
              "port": 8080,
              "visibility": "public"
            },
            {
              "name": "grpc-api",
              "type": "grpc",
              "port": 9090
            },
            {
              "name": "order-events",
              "type": "event"
            }
          ],
          "dependencies": [
            {
              "ref": "oci://ghcr.io/acme/auth-service-pacto:2.3.0@sha256:6399805427338fbd96e25bd4f5dd38f9cedc4964bbd347849bc07fba86eaf918",
              "required": true,
              "compatibility": "^2.0.0"
            },
            {
              "ref": "oci://ghcr.io/acme/notification-service-pacto:1.0.4@sha256:b56db8ef38da97a53ad5daefed64b7deef00532d3dc3c96e2911430671e04ee1",
              "required": false,
              "compatibility": "~1.0.0"
            }
          ],
          "scaling": {
            "min": 2,
            "max": 10
          },
          "metadata": {
            "team": "payments",
            "tier": "critical",
            "runbook": "https://wiki.acme.example/runbooks/payments-api"
          }
        }
    "#]].assert_eq(&stdout(&output));
}

#[test]
fn explain_reports_a_parse_failure_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("svc")).unwrap();
    std::fs::write(dir.path().join("svc/pacto.yaml"), "pactoVersion: \"1.0\"\nservice:\n  nme: x\n").unwrap();
    let output = pacto(dir.path(), &["explain", "svc"]);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        failed to parse svc/pacto.yaml: parse error: failed to parse YAML: yaml: unmarshal errors:
          line 3: field nme not found in type contract.ServiceIdentity; did you mean `name`? (svc/pacto.yaml:3:3)
    "#]]
    .assert_eq(&String::from_utf8_lossy(&output.stderr));
}

#[test]
fn validate_the_example_is_clean_in_both_formats() {
    let output = pacto(&examples(), &["validate", "payments-api"]);
    assert_eq!((output.status.code(), stdout(&output).as_str()), (Some(0), "payments-api is valid\n"));
    assert!(output.stderr.is_empty());
    let output = pacto(&examples(), &["validate", "--output-format", "json", "payments-api"]);
    expect![[r#"
        {
          "Path": "payments-api",
          "Valid": true,
          "Errors": null,
          "Warnings": null
        }
    "#]]
    .assert_eq(&stdout(&output));
}

#[test]
fn init_json_names_the_directory_and_contract() {
    let dir = tempfile::tempdir().unwrap();
    let output = pacto(dir.path(), &["init", "--output-format", "json", "svc"]);
    assert_eq!(output.status.code(), Some(0));
    expect![[r#"
        {
          "Dir": "svc",
          "Path": "svc/pacto.yaml"
        }
    "#]]
    .assert_eq(&stdout(&output));
    let output = pacto(dir.path(), &["init", ""]);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "service name is required\n");
}

#[test]
fn unreadable_contract_reports_the_cause() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("svc")).unwrap();
    let file = dir.path().join("svc/pacto.yaml");
    std::fs::write(&file, "pactoVersion: \"1.0\"\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Root reads any file: drop to nobody for the run when we are root.
    let is_root = std::fs::metadata("/proc/self").map(|it| it.uid() == 0).unwrap_or(false);
    let output = if is_root {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_pacto"), "validate", "svc"])
            .current_dir(dir.path())
            .output()
            .expect("setpriv (util-linux) runs")
    } else {
        pacto(dir.path(), &["validate", "svc"])
    };
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ERROR [PARSE_ERROR] : failed to read svc/pacto.yaml: permission denied"), "{stderr}");
}

#[test]
fn init_writes_either_version_and_both_validate_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in
        [("new-svc", vec![]), ("v2-svc", vec!["--pacto-version", "2.0"]), ("v1-svc", vec!["--pacto-version", "1.0"])]
    {
        let mut init = vec!["init", name];
        init.extend(args.iter().copied());
        assert_eq!(pacto(dir.path(), &init).status.code(), Some(0), "{name}");
        let output = pacto(dir.path(), &["validate", name]);
        assert_eq!(
            (output.status.code(), stdout(&output), stderr(&output)),
            (Some(0), format!("{name} is valid\n"), String::new())
        );
    }
    let text = |name: &str| std::fs::read_to_string(dir.path().join(name).join("pacto.yaml")).unwrap();
    assert!(text("new-svc").starts_with("pactoVersion: \"2.0\"\n"));
    assert_eq!(text("new-svc").replace("new-svc", "v2-svc"), text("v2-svc"));
    assert!(text("v1-svc").starts_with("pactoVersion: \"1.0\"\n"));
    // The 2.0 template's claims are all not-done: the gate fails until they are met.
    let output = pacto(dir.path(), &["validate", "--readiness", "new-svc"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("[READINESS_GATE_UNMET] readiness: score below gate: score 0, minScore 80"));
    let output = pacto(dir.path(), &["init", "--pacto-version", "3.0", "bad"]);
    assert_eq!(stderr(&output), "unsupported pactoVersion \"3.0\"; supported: 1.0, 2.0\n");
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn validate_the_2_0_example_is_clean_with_the_readiness_gate() {
    for args in [&["validate", "payments-api-v2"][..], &["validate", "--readiness", "payments-api-v2"]] {
        let output = pacto(&examples(), args);
        assert_eq!(
            (output.status.code(), stdout(&output), stderr(&output)),
            (Some(0), "payments-api-v2 is valid\n".to_owned(), String::new())
        );
    }
}

/// `explain` on the 2.0 example (pacto-v2.md §6.2): text and JSON goldens. The readiness
/// evaluation depends on today's date, so `daysRemaining` is checked against the clock and
/// shown as `<days>` in the golden.
#[test]
fn explain_summarises_the_2_0_example() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/explain-v2");
    let output = pacto(&examples(), &["explain", "payments-api-v2"]);
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
    expect_test::expect_file![data.join("payments-api-v2.txt")].assert_eq(&stdout(&output));
    let output = pacto(&examples(), &["explain", "--output-format", "json", "payments-api-v2"]);
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
    let today = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    // 2099-06-30 is day 47,297 after the epoch.
    let days = format!("\"daysRemaining\": {},", 47_297 - today);
    let json = stdout(&output);
    assert!(json.contains(&days), "{json}");
    expect_test::expect_file![data.join("payments-api-v2.json")]
        .assert_eq(&json.replace(&days, "\"daysRemaining\": <days>,"));
}

/// A small 2.0 contract: no owner, no state, an expired assessment (no `daysRemaining`), an
/// extension capability and a deferred claim, which is excluded.
#[test]
fn explain_a_minimal_2_0_contract_with_an_expired_assessment() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/explain-v2");
    let text = pacto(&data, &["explain", "minimal"]);
    let json = pacto(&data, &["explain", "--output-format", "json", "minimal"]);
    let out = format!("{}{}--- json\n{}", stderr(&text), stdout(&text), stdout(&json));
    expect_test::expect_file![data.join("minimal.txt")].assert_eq(&out);
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A 1.0 field in a 2.0 contract fails the 2.0 strict parse, with its position.
#[test]
fn explain_a_2_0_contract_that_does_not_parse() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/explain-v2");
    let output = pacto(&data, &["explain", "v1-field"]);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        failed to parse v1-field/pacto.yaml: parse error: failed to parse YAML: yaml: unmarshal errors:
          line 5: field runtime not found in type contract.Contract (v1-field/pacto.yaml:5:1)
    "#]]
    .assert_eq(&stderr(&output));
}
