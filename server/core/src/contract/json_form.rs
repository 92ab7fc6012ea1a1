//! The contract's JSON form (spec §1.4): Go's struct encoding of the reference's model, key
//! order and omissions included, as plugins receive it.

use serde_json::{Map, Value};

use super::model::{Contract, Spanned, Text, text};

/// `metadata` is the JSON of the metadata mapping (free-form, so it comes from the tree).
pub fn to_json(contract: &Contract, metadata: Option<Value>) -> Value {
    let mut out = Map::new();
    out.insert("pactoVersion".into(), text(&contract.pacto_version).into());
    let service = &contract.service;
    let mut service_json = Map::new();
    service_json.insert("name".into(), text(&service.name).into());
    service_json.insert("version".into(), text(&service.version).into());
    put_text(&mut service_json, "owner", &service.owner);
    if let Some(image) = &service.image {
        let mut image_json = Map::new();
        image_json.insert("ref".into(), text(&image.reference).into());
        if image.private.as_ref().is_some_and(|it| it.value) {
            image_json.insert("private".into(), true.into());
        }
        service_json.insert("image".into(), Value::Object(image_json));
    }
    out.insert("service".into(), Value::Object(service_json));
    // Not omitted: a nil slice encodes as null.
    let interfaces = contract.interfaces.as_ref().map(|it| {
        Value::Array(
            it.iter()
                .map(|interface| {
                    let mut item = Map::new();
                    item.insert("name".into(), text(&interface.name).into());
                    item.insert("type".into(), text(&interface.kind).into());
                    put_int(&mut item, "port", &interface.port);
                    put_text(&mut item, "visibility", &interface.visibility);
                    put_text(&mut item, "contract", &interface.contract);
                    Value::Object(item)
                })
                .collect(),
        )
    });
    out.insert("interfaces".into(), interfaces.unwrap_or(Value::Null));
    if let Some(configuration) = &contract.configuration {
        let mut item = Map::new();
        item.insert("schema".into(), text(&configuration.schema).into());
        out.insert("configuration".into(), Value::Object(item));
    }
    if let Some(dependencies) = contract.dependencies.as_ref().filter(|it| !it.is_empty()) {
        let items = dependencies
            .iter()
            .map(|dependency| {
                let mut item = Map::new();
                item.insert("ref".into(), text(&dependency.reference).into());
                if dependency.required.as_ref().is_some_and(|it| it.value) {
                    item.insert("required".into(), true.into());
                }
                item.insert("compatibility".into(), text(&dependency.compatibility).into());
                Value::Object(item)
            })
            .collect();
        out.insert("dependencies".into(), Value::Array(items));
    }
    if let Some(runtime) = &contract.runtime {
        let state = &runtime.state;
        let mut persistence = Map::new();
        persistence.insert("scope".into(), text(&state.persistence.scope).into());
        persistence.insert("durability".into(), text(&state.persistence.durability).into());
        let mut state_json = Map::new();
        state_json.insert("type".into(), text(&state.kind).into());
        state_json.insert("persistence".into(), Value::Object(persistence));
        state_json.insert("dataCriticality".into(), text(&state.data_criticality).into());
        let mut runtime_json = Map::new();
        runtime_json.insert("workload".into(), text(&runtime.workload).into());
        runtime_json.insert("state".into(), Value::Object(state_json));
        if let Some(lifecycle) = &runtime.lifecycle {
            let mut item = Map::new();
            put_text(&mut item, "upgradeStrategy", &lifecycle.upgrade_strategy);
            put_int(&mut item, "gracefulShutdownSeconds", &lifecycle.graceful_shutdown_seconds);
            runtime_json.insert("lifecycle".into(), Value::Object(item));
        }
        if let Some(health) = &runtime.health {
            let mut item = Map::new();
            item.insert("interface".into(), text(&health.interface).into());
            put_text(&mut item, "path", &health.path);
            put_int(&mut item, "initialDelaySeconds", &health.initial_delay_seconds);
            runtime_json.insert("health".into(), Value::Object(item));
        }
        out.insert("runtime".into(), Value::Object(runtime_json));
    }
    if let Some(scaling) = &contract.scaling {
        let mut item = Map::new();
        put_int(&mut item, "replicas", &scaling.replicas);
        if scaling.min != 0 {
            item.insert("min".into(), scaling.min.into());
        }
        if scaling.max != 0 {
            item.insert("max".into(), scaling.max.into());
        }
        out.insert("scaling".into(), Value::Object(item));
    }
    if let Some(metadata) = metadata.filter(|it| it.as_object().is_some_and(|it| !it.is_empty())) {
        out.insert("metadata".into(), metadata);
    }
    Value::Object(out)
}

fn put_text(map: &mut Map<String, Value>, key: &str, value: &Text) {
    let value = text(value);
    if !value.is_empty() {
        map.insert(key.into(), value.into());
    }
}

fn put_int(map: &mut Map<String, Value>, key: &str, value: &Option<Spanned<i64>>) {
    if let Some(value) = value {
        map.insert(key.into(), value.value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use crate::contract::from_tree;
    use crate::syntax::parse;

    #[test]
    fn json_form_keeps_go_key_order_omissions_and_normalisation() {
        let text = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0, image: {ref: r/x, private: false}}\nscaling: {replicas: 3}\ndependencies:\n  - {ref: x, compatibility: ^1, required: false}\n";
        let contract = from_tree(parse(text).root.as_ref()).contract;
        assert_eq!(
            to_json(&contract, None).to_string(),
            r#"{"pactoVersion":"1.0","service":{"name":"a","version":"1.0.0","image":{"ref":"r/x"}},"interfaces":null,"dependencies":[{"ref":"x","compatibility":"^1"}],"scaling":{"replicas":3,"min":3,"max":3}}"#
        );
    }
}
