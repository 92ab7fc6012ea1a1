//! `pacto explain [dir]`: a summary of the contract, loaded without validation (spec §7.3).

use pacto_core::contract::{self, Contract, text};
use serde_json::{Map, Value};

use crate::cli::Format;
use crate::load;
use crate::render::json as render_json;

mod v2;

pub fn run(arg: &str, format: Format) -> Result<(), String> {
    let loaded = load::contract_of(load::load(arg)?)?;
    if let Some(document) = &loaded.contract.v2 {
        let now = crate::commands::validate::now_unix_seconds();
        match format {
            Format::Json => print!("{}", render_json::to_string(&v2::json_summary(document, now))),
            Format::Text | Format::Markdown => print!("{}", v2::text_summary(&document.contract, now)),
        }
        return Ok(());
    }
    match format {
        Format::Json => print!("{}", render_json::to_string(&json_of(loaded))),
        Format::Text | Format::Markdown => print!("{}", text_summary(&loaded.contract)),
    }
    Ok(())
}

/// `pacto explain <arg> --output-format json`'s summary, for `pacto mcp`.
pub fn json(arg: &str) -> Result<Value, String> {
    let loaded = load::contract_of(load::load(arg)?)?;
    Ok(match &loaded.contract.v2 {
        Some(document) => v2::json_summary(document, crate::commands::validate::now_unix_seconds()),
        None => json_of(loaded),
    })
}

fn json_of(loaded: load::LoadedContract) -> Value {
    let metadata = loaded.metadata.filter(|it| it.as_object().is_some_and(|entries| !entries.is_empty()));
    json_summary(&loaded.contract, metadata)
}

fn text_summary(contract: &Contract) -> String {
    let service = &contract.service;
    let mut out = format!("Service: {}@{}\n", text(&service.name), text(&service.version));
    if !text(&service.owner).is_empty() {
        out.push_str(&format!("Owner: {}\n", text(&service.owner)));
    }
    out.push_str(&format!("Pacto Version: {}\n", text(&contract.pacto_version)));
    if let Some(runtime) = &contract.runtime {
        let state = &runtime.state;
        out.push_str(&format!(
            "\nRuntime:\n  Workload: {}\n  State: {}\n  Persistence: {}/{}\n  Data Criticality: {}\n",
            text(&runtime.workload),
            text(&state.kind),
            text(&state.persistence.scope),
            text(&state.persistence.durability),
            text(&state.data_criticality)
        ));
    }
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    if !interfaces.is_empty() {
        out.push_str(&format!("\nInterfaces ({}):\n", interfaces.len()));
        for it in interfaces {
            let mut details = text(&it.kind).to_owned();
            if let Some(port) = &it.port {
                details.push_str(&format!(", port {}", port.value));
            }
            if !text(&it.visibility).is_empty() {
                details.push_str(&format!(", {}", text(&it.visibility)));
            }
            out.push_str(&format!("  - {} ({details})\n", text(&it.name)));
        }
    }
    let dependencies = contract.dependencies.as_deref().unwrap_or_default();
    if !dependencies.is_empty() {
        out.push_str(&format!("\nDependencies ({}):\n", dependencies.len()));
        for it in dependencies {
            let required = if it.required.as_ref().is_some_and(|it| it.value) { "required" } else { "optional" };
            out.push_str(&format!("  - {} ({}, {required})\n", text(&it.reference), text(&it.compatibility)));
        }
    }
    if let Some(scaling) = &contract.scaling {
        match &scaling.replicas {
            Some(replicas) => out.push_str(&format!("\nScaling: {} replicas\n", replicas.value)),
            None => out.push_str(&format!("\nScaling: {}-{}\n", scaling.min, scaling.max)),
        }
    }
    out
}

fn json_summary(contract: &Contract, metadata: Option<Value>) -> Value {
    let service = &contract.service;
    let mut out = Map::new();
    out.insert("name".into(), text(&service.name).into());
    out.insert("version".into(), text(&service.version).into());
    if !text(&service.owner).is_empty() {
        out.insert("owner".into(), text(&service.owner).into());
    }
    out.insert("pactoVersion".into(), text(&contract.pacto_version).into());
    let runtime = contract.runtime.as_ref();
    let field = |get: fn(&pacto_core::contract::Runtime) -> &contract::Text| -> Value {
        runtime.map_or("", |it| text(get(it))).into()
    };
    let mut runtime_json = Map::new();
    runtime_json.insert("workloadType".into(), field(|it| &it.workload));
    runtime_json.insert("stateType".into(), field(|it| &it.state.kind));
    runtime_json.insert("scope".into(), field(|it| &it.state.persistence.scope));
    runtime_json.insert("durability".into(), field(|it| &it.state.persistence.durability));
    runtime_json.insert("dataCriticality".into(), field(|it| &it.state.data_criticality));
    out.insert("runtime".into(), Value::Object(runtime_json));
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    if !interfaces.is_empty() {
        let items = interfaces
            .iter()
            .map(|it| {
                let mut item = Map::new();
                item.insert("name".into(), text(&it.name).into());
                item.insert("type".into(), text(&it.kind).into());
                if let Some(port) = &it.port {
                    item.insert("port".into(), port.value.into());
                }
                if !text(&it.visibility).is_empty() {
                    item.insert("visibility".into(), text(&it.visibility).into());
                }
                Value::Object(item)
            })
            .collect();
        out.insert("interfaces".into(), Value::Array(items));
    }
    let dependencies = contract.dependencies.as_deref().unwrap_or_default();
    if !dependencies.is_empty() {
        let items = dependencies
            .iter()
            .map(|it| {
                let mut item = Map::new();
                item.insert("ref".into(), text(&it.reference).into());
                item.insert("required".into(), it.required.as_ref().is_some_and(|it| it.value).into());
                item.insert("compatibility".into(), text(&it.compatibility).into());
                Value::Object(item)
            })
            .collect();
        out.insert("dependencies".into(), Value::Array(items));
    }
    if let Some(scaling) = &contract.scaling {
        let mut item = Map::new();
        if let Some(replicas) = &scaling.replicas {
            item.insert("replicas".into(), replicas.value.into());
        }
        if scaling.min != 0 {
            item.insert("min".into(), scaling.min.into());
        }
        if scaling.max != 0 {
            item.insert("max".into(), scaling.max.into());
        }
        out.insert("scaling".into(), Value::Object(item));
    }
    if let Some(metadata) = metadata {
        out.insert("metadata".into(), metadata);
    }
    Value::Object(out)
}
