//! A 2.0 contract as generator plugins receive it (pacto-v2.md §6.5): the model as JSON with the
//! format's field names, top-level keys in the reference's order, nested keys in schema order,
//! optional fields left out when empty, and the free-form mappings (`metadata`, `extensions`,
//! `configurations[].values`) with their keys sorted, as Go writes a map.

use serde_json::{Map, Value};

use super::document::{Document, flag};
use super::model::{Capability, Claim, Configuration, Contract, Interface, Readiness};
use crate::contract::{Text, text};

pub fn to_json(document: &Document) -> Value {
    let contract: &Contract = &document.contract;
    let mut out = Map::new();
    out.insert("pactoVersion".into(), text(&contract.pacto_version).into());
    out.insert("service".into(), service(contract));
    list(&mut out, "interfaces", contract.interfaces.iter().map(interface));
    let configurations = contract
        .configurations
        .iter()
        .enumerate()
        .map(|(idx, it)| configuration(it, document.configuration_values(idx)));
    list(&mut out, "configurations", configurations);
    let dependencies = contract.dependencies.iter().map(|it| {
        let mut item = Map::new();
        item.insert("name".into(), text(&it.name).into());
        item.insert("ref".into(), text(&it.reference).into());
        item.insert("required".into(), flag(&it.required).into());
        item.insert("compatibility".into(), text(&it.compatibility).into());
        Value::Object(item)
    });
    list(&mut out, "dependencies", dependencies);
    if let Some(state) = &contract.state {
        let mut persistence = Map::new();
        persistence.insert("scope".into(), text(&state.scope).into());
        persistence.insert("durability".into(), text(&state.durability).into());
        let mut item = Map::new();
        item.insert("type".into(), text(&state.kind).into());
        item.insert("persistence".into(), Value::Object(persistence));
        item.insert("dataCriticality".into(), text(&state.data_criticality).into());
        out.insert("state".into(), Value::Object(item));
    }
    optional(&mut out, "workload", &contract.workload);
    list(&mut out, "capabilities", contract.capabilities.iter().map(capability));
    let policies = contract.policies.iter().map(|it| {
        let mut item = Map::new();
        item.insert("name".into(), text(&it.name).into());
        optional(&mut item, "schema", &it.schema);
        optional(&mut item, "ref", &it.reference);
        optional(&mut item, "target", &it.target);
        Value::Object(item)
    });
    list(&mut out, "policies", policies);
    if let Some(readiness) = &contract.readiness {
        out.insert("readiness".into(), readiness_json(readiness));
    }
    for key in ["metadata", "extensions"] {
        if let Some(mapping) = document.mapping(key) {
            out.insert(key.into(), go_sorted(&Value::Object(mapping.clone())));
        }
    }
    Value::Object(out)
}

fn service(contract: &Contract) -> Value {
    let service = &contract.service;
    let mut out = Map::new();
    out.insert("name".into(), text(&service.name).into());
    out.insert("version".into(), text(&service.version).into());
    if let Some(owner) = &service.owner {
        let mut item = Map::new();
        optional(&mut item, "team", &owner.team);
        optional(&mut item, "dri", &owner.dri);
        let contacts = owner.contacts.iter().map(|it| {
            let mut contact = Map::new();
            contact.insert("type".into(), text(&it.kind).into());
            contact.insert("value".into(), text(&it.value).into());
            optional(&mut contact, "purpose", &it.purpose);
            Value::Object(contact)
        });
        list(&mut item, "contacts", contacts);
        if !item.is_empty() {
            out.insert("owner".into(), Value::Object(item));
        }
    }
    Value::Object(out)
}

fn interface(it: &Interface) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), text(&it.name).into());
    out.insert("type".into(), text(&it.kind).into());
    out.insert("ref".into(), text(&it.reference).into());
    optional(&mut out, "visibility", &it.visibility);
    Value::Object(out)
}

fn configuration(it: &Configuration, values: Option<&Value>) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), text(&it.name).into());
    optional(&mut out, "schema", &it.schema);
    optional(&mut out, "ref", &it.reference);
    if let Some(values) = values.filter(|it| it.as_object().is_some_and(|it| !it.is_empty())) {
        out.insert("values".into(), go_sorted(values));
    }
    out.insert("required".into(), flag(&it.required).into());
    Value::Object(out)
}

fn capability(it: &Capability) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), text(&it.kind).into());
    optional(&mut out, "ref", &it.reference);
    if let Some(binding) = &it.binding {
        let mut item = Map::new();
        item.insert("type".into(), text(&binding.kind).into());
        item.insert("interface".into(), text(&binding.interface).into());
        optional(&mut item, "path", &binding.path);
        out.insert("binding".into(), Value::Object(item));
    }
    Value::Object(out)
}

fn readiness_json(readiness: &Readiness) -> Value {
    let mut out = Map::new();
    if let Some(min_score) = &readiness.min_score {
        out.insert("minScore".into(), min_score.value.into());
    }
    out.insert("expires".into(), text(&readiness.expires).into());
    if let Some(partial_credit) = &readiness.partial_credit {
        out.insert("partialCredit".into(), serde_json::json!(partial_credit.value));
    }
    let history = readiness.history.iter().map(|it| {
        let mut item = Map::new();
        item.insert("date".into(), text(&it.date).into());
        item.insert("version".into(), text(&it.version).into());
        item.insert("author".into(), text(&it.author).into());
        item.insert("description".into(), text(&it.description).into());
        Value::Object(item)
    });
    list(&mut out, "history", history);
    list(&mut out, "claims", readiness.claims.iter().map(claim));
    Value::Object(out)
}

fn claim(it: &Claim) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), text(&it.id).into());
    out.insert("type".into(), text(&it.kind).into());
    optional(&mut out, "category", &it.category);
    out.insert("status".into(), text(&it.status).into());
    out.insert("evidence".into(), text(&it.evidence).into());
    out.insert("weight".into(), it.weight.as_ref().map_or(0, |it| it.value).into());
    optional(&mut out, "description", &it.description);
    Value::Object(out)
}

fn optional(map: &mut Map<String, Value>, key: &str, value: &Text) {
    if !text(value).is_empty() {
        map.insert(key.into(), text(value).into());
    }
}

fn list(map: &mut Map<String, Value>, key: &str, items: impl Iterator<Item = Value>) {
    let items: Vec<Value> = items.collect();
    if !items.is_empty() {
        map.insert(key.into(), Value::Array(items));
    }
}

/// A free-form mapping as Go's `encoding/json` writes a `map[string]any`: keys sorted, at every depth.
pub fn go_sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|key| (key.clone(), go_sorted(&map[key]))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(go_sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use crate::syntax::{LineIndex, parse};
    use crate::v2::document::parse_document;

    /// Key order is part of the protocol's JSON (the reference's struct order), so it is pinned here;
    /// the CLI's golden of the same contract compares content with sorted keys.
    #[test]
    fn keys_come_in_the_reference_order_and_empty_fields_are_left_out() {
        let text = "pactoVersion: \"2.0\"\nmetadata: {b: 1, a: 2}\nreadiness:\n  claims: [{id: x, type: url, status: done, evidence: e, weight: 1}]\n  expires: 2099-01-01\nworkload: job\nservice: {version: 1.0.0, name: svc, owner: {dri: d}}\ninterfaces: [{ref: a.yaml, name: api, type: openapi}]\n";
        let parse = parse(text);
        let document = parse_document(text, &LineIndex::new(text), &parse).unwrap();
        assert_eq!(
            serde_json::to_string(&to_json(&document)).unwrap(),
            "{\"pactoVersion\":\"2.0\",\"service\":{\"name\":\"svc\",\"version\":\"1.0.0\",\"owner\":{\"dri\":\"d\"}},\
             \"interfaces\":[{\"name\":\"api\",\"type\":\"openapi\",\"ref\":\"a.yaml\"}],\"workload\":\"job\",\
             \"readiness\":{\"expires\":\"2099-01-01\",\"claims\":[{\"id\":\"x\",\"type\":\"url\",\"status\":\"done\",\
             \"evidence\":\"e\",\"weight\":1}]},\"metadata\":{\"a\":2,\"b\":1}}"
        );
    }
}
