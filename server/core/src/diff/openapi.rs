//! OpenAPI deep diff (spec §3.5): paths, methods, and per operation its parameters, request
//! body and responses. Only `paths` is read; no `$ref` is resolved.

use std::collections::BTreeMap;

use crate::syntax::{Node, ScalarValue, Span, parse};

use super::v2::walk;
use super::{Change, ChangeBuilder, ChangeType, ChangeValue, FileSpan};

mod equal;
mod items;

pub(crate) use equal::deep_equal;

/// The method keys the reference recognises; lower-case only (quirk 16).
const METHODS: &[&str] = &["get", "post", "put", "delete", "patch", "options", "head", "trace"];

/// Both specs' changes; nothing when either text is not a YAML (or JSON) document whose
/// `paths` maps to mappings, as the reference's decoder gives up on the whole file.
pub fn diff_specs(old_file: &str, old_text: &str, new_file: &str, new_text: &str) -> Vec<Change> {
    diff_specs_in(Format::V1, old_file, old_text, new_file, new_text)
}

/// The 2.0 OpenAPI diff (pacto-v2.md §5.4): as 1.0, except that path-level parameters fold into
/// every operation, a modified parameter's values are compact deltas and a newly required one is
/// BREAKING, and changed request bodies and responses are walked (§5.5) rather than reported whole.
pub fn diff_specs_v2(old_file: &str, old_text: &str, new_file: &str, new_text: &str) -> Vec<Change> {
    diff_specs_in(Format::V2, old_file, old_text, new_file, new_text)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    V1,
    V2,
}

fn diff_specs_in(format: Format, old_file: &str, old_text: &str, new_file: &str, new_text: &str) -> Vec<Change> {
    // Equal texts parse alike: every item is deep-equal, or both fail and yield nothing.
    if old_text == new_text {
        return Vec::new();
    }
    let reduced = items::drop_shared_items(old_text, new_text);
    let (old_text, new_text) = reduced.as_ref().map_or((old_text, new_text), |(old, new)| (&*old.text, &*new.text));
    let (old_parse, new_parse) = (parse(old_text), parse(new_text));
    let (Some(old_paths), Some(new_paths)) = (paths(&old_parse), paths(&new_parse)) else {
        return Vec::new();
    };
    let (old_cut, new_cut) = reduced.as_ref().map(|(old, new)| (old, new)).unzip();
    let mut diff = SpecDiff { format, old_file, new_file, old_cut, new_cut, acc: Vec::new() };
    diff.paths(&old_paths, &new_paths);
    diff.acc
}

/// A path or method key with its key span and value.
type Keyed<'a> = BTreeMap<String, (Span, &'a Node)>;

/// `paths` as `{path: (key span, path item)}`; `None` when the document cannot be read as the
/// reference's `{paths: map<string, map<string, any>>}`.
fn paths(parse: &crate::syntax::Parse) -> Option<Keyed<'_>> {
    if !parse.errors.is_empty() {
        return None;
    }
    let Some(root) = parse.root.as_ref() else {
        return Some(Keyed::new());
    };
    if root.is_null() {
        return Some(Keyed::new());
    }
    root.as_mapping()?;
    let Some(paths) = root.get("paths").filter(|it| !it.is_null()) else {
        return Some(Keyed::new());
    };
    let mut out = Keyed::new();
    for entry in paths.as_mapping()? {
        // A path item that is not a mapping fails the reference's decode of the whole file.
        if !entry.value.is_null() && entry.value.as_mapping().is_none() {
            return None;
        }
        out.insert(key_text(&entry.key), (entry.key.span, &entry.value));
    }
    Some(out)
}

fn key_text(key: &Node) -> String {
    key.scalar_text().unwrap_or_default().to_owned()
}

/// Entries of a mapping by key, the last duplicate winning; empty for anything else.
fn entries(node: Option<&Node>) -> Keyed<'_> {
    node.and_then(Node::as_mapping)
        .map(|entries| entries.iter().map(|it| (key_text(&it.key), (it.key.span, &it.value))).collect())
        .unwrap_or_default()
}

struct SpecDiff<'a> {
    format: Format,
    old_file: &'a str,
    new_file: &'a str,
    /// How to map spans back when shared items were cut from the texts before parsing.
    old_cut: Option<&'a items::Reduced>,
    new_cut: Option<&'a items::Reduced>,
    acc: Vec<Change>,
}

impl SpecDiff<'_> {
    fn old_span(&self, span: Span) -> Option<FileSpan> {
        let span = self.old_cut.map_or(span, |it| it.original(span));
        Some(FileSpan { file: self.old_file.to_owned(), span })
    }

    fn new_span(&self, span: Span) -> Option<FileSpan> {
        let span = self.new_cut.map_or(span, |it| it.original(span));
        Some(FileSpan { file: self.new_file.to_owned(), span })
    }

    fn push(&mut self, rule: &'static str, path: String, change_type: ChangeType, values: Values, reason: String) {
        let change = ChangeBuilder::at(rule, path, change_type).build(
            values.old,
            values.new,
            Some(reason),
            values.old_span.and_then(|it| self.old_span(it)),
            values.new_span.and_then(|it| self.new_span(it)),
        );
        self.acc.push(change);
    }

    fn escalate_last(&mut self) {
        if let Some(last) = self.acc.last_mut() {
            last.classification = super::Classification::Breaking;
        }
    }

    /// The 2.0 JSON walk of two nodes of the specs (§5.5), their spans mapped back to the files.
    fn walk(&mut self, rule: &'static str, direction: walk::Direction, prefix: &str, old: &Node, new: &Node) {
        let (old_cut, new_cut) = (self.old_cut, self.new_cut);
        let old_span = move |span: Span| old_cut.map_or(span, |it| it.original(span));
        let new_span = move |span: Span| new_cut.map_or(span, |it| it.original(span));
        let sides =
            walk::Sides { old_file: self.old_file, new_file: self.new_file, old_span: &old_span, new_span: &new_span };
        walk::walk(rule, direction, prefix, old, new, &sides, &mut self.acc);
    }

    fn paths(&mut self, old: &Keyed<'_>, new: &Keyed<'_>) {
        for (path, &(old_key, old_item)) in old {
            let change_path = format!("openapi.paths[{path}]");
            match new.get(path) {
                None => self.push(
                    "openapi.paths",
                    change_path,
                    ChangeType::Removed,
                    Values::removed(path.clone(), old_key),
                    format!("API path {path} removed"),
                ),
                Some(&(_, new_item)) => self.methods(path, &change_path, old_item, new_item),
            }
        }
        for (path, &(new_key, _)) in new {
            if !old.contains_key(path) {
                self.push(
                    "openapi.paths",
                    format!("openapi.paths[{path}]"),
                    ChangeType::Added,
                    Values::added(path.clone(), new_key),
                    format!("API path {path} added"),
                );
            }
        }
    }

    fn methods(&mut self, path: &str, change_path: &str, old_item: &Node, new_item: &Node) {
        // Path-level keys other than methods (`parameters`, `summary`) are ignored (quirk 16).
        let only_methods = |node| -> Keyed<'_> {
            let mut all = entries(Some(node));
            all.retain(|key, _| METHODS.contains(&key.as_str()));
            all
        };
        let (old, new) = (only_methods(old_item), only_methods(new_item));
        for (method, &(old_key, old_op)) in &old {
            let upper = method.to_uppercase();
            let op = Operation { label: format!("{upper} {path}"), path: format!("{change_path}.methods[{upper}]") };
            match new.get(method) {
                None => self.push(
                    "openapi.methods",
                    op.path.clone(),
                    ChangeType::Removed,
                    Values::removed(op.label.clone(), old_key),
                    format!("{} method removed", op.label),
                ),
                Some(&(_, new_op)) => {
                    let (old_params, new_params) = match self.format {
                        Format::V1 => (parameters(old_op), parameters(new_op)),
                        // Path-level parameters apply to every operation; the operation's own
                        // override them by `<name>:<in>` (§5.4).
                        Format::V2 => (folded_parameters(old_item, old_op), folded_parameters(new_item, new_op)),
                    };
                    self.operation(&op, old_op, new_op, (old_params, new_params))
                }
            }
        }
        for (method, &(new_key, _)) in &new {
            if !old.contains_key(method) {
                let upper = method.to_uppercase();
                self.push(
                    "openapi.methods",
                    format!("{change_path}.methods[{upper}]"),
                    ChangeType::Added,
                    Values::added(format!("{upper} {path}"), new_key),
                    format!("{upper} {path} method added"),
                );
            }
        }
    }

    fn operation<'n>(&mut self, op: &Operation, old: &Node, new: &Node, params: (Parameters<'n>, Parameters<'n>)) {
        if old.as_mapping().is_none() && new.as_mapping().is_none() {
            return;
        }
        self.parameters(op, params);
        self.request_body(op, old, new);
        self.responses(op, old, new);
    }

    fn parameters(&mut self, op: &Operation, (old, new): (Parameters<'_>, Parameters<'_>)) {
        for (key, old_param) in &old {
            let path = format!("{}.parameters[{key}]", op.path);
            let old_value = format!("{} {}", op.label, old_param.label);
            match new.get(key) {
                None => self.push(
                    "openapi.parameters",
                    path,
                    ChangeType::Removed,
                    Values::removed(old_value.clone(), old_param.node.span),
                    format!("{old_value} removed"),
                ),
                Some(new_param) if !deep_equal(old_param.node, new_param.node) => {
                    let new_value = format!("{} {}", op.label, new_param.label);
                    let (old_shown, new_shown) = match self.format {
                        Format::V1 => (old_value.clone(), new_value),
                        Format::V2 => parameter_delta(old_param.node, new_param.node),
                    };
                    let values = Values {
                        old: Some(old_shown.into()),
                        new: Some(new_shown.into()),
                        old_span: Some(old_param.node.span),
                        new_span: Some(new_param.node.span),
                    };
                    self.push(
                        "openapi.parameters",
                        path,
                        ChangeType::Modified,
                        values,
                        format!("{old_value} modified"),
                    );
                    // An optional parameter made required breaks every caller that omits it.
                    if self.format == Format::V2 && !is_required(old_param.node) && is_required(new_param.node) {
                        self.escalate_last();
                    }
                }
                Some(_) => {}
            }
        }
        for (key, new_param) in &new {
            if !old.contains_key(key) {
                let new_value = format!("{} {}", op.label, new_param.label);
                self.push(
                    "openapi.parameters",
                    format!("{}.parameters[{key}]", op.path),
                    ChangeType::Added,
                    Values::added(new_value.clone(), new_param.node.span),
                    format!("{new_value} added"),
                );
                if self.format == Format::V2 && is_required(new_param.node) {
                    self.escalate_last();
                }
            }
        }
    }

    fn request_body(&mut self, op: &Operation, old: &Node, new: &Node) {
        let path = format!("{}.request-body", op.path);
        let label = &op.label;
        let (old_entry, new_entry) = (old.entry("requestBody"), new.entry("requestBody"));
        match (old_entry, new_entry) {
            (None, None) => {}
            (Some(old_entry), None) => self.push(
                "openapi.request-body",
                path,
                ChangeType::Removed,
                Values::removed(label.clone(), old_entry.key.span),
                format!("{label} request body removed"),
            ),
            (None, Some(new_entry)) => self.push(
                "openapi.request-body",
                path,
                ChangeType::Added,
                Values::added(label.clone(), new_entry.key.span),
                format!("{label} request body added"),
            ),
            (Some(old_entry), Some(new_entry)) if self.format == Format::V2 => {
                let rule = "openapi.request-body";
                self.walk(rule, walk::Direction::Request, &path, &old_entry.value, &new_entry.value);
            }
            (Some(old_entry), Some(new_entry)) => {
                if !deep_equal(&old_entry.value, &new_entry.value) {
                    let values = Values::both(label.clone(), old_entry.key.span, new_entry.key.span);
                    self.push(
                        "openapi.request-body",
                        path,
                        ChangeType::Modified,
                        values,
                        format!("{label} request body modified"),
                    );
                }
            }
        }
    }

    fn responses(&mut self, op: &Operation, old: &Node, new: &Node) {
        // Deviation: the reference skips an operation's responses when a code is written
        // unquoted (`200:`), a non-string key for yaml.v3 (quirk 16); we compare the codes'
        // text whether quoted or not ("Our decisions": OpenAPI response codes).
        let (old, new) = (entries(old.get("responses")), entries(new.get("responses")));
        let label = &op.label;
        for (code, &(old_key, old_response)) in &old {
            let path = format!("{}.responses[{code}]", op.path);
            let value = format!("{label} {code}");
            match new.get(code) {
                None => self.push(
                    "openapi.responses",
                    path,
                    ChangeType::Removed,
                    Values::removed(value, old_key),
                    format!("{label} response {code} removed"),
                ),
                Some(&(_, new_response)) if self.format == Format::V2 => {
                    self.walk("openapi.responses", walk::Direction::Response, &path, old_response, new_response)
                }
                Some(&(new_key, new_response)) if !deep_equal(old_response, new_response) => self.push(
                    "openapi.responses",
                    path,
                    ChangeType::Modified,
                    Values::both(value, old_key, new_key),
                    format!("{label} response {code} modified"),
                ),
                Some(_) => {}
            }
        }
        for (code, &(new_key, _)) in &new {
            if !old.contains_key(code) {
                self.push(
                    "openapi.responses",
                    format!("{}.responses[{code}]", op.path),
                    ChangeType::Added,
                    Values::added(format!("{label} {code}"), new_key),
                    format!("{label} response {code} added"),
                );
            }
        }
    }
}

/// An operation's label (`GET /users`) and reported path.
struct Operation {
    label: String,
    path: String,
}

/// The values and spans of one change.
struct Values {
    old: Option<ChangeValue>,
    new: Option<ChangeValue>,
    old_span: Option<Span>,
    new_span: Option<Span>,
}

impl Values {
    fn removed(old: String, span: Span) -> Values {
        Values { old: Some(old.into()), new: None, old_span: Some(span), new_span: None }
    }

    fn added(new: String, span: Span) -> Values {
        Values { old: None, new: Some(new.into()), old_span: None, new_span: Some(span) }
    }

    fn both(value: String, old_span: Span, new_span: Span) -> Values {
        Values {
            old: Some(value.clone().into()),
            new: Some(value.into()),
            old_span: Some(old_span),
            new_span: Some(new_span),
        }
    }
}

struct Parameter<'a> {
    label: String,
    node: &'a Node,
}

type Parameters<'a> = BTreeMap<String, Parameter<'a>>;

/// A path item's `parameters`, then the operation's, which override them by key.
fn folded_parameters<'a>(path_item: &'a Node, operation: &'a Node) -> Parameters<'a> {
    let mut out = parameters(path_item);
    out.extend(parameters(operation));
    out
}

/// `required: true`, the boolean only.
fn is_required(parameter: &Node) -> bool {
    parameter.get("required").and_then(Node::as_scalar).is_some_and(|it| it.value == ScalarValue::Bool(true))
}

/// The keys that differ between two parameters, flattened to dotted paths (`schema.type`), `name`
/// and `in` left out: `k=v` joined by `, `, each side its own values.
fn parameter_delta(old: &Node, new: &Node) -> (String, String) {
    let (mut old_flat, mut new_flat) = (BTreeMap::new(), BTreeMap::new());
    flatten("", old, &mut old_flat);
    flatten("", new, &mut new_flat);
    for key in ["name", "in"] {
        old_flat.remove(key);
        new_flat.remove(key);
    }
    let differs = |key: &String| old_flat.get(key) != new_flat.get(key);
    let side = |flat: &BTreeMap<String, String>| {
        flat.iter()
            .filter(|(key, _)| differs(key))
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    (side(&old_flat), side(&new_flat))
}

fn flatten(prefix: &str, node: &Node, out: &mut BTreeMap<String, String>) {
    match node.as_mapping() {
        Some(entries) => {
            for entry in entries {
                let key = key_text(&entry.key);
                let path = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                flatten(&path, &entry.value, out);
            }
        }
        None => {
            out.insert(prefix.to_owned(), walk::json_value(node).to_string());
        }
    }
}

/// An operation's `parameters` keyed `<name>:<in>`; entries that are not mappings, and `":"`
/// (a `$ref` entry has neither field), are skipped.
fn parameters(operation: &Node) -> Parameters<'_> {
    let mut out = BTreeMap::new();
    let items = operation.get("parameters").and_then(Node::as_sequence).unwrap_or_default();
    for item in items {
        if item.as_mapping().is_none() {
            continue;
        }
        // Only string values count: the reference's `p["name"].(string)` gives "" otherwise.
        let field = |key| {
            item.get(key)
                .and_then(Node::as_scalar)
                .filter(|it| it.value == ScalarValue::String)
                .map_or("", |it| &*it.text)
        };
        let (name, location) = (field("name"), field("in"));
        let key = format!("{name}:{location}");
        if key == ":" {
            continue;
        }
        out.insert(key, Parameter { label: format!("{location} param '{name}'"), node: item });
    }
    out
}

#[cfg(test)]
mod tests;
