//! `pacto_suggest_dependencies` and `pacto_explain`'s summary: both read `pacto explain`'s JSON,
//! as the reference derives them from its explain result, so they agree with `pacto explain`.

use serde_json::{Map, Value, json};

fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter().try_fold(value, |it, key| it.get(key)).and_then(Value::as_str).unwrap_or("")
}

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The workload: 1.0 keeps it under `runtime.workloadType`, 2.0 at the top (`workload`).
fn workload(explained: &Value) -> &str {
    match str_at(explained, &["runtime", "workloadType"]) {
        "" => str_at(explained, &["workload"]),
        it => it,
    }
}

/// The reference's rules: a public HTTP interface suggests a gateway, persistent shared state a
/// database and a cache, stateless services a cache, and every service metrics. Dependencies the
/// contract already names are left out.
pub fn suggestions(explained: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let existing: Vec<&str> = items(explained, "dependencies").iter().map(|it| str_at(it, &["ref"])).collect();
    let mut add = |name: &str| {
        if !existing.contains(&name) && !out.iter().any(|it| it == name) {
            out.push(name.to_owned());
        }
    };
    for interface in items(explained, "interfaces") {
        if str_at(interface, &["type"]) == "http" && str_at(interface, &["visibility"]) == "public" {
            add("api-gateway");
        }
    }
    match str_at(explained, &["runtime", "stateType"]) {
        "stateful" => {
            if str_at(explained, &["runtime", "durability"]) == "persistent" {
                add("postgres");
            }
            if str_at(explained, &["runtime", "scope"]) == "shared" {
                add("redis");
            }
        }
        "stateless" => add("redis"),
        _ => {}
    }
    if workload(explained) == "service" {
        add("prometheus");
    }
    out
}

/// `{summary, interfaces, dependencies}` in the reference's words.
pub fn summary(explained: &Value) -> Value {
    let mut summary = format!("{}@{} is a ", str_at(explained, &["name"]), str_at(explained, &["version"]));
    let state = str_at(explained, &["runtime", "stateType"]);
    // 2.0 has no state type; the sentence then says only the workload.
    if !state.is_empty() || explained.get("runtime").is_some() {
        summary.push_str(&format!("{state} "));
    }
    summary.push_str(&format!("{} workload (pacto {})", workload(explained), str_at(explained, &["pactoVersion"])));
    let owner = match explained.get("owner") {
        Some(Value::String(it)) => it.clone(),
        // 2.0's owner is an object; its team or DRI names it.
        Some(Value::Object(it)) => owner_name(it),
        _ => String::new(),
    };
    if !owner.is_empty() {
        summary.push_str(&format!(", owned by {owner}"));
    }
    let interfaces: Vec<String> = items(explained, "interfaces")
        .iter()
        .map(|it| {
            let mut out = format!("{} ({}", str_at(it, &["name"]), str_at(it, &["type"]));
            if let Some(port) = it.get("port").and_then(Value::as_u64) {
                out.push_str(&format!(", port {port}"));
            }
            let visibility = str_at(it, &["visibility"]);
            if !visibility.is_empty() {
                out.push_str(&format!(", {visibility}"));
            }
            out.push(')');
            out
        })
        .collect();
    let dependencies: Vec<String> = items(explained, "dependencies")
        .iter()
        .map(|it| {
            let required =
                if it.get("required").and_then(Value::as_bool) == Some(true) { "required" } else { "optional" };
            format!("{} ({}, {required})", str_at(it, &["ref"]), str_at(it, &["compatibility"]))
        })
        .collect();
    json!({"summary": summary, "interfaces": interfaces.join("; "), "dependencies": dependencies.join("; ")})
}

fn owner_name(owner: &Map<String, Value>) -> String {
    ["team", "dri"].iter().find_map(|key| owner.get(*key).and_then(Value::as_str)).unwrap_or("").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_as_the_reference() {
        let explained = json!({
            "name": "api", "version": "1.0.0", "pactoVersion": "1.0", "owner": "team-a",
            "runtime": {"workloadType": "service", "stateType": "stateful", "scope": "shared", "durability": "persistent"},
            "interfaces": [{"name": "rest", "type": "http", "port": 8080, "visibility": "public"}],
            "dependencies": [{"ref": "redis", "required": true, "compatibility": "^7.0.0"}]
        });
        assert_eq!(suggestions(&explained), ["api-gateway", "postgres", "prometheus"]);
        assert_eq!(
            summary(&explained),
            json!({
                "summary": "api@1.0.0 is a stateful service workload (pacto 1.0), owned by team-a",
                "interfaces": "rest (http, port 8080, public)",
                "dependencies": "redis (^7.0.0, required)"
            })
        );
    }
}
