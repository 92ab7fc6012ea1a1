//! The per-section comparison of two contracts (spec §3.4): service, scaling, runtime,
//! dependencies, interfaces (with their OpenAPI specs) and configuration (with its schema).
//! Every change keeps the spans of the nodes it compares.

use std::collections::BTreeMap;

use super::{BundleReader, Change, ChangeBuilder, ChangeType, ChangeValue, FileSpan, compare_either};
use crate::contract::oci_ref::{DependencyRef, OciRef};
use crate::contract::{Configuration, Contract, Dependency, Health, Interface, Runtime, Scaling, Spanned, Text, text};
use crate::syntax::Span;

/// All contract-level changes, OpenAPI and schema diffs included, in the reference's group
/// order (the caller sorts them).
pub fn diff_contracts(
    old: &Contract,
    new: &Contract,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
) -> Vec<Change> {
    let mut acc = Vec::new();
    service(old, new, &mut acc);
    scaling(old.scaling.as_ref(), new.scaling.as_ref(), &mut acc);
    // One side absent reads as an all-empty runtime (quirk 14): adding it is a BREAKING
    // `runtime.workload` modified, as in the reference.
    compare_either(old.runtime.as_ref(), new.runtime.as_ref(), |old, new| runtime(old, new, &mut acc));
    dependencies(
        old.dependencies.as_deref().unwrap_or_default(),
        new.dependencies.as_deref().unwrap_or_default(),
        &mut acc,
    );
    interfaces(
        old.interfaces.as_deref().unwrap_or_default(),
        new.interfaces.as_deref().unwrap_or_default(),
        old_files,
        new_files,
        &mut acc,
    );
    configuration(old.configuration.as_ref(), new.configuration.as_ref(), old_files, new_files, &mut acc);
    acc
}

fn span(field: &Text) -> Option<FileSpan> {
    field.as_ref().map(|it| FileSpan::contract(it.span))
}

fn int_span(field: &Option<Spanned<i64>>) -> Option<FileSpan> {
    field.as_ref().map(|it| FileSpan::contract(it.span))
}

fn int(field: &Option<Spanned<i64>>) -> Option<i64> {
    field.as_ref().map(|it| it.value)
}

fn str_value(value: &str) -> Option<ChangeValue> {
    Some(ChangeValue::from(value))
}

/// A string field with a generic reason, both values always present (Go strings are never nil).
fn modified_text(rule: &'static str, old: &Text, new: &Text, acc: &mut Vec<Change>) {
    if text(old) != text(new) {
        acc.push(ChangeBuilder::new(rule, ChangeType::Modified).build(
            str_value(text(old)),
            str_value(text(new)),
            None,
            span(old),
            span(new),
        ));
    }
}

/// A string field where "" means absent: added, removed or modified.
fn optional_text(rule: &'static str, old: &Text, new: &Text, acc: &mut Vec<Change>) {
    let (old_text, new_text) = (text(old), text(new));
    if old_text == new_text {
        return;
    }
    let change_type = ChangeType::of_presence(!old_text.is_empty(), !new_text.is_empty());
    acc.push(ChangeBuilder::new(rule, change_type).build(
        str_value(old_text),
        str_value(new_text),
        None,
        span(old),
        span(new),
    ));
}

/// An integer field whose presence matters: values are ints with absent = 0 (§3.4).
fn optional_int(rule: &'static str, old: &Option<Spanned<i64>>, new: &Option<Spanned<i64>>, acc: &mut Vec<Change>) {
    if int(old) == int(new) {
        return;
    }
    let change_type = ChangeType::of_presence(old.is_some(), new.is_some());
    acc.push(ChangeBuilder::new(rule, change_type).build(
        Some(ChangeValue::Int(int(old).unwrap_or(0))),
        Some(ChangeValue::Int(int(new).unwrap_or(0))),
        None,
        int_span(old),
        int_span(new),
    ));
}

fn service(old: &Contract, new: &Contract, acc: &mut Vec<Change>) {
    let (old_service, new_service) = (&old.service, &new.service);
    modified_text("service.name", &old_service.name, &new_service.name, acc);
    modified_text("service.version", &old_service.version, &new_service.version, acc);
    optional_text("service.owner", &old_service.owner, &new_service.owner, acc);
    // Only the ref is compared; `image.private` is invisible to diff (quirk 15).
    let old_image = old_service.image.as_ref().map(|it| &it.reference);
    let new_image = new_service.image.as_ref().map(|it| &it.reference);
    let old_ref = old_image.map_or("", text);
    let new_ref = new_image.map_or("", text);
    if old_ref != new_ref {
        let change_type = ChangeType::of_presence(old_image.is_some(), new_image.is_some());
        acc.push(ChangeBuilder::new("service.image", change_type).build(
            str_value(old_ref),
            str_value(new_ref),
            None,
            old_image.and_then(span),
            new_image.and_then(span),
        ));
    }
}

/// `replicas=<n>` or `min=<a> max=<b>` (§3.4).
fn format_scaling(scaling: &Scaling) -> String {
    match &scaling.replicas {
        Some(replicas) => format!("replicas={}", replicas.value),
        None => format!("min={} max={}", scaling.min, scaling.max),
    }
}

fn scaling(old: Option<&Scaling>, new: Option<&Scaling>, acc: &mut Vec<Change>) {
    let whole = |change_type, old: Option<&Scaling>, new: Option<&Scaling>| {
        ChangeBuilder::new("scaling", change_type).build(
            old.map(|it| format_scaling(it).into()),
            new.map(|it| format_scaling(it).into()),
            None,
            old.map(|it| FileSpan::contract(it.span)),
            new.map(|it| FileSpan::contract(it.span)),
        )
    };
    let (old, new) = match (old, new) {
        (None, None) => return,
        (None, Some(_)) => return acc.push(whole(ChangeType::Added, None, new)),
        (Some(_), None) => return acc.push(whole(ChangeType::Removed, old, None)),
        (Some(old), Some(new)) => (old, new),
    };
    match (&old.replicas, &new.replicas) {
        (Some(old_replicas), Some(new_replicas)) => {
            if old_replicas.value != new_replicas.value {
                acc.push(ChangeBuilder::new("scaling.replicas", ChangeType::Modified).build(
                    Some(old_replicas.value.into()),
                    Some(new_replicas.value.into()),
                    None,
                    Some(FileSpan::contract(old_replicas.span)),
                    Some(FileSpan::contract(new_replicas.span)),
                ));
            }
        }
        (None, None) => {
            for (rule, old_value, new_value) in [("scaling.min", old.min, new.min), ("scaling.max", old.max, new.max)] {
                if old_value != new_value {
                    acc.push(ChangeBuilder::new(rule, ChangeType::Modified).build(
                        Some(old_value.into()),
                        Some(new_value.into()),
                        None,
                        Some(FileSpan::contract(old.span)),
                        Some(FileSpan::contract(new.span)),
                    ));
                }
            }
        }
        // Replicas form against range form: one change for the switch, nothing finer.
        _ => acc.push(whole(ChangeType::Modified, Some(old), Some(new))),
    }
}

fn runtime(old: &Runtime, new: &Runtime, acc: &mut Vec<Change>) {
    modified_text("runtime.workload", &old.workload, &new.workload, acc);
    modified_text("runtime.state.type", &old.state.kind, &new.state.kind, acc);
    modified_text("runtime.state.persistence.scope", &old.state.persistence.scope, &new.state.persistence.scope, acc);
    modified_text(
        "runtime.state.persistence.durability",
        &old.state.persistence.durability,
        &new.state.persistence.durability,
        acc,
    );
    modified_text("runtime.state.dataCriticality", &old.state.data_criticality, &new.state.data_criticality, acc);
    compare_either(old.lifecycle.as_ref(), new.lifecycle.as_ref(), |old, new| {
        optional_text("runtime.lifecycle.upgradeStrategy", &old.upgrade_strategy, &new.upgrade_strategy, acc);
        let (old_seconds, new_seconds) = (&old.graceful_shutdown_seconds, &new.graceful_shutdown_seconds);
        optional_int("runtime.lifecycle.gracefulShutdownSeconds", old_seconds, new_seconds, acc);
    });
    // Health is always "modified", never added or removed (§3.4).
    let empty = Health::default();
    let old_health = old.health.as_ref().unwrap_or(&empty);
    let new_health = new.health.as_ref().unwrap_or(&empty);
    modified_text("runtime.health.interface", &old_health.interface, &new_health.interface, acc);
    modified_text("runtime.health.path", &old_health.path, &new_health.path, acc);
    let (old_delay, new_delay) = (&old_health.initial_delay_seconds, &new_health.initial_delay_seconds);
    if int(old_delay) != int(new_delay) {
        acc.push(ChangeBuilder::new("runtime.health.initialDelaySeconds", ChangeType::Modified).build(
            Some(int(old_delay).unwrap_or(0).into()),
            Some(int(new_delay).unwrap_or(0).into()),
            None,
            int_span(old_delay),
            int_span(new_delay),
        ));
    }
}

/// The identity of a dependency across versions: `registry/repository` for an OCI ref, the
/// raw ref otherwise.
///
/// Deviation: the reference keys dependencies by the raw ref (quirk 13), so a tag bump is a
/// BREAKING removal plus an addition; "Our decisions" match by repository instead.
pub fn dependency_key(reference: &str) -> String {
    match DependencyRef::classify(reference) {
        DependencyRef::Oci(location) => match OciRef::parse(&location) {
            Ok(parsed) => format!("oci://{}/{}", parsed.registry, parsed.repository),
            Err(_) => reference.to_owned(),
        },
        DependencyRef::Local(_) => reference.to_owned(),
    }
}

/// Duplicates: the last one wins, as in the reference's maps. Sorted keys make the order stable.
fn index_dependencies(deps: &[Dependency]) -> BTreeMap<String, &Dependency> {
    deps.iter().map(|it| (dependency_key(text(&it.reference)), it)).collect()
}

fn index_interfaces(items: &[Interface]) -> BTreeMap<String, &Interface> {
    items.iter().map(|it| (text(&it.name).to_owned(), it)).collect()
}

fn dependencies(old: &[Dependency], new: &[Dependency], acc: &mut Vec<Change>) {
    let (old_index, new_index) = (index_dependencies(old), index_dependencies(new));
    for (key, old_dep) in &old_index {
        let old_ref = text(&old_dep.reference);
        let Some(new_dep) = new_index.get(key) else {
            acc.push(entry_change("dependencies", ChangeType::Removed, old_ref, old_dep.span));
            continue;
        };
        let new_ref = text(&new_dep.reference);
        if old_ref != new_ref {
            acc.push(ChangeBuilder::new("dependencies.ref", ChangeType::Modified).build(
                str_value(old_ref),
                str_value(new_ref),
                None,
                span(&old_dep.reference),
                span(&new_dep.reference),
            ));
        }
        if text(&old_dep.compatibility) != text(&new_dep.compatibility) {
            acc.push(ChangeBuilder::new("dependencies.compatibility", ChangeType::Modified).build(
                Some(format!("{old_ref}: {}", text(&old_dep.compatibility)).into()),
                Some(format!("{new_ref}: {}", text(&new_dep.compatibility)).into()),
                None,
                span(&old_dep.compatibility),
                span(&new_dep.compatibility),
            ));
        }
        let required = |dep: &Dependency| dep.required.as_ref().is_some_and(|it| it.value);
        if required(old_dep) != required(new_dep) {
            let bool_span =
                |dep: &Dependency| Some(FileSpan::contract(dep.required.as_ref().map_or(dep.span, |it| it.span)));
            acc.push(ChangeBuilder::new("dependencies.required", ChangeType::Modified).build(
                Some(format!("{old_ref}: required={}", required(old_dep)).into()),
                Some(format!("{new_ref}: required={}", required(new_dep)).into()),
                None,
                bool_span(old_dep),
                bool_span(new_dep),
            ));
        }
    }
    for (key, new_dep) in &new_index {
        if !old_index.contains_key(key) {
            acc.push(entry_change("dependencies", ChangeType::Added, text(&new_dep.reference), new_dep.span));
        }
    }
}

/// A dependency or an interface only one side lists: `value` names it, `span` is its node there.
fn entry_change(rule: &'static str, change_type: ChangeType, value: &str, span: Span) -> Change {
    let (value, span) = (str_value(value), Some(FileSpan::contract(span)));
    let builder = ChangeBuilder::new(rule, change_type);
    match change_type {
        ChangeType::Removed => builder.build(value, None, None, span, None),
        ChangeType::Added | ChangeType::Modified => builder.build(None, value, None, None, span),
    }
}

fn interfaces(
    old: &[Interface],
    new: &[Interface],
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    let (old_index, new_index) = (index_interfaces(old), index_interfaces(new));
    for (name, old_item) in &old_index {
        let Some(new_item) = new_index.get(name) else {
            acc.push(entry_change("interfaces", ChangeType::Removed, name, old_item.span));
            continue;
        };
        interface_pair(name, old_item, new_item, old_files, new_files, acc);
    }
    for (name, new_item) in &new_index {
        if !old_index.contains_key(name) {
            acc.push(entry_change("interfaces", ChangeType::Added, name, new_item.span));
        }
    }
}

fn interface_pair(
    name: &str,
    old: &Interface,
    new: &Interface,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    let named = |field: &Text| Some(ChangeValue::from(format!("{name}: {}", text(field))));
    for (rule, old_field, new_field) in
        [("interfaces.type", &old.kind, &new.kind), ("interfaces.visibility", &old.visibility, &new.visibility)]
    {
        if text(old_field) != text(new_field) {
            acc.push(ChangeBuilder::new(rule, ChangeType::Modified).build(
                named(old_field),
                named(new_field),
                None,
                span(old_field),
                span(new_field),
            ));
        }
    }
    optional_int("interfaces.port", &old.port, &new.port, acc);
    let (old_contract, new_contract) = (text(&old.contract), text(&new.contract));
    match (old_contract.is_empty(), new_contract.is_empty()) {
        (true, true) => {}
        (false, false) => {
            if old_contract != new_contract {
                acc.push(ChangeBuilder::new("interfaces.contract", ChangeType::Modified).build(
                    named(&old.contract),
                    named(&new.contract),
                    None,
                    span(&old.contract),
                    span(&new.contract),
                ));
            }
            // Run for every interface type, as the reference does (quirk 16): a gRPC or event
            // contract simply has no `paths` and yields nothing.
            if let (Some(old_text), Some(new_text)) = (old_files.read(old_contract), new_files.read(new_contract)) {
                acc.extend(super::openapi::diff_specs(old_contract, &old_text, new_contract, &new_text));
            }
        }
        // One side empty: raw values, no name prefix (§3.4).
        _ => acc.push(ChangeBuilder::new("interfaces.contract", ChangeType::Modified).build(
            str_value(old_contract),
            str_value(new_contract),
            None,
            span(&old.contract),
            span(&new.contract),
        )),
    }
}

fn configuration(
    old: Option<&Configuration>,
    new: Option<&Configuration>,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    let (old, new) = match (old, new) {
        (None, None) => return,
        (None, Some(new)) => {
            let change = ChangeBuilder::new("configuration", ChangeType::Added);
            return acc.push(change.build(None, str_value(text(&new.schema)), None, None, span(&new.schema)));
        }
        (Some(old), None) => {
            let change = ChangeBuilder::new("configuration", ChangeType::Removed);
            return acc.push(change.build(str_value(text(&old.schema)), None, None, span(&old.schema), None));
        }
        (Some(old), Some(new)) => (old, new),
    };
    modified_text("configuration.schema", &old.schema, &new.schema, acc);
    let (old_path, new_path) = (text(&old.schema), text(&new.schema));
    if !old_path.is_empty() && !new_path.is_empty() {
        if let (Some(old_text), Some(new_text)) = (old_files.read(old_path), new_files.read(new_path)) {
            acc.extend(super::schema::diff_schemas(old_path, &old_text, new_path, &new_text));
        }
    }
}
