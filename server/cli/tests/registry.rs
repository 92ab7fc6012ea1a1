//! `pacto push` and `pacto pull` against a real registry on 127.0.0.1 (Debian's `docker-registry`):
//! round trip, the artifact's exact media types, tags, auth, TLS, failures and the cache.

mod common;

use common::{example, stderr, stdout};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use expect_test::expect;
use pacto_testkit::registry::home::{Home, failed, files_below, ok};
use pacto_testkit::registry::{Mode, PASSWORD, Registry, USER, free_port};
use serde_json::Value;

#[test]
fn registry_push_then_pull_round_trips_the_example() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/payments-api", registry.addr);
    let pushed = ok(&home.pacto(&["push", &target, "-p", "payments-api"], &[]));
    let mut lines = pushed.lines();
    assert_eq!(
        lines.next(),
        Some(format!("Pushed payments-api@2.1.0 -> {}/acme/payments-api:2.1.0", registry.addr).as_str())
    );
    assert!(lines.next().is_some_and(|it| it.starts_with("Digest: sha256:")), "{pushed}");

    let pulled = ok(&home.pacto(&["pull", &format!("{target}:2.1.0"), "-o", "out"], &[]));
    assert_eq!(pulled, "Pulled payments-api@2.1.0 -> out/\n");
    assert_eq!(files_below(&home.path().join("out")), files_below(&example()));

    // The default output directory is the service name; JSON carries the resolved reference.
    let other = Home::new();
    fs::remove_dir_all(other.path().join("payments-api")).unwrap();
    let json: Value =
        serde_json::from_str(&ok(&other.pacto(&["pull", &format!("{target}:2.1.0"), "--output-format", "json"], &[])))
            .unwrap();
    assert_eq!(json["Ref"], format!("{}/acme/payments-api:2.1.0", registry.addr));
    assert_eq!(json["Output"], "payments-api");
    assert_eq!((json["Name"].as_str(), json["Version"].as_str()), (Some("payments-api"), Some("2.1.0")));
    assert_eq!(files_below(&other.path().join("payments-api")), files_below(&example()));
}

#[test]
fn registry_pushed_artifact_has_the_reference_media_types() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/shape:1.0.0", registry.addr);
    let json: Value = serde_json::from_str(&ok(
        &home.pacto(&["push", &target, "-p", "payments-api", "--output-format", "json"], &[])
    ))
    .unwrap();
    assert_eq!(json["Ref"], format!("{}/acme/shape:1.0.0", registry.addr));

    let (status, bytes) =
        registry.get("/v2/acme/shape/manifests/1.0.0", Some("application/vnd.oci.image.manifest.v1+json"));
    assert_eq!(status, 200);
    assert_eq!(json["Digest"].as_str(), Some(pacto_oci::Digest::of(&bytes).to_string().as_str()));
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    let keys: Vec<&str> = manifest.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["schemaVersion", "mediaType", "config", "layers"]);
    assert_eq!(manifest["schemaVersion"], 2);
    assert_eq!(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(manifest["config"]["mediaType"], "application/vnd.docker.container.image.v1+json");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], "application/vnd.pacto.bundle.layer.v1.tar+gzip");

    // The reported digest pulls the same artifact.
    let by_digest = format!("oci://{}/acme/shape@{}", registry.addr, json["Digest"].as_str().unwrap());
    assert_eq!(
        ok(&home.pacto(&["pull", &by_digest, "-o", "by-digest"], &[])),
        "Pulled payments-api@2.1.0 -> by-digest/\n"
    );
    assert_eq!(files_below(&home.path().join("by-digest")), files_below(&example()));

    let config_digest = manifest["config"]["digest"].as_str().unwrap();
    let (status, config) = registry.get(&format!("/v2/acme/shape/blobs/{config_digest}"), None);
    assert_eq!(status, 200);
    let config: Value = serde_json::from_slice(&config).unwrap();
    assert_eq!(config["config"]["Labels"]["io.pacto.name"], "payments-api");
    assert_eq!(config["config"]["Labels"]["io.pacto.version"], "2.1.0");
}

#[test]
fn registry_existing_tag_is_refused_without_force() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/again:2.1.0", registry.addr);
    ok(&home.pacto(&["push", &target, "-p", "payments-api"], &[]));

    let again = home.pacto(&["push", &target, "-p", "payments-api", "--output-format", "json"], &[]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout(&again), "");
    assert_eq!(
        stderr(&again),
        format!("Warning: artifact already exists: {}/acme/again:2.1.0 (use --force to overwrite)\n", registry.addr)
    );

    let forced = ok(&home.pacto(&["push", &target, "-p", "payments-api", "--force"], &[]));
    assert!(forced.starts_with("Pushed payments-api@2.1.0"), "{forced}");
}

#[test]
fn registry_tagless_pull_picks_the_highest_semver_tag() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let repo = format!("oci://{}/acme/versions", registry.addr);
    for tag in ["1.9.0", "1.10.0", "latest", "1.2.0"] {
        ok(&home.pacto(&["push", &format!("{repo}:{tag}"), "-p", "payments-api"], &[]));
    }
    let json: Value =
        serde_json::from_str(&ok(&home.pacto(&["pull", &repo, "-o", "out", "--output-format", "json"], &[]))).unwrap();
    assert_eq!(json["Ref"], format!("{}/acme/versions:1.10.0", registry.addr));
}

#[test]
fn registry_basic_auth_needs_the_right_credentials() {
    let registry = Registry::start(Mode::Auth);
    let home = Home::new();
    let target = format!("oci://{}/acme/private:2.1.0", registry.addr);
    let good = [("PACTO_REGISTRY_USERNAME", USER), ("PACTO_REGISTRY_PASSWORD", PASSWORD)];
    ok(&home.pacto(&["push", &target, "-p", "payments-api"], &good));
    ok(&home.pacto(&["--no-cache", "pull", &target, "-o", "with-env"], &good));

    let anonymous = failed(&home.pacto(&["--no-cache", "pull", &target], &[]));
    assert_eq!(
        anonymous,
        format!(
            "authentication failed for {0}/acme/private:2.1.0: {0} requires credentials and none were found (HTTP 401) — run `pacto login` or check PACTO_REGISTRY_TOKEN\n",
            registry.addr
        )
    );
    let wrong = [("PACTO_REGISTRY_USERNAME", USER), ("PACTO_REGISTRY_PASSWORD", "wrong-password")];
    let refused = failed(&home.pacto(&["--no-cache", "pull", &target], &wrong));
    assert!(
        refused.starts_with(&format!("authentication failed for {}/acme/private:2.1.0: ", registry.addr)),
        "{refused}"
    );
    assert!(refused.contains("refused the credentials (HTTP 401)"), "{refused}");
    assert!(!refused.contains("wrong-password"));
    // A push without credentials fails at the existence check, before any upload.
    let push = failed(&home.pacto(&["push", &target, "-p", "payments-api", "--force"], &[]));
    assert!(push.starts_with("authentication failed for"), "{push}");

    // Docker's config.json `auths`, base64 of user:password.
    let docker = home.path().join("docker");
    fs::create_dir_all(&docker).unwrap();
    fs::write(
        docker.join("config.json"),
        format!(r#"{{"auths":{{"{}":{{"auth":"cGFjdG86czNjcmV0"}}}}}}"#, registry.addr),
    )
    .unwrap();
    ok(&home
        .pacto(&["--no-cache", "pull", &target, "-o", "with-docker"], &[("DOCKER_CONFIG", docker.to_str().unwrap())]));
}

#[test]
fn registry_missing_repository_or_tag_is_not_found() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    ok(&home.pacto(&["push", &format!("oci://{}/acme/there:1.0.0", registry.addr), "-p", "payments-api"], &[]));
    for missing in ["acme/there:9.9.9", "acme/nothing:1.0.0", "acme/nothing"] {
        let err = failed(&home.pacto(&["pull", &format!("oci://{}/{missing}", registry.addr)], &[]));
        assert_eq!(err, format!("artifact not found: {}/{missing}\n", registry.addr));
    }
    assert!(!home.path().join("payments-api").join("out").exists());
}

#[test]
fn registry_down_is_a_transport_error_within_the_timeout() {
    let home = Home::new();
    let addr = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let err = failed(&home.pacto(&["pull", &format!("oci://{addr}/acme/svc:1.0.0")], &[]));
    assert!(started.elapsed() < pacto_oci::transport::CONNECT_TIMEOUT, "took {:?}", started.elapsed());
    assert!(err.starts_with(&format!("registry unreachable for {addr}/acme/svc:1.0.0: ")), "{err}");
    assert!(err.to_lowercase().contains("connect"), "{err}");
    let push = failed(&home.pacto(&["push", &format!("oci://{addr}/acme/svc"), "-p", "payments-api"], &[]));
    assert!(push.starts_with(&format!("registry unreachable for {addr}/acme/svc:2.1.0: ")), "{push}");
}

#[test]
fn registry_tls_works_with_the_ca_file_and_fails_without() {
    let registry = Registry::start(Mode::Tls);
    let home = Home::new();
    let ca = registry.ca.clone().unwrap();
    let ca = [("PACTO_CA_FILE", ca.to_str().unwrap())];
    for host in [registry.addr.clone(), registry.addr.replace("127.0.0.1", "localhost")] {
        let target = format!("oci://{host}/acme/secure:2.1.0");
        ok(&home.pacto(&["push", &target, "-p", "payments-api", "--force"], &ca));
        ok(&home.pacto(&["--no-cache", "pull", &target, "-o", "out"], &ca));
        assert_eq!(files_below(&home.path().join("out")), files_below(&example()));
        let err = failed(&home.pacto(&["--no-cache", "pull", &target], &[]));
        assert!(err.starts_with(&format!("registry unreachable for {host}/acme/secure:2.1.0: ")), "{err}");
        assert!(err.contains("certificate"), "{err}");
    }
}

#[test]
fn registry_push_refuses_a_local_dependency() {
    let home = Home::new();
    let contract = home.path().join("payments-api/pacto.yaml");
    let text = fs::read_to_string(&contract).unwrap().replace(
        "  - ref: oci://ghcr.io/acme/notification-service-pacto:1.0.4@sha256:b56db8ef38da97a53ad5daefed64b7deef00532d3dc3c96e2911430671e04ee1",
        "  - ref: ../notification-service",
    );
    fs::write(&contract, text).unwrap();
    // No registry: the refusal comes before any network use.
    let err = failed(&home.pacto(&["push", "oci://127.0.0.1:1/acme/svc", "-p", "payments-api"], &[]));
    assert_eq!(
        err,
        "local dependency detected: ../notification-service\nLocal dependencies are not allowed when publishing. All dependencies must use OCI references (oci://...)\n"
    );
    let err = failed(&home.pacto(&["push", "127.0.0.1:1/acme/svc", "-p", "payments-api"], &[]));
    assert_eq!(err, "push requires an OCI reference (oci://...): got \"127.0.0.1:1/acme/svc\"\n");
}

#[test]
fn registry_push_of_an_invalid_contract_shows_the_findings() {
    let home = Home::new();
    let contract = home.path().join("payments-api/pacto.yaml");
    let text = fs::read_to_string(&contract)
        .unwrap()
        .replace("version: 2.1.0", "version: two")
        .replace("    type: event\n", "    type: event\n    port: 9\n");
    fs::write(&contract, text).unwrap();
    // No registry: validation comes before any network use. The warning is shown too, as by validate.
    let err = failed(&home.pacto(&["push", "oci://127.0.0.1:1/acme/svc", "-p", "payments-api"], &[]));
    expect![[r#"
          ERROR [INVALID_SEMVER] service.version: service version "two" is not valid semver: invalid semantic version
             --> payments-api/pacto.yaml:7:12
              |
            7 |   version: two
              |            ^^^
          WARN  [PORT_IGNORED] interfaces[2].port: port is not applicable for event interface "order-events"
              --> payments-api/pacto.yaml:26:11
               |
            26 |     port: 9
               |           ^
        contract validation failed with 1 error(s)
    "#]]
    .assert_eq(&err);
    let output =
        home.pacto(&["push", "oci://127.0.0.1:1/acme/svc", "-p", "payments-api", "--output-format", "json"], &[]);
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
            }
          ],
          "Warnings": [
            {
              "Path": "interfaces[2].port",
              "Code": "PORT_IGNORED",
              "Message": "port is not applicable for event interface \"order-events\"",
              "Line": 26,
              "Column": 11
            }
          ]
        }
    "#]]
    .assert_eq(&stdout(&output));
    assert_eq!(stderr(&output), "contract validation failed with 1 error(s)\n");
}

#[test]
fn registry_cached_pull_works_with_the_registry_stopped() {
    let mut registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/cached:2.1.0", registry.addr);
    ok(&home.pacto(&["push", &target, "-p", "payments-api"], &[]));
    ok(&home.pacto(&["pull", &target, "-o", "first"], &[]));
    registry.stop();

    let second = home.pacto(&["-v", "pull", &target, "-o", "second"], &[]);
    assert_eq!(ok(&second), "Pulled payments-api@2.1.0 -> second/\n");
    // Answered by the fresh mapping, not by the fallback for a registry that cannot be reached.
    assert!(stderr(&second).contains(" source=Cache\n"), "{}", stderr(&second));
    assert_eq!(files_below(&home.path().join("second")), files_below(&example()));
    let err = failed(&home.pacto(&["--no-cache", "pull", &target, "-o", "third"], &[]));
    assert!(err.starts_with("registry unreachable for "), "{err}");
    assert!(!home.path().join("third").exists());
}

#[test]
fn registry_cached_pull_sends_no_request_at_all() {
    let (routes, _) = pacto_testkit::registry::fake::example_routes("acme/svc", "2.1.0");
    let fake = pacto_testkit::registry::fake::FakeRegistry::start(routes);
    let home = Home::new();
    let target = format!("oci://{}/acme/svc:2.1.0", fake.addr);
    ok(&home.pacto(&["pull", &target, "-o", "first"], &[]));
    let n_requests = fake.requests().len();
    assert!(n_requests >= 3, "{:?}", fake.requests());
    assert_eq!(ok(&home.pacto(&["pull", &target, "-o", "second"], &[])), "Pulled payments-api@2.1.0 -> second/\n");
    assert_eq!(ok(&home.pacto(&["pull", &target, "-o", "second"], &[])), "Pulled payments-api@2.1.0 -> second/\n");
    assert_eq!(fake.requests().len(), n_requests, "a cached pull asked the registry: {:?}", fake.requests());
    assert_eq!(files_below(&home.path().join("second")), files_below(&example()));
}

#[test]
fn registry_refs_work_as_arguments_of_validate_explain_graph_diff_and_doc() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/payments-api", registry.addr);
    ok(&home.pacto(&["push", &target, "-p", "payments-api"], &[]));
    // Tag-less: the highest semver tag.
    assert_eq!(ok(&home.pacto(&["validate", &target], &[])), format!("{target} is valid\n"));
    let explained = ok(&home.pacto(&["explain", &format!("{target}:2.1.0")], &[]));
    assert!(explained.starts_with("Service: payments-api@2.1.0\n"), "{explained}");
    assert_eq!(
        ok(&home.pacto(&["diff", &format!("{target}:2.1.0"), "payments-api"], &[])),
        "Classification: NON_BREAKING\nNo changes detected.\n"
    );
    // The example's own dependencies live in a public registry: offline, nothing leaves this machine.
    let graph = ok(&home.pacto(&["graph", "payments-api"], &[("PACTO_OFFLINE", "1")]));
    assert!(
        graph.starts_with("payments-api@2.1.0\n├─ auth-service-pacto:2.3.0@sha256:6399805 (error: not fetched"),
        "{graph}"
    );
    // A graph whose dependency is in the registry, and the docs of a pulled bundle.
    let db = home.path().join("db");
    fs::create_dir_all(&db).unwrap();
    fs::write(db.join("pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: db, version: 1.2.0}\n").unwrap();
    let db_target = format!("oci://{}/acme/db", registry.addr);
    ok(&home.pacto(&["push", &db_target, "-p", "db"], &[]));
    let app = home.path().join("app");
    fs::create_dir_all(&app).unwrap();
    let app_contract = format!(
        "pactoVersion: \"1.0\"\nservice: {{name: app, version: 0.1.0}}\ndependencies:\n  - {{ref: \"{db_target}\", compatibility: \"^1.0.0\"}}\n"
    );
    fs::write(app.join("pacto.yaml"), app_contract).unwrap();
    assert_eq!(ok(&home.pacto(&["graph", "app"], &[])), "app@0.1.0\n└─ db@1.2.0\n");
    let doc = ok(&home.pacto(&["doc", &db_target], &[]));
    assert!(doc.starts_with("# db\n\n**db** `v1.2.0`."), "{doc}");
    // A missing repository is a validation finding, not a crash.
    let missing = home.pacto(&["validate", &format!("oci://{}/acme/nothing", registry.addr)], &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("ERROR [PARSE_ERROR] : artifact not found"), "{}", stderr(&missing));
}

/// Runs `pacto login` with the password on stdin.
fn login(home: &Home, registry: &str, password: &str, envs: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["login", registry, "-u", USER, "--password-stdin"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .env_remove("DOCKER_CONFIG")
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .envs(envs.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn registry_login_verifies_then_stores_credentials_docker_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let registry = Registry::start(Mode::Auth);
    let home = Home::new();
    let refused = login(&home, &registry.addr, "wrong-password", &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(stderr(&refused), format!("login failed: {} refused the credentials\n", registry.addr));
    assert!(!home.path().join(".docker/config.json").exists(), "nothing is stored on failure");
    let accepted = login(&home, &registry.addr, PASSWORD, &[]);
    assert_eq!(stdout(&accepted), format!("Login succeeded for {}\n", registry.addr));
    let config = home.path().join(".docker/config.json");
    assert_eq!(fs::metadata(&config).unwrap().permissions().mode() & 0o777, 0o600);
    let stored: Value = serde_json::from_str(&fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(stored["auths"][&registry.addr]["auth"], "cGFjdG86czNjcmV0");
    for output in [&refused, &accepted] {
        let all = format!("{}{}", stdout(output), stderr(output));
        assert!(!all.contains(PASSWORD) && !all.contains("wrong-password"), "a secret leaked: {all}");
    }
    // The stored credentials are used by the next command.
    let target = format!("oci://{}/acme/payments-api", registry.addr);
    ok(&home.pacto(&["push", &target, "-p", "payments-api"], &[]));
}

#[test]
fn registry_login_uses_a_configured_credential_helper() {
    let registry = Registry::start(Mode::Auth);
    let home = Home::new();
    fs::create_dir_all(home.path().join(".docker")).unwrap();
    fs::write(home.path().join(".docker/config.json"), r#"{"credsStore": "test"}"#).unwrap();
    let helpers =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/credential-helper").canonicalize().unwrap();
    let path = format!("{}:{}", helpers.display(), std::env::var("PATH").unwrap_or_default());
    let out = home.path().join("helper-request.json");
    let accepted =
        login(&home, &registry.addr, PASSWORD, &[("PATH", &path), ("PACTO_TEST_HELPER_OUT", out.to_str().unwrap())]);
    assert_eq!(stdout(&accepted), format!("Login succeeded for {}\n", registry.addr), "{}", stderr(&accepted));
    let request: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(request, serde_json::json!({"ServerURL": registry.addr, "Username": USER, "Secret": PASSWORD}));
    assert_eq!(fs::read_to_string(home.path().join(".docker/config.json")).unwrap(), r#"{"credsStore": "test"}"#);
    // The next command reads them back through the helper.
    let target = format!("oci://{}/acme/payments-api", registry.addr);
    ok(&home.pacto(
        &["push", &target, "-p", "payments-api"],
        &[("PATH", &path), ("PACTO_TEST_HELPER_OUT", out.to_str().unwrap())],
    ));
}

#[test]
fn registry_secrets_never_appear_in_output_errors_or_verbose_logs() {
    let registry = Registry::start(Mode::Auth);
    let home = Home::new();
    let target = format!("oci://{}/acme/secret:2.1.0", registry.addr);
    let basic_b64 = "cGFjdG86czNjcmV0";
    let (wrong, token) = ("wr0ng-pa55word", "t0ken-never-shown");
    let good = [("PACTO_REGISTRY_USERNAME", USER), ("PACTO_REGISTRY_PASSWORD", PASSWORD)];
    let runs = [
        home.pacto(&["-v", "push", &target, "-p", "payments-api"], &good),
        home.pacto(&["-v", "--no-cache", "pull", &target, "-o", "out"], &good),
        home.pacto(&["-v", "--no-cache", "pull", &target], &[good[0], ("PACTO_REGISTRY_PASSWORD", wrong)]),
        home.pacto(&["-v", "push", &target, "-p", "payments-api", "-f"], &[("PACTO_REGISTRY_TOKEN", token)]),
        login(&home, &registry.addr, PASSWORD, &[("PACTO_VERBOSE", "1")]),
        login(&home, &registry.addr, wrong, &[("PACTO_VERBOSE", "1")]),
    ];
    assert_eq!(runs.iter().map(|it| it.status.code()).collect::<Vec<_>>(), [0, 0, 1, 1, 0, 1].map(Some));
    let all: String = runs.iter().map(|it| format!("{}{}", stdout(it), stderr(it))).collect();
    // `-v` was heard: the debug lines are there to be searched.
    assert!(all.contains("level=DEBUG msg=\"pushed bundle\""), "{all}");
    assert!(all.contains("level=DEBUG msg=\"stored credentials\""), "{all}");
    for secret in [PASSWORD, wrong, token, basic_b64] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
}

/// Runs `pacto args…` as [`Home::pacto`] does, but with a terminal as stdin, stdout and stderr (util-linux
/// `script`), whose whole output is returned.
fn on_terminal(home: &Home, args: &[&str], envs: &[(&str, &str)]) -> String {
    let pacto = home.command(args, envs);
    let mut line = format!("'{}'", pacto.get_program().to_str().unwrap());
    for arg in args {
        line.push_str(&format!(" '{arg}'"));
    }
    let mut script = Command::new("script");
    script.args(["-qec", &line, "/dev/null"]).current_dir(home.path()).env("TERM", "xterm").env_remove("CI");
    for (name, value) in pacto.get_envs() {
        match value {
            Some(value) => script.env(name, value),
            None => script.env_remove(name),
        };
    }
    ok(&script.output().expect("script (util-linux) runs"))
}

#[test]
fn registry_progress_bar_is_drawn_on_a_terminal_only() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/progress:2.1.0", registry.addr);
    let pushed = on_terminal(&home, &["push", &target, "-p", "payments-api"], &[]);
    assert!(pushed.starts_with("Uploading   [░░░"), "{pushed:?}");
    assert!(pushed.contains("Pushed payments-api@2.1.0"), "{pushed:?}");
    let pulled = on_terminal(&home, &["--no-cache", "pull", &target, "-o", "out"], &[]);
    assert!(pulled.starts_with("Downloading [░░░"), "{pulled:?}");
    // The bar is cleared (carriage return, erase line) before the result line.
    assert!(pulled.ends_with("\r\u{1b}[2KPulled payments-api@2.1.0 -> out/\r\n"), "{pulled:?}");
    // JSON and CI: the result alone, even on a terminal.
    let json = on_terminal(&home, &["--no-cache", "pull", &target, "-o", "out", "--output-format", "json"], &[]);
    assert!(json.starts_with('{') && !json.contains("Downloading"), "{json:?}");
    let ci = on_terminal(&home, &["--no-cache", "pull", &target, "-o", "out"], &[("CI", "true")]);
    assert_eq!(ci, "Pulled payments-api@2.1.0 -> out/\r\n");
}
