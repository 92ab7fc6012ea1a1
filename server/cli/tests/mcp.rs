//! `pacto mcp` driven by a real third-party client, the official Python MCP SDK
//! (`tests/mcp/client.py`, `mcp` in `.venv`, installed by `scripts/test`): every tool over stdio
//! with exact results, streamable HTTP on 127.0.0.1, bad input, and a real registry.

mod common;

use common::copy_dir;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pacto_testkit::registry::home::{Home, ok};
use pacto_testkit::registry::{Mode, Registry, free_port};
use serde_json::{Value, json};

/// Longest a whole client session may take before the test fails (it takes well under a second
/// per call; the registry-down case is bounded by `PACTO_REGISTRY_TIMEOUT`).
const SESSION_BUDGET: Duration = Duration::from_secs(60);

fn python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
}

fn client_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/mcp/client.py")
}

/// The SDK is the client under test: without it the tests fail rather than pass unseen.
fn require_sdk() {
    let installed = Command::new(python()).args(["-c", "import mcp"]).output().is_ok_and(|it| it.status.success());
    assert!(
        installed,
        "the Python MCP SDK is not installed in {}: the MCP tests need it (scripts/test installs it: \
         .venv/bin/pip install mcp==2.3.0)",
        python().display()
    );
}

/// The Python client in `home`'s directory with its environment, on `transport` args.
fn client(home: &Home, envs: &[(&str, &str)], transport: &[&str], calls: &Value) -> Value {
    let template = home.command(&[], envs);
    let mut command = Command::new(python());
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command.arg(client_script()).args(transport).current_dir(home.path());
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(calls.to_string().as_bytes()).unwrap();
    let output = wait_output(child, SESSION_BUDGET);
    let stdout = String::from_utf8_lossy(&output.0);
    assert!(output.2, "the client failed: {stdout}{}", String::from_utf8_lossy(&output.1));
    serde_json::from_str(&stdout).unwrap_or_else(|err| panic!("{err}: {stdout}"))
}

fn stdio_session(home: &Home, envs: &[(&str, &str)], calls: Value) -> Value {
    client(home, envs, &["stdio", env!("CARGO_BIN_EXE_pacto"), "mcp"], &calls)
}

/// Waits for `child` at most `budget` (then kills it and fails): stdout, stderr, success.
fn wait_output(mut child: Child, budget: Duration) -> (Vec<u8>, Vec<u8>, bool) {
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > budget {
            let _ = child.kill();
            panic!("the process took longer than {budget:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (out.join().unwrap(), err.join().unwrap(), status.success())
}

fn call(tool: &str, arguments: Value) -> Value {
    json!({"tool": tool, "arguments": arguments})
}

/// A call's outcome without the text duplicate of structured content.
fn outcome(result: &Value) -> Value {
    match result.get("structured") {
        Some(structured) if !structured.is_null() => json!({"isError": result["isError"], "structured": structured}),
        _ => result.clone(),
    }
}

/// A 1.0 contract with three findings, each with a fix: the unquoted version, the health check's
/// unknown interface and `min` above `max`.
const BROKEN: &str = include_str!("../../../tests/data/mcp/broken/pacto.yaml");

/// `BROKEN` with only its scaling fix applied.
fn broken_scaling_fixed() -> String {
    BROKEN.replace("min: 5\n  max: 2", "min: 2\n  max: 5")
}

/// `BROKEN` with all three fixes applied.
fn broken_fixed() -> String {
    broken_scaling_fixed()
        .replace("pactoVersion: 1.0\n", "pactoVersion: \"1.0\"\n")
        .replace("interface: missing", "interface: api")
}

fn write_bundle(home: &Home, name: &str, text: &str) {
    fs::create_dir_all(home.path().join(name)).unwrap();
    fs::write(home.path().join(name).join("pacto.yaml"), text).unwrap();
}

const OFFLINE: &[(&str, &str)] = &[("PACTO_OFFLINE", "1")];

#[test]
fn mcp_stdio_lists_the_tools_with_their_schemas() {
    require_sdk();
    let home = Home::new();
    let session = stdio_session(&home, OFFLINE, json!([]));
    assert_eq!(session["server"], json!({"name": "pacto", "version": env!("CARGO_PKG_VERSION")}));
    let instructions = session["instructions"].as_str().unwrap();
    let tools = session["tools"].as_array().unwrap();
    for tool in tools {
        let name = tool["name"].as_str().unwrap();
        assert!(instructions.contains(&format!("- {name}")) || instructions.contains(&format!("; {name}")), "{name}");
    }
    let summary: Vec<Value> = tools
        .iter()
        .map(|it| json!([it["name"], it["required"], it["properties"], it["output"], it["readOnly"]]))
        .collect();
    assert_eq!(
        Value::Array(summary),
        json!([
            ["pacto_validate", ["path"], ["path"], true, true],
            ["pacto_inspect", ["ref"], ["ref"], true, true],
            ["pacto_resolve_dependencies", ["ref"], ["ref"], true, true],
            ["pacto_list_interfaces", ["ref"], ["ref"], true, true],
            ["pacto_generate_docs", ["ref"], ["ref"], false, true],
            ["pacto_explain", ["ref"], ["ref"], true, true],
            [
                "pacto_generate_contract",
                ["service_name"],
                [
                    "exposes_grpc",
                    "exposes_http",
                    "language",
                    "needs_cache",
                    "needs_database",
                    "pacto_version",
                    "service_name"
                ],
                false,
                true
            ],
            ["pacto_suggest_dependencies", ["contract"], ["contract"], true, true],
            ["pacto_schema", [], ["pacto_version"], true, true],
            ["pacto_diff", ["old", "new"], ["new", "old"], true, true],
            ["pacto_fix", ["path"], ["codes", "path", "write"], true, false],
            ["pacto_migrate", ["path"], ["path", "write"], true, false],
            ["pacto_dependents", ["path"], ["path", "workspace"], true, true]
        ])
    );
}

#[test]
fn mcp_stdio_reads_contracts_as_the_commands_do() {
    require_sdk();
    let home = Home::new();
    copy_dir(&common::example().join("../payments-api-v2"), &home.path().join("v2"));
    let calls = json!([
        call("pacto_validate", json!({"path": "payments-api"})),
        call("pacto_validate", json!({"path": "v2"})),
        call("pacto_inspect", json!({"ref": "payments-api"})),
        call("pacto_list_interfaces", json!({"ref": "payments-api"})),
        call("pacto_explain", json!({"ref": "payments-api"})),
        call("pacto_explain", json!({"ref": "v2"})),
        call("pacto_suggest_dependencies", json!({"contract": "payments-api"})),
        call("pacto_generate_docs", json!({"ref": "payments-api"})),
        call("pacto_generate_docs", json!({"ref": "v2"})),
        call("pacto_resolve_dependencies", json!({"ref": "payments-api"})),
        call("pacto_schema", json!({})),
        call("pacto_schema", json!({"pacto_version": "2.0"})),
    ]);
    let session = stdio_session(&home, OFFLINE, calls);
    let results = session["calls"].as_array().unwrap();
    assert_eq!(
        outcome(&results[0]),
        json!({"isError": false, "structured": {"Path": "payments-api", "Valid": true, "Errors": null, "Warnings": null}})
    );
    assert_eq!(results[1]["structured"]["Valid"], true);
    // inspect is `pacto explain --output-format json`.
    let explained: Value =
        serde_json::from_str(&ok(&home.pacto(&["explain", "payments-api", "--output-format", "json"], OFFLINE)))
            .unwrap();
    assert_eq!(results[2]["structured"], explained);
    assert_eq!(
        results[3]["structured"],
        json!({"interfaces": [
            {"name": "rest-api", "type": "http", "port": 8080, "visibility": "public"},
            {"name": "grpc-api", "type": "grpc", "port": 9090},
            {"name": "order-events", "type": "event"}
        ]})
    );
    let auth = "oci://ghcr.io/acme/auth-service-pacto:2.3.0@sha256:6399805427338fbd96e25bd4f5dd38f9cedc4964bbd347849bc07fba86eaf918";
    let notification = "oci://ghcr.io/acme/notification-service-pacto:1.0.4@sha256:b56db8ef38da97a53ad5daefed64b7deef00532d3dc3c96e2911430671e04ee1";
    let dependencies = format!("{auth} (^2.0.0, required); {notification} (~1.0.0, optional)");
    assert_eq!(
        results[4]["structured"],
        json!({
            "summary": "payments-api@2.1.0 is a stateful service workload (pacto 1.0), owned by team/payments",
            "interfaces": "rest-api (http, port 8080, public); grpc-api (grpc, port 9090); order-events (event)",
            "dependencies": dependencies,
        })
    );
    assert_eq!(
        results[5]["structured"],
        json!({
            "summary": "payments-api@2.1.0 is a service workload (pacto 2.0), owned by payments",
            "interfaces": "rest-api (openapi, public); grpc-api (grpc, internal); order-events (asyncapi)",
            "dependencies": dependencies,
        })
    );
    assert_eq!(results[6]["structured"], json!({"suggested": ["api-gateway", "postgres", "prometheus"]}));
    // generate_docs is exactly what `pacto doc` prints, for both formats.
    assert_eq!(
        results[7],
        json!({"isError": false, "structured": null, "text": ok(&home.pacto(&["doc", "payments-api"], OFFLINE))})
    );
    assert_eq!(results[8]["text"], ok(&home.pacto(&["doc", "v2"], OFFLINE)));
    // Offline, the registry dependencies are reported, not fetched.
    let graph = &results[9]["structured"]["root"];
    assert_eq!(graph["name"], "payments-api");
    let errors: Vec<&str> =
        graph["dependencies"].as_array().unwrap().iter().map(|it| it["error"].as_str().unwrap()).collect();
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|it| it.contains("PACTO_OFFLINE is set")), "{errors:?}");
    let schema_v1 = fs::read_to_string(common::example().join("../../schemas/pacto-v1.0.schema.json")).unwrap();
    let schema_v2 = fs::read_to_string(common::example().join("../../schemas/pacto-v2.0.schema.json")).unwrap();
    assert_eq!(results[10]["structured"]["jsonSchema"], schema_v1.as_str());
    assert_eq!(results[10]["structured"]["docs"], "https://trianalab.github.io/pacto");
    assert_eq!(results[11]["structured"]["jsonSchema"], schema_v2.as_str());
}

#[test]
fn mcp_stdio_findings_have_positions_and_fixes() {
    require_sdk();
    let home = Home::new();
    write_bundle(&home, "broken", BROKEN);
    let calls = json!([
        call("pacto_validate", json!({"path": "broken"})),
        call("pacto_fix", json!({"path": "broken"})),
        call("pacto_fix", json!({"path": "broken", "codes": ["SCALING_MIN_EXCEEDS_MAX"]})),
        call("pacto_validate", json!({"path": "broken"})),
        call("pacto_fix", json!({"path": "broken", "write": true})),
        call("pacto_validate", json!({"path": "broken"})),
    ]);
    let session = stdio_session(&home, OFFLINE, calls);
    let results = session["calls"].as_array().unwrap();
    // An invalid contract is a normal result.
    assert_eq!(
        outcome(&results[0]),
        json!({"isError": false, "structured": {
            "Path": "broken",
            "Valid": false,
            "Errors": [{
                "Path": "pactoVersion",
                "Code": "SCHEMA_VIOLATION",
                "Message": "at '/pactoVersion': got number, want string",
                "Line": 1,
                "Column": 15,
                "Fixes": [{
                    "Title": "Quote the version: \"1.0\"",
                    "Preferred": true,
                    "Edits": [{"Line": 1, "Column": 15, "EndLine": 1, "EndColumn": 18, "NewText": "\"1.0\""}]
                }]
            }],
            "Warnings": null
        }})
    );
    assert_eq!(
        results[1]["structured"],
        json!({
            "Path": "broken/pacto.yaml",
            "Contract": broken_fixed(),
            "Applied": [
                {"Code": "SCHEMA_VIOLATION", "Title": "Quote the version: \"1.0\"", "Line": 1, "Column": 15},
                {"Code": "HEALTH_INTERFACE_NOT_FOUND", "Title": "Point the health check at `api`", "Line": 18, "Column": 16},
                {"Code": "SCALING_MIN_EXCEEDS_MAX", "Title": "Swap `min` and `max`", "Line": 20, "Column": 1}
            ],
            "Valid": true,
            "Written": false
        })
    );
    assert_eq!(results[2]["structured"]["Applied"].as_array().unwrap().len(), 1);
    assert_eq!(results[2]["structured"]["Contract"], broken_scaling_fixed());
    // Nothing was written without `write: true`; with it, the file is the fixed text.
    assert_eq!(results[3]["structured"]["Valid"], false);
    assert_eq!(results[4]["structured"]["Written"], true);
    assert_eq!(results[5]["structured"]["Valid"], true);
    assert_eq!(fs::read_to_string(home.path().join("broken/pacto.yaml")).unwrap(), broken_fixed());
    let leftovers: Vec<_> =
        fs::read_dir(home.path().join("broken")).unwrap().map(|it| it.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["pacto.yaml"]);
}

#[test]
fn mcp_stdio_generates_diffs_and_migrates() {
    require_sdk();
    let home = Home::new();
    let example = fs::read_to_string(home.path().join("payments-api/pacto.yaml")).unwrap();
    copy_dir(&home.path().join("payments-api"), &home.path().join("next"));
    // The new version drops the gRPC interface and keeps its version: breaking, and a bump is due.
    let without_grpc = example
        .replace("  - name: grpc-api\n    type: grpc\n    port: 9090\n    contract: interfaces/payments.proto\n", "");
    assert_ne!(without_grpc, example);
    fs::write(home.path().join("next/pacto.yaml"), &without_grpc).unwrap();
    let answers = json!({"service_name": "orders", "language": "go", "exposes_http": true, "needs_database": true});
    let mut answers_v2 = answers.clone();
    answers_v2["pacto_version"] = json!("2.0");
    let calls = json!([
        call("pacto_generate_contract", answers),
        call("pacto_generate_contract", answers_v2),
        call("pacto_diff", json!({"old": "payments-api", "new": "next"})),
        call("pacto_diff", json!({"old": "payments-api", "new": "payments-api"})),
        call("pacto_migrate", json!({"path": "payments-api"})),
    ]);
    let session = stdio_session(&home, OFFLINE, calls);
    let results = session["calls"].as_array().unwrap();
    assert_eq!(
        results[0]["text"],
        "pactoVersion: \"1.0\"\n\nservice:\n  name: orders\n  version: \"0.1.0\"\n\nmetadata:\n  language: go\n\n\
interfaces:\n  - name: http-api\n    type: http\n    port: 8080\n    visibility: public\n\n\
dependencies:\n  - ref: postgres\n    required: true\n    compatibility: \"^1.0.0\"\n\n\
runtime:\n  workload: service\n  state:\n    type: stateful\n    persistence:\n      scope: shared\n      durability: persistent\n    dataCriticality: medium\n  health:\n    interface: http-api\n    path: /health\n"
    );
    // Both generated contracts validate with no errors (2.0 once its interface file exists).
    write_bundle(&home, "gen2/interfaces", "openapi: 3.1.0\n");
    fs::rename(home.path().join("gen2/interfaces/pacto.yaml"), home.path().join("gen2/interfaces/openapi.yaml"))
        .unwrap();
    for (idx, name) in [(0, "gen1"), (1, "gen2")] {
        write_bundle(&home, name, results[idx]["text"].as_str().unwrap());
        let report: Value =
            serde_json::from_str(&ok(&home.pacto(&["validate", name, "--output-format", "json"], OFFLINE))).unwrap();
        assert_eq!(report["Errors"], Value::Null, "{name}: {report}");
    }
    assert!(results[1]["text"].as_str().unwrap().starts_with("pactoVersion: \"2.0\"\n"));
    // The diff is `pacto diff --output-format json`; a breaking one is a normal result.
    let diff = &results[2];
    assert_eq!(diff["isError"], false);
    let cli = home.pacto(&["diff", "payments-api", "next", "--output-format", "json"], OFFLINE);
    assert_eq!(diff["structured"], serde_json::from_slice::<Value>(&cli.stdout).unwrap());
    assert_eq!(diff["structured"]["classification"], "BREAKING");
    let changes: Vec<Value> = diff["structured"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| json!([it["path"], it["type"], it["classification"]]))
        .collect();
    assert_eq!(changes, [json!(["interfaces", "removed", "BREAKING"])]);
    assert_eq!(diff["structured"]["versionCheck"]["suggestedVersion"], "3.0.0");
    assert_eq!(results[3]["structured"]["classification"], "NON_BREAKING");
    // migrate is `pacto migrate --output-format json`, and writes nothing without `write`.
    let migrated = &results[4]["structured"];
    let cli: Value =
        serde_json::from_str(&ok(&home.pacto(&["migrate", "payments-api", "--output-format", "json"], OFFLINE)))
            .unwrap();
    assert_eq!(migrated, &cli);
    assert_eq!(migrated["Valid"], true);
    assert_eq!(migrated["Written"], false);
    assert_eq!(fs::read_to_string(home.path().join("payments-api/pacto.yaml")).unwrap(), example);
}

#[test]
fn mcp_stdio_bad_input_is_named_and_the_server_keeps_answering() {
    require_sdk();
    let home = Home::new();
    fs::create_dir_all(home.path().join("huge")).unwrap();
    let mut huge = String::from("pactoVersion: \"1.0\"\n# ");
    huge.push_str(&"x".repeat(20 * 1024 * 1024));
    fs::write(home.path().join("huge/pacto.yaml"), huge).unwrap();
    let down = format!("oci://127.0.0.1:{}/acme/payments-api:1.0.0", free_port());
    let calls = json!([
        call("pacto_nope", json!({})),
        call("pacto_validate", json!({})),
        call("pacto_validate", json!({"path": true})),
        call("pacto_validate", json!({"path": ""})),
        call("pacto_fix", json!({"path": "payments-api", "codes": [1]})),
        call("pacto_generate_contract", json!({"service_name": "x", "exposes_http": "yes"})),
        call("pacto_generate_contract", json!({"service_name": "x", "pacto_version": "3.0"})),
        call("pacto_schema", json!({"extra": 1})),
        call("pacto_inspect", json!({"ref": "no-such-dir"})),
        call("pacto_validate", json!({"path": "huge"})),
        call("pacto_validate", json!({"path": down})),
        call("pacto_fix", json!({"path": "oci://127.0.0.1:1/acme/x:1.0.0"})),
        call("pacto_validate", json!({"path": "payments-api"})),
    ]);
    let started = Instant::now();
    let session = stdio_session(&home, &[("PACTO_REGISTRY_TIMEOUT", "5")], calls);
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    let results: Vec<Value> = session["calls"].as_array().unwrap().iter().map(outcome).collect();
    let error = |text: &str| json!({"isError": true, "structured": null, "text": text});
    assert_eq!(
        results[0],
        json!({"protocolError": "unknown tool `pacto_nope`; the tools are: pacto_validate, pacto_inspect, \
            pacto_resolve_dependencies, pacto_list_interfaces, pacto_generate_docs, pacto_explain, pacto_generate_contract, \
            pacto_suggest_dependencies, pacto_schema, pacto_diff, pacto_fix, pacto_migrate, pacto_dependents"})
    );
    assert_eq!(
        results[1],
        error(
            "pacto_validate: argument `path` is required (A bundle directory (the one holding pacto.yaml) or an oci:// reference)"
        )
    );
    assert_eq!(results[2], error("pacto_validate: argument `path` must be a string, not a boolean"));
    assert_eq!(results[3], error("pacto_validate: argument `path` is empty"));
    assert_eq!(
        results[4],
        error("pacto_fix: argument `codes` must be an array of strings, not an array holding a number")
    );
    assert_eq!(results[5], error("pacto_generate_contract: argument `exposes_http` must be a boolean, not a string"));
    assert_eq!(
        results[6],
        error("pacto_generate_contract: argument `pacto_version` must be \"1.0\" or \"2.0\", not \"3.0\"")
    );
    assert_eq!(results[7], error("pacto_schema: unknown argument `extra` (it takes: pacto_version)"));
    assert_eq!(
        results[8],
        error("pacto_inspect: failed to access no-such-dir: stat no-such-dir: no such file or directory")
    );
    let text = |idx: usize| results[idx]["text"].as_str().unwrap().to_owned();
    assert_eq!(results[9]["isError"], true);
    assert!(text(9).starts_with("pacto_validate: ") && text(9).contains("huge/pacto.yaml"), "{}", text(9));
    assert_eq!(results[10]["isError"], true);
    assert!(text(10).contains("registry unreachable") && text(10).contains(&down[6..]), "{}", text(10));
    assert_eq!(results[11], error("pacto_fix: a fix needs a local bundle directory, not an oci:// reference"));
    assert_eq!(results[12]["structured"]["Valid"], true);
}

/// The raw protocol on stdio: garbage lines are skipped, the next request is answered, and the
/// end of input ends the server with exit 0.
#[test]
fn mcp_stdio_survives_garbage_and_exits_on_eof() {
    let home = Home::new();
    let mut child = home
        .command(&["mcp"], OFFLINE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let lines = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        "this is not JSON",
        "\u{0}\u{1}{{{",
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pacto_validate","arguments":{"path":"payments-api"}}}"#,
    ];
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut answered = Vec::new();
    while answered.len() < 2 {
        let mut line = String::new();
        assert_ne!(reader.read_line(&mut line).unwrap(), 0, "the server stopped answering");
        let message: Value = serde_json::from_str(&line).unwrap();
        if message.get("id").is_some_and(|it| it == 1 || it == 2) {
            answered.push(message);
        }
    }
    assert_eq!(answered[1]["result"]["structuredContent"]["Valid"], true, "{}", answered[1]);
    drop(stdin);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the server did not exit at the end of input");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn mcp_stdio_ends_on_sigterm_with_exit_0() {
    let home = Home::new();
    let mut child = home
        .command(&["mcp"], OFFLINE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"protocolVersion":"2025-06-18","capabilities":{{}},"clientInfo":{{"name":"raw","version":"1"}}}}}}"#
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains(r#""serverInfo":{"name":"pacto""#), "{line}");
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    // stdin stays open: only the signal can end it.
    assert!(wait_exit(child).success(), "SIGTERM must end the server with exit 0");
    drop(stdin);
}

/// `pacto_dependents` is `pacto graph --reverse --output-format json` on the reverse-graph fixture
/// workspace (local and oci:// edges, a cycle, a contract that does not parse); its bad input is named.
#[test]
fn mcp_stdio_dependents_is_the_reverse_graph() {
    require_sdk();
    let home = Home::new();
    copy_dir(&common::example().join("../../tests/data/graph-reverse"), &home.path().join("ws"));
    let calls = json!([
        call("pacto_dependents", json!({"path": "ws/payments", "workspace": "ws"})),
        call("pacto_dependents", json!({"path": "ws/web", "workspace": "ws"})),
        call("pacto_dependents", json!({"path": "oci://127.0.0.1:1/a/b:1.0.0"})),
        call("pacto_dependents", json!({"path": "ws/missing", "workspace": "ws"})),
        call("pacto_dependents", json!({"path": "ws/payments", "workspace": 3})),
    ]);
    let session = stdio_session(&home, OFFLINE, calls);
    let results = session["calls"].as_array().unwrap();
    for (at, case) in [(0, "ws/payments"), (1, "ws/web")] {
        let args = ["graph", "--reverse", case, "--workspace", "ws", "--output-format", "json"];
        let printed: Value = serde_json::from_str(&ok(&home.pacto(&args, OFFLINE))).unwrap();
        assert_eq!(outcome(&results[at]), json!({"isError": false, "structured": printed}), "{case}");
    }
    let dependents = results[0]["structured"]["root"]["dependents"].as_array().unwrap();
    assert_eq!(dependents.len(), 5);
    let texts: Vec<&str> = results[2..].iter().map(|it| it["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "pacto_dependents: argument `path` must be a local bundle directory, not an oci:// reference (oci://127.0.0.1:1/a/b:1.0.0)",
            "pacto_dependents: failed to access ws/missing: stat ws/missing: no such file or directory",
            "pacto_dependents: argument `workspace` must be a string, not a number",
        ]
    );
    assert!(results[2..].iter().all(|it| it["isError"] == true));
}

fn start_http(home: &Home, port: u16) -> Child {
    let mut child = home
        .command(&["mcp", "-t", "http", "--port", &port.to_string()], OFFLINE)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, format!("MCP server listening on http://127.0.0.1:{port}/mcp\n"));
    child
}

#[test]
fn mcp_http_serves_the_tools_on_loopback_and_ends_on_sigterm() {
    require_sdk();
    let home = Home::new();
    write_bundle(&home, "broken", BROKEN);
    let port = free_port();
    let child = start_http(&home, port);
    let url = format!("http://127.0.0.1:{port}/mcp");
    let calls = json!([
        call("pacto_validate", json!({"path": "broken"})),
        call("pacto_diff", json!({"old": "payments-api", "new": "payments-api"})),
        call("pacto_validate", json!({"path": 7})),
        call("pacto_nope", json!({})),
    ]);
    // Every tool, then the same calls over stdio: the transport changes nothing in the answers.
    let every_tool = json!([
        call("pacto_validate", json!({"path": "payments-api"})),
        call("pacto_inspect", json!({"ref": "payments-api"})),
        call("pacto_resolve_dependencies", json!({"ref": "payments-api"})),
        call("pacto_list_interfaces", json!({"ref": "payments-api"})),
        call("pacto_generate_docs", json!({"ref": "payments-api"})),
        call("pacto_explain", json!({"ref": "payments-api"})),
        call("pacto_generate_contract", json!({"service_name": "orders", "exposes_http": true})),
        call("pacto_suggest_dependencies", json!({"contract": "payments-api"})),
        call("pacto_schema", json!({"pacto_version": "2.0"})),
        call("pacto_diff", json!({"old": "payments-api", "new": "broken"})),
        call("pacto_fix", json!({"path": "broken"})),
        call("pacto_migrate", json!({"path": "payments-api"})),
        call("pacto_dependents", json!({"path": "payments-api", "workspace": "."})),
    ]);
    let over_http = client(&home, OFFLINE, &["http", &url], &every_tool);
    let over_stdio = stdio_session(&home, OFFLINE, every_tool);
    let answers = over_http["calls"].as_array().unwrap();
    assert_eq!(answers.len(), 13);
    for (http, stdio) in answers.iter().zip(over_stdio["calls"].as_array().unwrap()) {
        assert_eq!(http, stdio);
    }
    let failed: Vec<&Value> = answers.iter().filter(|it| it["isError"] != false).collect();
    assert_eq!(failed, Vec::<&Value>::new());
    assert_eq!(answers[9]["structured"]["classification"], "BREAKING");
    let session = client(&home, OFFLINE, &["http", &url], &calls);
    assert_eq!(session["server"]["name"], "pacto");
    let results = session["calls"].as_array().unwrap();
    assert_eq!(results[0]["structured"]["Errors"][0]["Code"], "SCHEMA_VIOLATION");
    assert_eq!(results[0]["structured"]["Errors"][0]["Line"], 1);
    assert_eq!(results[1]["structured"]["classification"], "NON_BREAKING");
    assert_eq!(results[2]["text"], "pacto_validate: argument `path` must be a string, not a number");
    assert!(results[3]["protocolError"].as_str().unwrap().starts_with("unknown tool `pacto_nope`"));
    // Only /mcp is served.
    let response =
        pacto_testkit::registry::raw::request(&format!("127.0.0.1:{port}"), "GET", "/other", &[], b"").unwrap();
    assert_eq!(response.status, 404);
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    assert!(wait_exit(child).success(), "SIGTERM must end the server with exit 0");
}

fn wait_exit(mut child: Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the server did not exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn mcp_http_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let home = Home::new();
    let output = home.pacto(&["mcp", "--transport", "http", "--port", &port.to_string()], OFFLINE);
    assert!(!output.status.success());
    assert_eq!(
        common::stderr(&output),
        format!("port {port} on 127.0.0.1 is already in use; choose another with --port\n")
    );
}

#[test]
fn mcp_registry_contracts_come_through_the_cache() {
    require_sdk();
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/payments-api", registry.addr);
    ok(&home.pacto(&["push", &target, "-p", "payments-api"], &[]));
    let published = format!("{target}:2.1.0");
    let calls = json!([
        call("pacto_validate", json!({"path": published})),
        call("pacto_inspect", json!({"ref": published})),
        call("pacto_diff", json!({"old": published, "new": "payments-api"})),
    ]);
    let session = stdio_session(&home, &[], calls);
    let results = session["calls"].as_array().unwrap();
    assert_eq!(
        outcome(&results[0]),
        json!({"isError": false, "structured": {"Path": published, "Valid": true, "Errors": null, "Warnings": null}})
    );
    assert_eq!(results[1]["structured"]["name"], "payments-api");
    assert_eq!(results[2]["structured"]["classification"], "NON_BREAKING");
    // Offline, the cached bundle is not enough to pull by tag: the tool says why.
    let offline = stdio_session(&home, OFFLINE, json!([call("pacto_validate", json!({"path": published}))]));
    assert_eq!(
        offline["calls"][0]["text"],
        format!("pacto_validate: not fetched: {published} (offline: PACTO_OFFLINE is set)")
    );
}
