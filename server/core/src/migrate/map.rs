//! The field mapping of pacto-v2.md §7.1, applied twice in one walk: as span edits on the original
//! text and as the intended 2.0 document (a JSON value), which checks the edits and is written out
//! whole when they cannot be made.

use serde_json::{Map, Value, json};

use crate::syntax::{self, Entry, FieldPath, Node, Span};
use crate::validate::BundleFiles;
use crate::validate::json::{reads_as, to_json};

use super::edit::Edits;
use super::emit::{self, scalar};
use super::files::{Placeholder, SpecKind, add_placeholder, schema_problem, spec_kind};
use super::{NewFile, Note, NoteKind};

/// `service.owner.team`'s pattern (§1.2): a 1.0 owner string that fits it becomes the team.
fn team_like(owner: &str) -> bool {
    !owner.is_empty() && owner.bytes().all(|it| it.is_ascii_alphanumeric() || matches!(it, b'.' | b'_' | b'/' | b'-'))
}

/// Decision (§7.3 items 1 and 3): the one 1.0 configuration becomes `default`, required — the 2.0
/// `init` template's name, and upstream's worked example; both are flagged for review.
const CONFIGURATION_NAME: &str = "default";
const CONFIGURATION_REQUIRED: bool = true;

/// Where placeholder files go: the conventional folders of a 2.0 bundle (§1.3).
const INTERFACES_DIR: &str = "interfaces";
const CONFIGURATION_DIR: &str = "configuration";

pub(super) struct Mapped {
    pub text: String,
    pub files: Vec<NewFile>,
    pub notes: Vec<Note>,
    pub kept_formatting: bool,
}

struct Ctx<'a> {
    edits: Edits<'a>,
    notes: Vec<Note>,
    files: Vec<NewFile>,
    bundle: Option<&'a dyn BundleFiles>,
    /// `service.version`, the version placeholders' `info` carries.
    version: String,
    /// The 1.0 interfaces' names and types, for the health capability.
    interface_kinds: Vec<(String, String)>,
}

impl Ctx<'_> {
    fn note(&mut self, kind: NoteKind, path: FieldPath, span: Span, message: String) {
        self.notes.push(Note { kind, path, span, message });
    }

    fn check_block(&mut self, node: &Node) {
        if !self.edits.is_block(node) {
            self.edits.fail();
        }
    }
}

pub(super) fn map(text: &str, root: &Node, bundle: Option<&dyn BundleFiles>) -> Mapped {
    let version = root.get("service").and_then(|it| it.get("version")).and_then(Node::scalar_text).unwrap_or("");
    let interface_kinds = root
        .get("interfaces")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .map(|it| {
            let field = |key| it.get(key).and_then(Node::scalar_text).unwrap_or("").to_owned();
            (field("name"), field("type"))
        })
        .collect();
    let mut ctx = Ctx {
        edits: Edits::new(text),
        notes: Vec::new(),
        files: Vec::new(),
        bundle,
        version: version.to_owned(),
        interface_kinds,
    };
    ctx.check_block(root);
    let mut out = Map::new();
    let top = root.as_mapping().unwrap_or_default();
    for (idx, entry) in top.iter().enumerate() {
        let key = entry.key.scalar_text().unwrap_or_default();
        let path = FieldPath::root().key(key);
        match key {
            "pactoVersion" => {
                out.insert(key.to_owned(), json!("2.0"));
                ctx.edits.replace_scalar(&entry.value, "\"2.0\"".to_owned());
            }
            "service" => service(&mut ctx, &mut out, entry, path),
            "interfaces" => interfaces(&mut ctx, &mut out, entry, path),
            "configuration" => configuration(&mut ctx, &mut out, entry, path),
            "dependencies" => dependencies(&mut ctx, &mut out, entry, path),
            "runtime" => runtime(&mut ctx, &mut out, entry, path),
            "scaling" => {
                let message =
                    format!("{}: no 2.0 field; replicas belong in deployment manifests", compact(&entry.value));
                ctx.note(NoteKind::Dropped, path, entry.key.span, message);
                ctx.edits.delete_entry(top, idx);
            }
            _ => {
                out.insert(key.to_owned(), value(&entry.value));
            }
        }
    }
    let intended = Value::Object(out);
    let Ctx { edits, notes, files, .. } = ctx;
    let eol = edits.eol;
    let edited = if edits.ok { edits.apply() } else { None };
    let faithful = edited.filter(|it| {
        let parse = syntax::parse(it);
        parse.errors.is_empty() && parse.root.is_some_and(|root| reads_as(&root, &intended))
    });
    match faithful {
        Some(text) => Mapped { text, files, notes, kept_formatting: true },
        None => Mapped { text: emit::document(&intended, eol), files, notes, kept_formatting: false },
    }
}

fn value(node: &Node) -> Value {
    // A valid 1.0 contract has no value JSON cannot hold (layer 1 would have refused it).
    to_json(node).unwrap_or(Value::Null)
}

/// A value as the report shows it: a scalar's text, else compact JSON.
fn compact(node: &Node) -> String {
    match node.scalar_text() {
        Some(text) => text.to_owned(),
        None => value(node).to_string(),
    }
}

fn service(ctx: &mut Ctx<'_>, out: &mut Map<String, Value>, entry: &Entry, path: FieldPath) {
    let Some(entries) = entry.value.as_mapping() else {
        out.insert("service".to_owned(), value(&entry.value));
        return;
    };
    ctx.check_block(&entry.value);
    let mut service = Map::new();
    for (idx, field) in entries.iter().enumerate() {
        let key = field.key.scalar_text().unwrap_or_default();
        let field_path = path.clone().key(key);
        match key {
            "image" => {
                let message = format!(
                    "{}: no 2.0 field; the image belongs in deployment manifests (pacto generate kubernetes --option image=<ref>)",
                    compact(&field.value)
                );
                ctx.note(NoteKind::Dropped, field_path, field.key.span, message);
                ctx.edits.delete_entry(entries, idx);
            }
            "owner" => {
                let owner = field.value.scalar_text().unwrap_or_default();
                if field.value.is_null() || owner.is_empty() {
                    ctx.edits.delete_entry(entries, idx);
                } else if team_like(owner) {
                    let message = format!(
                        "{} became service.owner.team; add owner.dri or owner.contacts if they apply",
                        go(owner)
                    );
                    ctx.note(NoteKind::Review, field_path, field.value.span, message);
                    service.insert("owner".to_owned(), json!({ "team": owner }));
                    let indent = " ".repeat(ctx.edits.column(field.key.span.start) + 2);
                    let exact = ctx.edits.exact(&field.value);
                    let source = ctx.edits.source(exact);
                    let span = Span::new(field.key.span.end, exact.end);
                    ctx.edits.replace(span, format!(":{}{indent}team: {source}", ctx.edits.eol));
                } else {
                    // Decision (§7.3 item 6): a free-text owner has no 2.0 form; omitted, not guessed.
                    let message = format!(
                        "{}: does not fit owner.team ({}); omitted: write service.owner.team, .dri or .contacts by hand",
                        go(owner),
                        "letters, digits and ._/-"
                    );
                    ctx.note(NoteKind::Dropped, field_path, field.value.span, message);
                    ctx.edits.delete_entry(entries, idx);
                }
            }
            _ => {
                service.insert(key.to_owned(), value(&field.value));
            }
        }
    }
    out.insert("service".to_owned(), Value::Object(service));
}

/// A 1.0 list of mappings under `key`: each mapping item through `item` (its node, entries, index and path);
/// an item that is no mapping, or a value that is no list, is copied as it is (layer 1 has refused it already).
fn list_of_mappings<'a>(
    ctx: &mut Ctx<'a>,
    out: &mut Map<String, Value>,
    entry: &Entry,
    path: FieldPath,
    key: &str,
    mut item: impl FnMut(&mut Ctx<'a>, &Node, &[Entry], usize, FieldPath) -> Map<String, Value>,
) {
    let Some(items) = entry.value.as_sequence() else {
        out.insert(key.to_owned(), value(&entry.value));
        return;
    };
    ctx.check_block(&entry.value);
    let mut list = Vec::new();
    for (idx, node) in items.iter().enumerate() {
        let Some(entries) = node.as_mapping() else {
            list.push(value(node));
            continue;
        };
        ctx.check_block(node);
        list.push(Value::Object(item(ctx, node, entries, idx, path.clone().index(idx))));
    }
    out.insert(key.to_owned(), Value::Array(list));
}

fn interfaces(ctx: &mut Ctx<'_>, out: &mut Map<String, Value>, entry: &Entry, path: FieldPath) {
    list_of_mappings(ctx, out, entry, path, "interfaces", |ctx, _, entries, _, item_path| {
        interface(ctx, entries, item_path)
    });
}

fn interface(ctx: &mut Ctx<'_>, entries: &[Entry], path: FieldPath) -> Map<String, Value> {
    let field = |key: &str| entries.iter().find(|it| it.key.scalar_text() == Some(key));
    let name = field("name").and_then(|it| it.value.scalar_text()).unwrap_or_default().to_owned();
    let kind = field("type").and_then(|it| it.value.scalar_text()).unwrap_or_default().to_owned();
    let contract = field("contract").and_then(|it| it.value.scalar_text()).filter(|it| !it.is_empty());
    let (new_kind, placeholder_kind, spec_name) = match kind.as_str() {
        "http" => ("openapi", Placeholder::OpenApi, "OpenAPI 3.1"),
        "event" => ("asyncapi", Placeholder::AsyncApi, "AsyncAPI 3.0"),
        _ => ("grpc", Placeholder::Proto, "proto3"),
    };
    let new_kind = if matches!(kind.as_str(), "http" | "event" | "grpc") { new_kind } else { kind.as_str() };
    let type_span = field("type").map_or(Span::empty(0), |it| it.value.span);
    let type_path = path.clone().key("type");
    // The 2.0 `ref`: the contract as written, or a placeholder planned here.
    let placeholder = |ctx: &mut Ctx<'_>| {
        add_placeholder(&mut ctx.files, ctx.bundle, INTERFACES_DIR, &name, placeholder_kind, &ctx.version)
    };
    let reference: Option<String> = match contract {
        None => {
            let file = placeholder(ctx);
            let message = format!(
                "the {kind} interface {} has no contract and 2.0 needs a spec file: wrote a placeholder {spec_name} document {} and referenced it; describe the interface there",
                go(&name),
                go(&file)
            );
            ctx.note(NoteKind::Placeholder, path.clone(), field("name").map_or(type_span, |it| it.key.span), message);
            Some(file)
        }
        Some(contract) => {
            let found = spec_kind(ctx.bundle, contract);
            let contract_span = field("contract").map_or(type_span, |it| it.value.span);
            let contract_path = path.clone().key("contract");
            let unusable = match &found {
                SpecKind::Unusable(why) => Some(why.clone()),
                _ => None,
            };
            match (kind.as_str(), &found) {
                (_, SpecKind::Unusable(_)) => {}
                ("http", SpecKind::OpenApi) => {
                    let message = format!("type http became openapi: {} is an OpenAPI document", go(contract));
                    ctx.note(NoteKind::Review, type_path.clone(), type_span, message);
                }
                ("http", SpecKind::Swagger) => {
                    // Decision (§7.3 item 5): Swagger 2.0 is OpenAPI's own predecessor; the file is kept
                    // and flagged rather than replaced by an empty placeholder.
                    let message = format!(
                        "type http became openapi: {} is a Swagger 2.0 document; convert it to OpenAPI 3",
                        go(contract)
                    );
                    ctx.note(NoteKind::Review, type_path.clone(), type_span, message);
                }
                ("event", found) => {
                    let what = if *found == SpecKind::AsyncApi {
                        "is an AsyncAPI document".to_owned()
                    } else {
                        "has no top-level asyncapi key: check that it is an AsyncAPI document".to_owned()
                    };
                    let message = format!("type event became asyncapi: {} {what}", go(contract));
                    ctx.note(NoteKind::Review, type_path.clone(), type_span, message);
                }
                _ => {}
            }
            let not_openapi = kind == "http" && !matches!(found, SpecKind::OpenApi | SpecKind::Swagger);
            if unusable.is_some() || not_openapi {
                let file = placeholder(ctx);
                let why = unusable.unwrap_or_else(|| {
                    "is not an OpenAPI document, so it cannot be the ref of an openapi interface".to_owned()
                });
                let message = format!(
                    "{} {why}: wrote a placeholder {spec_name} document {} and referenced it instead",
                    go(contract),
                    go(&file)
                );
                ctx.note(NoteKind::Placeholder, contract_path, contract_span, message);
                Some(file)
            } else {
                None
            }
        }
    };
    let mut map = Map::new();
    let mut last_kept = 0;
    for (idx, field) in entries.iter().enumerate() {
        let key = field.key.scalar_text().unwrap_or_default();
        match key {
            "type" => {
                map.insert("type".to_owned(), json!(new_kind));
                if new_kind != kind {
                    ctx.edits.replace_scalar(&field.value, new_kind.to_owned());
                }
            }
            "port" => {
                let message = format!("{}: no 2.0 field; ports belong in deployment manifests", compact(&field.value));
                ctx.note(NoteKind::Dropped, path.clone().key("port"), field.key.span, message);
                ctx.edits.delete_entry(entries, idx);
                continue;
            }
            "contract" => {
                ctx.edits.replace(field.key.span, "ref".to_owned());
                match &reference {
                    Some(file) => {
                        ctx.edits.replace_scalar(&field.value, scalar(file));
                        map.insert("ref".to_owned(), json!(file));
                    }
                    None => {
                        map.insert("ref".to_owned(), value(&field.value));
                    }
                }
            }
            _ => {
                map.insert(key.to_owned(), value(&field.value));
            }
        }
        last_kept = idx;
    }
    if contract.is_none()
        && let Some(file) = &reference
    {
        if field("contract").is_some() {
            // `contract: ""` (or null) was renamed above; its value is the placeholder now.
            map.insert("ref".to_owned(), json!(file));
        } else {
            map.insert("ref".to_owned(), json!(file));
            ctx.edits.append_entry(&entries[..=last_kept], &format!("ref: {}", scalar(file)));
        }
    }
    map
}

fn configuration(ctx: &mut Ctx<'_>, out: &mut Map<String, Value>, entry: &Entry, path: FieldPath) {
    let schema_node = entry.value.get("schema");
    let schema = schema_node.and_then(Node::scalar_text).unwrap_or_default();
    let Some(schema_node) = schema_node.filter(|_| !schema.is_empty()) else {
        let message = format!("{}: no schema, so no 2.0 configuration", compact(&entry.value));
        ctx.note(NoteKind::Dropped, path, entry.key.span, message);
        let top: &[Entry] = std::slice::from_ref(entry);
        ctx.edits.delete_entry(top, 0);
        return;
    };
    let schema_path = path.clone().key("schema");
    let written = match schema_problem(ctx.bundle, schema) {
        None => ctx.edits.source(ctx.edits.exact(schema_node)).to_owned(),
        Some(why) => {
            let version = ctx.version.clone();
            let file = add_placeholder(
                &mut ctx.files,
                ctx.bundle,
                CONFIGURATION_DIR,
                "schema",
                Placeholder::ConfigSchema,
                &version,
            );
            let message = format!("{} {why}: wrote a placeholder schema {} and referenced it", go(schema), go(&file));
            ctx.note(NoteKind::Placeholder, schema_path, schema_node.span, message);
            scalar(&file)
        }
    };
    let schema_value =
        syntax::parse(&written).root.and_then(|it| it.scalar_text().map(str::to_owned)).unwrap_or_default();
    let message = format!(
        "configuration became configurations[0], named {}: 2.0 names every configuration",
        go(CONFIGURATION_NAME)
    );
    ctx.note(NoteKind::Invented, path.clone(), entry.key.span, message);
    let message = format!(
        "configurations[0].required set to {CONFIGURATION_REQUIRED} (1.0 had no such flag): the service cannot run without this configuration; set false if it can"
    );
    ctx.note(NoteKind::Review, path, entry.key.span, message);
    out.insert(
        "configurations".to_owned(),
        json!([{ "name": CONFIGURATION_NAME, "schema": schema_value, "required": CONFIGURATION_REQUIRED }]),
    );
    ctx.check_block(&entry.value);
    let name = format!("  - name: {CONFIGURATION_NAME}");
    let required = format!("    required: {CONFIGURATION_REQUIRED}");
    let schema_line = format!("    schema: {written}");
    // A comment after the schema's value stays on the schema's line.
    let rest_of_line = &ctx.edits.text[ctx.edits.exact(&entry.value).end..];
    let trailing_comment = rest_of_line.split('\n').next().is_some_and(|it| it.contains('#'));
    let lines = if trailing_comment {
        ["configurations:".to_owned(), name, required, schema_line]
    } else {
        ["configurations:".to_owned(), name, schema_line, required]
    };
    ctx.edits.replace_entry(entry, &lines);
}

/// Decision (§7.3 item 4): a dependency's name is the last path segment of its ref without tag or
/// digest (`oci://ghcr.io/acme/auth-pacto:1.0.0` → `auth-pacto`, `../auth` → `auth`), offline and
/// deterministic; `-2`, `-3`, … make repeats unique.
pub fn dependency_name(reference: &str) -> String {
    let location = reference.strip_prefix("oci://").or_else(|| reference.strip_prefix("file://")).unwrap_or(reference);
    let location = location.split('@').next().unwrap_or_default();
    let last = location.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let last = last.split(':').next().unwrap_or_default().trim();
    if last.is_empty() || last == "." || last == ".." { "dependency".to_owned() } else { last.to_owned() }
}

fn dependencies(ctx: &mut Ctx<'_>, out: &mut Map<String, Value>, entry: &Entry, path: FieldPath) {
    let mut used: Vec<String> = Vec::new();
    list_of_mappings(ctx, out, entry, path, "dependencies", |ctx, item, entries, idx, item_path| {
        let ref_field = entries.iter().find(|it| it.key.scalar_text() == Some("ref"));
        let reference = ref_field.and_then(|it| it.value.scalar_text()).unwrap_or_default();
        let ref_span = ref_field.map_or(item.span, |it| it.value.span);
        let base = dependency_name(reference);
        let mut name = base.clone();
        let mut n = 1;
        while used.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        used.push(name.clone());
        let message =
            format!("dependencies[{idx}].name {}: derived from the ref; 2.0 names every dependency", go(&name));
        ctx.note(NoteKind::Invented, item_path.clone(), ref_span, message);
        ctx.edits.prepend_entry(entries, &format!("name: {}", scalar(&name)));
        let mut map = Map::new();
        map.insert("name".to_owned(), json!(name));
        for field in entries {
            let key = field.key.scalar_text().unwrap_or_default();
            if key == "ref" {
                let strict = strict_reference(ctx, reference, &field.value, item_path.clone().key("ref"));
                map.insert(key.to_owned(), json!(strict));
            } else {
                map.insert(key.to_owned(), value(&field.value));
            }
        }
        if !map.contains_key("required") {
            // Decision (§7.3 item 2): 1.0's effective value, false, written out and flagged.
            map.insert("required".to_owned(), json!(false));
            let message = "required was not written (1.0 reads it as false): set to false, which 2.0 requires written; confirm the service runs without it".to_owned();
            ctx.note(NoteKind::Review, item_path.key("required"), ref_span, message);
            ctx.edits.append_entry(entries, "required: false");
        }
        map
    });
}

/// An `oci://` ref as 2.0's stricter parser (§3.6) takes it: a malformed digest, which 1.0 never
/// checked and no registry could serve, is dropped and flagged; other failures are flagged only.
fn strict_reference(ctx: &mut Ctx<'_>, reference: &str, node: &Node, path: FieldPath) -> String {
    let span = ctx.edits.exact(node);
    let Some(location) = reference.strip_prefix("oci://") else {
        return reference.to_owned();
    };
    match crate::v2::strict_ref::parse(location) {
        Ok(_) => reference.to_owned(),
        Err(crate::v2::strict_ref::StrictRefError::MalformedDigest(digest)) => {
            let stripped = reference.split_once('@').map_or(reference, |it| it.0);
            if crate::v2::strict_ref::parse(&stripped["oci://".len()..]).is_ok() {
                let message = format!(
                    "the digest {} is malformed (2.0 checks digests; no registry could serve it): dropped it, pin the real digest",
                    go(&digest)
                );
                ctx.note(NoteKind::Review, path, span, message);
                ctx.edits.replace_scalar(node, scalar(stripped));
                stripped.to_owned()
            } else {
                reference.to_owned()
            }
        }
        Err(err) => {
            let message = format!("{err}: 2.0 refuses this ref; fix it by hand");
            ctx.note(NoteKind::Review, path, span, message);
            reference.to_owned()
        }
    }
}

fn runtime(ctx: &mut Ctx<'_>, out: &mut Map<String, Value>, entry: &Entry, path: FieldPath) {
    let Some(entries) = entry.value.as_mapping() else {
        out.insert("runtime".to_owned(), value(&entry.value));
        return;
    };
    ctx.check_block(&entry.value);
    let column = ctx.edits.column(entry.key.span.start);
    let mut parts: Vec<String> = Vec::new();
    let mut capabilities = Vec::new();
    for field in entries {
        let key = field.key.scalar_text().unwrap_or_default();
        let field_path = path.clone().key(key);
        match key {
            "workload" | "state" => {
                out.insert(key.to_owned(), value(&field.value));
                match ctx.edits.entry_at_column(field, column) {
                    Some(text) => parts.push(text),
                    None => ctx.edits.fail(),
                }
            }
            "lifecycle" => {
                let message = format!(
                    "{}: no 2.0 field; upgrade strategy and shutdown grace belong in deployment manifests",
                    compact(&field.value)
                );
                ctx.note(NoteKind::Dropped, field_path, field.key.span, message);
            }
            "health" => capabilities.push(health(ctx, &field.value, field_path, field.key.span)),
            _ => {
                out.insert(key.to_owned(), value(&field.value));
                match ctx.edits.entry_at_column(field, column) {
                    Some(text) => parts.push(text),
                    None => ctx.edits.fail(),
                }
            }
        }
    }
    if !capabilities.is_empty() {
        parts.push(capability_lines(&capabilities, &" ".repeat(column), ctx.edits.eol));
        out.insert("capabilities".to_owned(), Value::Array(capabilities));
    }
    let indent = " ".repeat(column);
    let joined = parts.join(&format!("{}{indent}", ctx.edits.eol));
    ctx.edits.replace_whole_entry(entry, joined);
}

/// `runtime.health` as a health capability (§7.1): bound to its http interface when the path is
/// a safe 2.0 binding path, else unbound.
fn health(ctx: &mut Ctx<'_>, node: &Node, path: FieldPath, span: Span) -> Value {
    let text = |key: &str| node.get(key).and_then(Node::scalar_text).unwrap_or_default();
    let interface = text("interface");
    if let Some(delay) = node.get("initialDelaySeconds").filter(|it| !it.is_null()) {
        let message = format!("{}: no 2.0 field; probe timing belongs in deployment manifests", compact(delay));
        let key_span = node.entry("initialDelaySeconds").map_or(span, |it| it.key.span);
        ctx.note(NoteKind::Dropped, path.clone().key("initialDelaySeconds"), key_span, message);
    }
    let kind = ctx.interface_kinds.iter().find(|it| it.0 == interface).map(|it| it.1.as_str()).unwrap_or_default();
    let probe = text("path");
    if kind != "http" {
        if !probe.is_empty() {
            let message =
                format!("{}: 2.0 binds only http interfaces; the {kind} health check keeps no path", go(probe));
            let key_span = node.entry("path").map_or(span, |it| it.key.span);
            ctx.note(NoteKind::Dropped, path.key("path"), key_span, message);
        }
        return json!({ "type": "health" });
    }
    let probe_span = node.get("path").map_or(span, |it| it.span);
    let bound = if crate::v2::crossfield::safe_binding_path(probe) {
        Some(probe.to_owned())
    } else if !probe.starts_with('/') && crate::v2::crossfield::safe_binding_path(&format!("/{probe}")) {
        // Decision (§7.3 item 7): a relative path gets its leading slash, flagged.
        let message =
            format!("health path {} became {} (2.0 binding paths start with /)", go(probe), go(&format!("/{probe}")));
        ctx.note(NoteKind::Review, path.clone().key("path"), probe_span, message);
        Some(format!("/{probe}"))
    } else {
        let message = format!(
            "health path {} is not a safe 2.0 binding path: the health capability is kept without a binding; add one by hand",
            go(probe)
        );
        ctx.note(NoteKind::Review, path.clone().key("path"), probe_span, message);
        None
    };
    match bound {
        Some(probe) => {
            json!({ "type": "health", "binding": { "type": "http", "interface": interface, "path": probe } })
        }
        None => json!({ "type": "health" }),
    }
}

fn capability_lines(capabilities: &[Value], indent: &str, eol: &str) -> String {
    let mut lines = vec!["capabilities:".to_owned()];
    for capability in capabilities {
        lines.push(format!("  - type: {}", capability["type"].as_str().unwrap_or_default()));
        if let Some(binding) = capability.get("binding") {
            lines.push("    binding:".to_owned());
            for key in ["type", "interface", "path"] {
                lines.push(format!("      {key}: {}", scalar(binding[key].as_str().unwrap_or_default())));
            }
        }
    }
    lines.join(&format!("{eol}{indent}"))
}

/// A value quoted as the report shows it (Go's `%q`).
fn go(text: &str) -> String {
    crate::gofmt::quote(text)
}
