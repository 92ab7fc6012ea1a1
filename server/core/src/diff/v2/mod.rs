//! The diff of two 2.0 contracts (pacto-v2.md §5): the contract level (version, service, owner,
//! workload, state, capabilities), dependencies, interfaces with their specs (OpenAPI, AsyncAPI,
//! gRPC), configurations and policies with their schemas and values, and readiness. Classified by
//! the 2.0 rule table ([`rules`]) and, inside documents, by the JSON walk's classifier ([`walk`]).

pub mod asyncapi;
pub mod grpc;
pub mod rules;
pub mod walk;

use std::collections::BTreeMap;

use super::{BundleReader, Change, ChangeType, ChangeValue, Classification, FileSpan, compare_either};
use crate::contract::{Spanned, Text, text};
use crate::syntax::{Node, Span, parse};
use crate::v2::document::{Document, flag};
use crate::v2::model::{Capability, Contact, Contract, Interface, Readiness, State};

use walk::{Direction, Sides};

/// Where a policy-provider bundle keeps its schema; compared when neither side declares policies.
pub const POLICY_SCHEMA_PATH: &str = "policy/schema.json";

/// Every change between two 2.0 contracts and their bundles, unsorted (the caller sorts).
pub fn diff_documents(
    old: &Document,
    new: &Document,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
) -> Vec<Change> {
    let mut acc = Vec::new();
    let (o, n) = (&old.contract, &new.contract);
    optional_text("pactoVersion", &o.pacto_version, &n.pacto_version, &mut acc);
    modified_text("service.name", &o.service.name, &n.service.name, &mut acc);
    modified_text("service.version", &o.service.version, &n.service.version, &mut acc);
    owner(o, n, &mut acc);
    optional_text("workload", &o.workload, &n.workload, &mut acc);
    // One side absent counts as all-empty, so adding a whole `state` adds each field (§5.3).
    compare_either(o.state.as_ref(), n.state.as_ref(), |old, new| state(old, new, &mut acc));
    capabilities(&o.capabilities, &n.capabilities, &mut acc);
    dependencies(o, n, &mut acc);
    interfaces(&o.interfaces, &n.interfaces, old_files, new_files, &mut acc);
    configurations(old, new, old_files, new_files, &mut acc);
    policies(o, n, old_files, new_files, &mut acc);
    readiness(o.readiness.as_ref(), n.readiness.as_ref(), &mut acc);
    acc
}

fn span_of(field: &Text) -> Option<FileSpan> {
    field.as_ref().map(|it| FileSpan::contract(it.span))
}

fn str_value(value: impl Into<String>) -> Option<ChangeValue> {
    Some(ChangeValue::Str(value.into()))
}

/// A change of a table row at `path`, reason `<path> <type>` (§5.1).
/// A named entry of an interface spec (an AsyncAPI channel, a gRPC service) that only one side has,
/// at `file`'s `span` on that side: `{rule}[{name}]`, with a reason in the spec's own noun.
fn entry_change(rule: &'static str, noun: &str, name: &str, change_type: ChangeType, file: &str, span: Span) -> Change {
    let at = Some(FileSpan { file: file.to_owned(), span });
    let (values, spans) = match change_type {
        ChangeType::Removed => ((str_value(name), None), (at, None)),
        ChangeType::Added | ChangeType::Modified => ((None, str_value(name)), (None, at)),
    };
    let mut it = change(rule, format!("{rule}[{name}]"), change_type, values, spans);
    it.reason = format!("{noun} {name} {change_type}");
    it
}

fn change(
    rule: &'static str,
    path: String,
    change_type: ChangeType,
    (old_value, new_value): (Option<ChangeValue>, Option<ChangeValue>),
    (old_span, new_span): (Option<FileSpan>, Option<FileSpan>),
) -> Change {
    Change {
        classification: rules::classify(rule, change_type),
        reason: format!("{path} {change_type}"),
        rule,
        path,
        change_type,
        old_value,
        new_value,
        old_span,
        new_span,
    }
}

/// `service.name` / `service.version`: modified only.
fn modified_text(rule: &'static str, old: &Text, new: &Text, acc: &mut Vec<Change>) {
    if text(old) != text(new) {
        let values = (str_value(text(old)), str_value(text(new)));
        acc.push(change(rule, rule.to_owned(), ChangeType::Modified, values, (span_of(old), span_of(new))));
    }
}

/// A string where "" means absent: added, removed or modified, both values kept (§5.3).
fn optional_text(rule: &'static str, old: &Text, new: &Text, acc: &mut Vec<Change>) {
    let (old_text, new_text) = (text(old), text(new));
    if old_text != new_text {
        let change_type = ChangeType::of_presence(!old_text.is_empty(), !new_text.is_empty());
        let values = (str_value(old_text), str_value(new_text));
        acc.push(change(rule, rule.to_owned(), change_type, values, (span_of(old), span_of(new))));
    }
}

fn owner(old: &Contract, new: &Contract, acc: &mut Vec<Change>) {
    let none = Text::None;
    let field = |contract: &Contract, get: fn(&crate::v2::model::Owner) -> &Text| -> Text {
        contract.service.owner.as_ref().map_or_else(|| none.clone(), |it| get(it).clone())
    };
    optional_text("service.owner.team", &field(old, |it| &it.team), &field(new, |it| &it.team), acc);
    optional_text("service.owner.dri", &field(old, |it| &it.dri), &field(new, |it| &it.dri), acc);
    let contacts = |contract: &Contract| -> BTreeMap<String, Contact> {
        let list = contract.service.owner.as_ref().map(|it| it.contacts.as_slice()).unwrap_or_default();
        list.iter().map(|it| (format!("{}:{}", text(&it.kind), text(&it.value)), it.clone())).collect()
    };
    let describe = |it: &Contact| match text(&it.purpose) {
        "" => format!("{}:{}", text(&it.kind), text(&it.value)),
        purpose => format!("{}:{} ({purpose})", text(&it.kind), text(&it.value)),
    };
    let (old_contacts, new_contacts) = (contacts(old), contacts(new));
    for (key, old_contact) in &old_contacts {
        let path = format!("service.owner.contacts[{key}]");
        let old_span = span_of(&old_contact.value);
        match new_contacts.get(key) {
            None => acc.push(change(
                "service.owner.contacts",
                path,
                ChangeType::Removed,
                (str_value(describe(old_contact)), None),
                (old_span, None),
            )),
            Some(new_contact) if text(&old_contact.purpose) != text(&new_contact.purpose) => acc.push(change(
                "service.owner.contacts",
                path,
                ChangeType::Modified,
                (str_value(describe(old_contact)), str_value(describe(new_contact))),
                (old_span, span_of(&new_contact.value)),
            )),
            Some(_) => {}
        }
    }
    for (key, new_contact) in &new_contacts {
        if !old_contacts.contains_key(key) {
            acc.push(change(
                "service.owner.contacts",
                format!("service.owner.contacts[{key}]"),
                ChangeType::Added,
                (None, str_value(describe(new_contact))),
                (None, span_of(&new_contact.value)),
            ));
        }
    }
}

fn state(old: &State, new: &State, acc: &mut Vec<Change>) {
    optional_text("state.type", &old.kind, &new.kind, acc);
    optional_text("state.persistence.scope", &old.scope, &new.scope, acc);
    optional_text("state.persistence.durability", &old.durability, &new.durability, acc);
    optional_text("state.dataCriticality", &old.data_criticality, &new.data_criticality, acc);
}

/// A set keyed by type (`type:ref` for an extension), values `<type>` or `<type> (<ref>)`.
fn capabilities(old: &[Capability], new: &[Capability], acc: &mut Vec<Change>) {
    let index = |list: &[Capability]| -> BTreeMap<String, Capability> {
        list.iter()
            .map(|it| {
                let key = match text(&it.reference) {
                    "" => text(&it.kind).to_owned(),
                    reference => format!("{}:{reference}", text(&it.kind)),
                };
                (key, it.clone())
            })
            .collect()
    };
    let describe = |it: &Capability| match text(&it.reference) {
        "" => text(&it.kind).to_owned(),
        reference => format!("{} ({reference})", text(&it.kind)),
    };
    let (old_set, new_set) = (index(old), index(new));
    for (key, it) in &old_set {
        if !new_set.contains_key(key) {
            let values = (str_value(describe(it)), None);
            acc.push(change(
                "capabilities",
                "capabilities".into(),
                ChangeType::Removed,
                values,
                (span_of(&it.kind), None),
            ));
        }
    }
    for (key, it) in &new_set {
        if !old_set.contains_key(key) {
            let values = (None, str_value(describe(it)));
            acc.push(change(
                "capabilities",
                "capabilities".into(),
                ChangeType::Added,
                values,
                (None, span_of(&it.kind)),
            ));
        }
    }
}

/// A list keyed by `name` (the last of a repeated name wins, as a Go map does).
fn by_name<T>(list: &[T], name: fn(&T) -> &Text) -> BTreeMap<String, &T> {
    list.iter().map(|it| (text(name(it)).to_owned(), it)).collect()
}

/// `<name>: <value>` on both sides of a modified keyed field.
fn named_change(
    rule: &'static str,
    name: &str,
    (old, new): (&str, &str),
    (old_span, new_span): (Option<FileSpan>, Option<FileSpan>),
    change_type: ChangeType,
) -> Change {
    let values = (str_value(format!("{name}: {old}")), str_value(format!("{name}: {new}")));
    change(rule, rule.to_owned(), change_type, values, (old_span, new_span))
}

fn dependencies(old: &Contract, new: &Contract, acc: &mut Vec<Change>) {
    let (old_deps, new_deps) = (by_name(&old.dependencies, |it| &it.name), by_name(&new.dependencies, |it| &it.name));
    for (name, o) in &old_deps {
        let Some(n) = new_deps.get(name) else {
            let values = (str_value(name.as_str()), None);
            acc.push(change(
                "dependencies",
                "dependencies".into(),
                ChangeType::Removed,
                values,
                (span_of(&o.name), None),
            ));
            continue;
        };
        for (rule, old_field, new_field) in [
            ("dependencies.ref", &o.reference, &n.reference),
            ("dependencies.compatibility", &o.compatibility, &n.compatibility),
        ] {
            if text(old_field) != text(new_field) {
                let spans = (span_of(old_field), span_of(new_field));
                acc.push(named_change(rule, name, (text(old_field), text(new_field)), spans, ChangeType::Modified));
            }
        }
        if flag(&o.required) != flag(&n.required) {
            let (old_value, new_value) =
                (format!("required={}", flag(&o.required)), format!("required={}", flag(&n.required)));
            let spans = (bool_span(&o.required), bool_span(&n.required));
            acc.push(named_change(
                "dependencies.required",
                name,
                (&old_value, &new_value),
                spans,
                ChangeType::Modified,
            ));
        }
    }
    for (name, n) in &new_deps {
        if !old_deps.contains_key(name) {
            let values = (None, str_value(name.as_str()));
            acc.push(change(
                "dependencies",
                "dependencies".into(),
                ChangeType::Added,
                values,
                (None, span_of(&n.name)),
            ));
        }
    }
}

fn bool_span(field: &Option<Spanned<bool>>) -> Option<FileSpan> {
    field.as_ref().map(|it| FileSpan::contract(it.span))
}

fn interfaces(
    old: &[Interface],
    new: &[Interface],
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    let (old_set, new_set) = (by_name(old, |it| &it.name), by_name(new, |it| &it.name));
    for (name, o) in &old_set {
        let Some(n) = new_set.get(name) else {
            let values = (str_value(name.as_str()), None);
            acc.push(change("interfaces", "interfaces".into(), ChangeType::Removed, values, (span_of(&o.name), None)));
            continue;
        };
        // `visibility` is compared raw: absent is not `internal` (§5.3).
        for (rule, old_field, new_field) in [
            ("interfaces.type", &o.kind, &n.kind),
            ("interfaces.visibility", &o.visibility, &n.visibility),
            ("interfaces.ref", &o.reference, &n.reference),
        ] {
            if text(old_field) != text(new_field) {
                let spans = (span_of(old_field), span_of(new_field));
                acc.push(named_change(rule, name, (text(old_field), text(new_field)), spans, ChangeType::Modified));
            }
        }
        let (old_ref, new_ref) = (text(&o.reference), text(&n.reference));
        if text(&o.kind) != text(&n.kind) || old_ref.is_empty() || new_ref.is_empty() {
            continue;
        }
        let (Some(old_text), Some(new_text)) = (old_files.read(old_ref), new_files.read(new_ref)) else { continue };
        match text(&o.kind) {
            "openapi" => acc.extend(super::openapi::diff_specs_v2(old_ref, &old_text, new_ref, &new_text)),
            "asyncapi" => acc.extend(asyncapi::diff(old_ref, &old_text, new_ref, &new_text)),
            "grpc" => acc.extend(grpc::diff(old_ref, &old_text, new_ref, &new_text)),
            _ => {}
        }
    }
    for (name, n) in &new_set {
        if !old_set.contains_key(name) {
            let values = (None, str_value(name.as_str()));
            acc.push(change("interfaces", "interfaces".into(), ChangeType::Added, values, (None, span_of(&n.name))));
        }
    }
}

/// A configuration or policy entry, as the shared routine compares them.
struct Source<'a> {
    name: &'a Text,
    schema: &'a Text,
    reference: &'a Text,
    /// The configuration's `values` and its span in the contract (never for policies).
    values: Option<(&'a Node, Span)>,
}

impl Source<'_> {
    fn summary(&self) -> String {
        let name = text(self.name);
        match (text(self.reference), text(self.schema)) {
            ("", "") => name.to_owned(),
            ("", schema) => format!("{name}: {schema}"),
            (reference, _) => format!("{name}: {reference}"),
        }
    }
}

fn configurations(
    old: &Document,
    new: &Document,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    ref_sources(
        Lists::CONFIGURATIONS,
        &configuration_sources(old),
        &configuration_sources(new),
        old_files,
        new_files,
        acc,
    );
}

fn configuration_sources(document: &Document) -> Vec<Source<'_>> {
    let values_of = |idx: usize| {
        let node = document.root.as_ref()?.get("configurations")?.as_sequence()?.get(idx)?.get("values")?;
        Some((node, document.contract.configurations[idx].values.unwrap_or(node.span)))
    };
    (document.contract.configurations.iter().enumerate())
        .map(|(idx, it)| Source {
            name: &it.name,
            schema: &it.schema,
            reference: &it.reference,
            values: values_of(idx),
        })
        .collect()
}

fn policy_sources(contract: &Contract) -> Vec<Source<'_>> {
    (contract.policies.iter())
        .map(|it| Source { name: &it.name, schema: &it.schema, reference: &it.reference, values: None })
        .collect()
}

fn policies(
    old: &Contract,
    new: &Contract,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    ref_sources(Lists::POLICIES, &policy_sources(old), &policy_sources(new), old_files, new_files, acc);
    // A policy-provider bundle ships `policy/schema.json` without declaring it (§5.3).
    if old.policies.is_empty() && new.policies.is_empty() {
        match (old_files.read(POLICY_SCHEMA_PATH), new_files.read(POLICY_SCHEMA_PATH)) {
            (None, Some(_)) => acc.push(change(
                POLICY_SCHEMA_PATH,
                POLICY_SCHEMA_PATH.into(),
                ChangeType::Added,
                (None, str_value(POLICY_SCHEMA_PATH)),
                (None, Some(FileSpan { file: POLICY_SCHEMA_PATH.into(), span: Span::empty(0) })),
            )),
            (Some(_), None) => acc.push(change(
                POLICY_SCHEMA_PATH,
                POLICY_SCHEMA_PATH.into(),
                ChangeType::Removed,
                (str_value(POLICY_SCHEMA_PATH), None),
                (Some(FileSpan { file: POLICY_SCHEMA_PATH.into(), span: Span::empty(0) }), None),
            )),
            (Some(old_text), Some(new_text)) => {
                schema_files(POLICY_SCHEMA_PATH, (POLICY_SCHEMA_PATH, &old_text), (POLICY_SCHEMA_PATH, &new_text), acc)
            }
            (None, None) => {}
        }
    }
}

/// The rule paths of one of the two named lists.
struct Lists {
    list: &'static str,
    schema: &'static str,
    reference: &'static str,
}

impl Lists {
    const CONFIGURATIONS: Lists =
        Lists { list: "configurations", schema: "configurations.schema", reference: "configurations.ref" };
    const POLICIES: Lists = Lists { list: "policies", schema: "policies.schema", reference: "policies.ref" };
}

fn ref_sources(
    lists: Lists,
    old: &[Source<'_>],
    new: &[Source<'_>],
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    acc: &mut Vec<Change>,
) {
    let index = |list: &'_ [Source<'_>]| -> BTreeMap<String, usize> {
        list.iter().enumerate().map(|(idx, it)| (text(it.name).to_owned(), idx)).collect()
    };
    let (old_set, new_set) = (index(old), index(new));
    for (name, &old_idx) in &old_set {
        let o = &old[old_idx];
        let Some(&new_idx) = new_set.get(name) else {
            let values = (str_value(o.summary()), None);
            acc.push(change(lists.list, lists.list.into(), ChangeType::Removed, values, (span_of(o.name), None)));
            continue;
        };
        let n = &new[new_idx];
        for (rule, old_field, new_field) in
            [(lists.schema, o.schema, n.schema), (lists.reference, o.reference, n.reference)]
        {
            let (old_text, new_text) = (text(old_field), text(new_field));
            if old_text != new_text {
                let change_type = ChangeType::of_presence(!old_text.is_empty(), !new_text.is_empty());
                let spans = (span_of(old_field).or(span_of(o.name)), span_of(new_field).or(span_of(n.name)));
                acc.push(named_change(rule, name, (old_text, new_text), spans, change_type));
            }
        }
        let (old_schema, new_schema) = (text(o.schema), text(n.schema));
        if !old_schema.is_empty() && !new_schema.is_empty() {
            if let (Some(old_text), Some(new_text)) = (old_files.read(old_schema), new_files.read(new_schema)) {
                schema_files(lists.schema, (old_schema, &old_text), (new_schema, &new_text), acc);
            }
        }
        values(name, o.values, n.values, acc);
    }
    for (name, &new_idx) in &new_set {
        if !old_set.contains_key(name) {
            let n = &new[new_idx];
            let values = (None, str_value(n.summary()));
            acc.push(change(lists.list, lists.list.into(), ChangeType::Added, values, (None, span_of(n.name))));
        }
    }
}

/// Two JSON Schema files walked from the bare prefix `schema`, no direction; YAML (or broken)
/// files yield nothing, as the reference decodes them as JSON only.
fn schema_files(
    rule: &'static str,
    (old_file, old_text): (&str, &str),
    (new_file, new_text): (&str, &str),
    acc: &mut Vec<Change>,
) {
    let is_json = |it: &str| serde_json::from_str::<serde_json::Value>(it).is_ok();
    if !is_json(old_text) || !is_json(new_text) {
        return;
    }
    let (old_parse, new_parse) = (parse(old_text), parse(new_text));
    let (Some(old_root), Some(new_root)) = (old_parse.root.as_ref(), new_parse.root.as_ref()) else { return };
    let sides = Sides { old_file, new_file, old_span: &walk::same, new_span: &walk::same };
    walk::walk(rule, Direction::Unknown, "schema", old_root, new_root, &sides, acc);
}

/// A configuration's inline `values`, walked from `configurations[<name>].values`, every change
/// forced to NON_BREAKING: they are the provider's defaults, not the consumer's surface (§5.3).
fn values(name: &str, old: Option<(&Node, Span)>, new: Option<(&Node, Span)>, acc: &mut Vec<Change>) {
    let empty = Node { span: Span::empty(0), kind: crate::syntax::NodeKind::Mapping(Vec::new().into()) };
    let (old_node, new_node) = (old.map_or(&empty, |it| it.0), new.map_or(&empty, |it| it.0));
    let sides = Sides {
        old_file: super::CONTRACT_FILE,
        new_file: super::CONTRACT_FILE,
        old_span: &walk::same,
        new_span: &walk::same,
    };
    let start = acc.len();
    let prefix = format!("configurations[{name}].values");
    walk::walk("configurations.values", Direction::Unknown, &prefix, old_node, new_node, &sides, acc);
    for it in &mut acc[start..] {
        it.classification = Classification::NonBreaking;
    }
}

fn readiness(old: Option<&Readiness>, new: Option<&Readiness>, acc: &mut Vec<Change>) {
    let (old, new) = match (old, new) {
        (None, None) => return,
        (None, Some(_)) => {
            acc.push(change(
                "readiness",
                "readiness".into(),
                ChangeType::Added,
                (None, str_value("readiness")),
                (None, None),
            ));
            return;
        }
        (Some(_), None) => {
            acc.push(change(
                "readiness",
                "readiness".into(),
                ChangeType::Removed,
                (str_value("readiness"), None),
                (None, None),
            ));
            return;
        }
        (Some(old), Some(new)) => (old, new),
    };
    let min_score =
        |it: &Readiness| it.min_score.as_ref().map(|it| (ChangeValue::Int(it.value), FileSpan::contract(it.span)));
    let partial_credit = |it: &Readiness| {
        it.partial_credit
            .as_ref()
            .map(|it| (ChangeValue::Json(serde_json::json!(it.value).to_string()), FileSpan::contract(it.span)))
    };
    for (rule, old_value, new_value, absent) in [
        ("readiness.minScore", min_score(old), min_score(new), ChangeValue::Int(0)),
        ("readiness.partialCredit", partial_credit(old), partial_credit(new), ChangeValue::Int(0)),
    ] {
        if old_value.as_ref().map(|it| &it.0) == new_value.as_ref().map(|it| &it.0) {
            continue;
        }
        let change_type = ChangeType::of_presence(old_value.is_some(), new_value.is_some());
        let (old_value, old_span) = old_value.map_or((absent.clone(), None), |(value, span)| (value, Some(span)));
        let (new_value, new_span) = new_value.map_or((absent, None), |(value, span)| (value, Some(span)));
        acc.push(change(rule, rule.into(), change_type, (Some(old_value), Some(new_value)), (old_span, new_span)));
    }
    optional_text("readiness.expires", &old.expires, &new.expires, acc);
    let describe = |it: &crate::v2::model::Claim| {
        format!(
            "status={} weight={} evidence={}",
            text(&it.status),
            it.weight.as_ref().map_or(0, |it| it.value),
            text(&it.evidence)
        )
    };
    let (old_claims, new_claims) = (claims(old), claims(new));
    for (id, o) in &old_claims {
        let path = format!("readiness.claims[{id}]");
        match new_claims.get(id) {
            None => acc.push(change(
                "readiness.claims",
                path,
                ChangeType::Removed,
                (str_value(describe(o)), None),
                (span_of(&o.id), None),
            )),
            Some(n) if !same_claim(o, n) => acc.push(change(
                "readiness.claims",
                path,
                ChangeType::Modified,
                (str_value(describe(o)), str_value(describe(n))),
                (span_of(&o.id), span_of(&n.id)),
            )),
            Some(_) => {}
        }
    }
    for (id, n) in &new_claims {
        if !old_claims.contains_key(id) {
            let path = format!("readiness.claims[{id}]");
            acc.push(change(
                "readiness.claims",
                path,
                ChangeType::Added,
                (None, str_value(describe(n))),
                (None, span_of(&n.id)),
            ));
        }
    }
}

fn claims(readiness: &Readiness) -> BTreeMap<String, &crate::v2::model::Claim> {
    readiness.claims.iter().map(|claim| (text(&claim.id).to_owned(), claim)).collect()
}

/// Claims compared field by field (their spans differ whenever a line moved).
fn same_claim(old: &crate::v2::model::Claim, new: &crate::v2::model::Claim) -> bool {
    let weight = |it: &crate::v2::model::Claim| it.weight.as_ref().map(|it| it.value);
    text(&old.kind) == text(&new.kind)
        && text(&old.category) == text(&new.category)
        && text(&old.status) == text(&new.status)
        && text(&old.evidence) == text(&new.evidence)
        && text(&old.description) == text(&new.description)
        && weight(old) == weight(new)
}
