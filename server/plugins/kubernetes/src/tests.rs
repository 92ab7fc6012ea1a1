//! Golden manifests for each workload and state combination, and every manifest checked by
//! `kubernetes-validate --strict` against a current Kubernetes version's schemas.

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect_file;
use serde_json::{Value, json};

use super::respond;

fn contract(runtime: Value, scaling: Value, interfaces: Value) -> Value {
    let mut contract = json!({
        "pactoVersion": "1.0",
        "service": {"name": "orders", "version": "1.2.0", "image": {"ref": "ghcr.io/acme/orders:1.2.0"}},
        "interfaces": interfaces,
        "runtime": runtime,
    });
    if !scaling.is_null() {
        contract["scaling"] = scaling;
    }
    contract
}

fn runtime(workload: &str, state: &str, scope: &str, durability: &str, criticality: &str) -> Value {
    json!({
        "workload": workload,
        "state": {"type": state, "persistence": {"scope": scope, "durability": durability}, "dataCriticality": criticality},
        "lifecycle": {"upgradeStrategy": if state == "stateless" { "rolling" } else { "ordered" }, "gracefulShutdownSeconds": 30},
        "health": {"interface": "api", "path": "/health", "initialDelaySeconds": 5},
    })
}

fn interfaces() -> Value {
    json!([
        {"name": "api", "type": "http", "port": 8080, "visibility": "public"},
        {"name": "rpc", "type": "grpc", "port": 9090, "contract": "x.proto"},
        {"name": "events", "type": "event", "contract": "e.yaml"},
    ])
}

/// The golden cases: name, contract, options.
fn cases() -> Vec<(&'static str, Value, Value)> {
    vec![
        (
            "stateless-autoscaled",
            contract(
                runtime("service", "stateless", "local", "ephemeral", "low"),
                json!({"min": 2, "max": 5}),
                interfaces(),
            ),
            json!({}),
        ),
        (
            "stateful-local-persistent",
            contract(
                runtime("service", "stateful", "local", "persistent", "high"),
                json!({"replicas": 3, "min": 3, "max": 3}),
                interfaces(),
            ),
            json!({"namespace": "data"}),
        ),
        (
            "hybrid-shared-persistent",
            contract(
                runtime("service", "hybrid", "shared", "persistent", "medium"),
                json!({"min": 1, "max": 4}),
                interfaces(),
            ),
            json!({"expose": "loadbalancer"}),
        ),
        (
            "stateful-ephemeral",
            contract(runtime("service", "stateful", "shared", "ephemeral", "low"), Value::Null, interfaces()),
            json!({"image": "registry.local/orders:dev"}),
        ),
        ("job", contract(runtime("job", "stateless", "local", "ephemeral", "low"), Value::Null, json!([])), json!({})),
        (
            "scheduled",
            contract(runtime("scheduled", "stateless", "local", "ephemeral", "high"), Value::Null, json!([])),
            json!({"schedule": "*/5 * * * *"}),
        ),
        (
            "v2-stateful-autoscaled",
            v2_contract(),
            json!({"image": "ghcr.io/acme/orders:1.2.0", "port.api": "8080", "port.rpc": "9090", "replicas": "2-6"}),
        ),
        (
            "v2-stateless-fixed",
            {
                let mut it = v2_contract();
                it.as_object_mut().unwrap().remove("state");
                it["capabilities"] = json!([{"type": "health"}]);
                it
            },
            json!({"image": "ghcr.io/acme/orders:1.2.0", "port.api": "8080", "port.rpc": "9090", "replicas": "3"}),
        ),
        (
            "v2-job",
            json!({"pactoVersion": "2.0", "service": {"name": "orders", "version": "1.2.0"}, "workload": "job"}),
            json!({"image": "ghcr.io/acme/orders-job:1.2.0"}),
        ),
    ]
}

/// A 2.0 contract as pacto sends it: no image, ports or scaling; health and metrics bound to `api`.
fn v2_contract() -> Value {
    json!({
        "pactoVersion": "2.0",
        "service": {"name": "orders", "version": "1.2.0", "owner": {"team": "shop"}},
        "interfaces": [
            {"name": "api", "type": "openapi", "ref": "interfaces/openapi.yaml", "visibility": "public"},
            {"name": "rpc", "type": "grpc", "ref": "interfaces/orders.proto"},
            {"name": "events", "type": "asyncapi", "ref": "interfaces/events.yaml"},
        ],
        "state": {"type": "stateful", "persistence": {"scope": "local", "durability": "persistent"}, "dataCriticality": "high"},
        "workload": "service",
        "capabilities": [
            {"type": "health", "binding": {"type": "http", "interface": "api", "path": "/healthz"}},
            {"type": "metrics", "binding": {"type": "http", "interface": "api"}},
            {"type": "extension", "ref": "acme.example/cost"},
        ],
    })
}

/// What 2.0 does not carry must come from options; every missing or bad one is named at once.
#[test]
fn a_2_0_contract_needs_image_ports_and_replicas_from_options() {
    let request = |options: Value| {
        json!({"protocolVersion": "1", "contract": v2_contract(), "bundleDir": "/b", "outputDir": "/o", "options": options})
            .to_string()
    };
    assert_eq!(
        respond(&request(json!({}))).unwrap_err(),
        "missing option(s) for a pactoVersion 2.0 contract: image (--option image=<ref>: 2.0 contracts name no image); \
         port.api (--option port.api=<port>: 2.0 interfaces carry no port); port.rpc (--option port.rpc=<port>: 2.0 \
         interfaces carry no port); replicas (--option replicas=<n>, or <min>-<max> to autoscale: 2.0 contracts carry no \
         scaling)"
    );
    assert_eq!(
        respond(&request(json!({"image": "x", "port.api": "80", "port.rpc": "http", "replicas": "5-2"}))).unwrap_err(),
        "invalid option(s): port.rpc: \"http\" is not a port (1-65535); replicas: \"5-2\" is neither a count nor <min>-<max>"
    );
}

fn files(case: &Value, options: &Value) -> Vec<(String, String)> {
    let request =
        json!({"protocolVersion": "1", "contract": case, "bundleDir": "/b", "outputDir": "/o", "options": options});
    let response = respond(&request.to_string()).expect("the plugin answers");
    response["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| (it["path"].as_str().unwrap().to_owned(), it["content"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn golden_manifests_per_workload_and_state() {
    for (name, case, options) in cases() {
        let mut out = String::new();
        for (path, content) in files(&case, &options) {
            out.push_str(&format!("# {path}\n{content}"));
        }
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.yaml"));
        expect_file![golden].assert_eq(&out);
    }
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    assert_eq!(respond("{").unwrap_err(), "invalid request: EOF while parsing an object at line 1 column 1");
    assert_eq!(
        respond(r#"{"protocolVersion":"2"}"#).unwrap_err(),
        "unsupported protocol version: this plugin speaks protocol 1"
    );
}

fn validator() -> PathBuf {
    if let Some(path) = std::env::var_os("PACTO_K8S_VALIDATE") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.venv/bin/kubernetes-validate")
}

#[test]
fn every_manifest_passes_strict_kubernetes_validation() {
    let validator = validator();
    assert!(
        validator.exists(),
        "{} is missing: scripts/test installs kubernetes-validate into .venv (or set PACTO_K8S_VALIDATE)",
        validator.display()
    );
    let dir = std::env::temp_dir().join(format!("pacto-k8s-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for (name, case, options) in cases() {
        for (path, content) in files(&case, &options) {
            for (idx, document) in content.split("---\n").enumerate() {
                let file = dir.join(format!("{name}-{idx}-{path}"));
                std::fs::write(&file, document).unwrap();
                paths.push(file);
            }
        }
    }
    let output = Command::new(&validator).arg("--strict").arg("--quiet").args(&paths).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "kubernetes-validate failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
