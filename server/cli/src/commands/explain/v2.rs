//! `pacto explain` on a 2.0 contract (pacto-v2.md §6.2): the reference's JSON summary, with the
//! readiness evaluation at the current time, and our text layout.

use pacto_core::contract::text;
use pacto_core::v2::document::{Document, flag};
use pacto_core::v2::model::{Contract, Owner};
use pacto_core::v2::readiness::{Evaluation, evaluate};
use serde_json::{Map, Value, json};

/// Decision (§6.2 "choose"): the 1.0 layout, kept where 2.0 kept the concept: `Runtime:` holds
/// workload and state, capabilities and interfaces get one line each (an interface's spec file
/// and visibility in parentheses), dependencies name themselves, and readiness is one line.
pub(super) fn text_summary(contract: &Contract, now: i64) -> String {
    let service = &contract.service;
    let mut out = format!("Service: {}@{}\n", text(&service.name), text(&service.version));
    if let Some(owner) = service.owner.as_ref().and_then(owner_line) {
        out.push_str(&format!("Owner: {owner}\n"));
    }
    out.push_str(&format!("Pacto Version: {}\n", text(&contract.pacto_version)));
    if !text(&contract.workload).is_empty() || contract.state.is_some() {
        out.push_str("\nRuntime:\n");
        if !text(&contract.workload).is_empty() {
            out.push_str(&format!("  Workload: {}\n", text(&contract.workload)));
        }
        if let Some(state) = &contract.state {
            out.push_str(&format!(
                "  State: {}\n  Persistence: {}/{}\n  Data Criticality: {}\n",
                text(&state.kind),
                text(&state.scope),
                text(&state.durability),
                text(&state.data_criticality)
            ));
        }
    }
    if !contract.capabilities.is_empty() {
        out.push_str(&format!("\nCapabilities ({}):\n", contract.capabilities.len()));
        for it in &contract.capabilities {
            match (text(&it.reference), &it.binding) {
                ("", None) => out.push_str(&format!("  - {}\n", text(&it.kind))),
                ("", Some(binding)) => {
                    let path = text(&binding.path);
                    out.push_str(&format!(
                        "  - {} (on {}{})\n",
                        text(&it.kind),
                        text(&binding.interface),
                        path_suffix(path)
                    ))
                }
                (reference, _) => out.push_str(&format!("  - {} ({reference})\n", text(&it.kind))),
            }
        }
    }
    if !contract.interfaces.is_empty() {
        out.push_str(&format!("\nInterfaces ({}):\n", contract.interfaces.len()));
        for it in &contract.interfaces {
            let mut details = format!("{}, {}", text(&it.kind), text(&it.reference));
            if !text(&it.visibility).is_empty() {
                details.push_str(&format!(", {}", text(&it.visibility)));
            }
            out.push_str(&format!("  - {} ({details})\n", text(&it.name)));
        }
    }
    if !contract.dependencies.is_empty() {
        out.push_str(&format!("\nDependencies ({}):\n", contract.dependencies.len()));
        for it in &contract.dependencies {
            let required = if flag(&it.required) { "required" } else { "optional" };
            out.push_str(&format!(
                "  - {}: {} ({}, {required})\n",
                text(&it.name),
                text(&it.reference),
                text(&it.compatibility)
            ));
        }
    }
    if let Some(eval) = contract.readiness.as_ref().and_then(|it| evaluate(it, now)) {
        let verdict = if eval.passing { "passing" } else { "failing" };
        let expired = if eval.expired { ", expired" } else { "" };
        out.push_str(&format!("\nReadiness: {}/{} ({verdict}{expired})\n", eval.score, eval.min_score));
    }
    out
}

fn path_suffix(path: &str) -> String {
    if path.is_empty() { String::new() } else { format!(" {path}") }
}

/// `team <team>, dri <dri>, <n> contact(s)`: what the owner object holds, in one line.
fn owner_line(owner: &Owner) -> Option<String> {
    let mut parts = Vec::new();
    if !text(&owner.team).is_empty() {
        parts.push(format!("team {}", text(&owner.team)));
    }
    if !text(&owner.dri).is_empty() {
        parts.push(format!("dri {}", text(&owner.dri)));
    }
    match owner.contacts.len() {
        0 => {}
        1 => parts.push("1 contact".to_owned()),
        n => parts.push(format!("{n} contacts")),
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The reference's `ExplainResult` for 2.0, key for key. Deviation: `owner` is left out when the
/// contract has none (the reference's Go struct would print `{}`), as pacto-v2.md §6.2 lists it
/// optional.
pub(super) fn json_summary(document: &Document, now: i64) -> Value {
    let contract = &document.contract;
    let service = &contract.service;
    let mut out = Map::new();
    out.insert("name".into(), text(&service.name).into());
    out.insert("version".into(), text(&service.version).into());
    if let Some(owner) = &service.owner {
        out.insert("owner".into(), owner_json(owner));
    }
    out.insert("pactoVersion".into(), text(&contract.pacto_version).into());
    if !text(&contract.workload).is_empty() {
        out.insert("workload".into(), text(&contract.workload).into());
    }
    if let Some(state) = &contract.state {
        out.insert(
            "state".into(),
            json!({
                "type": text(&state.kind),
                "scope": text(&state.scope),
                "durability": text(&state.durability),
                "dataCriticality": text(&state.data_criticality),
            }),
        );
    }
    if !contract.capabilities.is_empty() {
        let items = contract.capabilities.iter().map(|it| {
            let mut item = Map::new();
            item.insert("type".into(), text(&it.kind).into());
            insert_text(&mut item, "ref", text(&it.reference));
            Value::Object(item)
        });
        out.insert("capabilities".into(), Value::Array(items.collect()));
    }
    if !contract.interfaces.is_empty() {
        let items = contract.interfaces.iter().map(|it| {
            let mut item = Map::new();
            item.insert("name".into(), text(&it.name).into());
            item.insert("type".into(), text(&it.kind).into());
            item.insert("ref".into(), text(&it.reference).into());
            insert_text(&mut item, "visibility", text(&it.visibility));
            Value::Object(item)
        });
        out.insert("interfaces".into(), Value::Array(items.collect()));
    }
    if !contract.dependencies.is_empty() {
        let items = contract.dependencies.iter().map(|it| {
            json!({
                "name": text(&it.name),
                "ref": text(&it.reference),
                "required": flag(&it.required),
                "compatibility": text(&it.compatibility),
            })
        });
        out.insert("dependencies".into(), Value::Array(items.collect()));
    }
    if let Some((readiness, eval)) = contract.readiness.as_ref().and_then(|it| Some((it, evaluate(it, now)?))) {
        out.insert("readiness".into(), readiness_json(readiness, &eval));
    }
    if let Some(metadata) = document.mapping("metadata") {
        out.insert("metadata".into(), pacto_core::v2::json_form::go_sorted(&Value::Object(metadata.clone())));
    }
    Value::Object(out)
}

fn insert_text(map: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        map.insert(key.into(), value.into());
    }
}

fn owner_json(owner: &Owner) -> Value {
    let mut out = Map::new();
    insert_text(&mut out, "team", text(&owner.team));
    insert_text(&mut out, "dri", text(&owner.dri));
    if !owner.contacts.is_empty() {
        let contacts = owner.contacts.iter().map(|it| {
            let mut item = Map::new();
            item.insert("type".into(), text(&it.kind).into());
            item.insert("value".into(), text(&it.value).into());
            insert_text(&mut item, "purpose", text(&it.purpose));
            Value::Object(item)
        });
        out.insert("contacts".into(), Value::Array(contacts.collect()));
    }
    Value::Object(out)
}

fn readiness_json(readiness: &pacto_core::v2::model::Readiness, eval: &Evaluation) -> Value {
    let mut out = Map::new();
    out.insert("score".into(), eval.score.into());
    out.insert("minScore".into(), eval.min_score.into());
    out.insert("passing".into(), eval.passing.into());
    out.insert("totalWeight".into(), eval.total_weight.into());
    out.insert("earnedWeight".into(), eval.earned_weight.into());
    out.insert("partialCredit".into(), json!(eval.partial_credit));
    out.insert("expires".into(), text(&readiness.expires).into());
    out.insert("expired".into(), eval.expired.into());
    if let Some(days) = eval.days_remaining {
        out.insert("daysRemaining".into(), days.into());
    }
    out.insert("doneCount".into(), eval.n_done.into());
    out.insert("partialCount".into(), eval.n_partial.into());
    out.insert("notDoneCount".into(), eval.n_not_done.into());
    out.insert("deferredCount".into(), eval.n_deferred.into());
    if !readiness.history.is_empty() {
        let revisions = readiness.history.iter().map(|it| {
            json!({
                "date": text(&it.date),
                "version": text(&it.version),
                "author": text(&it.author),
                "description": text(&it.description),
            })
        });
        out.insert("revisions".into(), Value::Array(revisions.collect()));
    }
    let checks = readiness.claims.iter().zip(&eval.checks).map(|(claim, check)| {
        let mut item = Map::new();
        item.insert("id".into(), text(&claim.id).into());
        item.insert("type".into(), text(&claim.kind).into());
        insert_text(&mut item, "category", text(&claim.category));
        item.insert("status".into(), text(&claim.status).into());
        item.insert("weight".into(), check.weight.into());
        item.insert("earnedWeight".into(), check.earned_weight.into());
        item.insert("excluded".into(), check.excluded.into());
        insert_text(&mut item, "evidence", text(&claim.evidence));
        Value::Object(item)
    });
    out.insert("checks".into(), Value::Array(checks.collect()));
    Value::Object(out)
}
