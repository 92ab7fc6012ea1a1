//! `pacto-plugin-kubernetes`: a `pacto generate` plugin (protocol v1: the request on stdin, the
//! files on stdout) writing Kubernetes manifests from the contract's runtime semantics; a 2.0
//! contract is read through `v2`, its deployment details taken from `--option`s.

mod manifests;
mod v2;
mod yaml;

use std::io::{Read, Write};
use std::process::ExitCode;

use serde_json::{Value, json};

fn main() -> ExitCode {
    let mut input = String::new();
    if let Err(err) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("failed to read the request: {err}");
        return ExitCode::FAILURE;
    }
    match respond(&input) {
        Ok(response) => {
            let mut stdout = std::io::stdout();
            if stdout.write_all(response.to_string().as_bytes()).is_err() {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn respond(input: &str) -> Result<Value, String> {
    let request: Value = serde_json::from_str(input).map_err(|err| format!("invalid request: {err}"))?;
    if request.get("protocolVersion").and_then(Value::as_str) != Some("1") {
        return Err("unsupported protocol version: this plugin speaks protocol 1".to_owned());
    }
    let contract = request.get("contract").ok_or("the request has no contract")?;
    // Plugins tell the formats apart by `contract.pactoVersion` (pacto-v2.md §6.5).
    let shaped;
    let contract = if contract.get("pactoVersion").and_then(Value::as_str) == Some("2.0") {
        let no_options = serde_json::Map::new();
        let options = request.get("options").and_then(Value::as_object).unwrap_or(&no_options);
        shaped = v2::shape(contract, options)?;
        &shaped
    } else {
        contract
    };
    let option = |key: &str| request.pointer(&format!("/options/{key}")).and_then(Value::as_str).map(str::to_owned);
    let options = manifests::Options {
        namespace: option("namespace"),
        image: option("image"),
        expose: option("expose"),
        schedule: option("schedule"),
    };
    let files: Vec<Value> = manifests::generate(contract, &options)
        .into_iter()
        .map(|file| {
            let content: Vec<String> = file.objects.iter().map(yaml::to_yaml).collect();
            json!({"path": file.path, "content": content.join("---\n")})
        })
        .collect();
    let name = contract.pointer("/service/name").and_then(Value::as_str).unwrap_or_default();
    let version = contract.pointer("/service/version").and_then(Value::as_str).unwrap_or_default();
    Ok(json!({"files": files, "message": format!("Kubernetes manifests for {name}@{version}")}))
}

#[cfg(test)]
mod tests;
