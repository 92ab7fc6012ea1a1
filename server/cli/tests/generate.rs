//! `pacto generate` with the test plugins of `tests/data/plugins/`: the protocol, the outputs,
//! and every way a plugin can misbehave.

mod common;

use common::{stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::expect;

fn plugins_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/plugins").canonicalize().unwrap()
}

/// A temp dir holding a copy of the example bundle as `svc/`.
fn workspace() -> tempfile::TempDir {
    example_as_svc("payments-api")
}

/// A temp dir holding a copy of `examples/<example>` as `svc/`.
fn example_as_svc(example: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(example);
    let status = Command::new("cp").arg("-r").arg(&example).arg(dir.path().join("svc")).status().unwrap();
    assert!(status.success());
    dir
}

/// `pacto generate kubernetes svc args…` in `dir`, with only the plugin built beside `pacto` to find.
fn generate_kubernetes(dir: &Path, args: &[&str]) -> Output {
    let beside = Path::new(env!("CARGO_BIN_EXE_pacto")).with_file_name("pacto-plugin-kubernetes");
    assert!(beside.exists(), "{} is missing: build the workspace (cargo build --workspace)", beside.display());
    Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["generate", "kubernetes", "svc"])
        .args(args)
        .current_dir(dir)
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap()
}

fn generate(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let path = format!("{}:{}", plugins_dir().display(), std::env::var("PATH").unwrap_or_default());
    Command::new(env!("CARGO_BIN_EXE_pacto"))
        .arg("generate")
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .envs(envs.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn generate_writes_the_plugin_files_and_reports_them() {
    let dir = workspace();
    let output = generate(dir.path(), &["test", "svc", "--option", "namespace=prod", "--option", "dropped"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    expect![[r#"
        Generated 3 file(s) using test
        Output: test-output/
        Message: Generated manifests for payments-api@2.1.0
    "#]]
    .assert_eq(&stdout(&output));
    let out = dir.path().join("test-output");
    assert_eq!(
        std::fs::read_to_string(out.join("nested/service.yaml")).unwrap(),
        "kind: Service\nmetadata:\n  name: payments-api\n"
    );
    let request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("request.json")).unwrap()).unwrap();
    assert_eq!(request["protocolVersion"], "1");
    assert_eq!(request["options"], serde_json::json!({"namespace": "prod"}));
    // Ours: absolute paths, so a plugin never depends on our working directory.
    assert_eq!(request["bundleDir"], dir.path().join("svc").canonicalize().unwrap().display().to_string());
    assert_eq!(request["outputDir"], out.canonicalize().unwrap().display().to_string());
    assert_eq!(request["contract"]["scaling"], serde_json::json!({"min": 2, "max": 10}));
    assert_eq!(request["contract"]["metadata"]["team"], "payments");
}

#[test]
fn generate_json_output() {
    let dir = workspace();
    let output = generate(dir.path(), &["--output-format", "json", "test", "svc", "-o", "out"], &[]);
    expect![[r#"
        {
          "plugin": "test",
          "outputDir": "out",
          "filesCount": 3,
          "message": "Generated manifests for payments-api@2.1.0"
        }
    "#]]
    .assert_eq(&stdout(&output));
}

#[test]
fn an_unknown_plugin_is_named_with_where_it_was_looked_for() {
    let dir = workspace();
    let output = generate(dir.path(), &["nope", "svc"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "plugin \"nope\" not found (looked for pacto-plugin-nope in $PATH and ~/.config/pacto/plugins/)\n"
    );
}

#[test]
fn a_plugin_in_the_config_directory_is_found() {
    let dir = workspace();
    let plugins = dir.path().join(".config/pacto/plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    std::fs::copy(plugins_dir().join("pacto-plugin-test"), plugins.join("pacto-plugin-local")).unwrap();
    let output = generate(dir.path(), &["local", "svc"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_path_escaping_the_output_directory_writes_nothing() {
    let dir = workspace();
    let output = generate(dir.path(), &["escape", "svc"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "plugin file path \"sub/../../x\" escapes output directory\n");
    // Checked before writing: not even the good file is there.
    assert_eq!(std::fs::read_dir(dir.path().join("escape-output")).unwrap().count(), 0);
    assert!(!dir.path().join("x").exists());
}

#[test]
fn invalid_json_and_failures_are_reported() {
    let dir = workspace();
    let output = generate(dir.path(), &["badjson", "svc"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "plugin badjson returned invalid output: expected ident at line 1 column 2\n");
    let output = generate(dir.path(), &["fail", "svc"], &[]);
    assert_eq!(stderr(&output), "plugin fail: the template is broken\n");
}

#[test]
fn output_over_the_limit_is_refused() {
    let dir = workspace();
    let output = generate(dir.path(), &["huge", "svc"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "plugin huge wrote more than 67108864 bytes of output; refused\n");
}

#[test]
fn a_hanging_plugin_is_stopped_with_everything_it_started() {
    let dir = workspace();
    let pidfile = dir.path().join("child.pid");
    let output =
        generate(dir.path(), &["hang", "svc", "--timeout", "1"], &[("PACTO_TEST_PIDFILE", pidfile.to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "plugin hang did not finish within 1 s and was stopped (use --timeout to allow more)\n"
    );
    let child: u32 = std::fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
    // The grandchild was in the plugin's process group: it is gone (or a zombie awaiting its
    // reaper). A SIGKILL takes effect when the kernel next schedules it: on a loaded machine
    // that is not always before pacto exits, so look for a while before calling it alive.
    let gone = || {
        let state = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
        (state.is_empty() || state.split(' ').nth(2) == Some("Z"), state)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let (mut dead, mut state) = gone();
    while !dead && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        (dead, state) = gone();
    }
    assert!(dead, "child {child} still runs: {state}");
}

#[test]
fn an_invalid_contract_is_refused_unless_asked() {
    let dir = workspace();
    let contract = dir.path().join("svc/pacto.yaml");
    let text = std::fs::read_to_string(&contract).unwrap().replace("min: 2", "min: 20");
    std::fs::write(&contract, text).unwrap();
    let output = generate(dir.path(), &["test", "svc"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    // Ours: the findings as `pacto validate` shows them, then the reference's count.
    expect![[r#"
          ERROR [SCALING_MIN_EXCEEDS_MAX] scaling: scaling min (20) must not exceed max (10)
              --> svc/pacto.yaml:59:1
               |
            59 | scaling:
               | ^^^^^^^
        contract validation failed with 1 error(s) (use --no-validate to generate anyway)
    "#]]
    .assert_eq(&stderr(&output));
    assert!(!dir.path().join("test-output").exists());
    let output = generate(dir.path(), &["test", "svc", "--no-validate"], &[]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_invalid_contract_in_json_mode_gets_the_validate_report() {
    let dir = workspace();
    let contract = dir.path().join("svc/pacto.yaml");
    let text = std::fs::read_to_string(&contract).unwrap().replace("min: 2", "min: 20");
    std::fs::write(&contract, text).unwrap();
    let output = generate(dir.path(), &["--output-format", "json", "test", "svc"], &[]);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        {
          "Path": "svc",
          "Valid": false,
          "Errors": [
            {
              "Path": "scaling",
              "Code": "SCALING_MIN_EXCEEDS_MAX",
              "Message": "scaling min (20) must not exceed max (10)",
              "Line": 59,
              "Column": 1
            }
          ],
          "Warnings": null
        }
    "#]]
    .assert_eq(&stdout(&output));
    assert_eq!(stderr(&output), "contract validation failed with 1 error(s) (use --no-validate to generate anyway)\n");
}

#[test]
fn a_contract_that_does_not_parse_is_refused_even_without_validation() {
    let dir = workspace();
    let contract = dir.path().join("svc/pacto.yaml");
    let text = std::fs::read_to_string(&contract).unwrap().replace("  name: payments-api", "  nmae: payments-api");
    std::fs::write(&contract, text).unwrap();
    let output = generate(dir.path(), &["test", "svc", "--no-validate"], &[]);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
          ERROR [PARSE_ERROR] : failed to parse svc/pacto.yaml: parse error: failed to parse YAML: yaml: unmarshal errors:
          line 6: field nmae not found in type contract.ServiceIdentity; did you mean `name`?
             --> svc/pacto.yaml:6:3
              |
            6 |   nmae: payments-api
              |   ^^^^
        failed to parse svc/pacto.yaml: parse error: failed to parse YAML: yaml: unmarshal errors:
          line 6: field nmae not found in type contract.ServiceIdentity; did you mean `name`?
    "#]].assert_eq(&stderr(&output));
}

/// The kubernetes plugin's report on the example, 1.0 or 2.0: the same four manifests.
fn assert_kubernetes_generated(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    expect![[r#"
        Generated 4 file(s) using kubernetes
        Output: kubernetes-output/
        Message: Kubernetes manifests for payments-api@2.1.0
    "#]]
    .assert_eq(&stdout(output));
}

#[test]
fn the_kubernetes_plugin_beside_pacto_generates_the_example() {
    let dir = workspace();
    let output = generate_kubernetes(dir.path(), &["--option", "namespace=payments"]);
    assert_kubernetes_generated(&output);
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("kubernetes-output"))
        .unwrap()
        .map(|it| it.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["horizontalpodautoscaler.yaml", "poddisruptionbudget.yaml", "service.yaml", "statefulset.yaml"]);
}

/// A temp dir holding a copy of the 2.0 example bundle as `svc/`.
fn workspace_v2() -> tempfile::TempDir {
    example_as_svc("payments-api-v2")
}

fn data_v2() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/generate-v2")
}

/// A plugin receives a 2.0 contract as 2.0 (pacto-v2.md §6.5): the reference's key order, empty
/// fields left out, the free-form mappings with sorted keys, dates as written.
#[test]
fn generate_hands_plugins_the_2_0_contract() {
    let dir = workspace_v2();
    let output = generate(dir.path(), &["test", "svc"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("test-output/request.json")).unwrap()).unwrap();
    let contract = serde_json::to_string_pretty(&request["contract"]).unwrap() + "\n";
    expect_test::expect_file![data_v2().join("payments-api-v2.contract.json")].assert_eq(&contract);
}

/// `pacto-plugin-kubernetes` on the 2.0 example: without the options 2.0 no longer carries, one
/// error naming each; with them, the manifests.
#[test]
fn the_kubernetes_plugin_on_the_2_0_example_needs_its_deployment_options() {
    let dir = workspace_v2();
    let output = generate_kubernetes(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        plugin kubernetes: missing option(s) for a pactoVersion 2.0 contract: image (--option image=<ref>: 2.0 contracts name no image); port.rest-api (--option port.rest-api=<port>: 2.0 interfaces carry no port); port.grpc-api (--option port.grpc-api=<port>: 2.0 interfaces carry no port); replicas (--option replicas=<n>, or <min>-<max> to autoscale: 2.0 contracts carry no scaling)
    "#]].assert_eq(&stderr(&output));
    assert!(!dir.path().join("kubernetes-output").read_dir().unwrap().any(|_| true));
    let output = generate_kubernetes(
        dir.path(),
        &[
            "--option",
            "image=ghcr.io/acme/payments-api:2.1.0",
            "--option",
            "port.rest-api=8080",
            "--option",
            "port.grpc-api=9090",
            "--option",
            "replicas=2-10",
        ],
    );
    assert_kubernetes_generated(&output);
    let mut out = String::new();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.path().join("kubernetes-output")).unwrap().map(|it| it.unwrap().path()).collect();
    files.sort();
    for file in files {
        out.push_str(&format!("# {}\n", file.file_name().unwrap().to_string_lossy()));
        out.push_str(&std::fs::read_to_string(file).unwrap());
    }
    expect_test::expect_file![data_v2().join("payments-api-v2.kubernetes.yaml")].assert_eq(&out);
}
