//! Completion from the text around the cursor, so it works while the document does not parse:
//! keys not yet written (objects as snippets with their required children), enum values,
//! interface names, bundle file paths, the format version, ref schemes, and a whole contract in an
//! empty file. Fields and values come from the schema of the document's format (pacto-v2.md §2.2).

use std::collections::BTreeSet;
use std::path::Path;

use pacto_core::contract::text;
use pacto_core::syntax::{FieldPath, Node, Span};
use pacto_core::validate::Format;
use serde_json::Value;

use super::Known;
use crate::analysis::Analysis;
use crate::cursor::{Place, context};
use crate::{deps, schema_docs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Field,
    Value,
    File,
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionEntry {
    pub label: String,
    pub kind: EntryKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Text to insert over `replace`; a snippet (with `$1` placeholders) when `snippet`.
    pub insert: String,
    pub snippet: bool,
    pub replace: Span,
}

/// What completion offers at an offset.
pub struct Completions {
    /// The contract's entries; none where only the registry's make sense.
    pub entries: Vec<CompletionEntry>,
    /// In `dependencies[]`, the registry's items, and what it should be asked in the background so that the next
    /// keystroke offers more.
    pub registry: Option<deps::completion::Completion>,
}

/// Completion at `offset`: in `dependencies[]`, tags, digests, repositories (the open documents' and the
/// workspace's `repositories`) and constraints from what the registry already answered, alone or beside the
/// contract's entries.
pub fn completion(
    analysis: &Analysis,
    known: &Known<'_>,
    offset: usize,
    repositories: &BTreeSet<String>,
) -> Completions {
    let registry = deps::completion::completion(&analysis.text, offset, known.registry, repositories);
    let entries = match &registry {
        Some(it) if it.exclusive => Vec::new(),
        _ => contract_completion(analysis, offset),
    };
    Completions { entries, registry }
}

/// Bundle files offered for `contract` and `configuration.schema`, at most.
const MAX_FILE_ENTRIES: usize = 500;
const MAX_FILE_DEPTH: usize = 6;

/// The contract's own entries: keys, values, files and skeletons.
pub fn contract_completion(analysis: &Analysis, offset: usize) -> Vec<CompletionEntry> {
    let text = analysis.text.as_str();
    let offset = offset.min(text.len());
    if text.lines().all(|it| it.trim().is_empty() || it.trim_start().starts_with('#')) {
        return whole_contracts(offset);
    }
    let ctx = context(text, offset);
    match &ctx.place {
        Place::Key { start, .. } => {
            let line_start = text[..*start].rfind('\n').map_or(0, |it| it + 1);
            let indent = " ".repeat(*start - line_start);
            let mut entries = keys(analysis.format(), &ctx.path, &ctx.present, Span::new(*start, offset), &indent);
            if analysis.format() == Format::V2 && ctx.path.keys() == ["capabilities"] {
                discriminate_capability(analysis, offset, &mut entries);
            }
            entries
        }
        Place::Value { key, start, .. } => {
            let path = ctx.path.clone().key(key);
            let replace = Span::new(*start, offset);
            match analysis.format() {
                Format::V1 => values(analysis, &path, replace),
                Format::V2 => values_v2(analysis, &path, replace),
            }
        }
    }
}

fn keys(format: Format, path: &FieldPath, present: &[String], replace: Span, indent: &str) -> Vec<CompletionEntry> {
    let known = match format {
        Format::V1 => pacto_core::contract::known_fields(path),
        Format::V2 => pacto_core::v2::known_fields(path),
    };
    let Some(fields) = known else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|name| !present.iter().any(|it| it == *name))
        .map(|name| {
            let child = path.clone().key(name);
            let doc = schema_docs::field(format, &child).unwrap_or_default();
            let mut counter = 0;
            let insert = field_snippet(format, &child, name, indent, &mut counter);
            CompletionEntry {
                label: (*name).to_owned(),
                kind: EntryKind::Field,
                detail: Some(format!("{}{}", doc.kind, if doc.required { " · required" } else { "" })),
                documentation: Some(doc.description),
                insert,
                snippet: true,
                replace,
            }
        })
        .collect()
}

/// `name: …` for a field: a choice for enums, a nested skeleton of required children for
/// objects (and for lists of objects, one item), a tab stop for the rest.
fn field_snippet(format: Format, path: &FieldPath, name: &str, indent: &str, counter: &mut usize) -> String {
    let Some(node) = schema_docs::node_at(format, path) else {
        *counter += 1;
        return format!("{name}: ${counter}");
    };
    let doc = schema_docs::field(format, path).unwrap_or_default();
    let kind = node.get("type").and_then(Value::as_str).unwrap_or_default();
    match kind {
        "object" if !doc.required_children.is_empty() => {
            let inner = format!("{indent}  ");
            let children: Vec<String> = doc
                .required_children
                .iter()
                .map(|it| format!("{inner}{}", field_snippet(format, &path.clone().key(it), it, &inner, counter)))
                .collect();
            format!("{name}:\n{}", children.join("\n"))
        }
        "array" => {
            let item_path = path.clone().index(0);
            let item = schema_docs::field(format, &item_path).unwrap_or_default();
            if item.required_children.is_empty() {
                *counter += 1;
                return format!("{name}:\n{indent}  - ${counter}");
            }
            let inner = format!("{indent}    ");
            let children: Vec<String> = item
                .required_children
                .iter()
                .enumerate()
                .map(|(idx, it)| {
                    let lead = if idx == 0 { format!("{indent}  - ") } else { inner.clone() };
                    format!("{lead}{}", field_snippet(format, &item_path.clone().key(it), it, &inner, counter))
                })
                .collect();
            format!("{name}:\n{}", children.join("\n"))
        }
        "object" => format!("{name}:\n{indent}  "),
        _ if !doc.values.is_empty() => {
            *counter += 1;
            let choices: Vec<&str> = doc.values.iter().map(|it| it.0.as_str()).collect();
            let choices = match (format, name) {
                (Format::V1, "pactoVersion") => vec!["\"1.0\""],
                (Format::V2, "pactoVersion") => vec!["\"2.0\""],
                _ => choices,
            };
            format!("{name}: ${{{counter}|{}|}}", choices.join(","))
        }
        _ => {
            *counter += 1;
            format!("{name}: ${counter}")
        }
    }
}

fn values(analysis: &Analysis, path: &FieldPath, replace: Span) -> Vec<CompletionEntry> {
    let value = |label: &str, insert: &str, documentation: Option<String>, kind: EntryKind| CompletionEntry {
        label: label.to_owned(),
        kind,
        detail: None,
        documentation,
        insert: insert.to_owned(),
        snippet: false,
        replace,
    };
    let shape: Vec<&str> = path.keys();
    match shape.as_slice() {
        ["pactoVersion"] => {
            return vec![value(
                "\"1.0\"",
                "\"1.0\"",
                Some("The only contract format version.".into()),
                EntryKind::Value,
            )];
        }
        ["runtime", "health", "interface"] => {
            let interfaces = analysis.validation.decoded.contract.interfaces.as_deref().unwrap_or_default();
            return interfaces
                .iter()
                .filter(|it| !text(&it.name).is_empty())
                .map(|it| {
                    let detail = format!("{} interface", text(&it.kind));
                    CompletionEntry {
                        detail: Some(detail),
                        ..value(text(&it.name), text(&it.name), None, EntryKind::Value)
                    }
                })
                .collect();
        }
        ["interfaces", "contract"] | ["configuration", "schema"] => {
            let Some(dir) = &analysis.bundle_dir else {
                return Vec::new();
            };
            return bundle_files(dir).into_iter().map(|it| value(&it, &it, None, EntryKind::File)).collect();
        }
        ["dependencies", "ref"] => return ref_schemes(replace),
        _ => {}
    }
    enum_values(Format::V1, path, replace)
}

/// The capability's `type` decides its other keys (the schema's `oneOf`, pacto-v2.md §1.2): an
/// extension takes a `ref` and no `binding`, health and metrics the other way round.
fn discriminate_capability(analysis: &Analysis, offset: usize, entries: &mut Vec<CompletionEntry>) {
    let items = analysis.root().and_then(|it| it.get("capabilities")).and_then(Node::as_sequence);
    // The item the cursor is in: the last one starting before it (an empty line is outside every span).
    let item = items.unwrap_or_default().iter().rev().find(|it| it.span.start <= offset);
    let forbidden = match item.and_then(|it| it.get("type")).and_then(Node::scalar_text) {
        Some("extension") => "binding",
        Some("health" | "metrics") => "ref",
        _ => return,
    };
    entries.retain(|it| it.label != forbidden);
}

fn values_v2(analysis: &Analysis, path: &FieldPath, replace: Span) -> Vec<CompletionEntry> {
    let value = |label: &str, documentation: Option<String>, kind: EntryKind| CompletionEntry {
        label: label.to_owned(),
        kind,
        detail: None,
        documentation,
        insert: label.to_owned(),
        snippet: false,
        replace,
    };
    let contract = analysis.v2();
    match path.keys().as_slice() {
        ["pactoVersion"] => {
            vec![value("\"2.0\"", Some("The second contract format.".into()), EntryKind::Value)]
        }
        ["capabilities", "binding", "interface"] => {
            let interfaces = contract.map(|it| it.interfaces.as_slice()).unwrap_or_default();
            interfaces
                .iter()
                .filter(|it| !text(&it.name).is_empty())
                .map(|it| CompletionEntry {
                    detail: Some(format!("{} interface", text(&it.kind))),
                    ..value(text(&it.name), None, EntryKind::Value)
                })
                .collect()
        }
        ["interfaces", "ref"] | ["configurations", "schema"] | ["policies", "schema"] => {
            let Some(dir) = &analysis.bundle_dir else {
                return Vec::new();
            };
            bundle_files(dir).into_iter().map(|it| value(&it, None, EntryKind::File)).collect()
        }
        // A configuration or policy ref names the contract that owns the schema (§1.2), as a
        // dependency ref names its contract.
        ["dependencies", "ref"] | ["configurations", "ref"] | ["policies", "ref"] => ref_schemes(replace),
        _ => enum_values(Format::V2, path, replace),
    }
}

fn ref_schemes(replace: Span) -> Vec<CompletionEntry> {
    let value = |label: &str, documentation: &str| CompletionEntry {
        label: label.to_owned(),
        kind: EntryKind::Value,
        detail: None,
        documentation: Some(documentation.to_owned()),
        insert: label.to_owned(),
        snippet: false,
        replace,
    };
    vec![
        value("oci://", "A contract published to an OCI registry: `oci://registry/repository:tag`."),
        value("file://", "A bundle directory on disk, relative to this bundle."),
    ]
}

/// `true`/`false` for a boolean, the schema's values for an enum.
fn enum_values(format: Format, path: &FieldPath, replace: Span) -> Vec<CompletionEntry> {
    let value = |label: &str, documentation: Option<String>| CompletionEntry {
        label: label.to_owned(),
        kind: EntryKind::Value,
        detail: None,
        documentation,
        insert: label.to_owned(),
        snippet: false,
        replace,
    };
    let Some(doc) = schema_docs::field(format, path) else {
        return Vec::new();
    };
    if doc.kind == "boolean" {
        return ["true", "false"].iter().map(|it| value(it, None)).collect();
    }
    doc.values.iter().map(|(it, description)| value(it, Some(description.clone()))).collect()
}

/// Files under the bundle directory as bundle paths (`interfaces/openapi.yaml`), sorted,
/// skipping hidden entries; bounded in count and depth.
fn bundle_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0)];
    while let Some((path, prefix, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "pacto.yaml" {
                continue;
            }
            let relative = format!("{prefix}{name}");
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && depth < MAX_FILE_DEPTH => {
                    stack.push((entry.path(), format!("{relative}/"), depth + 1));
                }
                Ok(kind) if kind.is_file() => out.push(relative),
                _ => {}
            }
            if out.len() >= MAX_FILE_ENTRIES {
                break;
            }
        }
    }
    out.sort();
    out
}

/// The 2.0 skeleton of a new contract.
pub const SKELETON_V2: &str = "pactoVersion: \"2.0\"\n\nservice:\n  name: ${1:my-service}\n  version: ${2:0.1.0}\n  owner:\n    team: ${3:my-team}\n\n# Every interface names its spec file in the bundle (OpenAPI, AsyncAPI or gRPC):\n# interfaces:\n#   - name: api\n#     type: openapi\n#     ref: interfaces/openapi.yaml\n\nworkload: ${4|service,job,scheduled|}\n\nstate:\n  type: ${5|stateless,stateful,hybrid|}\n  persistence:\n    scope: ${6|local,shared|}\n    durability: ${7|ephemeral,persistent|}\n  dataCriticality: ${8|low,medium,high|}\n\ncapabilities:\n  - type: ${9|health,metrics|}\n";

/// The 1.0 skeleton, as offered before 2.0 existed.
pub const SKELETON_V1: &str = "pactoVersion: \"1.0\"\n\nservice:\n  name: ${1:my-service}\n  version: ${2:0.1.0}\n  owner: ${3:team/my-team}\n\ninterfaces:\n  - name: ${4:api}\n    type: ${5|http,grpc,event|}\n    port: ${6:8080}\n\nruntime:\n  workload: ${7|service,job,scheduled|}\n  state:\n    type: ${8|stateless,stateful,hybrid|}\n    persistence:\n      scope: ${9|local,shared|}\n      durability: ${10|ephemeral,persistent|}\n    dataCriticality: ${11|low,medium,high|}\n\nscaling:\n  min: ${12:1}\n  max: ${13:3}\n";

/// A whole contract for an empty file: 2.0 first, as `pacto init` defaults to it (pacto-v2.md §8.1),
/// then 1.0. The 2.0 one declares no interface, since every 2.0 interface needs a spec file that an
/// empty directory does not have (it shows how, commented out); each is valid with its defaults.
/// The labels sort in the same order, for clients that sort by label.
fn whole_contracts(offset: usize) -> Vec<CompletionEntry> {
    let entry = |label: &str, detail: &str, documentation: &str, insert: &str| CompletionEntry {
        label: label.to_owned(),
        kind: EntryKind::Snippet,
        detail: Some(detail.to_owned()),
        documentation: Some(documentation.to_owned()),
        insert: insert.to_owned(),
        snippet: true,
        replace: Span::empty(offset),
    };
    vec![
        entry(
            "pacto contract",
            "a complete Pacto 2.0 contract skeleton",
            "A 2.0 contract with a service and its owner, a workload, its state and a capability.",
            SKELETON_V2,
        ),
        entry(
            "pacto contract (1.0)",
            "a complete Pacto 1.0 contract skeleton",
            "A contract with a service, one HTTP interface, a runtime and scaling.",
            SKELETON_V1,
        ),
    ]
}
