//! A 2.0 contract (pacto-v2.md §6.5) in the shape the manifests are built from. 2.0 keeps what a
//! service is — workload, state, capabilities bound to interfaces — and leaves how it is deployed to
//! the deployment: the image, each interface's port and the replica count come from `--option`s,
//! and every one that is needed and missing is named in a single error.

use serde_json::{Map, Value, json};

/// The options a 2.0 contract may need, by the name given to `--option`.
pub const IMAGE: &str = "image";
pub const REPLICAS: &str = "replicas";
/// `port.<interface>`: the port of one interface.
pub const PORT_PREFIX: &str = "port.";

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// The 1.0-shaped contract the generator reads, or the missing options, each with how to pass it.
pub fn shape(contract: &Value, options: &Map<String, Value>) -> Result<Value, String> {
    let option = |key: &str| options.get(key).and_then(Value::as_str).filter(|it| !it.is_empty());
    let mut missing: Vec<String> = Vec::new();
    let mut invalid: Vec<String> = Vec::new();
    if option(IMAGE).is_none() {
        missing.push(format!("{IMAGE} (--option {IMAGE}=<ref>: 2.0 contracts name no image)"));
    }
    let workload = match str_at(contract, "/workload") {
        "" => "service",
        other => other,
    };
    let empty = Vec::new();
    let interfaces = contract.get("interfaces").and_then(Value::as_array).unwrap_or(&empty);
    let mut shaped_interfaces = Vec::new();
    for interface in interfaces {
        let name = str_at(interface, "/name");
        let kind = match str_at(interface, "/type") {
            "openapi" => "http",
            "grpc" => "grpc",
            _ => "event",
        };
        let mut item = json!({"name": name, "type": kind});
        if !str_at(interface, "/visibility").is_empty() {
            item["visibility"] = str_at(interface, "/visibility").into();
        }
        // Event interfaces are reached through a broker: no port, as in 1.0.
        if kind != "event" {
            let key = format!("{PORT_PREFIX}{name}");
            match option(&key).map(str::parse::<u16>) {
                None => missing.push(format!("{key} (--option {key}=<port>: 2.0 interfaces carry no port)")),
                Some(Ok(port)) if port > 0 => item["port"] = port.into(),
                Some(_) => {
                    invalid.push(format!("{key}: {:?} is not a port (1-65535)", option(&key).unwrap_or_default()))
                }
            }
        }
        shaped_interfaces.push(item);
    }
    let scaling = if workload == "service" {
        match option(REPLICAS).map(parse_replicas) {
            None => {
                missing.push(format!(
                    "{REPLICAS} (--option {REPLICAS}=<n>, or <min>-<max> to autoscale: 2.0 contracts carry no scaling)"
                ));
                None
            }
            Some(Ok(scaling)) => Some(scaling),
            Some(Err(())) => {
                invalid.push(format!(
                    "{REPLICAS}: {:?} is neither a count nor <min>-<max>",
                    option(REPLICAS).unwrap_or_default()
                ));
                None
            }
        }
    } else {
        None
    };
    if !missing.is_empty() || !invalid.is_empty() {
        let mut message = String::new();
        if !missing.is_empty() {
            message.push_str(&format!("missing option(s) for a pactoVersion 2.0 contract: {}", missing.join("; ")));
        }
        if !invalid.is_empty() {
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(&format!("invalid option(s): {}", invalid.join("; ")));
        }
        return Err(message);
    }
    let state = contract.get("state").cloned().unwrap_or_else(|| {
        // No state declared: nothing to keep, the plainest workload.
        json!({"type": "stateless", "persistence": {"scope": "local", "durability": "ephemeral"}, "dataCriticality": "low"})
    });
    let mut runtime = json!({"workload": workload, "state": state});
    let capabilities = contract.get("capabilities").and_then(Value::as_array).unwrap_or(&empty);
    let bound = |kind: &str| capabilities.iter().find(|it| str_at(it, "/type") == kind && it.get("binding").is_some());
    // A health capability bound to an interface is its liveness and readiness probe.
    if let Some(health) = bound("health") {
        let path = match str_at(health, "/binding/path") {
            "" => "/",
            path => path,
        };
        runtime["health"] = json!({"interface": str_at(health, "/binding/interface"), "path": path});
    }
    // A bound metrics capability becomes the scrape annotations of the pod.
    if let Some(metrics) = bound("metrics") {
        let interface = str_at(metrics, "/binding/interface");
        let port = shaped_interfaces.iter().find(|it| str_at(it, "/name") == interface).and_then(|it| it.get("port"));
        if let Some(port) = port {
            let path = match str_at(metrics, "/binding/path") {
                "" => "/metrics",
                path => path,
            };
            runtime["metrics"] = json!({"port": port, "path": path});
        }
    }
    let mut shaped = json!({
        "pactoVersion": "2.0",
        "service": {"name": str_at(contract, "/service/name"), "version": str_at(contract, "/service/version")},
        "interfaces": shaped_interfaces,
        "runtime": runtime,
    });
    if let Some(scaling) = scaling {
        shaped["scaling"] = scaling;
    }
    Ok(shaped)
}

/// `3` → fixed replicas; `2-10` → autoscaled between them.
fn parse_replicas(text: &str) -> Result<Value, ()> {
    match text.split_once('-') {
        None => text.parse::<u32>().ok().filter(|it| *it > 0).map(|it| json!({"replicas": it})).ok_or(()),
        Some((min, max)) => {
            let (min, max) = (min.parse::<u32>().map_err(|_| ())?, max.parse::<u32>().map_err(|_| ())?);
            if min == 0 || max < min {
                return Err(());
            }
            Ok(json!({"min": min, "max": max}))
        }
    }
}
