//! `pacto init <name> [--pacto-version 1.0|2.0]`: a new bundle that validates with no errors and
//! no warnings (spec §7.2; 2.0 template: pacto-v2.md §6.1). New bundles use 2.0 unless asked
//! (pacto-v2.md §8.1, decided).

use std::fs;
use std::path::Path;

use serde_json::json;

use crate::cli::Format;
use crate::render::json as render_json;

/// The version `pacto init` writes when none is given.
pub const DEFAULT_VERSION: &str = "2.0";

pub fn run(name: &str, version: &str, format: Format) -> Result<(), String> {
    if name.is_empty() {
        return Err("service name is required".to_owned());
    }
    let contract = match version {
        "1.0" => contract(name),
        "2.0" => contract_v2(name),
        other => {
            let supported = pacto_core::validate::SUPPORTED_VERSIONS.join(", ");
            return Err(format!(
                "unsupported pactoVersion {}; supported: {supported}",
                pacto_core::gofmt::quote(other)
            ));
        }
    };
    let dir = Path::new(name);
    if fs::symlink_metadata(dir).is_ok() {
        return Err(format!("directory \"{name}\" already exists"));
    }
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(dir.join("interfaces"))?;
        fs::create_dir_all(dir.join("configuration"))?;
        fs::write(dir.join("pacto.yaml"), &contract)?;
        fs::write(dir.join("interfaces/openapi.yaml"), openapi(name))?;
        fs::write(dir.join("configuration/schema.json"), CONFIG_SCHEMA)?;
        Ok(())
    };
    if let Err(err) = write() {
        // Never leave half a bundle behind.
        let _ = fs::remove_dir_all(dir);
        return Err(format!("failed to create {name}: {err}"));
    }
    match format {
        Format::Json => {
            print!("{}", render_json::to_string(&json!({"Dir": name, "Path": format!("{name}/pacto.yaml")})))
        }
        _ => println!("Created {name}/\n  {name}/pacto.yaml\n  {name}/interfaces/\n  {name}/configuration/"),
    }
    Ok(())
}

fn contract(name: &str) -> String {
    format!(
        r#"pactoVersion: "1.0"

service:
  name: {name}
  version: 0.1.0
  owner: team/my-team
  image:
    ref: ghcr.io/my-org/{name}:0.1.0
    private: false

interfaces:
  - name: api
    type: http
    port: 8080
    visibility: internal
    contract: interfaces/openapi.yaml

configuration:
  schema: configuration/schema.json

# dependencies:
#   - ref: oci://ghcr.io/my-org/other-service-pacto:1.0.0
#     required: true
#     compatibility: "^1.0.0"

runtime:
  workload: service
  state:
    type: stateless
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  lifecycle:
    upgradeStrategy: rolling
    gracefulShutdownSeconds: 30
  health:
    interface: api
    path: /health
    initialDelaySeconds: 5

scaling:
  min: 1
  max: 3

metadata:
  team: my-team
  tier: standard
"#
    )
}

fn contract_v2(name: &str) -> String {
    format!(
        r#"pactoVersion: "2.0"

service:
  name: {name}
  version: 0.1.0
  owner:
    team: my-team
    dri: my.handle
    contacts:
      - type: email
        value: my-team@example.com
        purpose: ownership

interfaces:
  - name: api
    type: openapi
    ref: interfaces/openapi.yaml
    visibility: internal

configurations:
  - name: default
    schema: configuration/schema.json
    required: true

# dependencies:
#   - name: other-service
#     ref: oci://ghcr.io/my-org/other-service-pacto:1.0.0
#     required: true
#     compatibility: "^1.0.0"

workload: service

state:
  type: stateless
  persistence:
    scope: local
    durability: ephemeral
  dataCriticality: low

capabilities:
  - type: health
  - type: metrics

readiness:
  minScore: 80
  expires: 2099-12-31
  partialCredit: 0.5
  history:
    - date: 2099-01-01
      version: 0.1.0
      author: my.handle
      description: Initial readiness assessment
  claims:
    - id: runbook
      type: document
      category: documentation
      status: not-done
      evidence: docs/runbook.md
      weight: 40
    - id: security-review
      type: ticket
      category: security
      status: not-done
      evidence: SEC-0000
      weight: 60

metadata:
  team: my-team
  tier: standard
"#
    )
}

fn openapi(name: &str) -> String {
    format!(
        r#"openapi: "3.0.0"
info:
  title: {name}
  version: 0.1.0
paths:
  /health:
    get:
      summary: Health check
      responses:
        "200":
          description: OK
"#
    )
}

const CONFIG_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {},
  "additionalProperties": false
}
"#;
