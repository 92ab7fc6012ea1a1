//! The three validation layers and their two drivers: the reference's short-circuiting pipeline
//! (spec §2.3, for CLI parity) and "everything" for the editor, where every fault shows at once.

pub mod bundle;
pub mod crossfield;
pub mod json;
pub mod semantic;
pub mod structural;

use std::collections::HashMap;

use crate::contract::{self, Decoded};
use crate::diagnostic::{Code, Diagnostic, Layer, Severity};
use crate::syntax::{self, FieldPath, LineIndex, Node, NodeKind, Parse, PathStyle, Span, SyntaxErrorKind};

pub use bundle::{BundleFiles, DirBundle};
pub use crossfield::RuleSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The reference's pipeline: the first failing stage ends it, parse faults are one error.
    Reference,
    /// Every layer on whatever could be read; each fault once, at its own span.
    Everything,
}

/// One validation of one text: the tree, the typed contract and the findings.
#[derive(Clone, Debug)]
pub struct Validation {
    pub parse: Parse,
    pub decoded: Decoded,
    pub diagnostics: Vec<Diagnostic>,
    pub line_index: LineIndex,
}

impl Validation {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|it| it.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|it| it.severity == Severity::Warning)
    }

    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }
}

pub fn validate(text: &str, bundle: Option<&dyn BundleFiles>, mode: Mode) -> Validation {
    let limit = syntax::limits::MAX_CONTRACT_BYTES;
    if text.len() > limit {
        // Refused whole: the editor gets the same limit the CLI applies before reading.
        let message =
            format!("the contract is {} bytes, larger than the {limit}-byte limit for a contract", text.len());
        let parse = syntax::Parse { root: None, errors: Vec::new(), recovered: Vec::new(), extra_document: None };
        return Validation {
            parse,
            decoded: Decoded::default(),
            diagnostics: vec![parse_error(Span::empty(0), FieldPath::root(), message)],
            line_index: LineIndex::new(""),
        };
    }
    let parse = syntax::parse(text);
    let line_index = LineIndex::new(text);
    let decoded = contract::from_tree(parse.root.as_ref());
    let diagnostics = match mode {
        Mode::Reference => reference(text, &line_index, &parse, &decoded, bundle),
        Mode::Everything => everything(&parse, &decoded, bundle),
    };
    Validation { parse, decoded, diagnostics, line_index }
}

/// The span a finding about `path` is shown on: a scalar's value; for a mapping or a list its
/// key (an item of a list: its first key), never a whole block; a missing field's parent key.
pub fn anchor_span(root: &Node, path: &FieldPath) -> Span {
    let location = syntax::locate(root, path);
    if !location.found {
        return location.span;
    }
    let Some(node) = syntax::find(root, path) else {
        return location.span;
    };
    match &node.kind {
        NodeKind::Scalar(_) => location.span,
        _ => match location.key_span {
            Some(key) if key != node.span => key,
            _ => node.head_span(),
        },
    }
}

fn parse_error(span: Span, path: FieldPath, message: String) -> Diagnostic {
    Diagnostic {
        code: Code::ParseError,
        severity: Severity::Error,
        layer: Layer::Parse,
        path,
        path_style: PathStyle::Bracketed,
        span,
        message,
        related: Vec::new(),
    }
}

/// The first fault of the reference's strict parse (spec §2.2), worded as the reference words
/// it (`parse error: …`), or None when the contract decodes; `explain` and `validate` share it.
pub fn strict_parse_failure(
    text: &str,
    line_index: &LineIndex,
    parse: &Parse,
    decoded: &Decoded,
) -> Option<Diagnostic> {
    let line = |offset: usize| line_index.line_col(text, offset).line;
    // A syntax error, a duplicate key or a crossed limit: yaml.v3 reports the first and stops.
    if let Some(first) = parse.errors.first() {
        let message = match first.kind {
            SyntaxErrorKind::Limit => {
                format!("parse error: failed to parse YAML: yaml: {}", first.message)
            }
            _ => format!("parse error: failed to parse YAML: yaml: line {}: {}", line(first.span.start), first.message),
        };
        return Some(parse_error(first.span, FieldPath::root(), message));
    }
    if let Some(first) = decoded.errors.first() {
        let message = if first.message == "EOF" {
            "parse error: failed to parse YAML: EOF".to_owned()
        } else {
            let lines: Vec<String> =
                decoded.errors.iter().map(|it| format!("  line {}: {}", line(it.span.start), it.message)).collect();
            format!("parse error: failed to parse YAML: yaml: unmarshal errors:\n{}", lines.join("\n"))
        };
        return Some(parse_error(first.span, FieldPath::root(), message));
    }
    let Some(root) = parse.root.as_ref() else {
        return Some(parse_error(Span::empty(0), FieldPath::root(), "parse error: failed to parse YAML: EOF".into()));
    };
    let (path, message) = contract::missing_required(&decoded.contract).into_iter().next()?;
    let span = anchor_span(root, &path);
    Some(parse_error(span, FieldPath::root(), format!("parse error at {path}: {message}")))
}

fn reference(
    text: &str,
    line_index: &LineIndex,
    parse: &Parse,
    decoded: &Decoded,
    bundle: Option<&dyn BundleFiles>,
) -> Vec<Diagnostic> {
    if let Some(failure) = strict_parse_failure(text, line_index, parse, decoded) {
        return vec![failure];
    }
    let Some(root) = parse.root.as_ref() else {
        return Vec::new();
    };
    let json = match json::to_json(root) {
        Ok(json) => json,
        Err(err) => {
            return vec![Diagnostic {
                code: Code::YamlParseError,
                layer: Layer::Structural,
                ..parse_error(err.span, FieldPath::root(), err.message)
            }];
        }
    };
    let structural = structural::check(root, &json, true);
    if !structural.is_empty() {
        return structural;
    }
    let rules = RuleSet { include_schema_shadowed: true };
    let mut out = crossfield::check(root, &decoded.contract, bundle, rules);
    if out.iter().any(|it| it.severity == Severity::Error) {
        return out;
    }
    out.extend(semantic::check(root, &decoded.contract));
    out
}

fn everything(parse: &Parse, decoded: &Decoded, bundle: Option<&dyn BundleFiles>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> =
        parse.errors.iter().map(|it| parse_error(it.span, FieldPath::root(), it.message.clone())).collect();
    let Some(root) = parse.root.as_ref() else {
        if out.is_empty() {
            out.push(parse_error(Span::empty(0), FieldPath::root(), "the document is empty".to_owned()));
        }
        return out;
    };
    out.extend(decoded.errors.iter().map(|it| parse_error(it.span, it.path.clone(), it.message.clone())));
    for (path, message) in contract::missing_required(&decoded.contract) {
        out.push(parse_error(anchor_span(root, &path), path, message.to_owned()));
    }
    let schema_ran = match json::to_json(root) {
        Ok(json) => {
            out.extend(explain_scaling_shape(structural::check(root, &json, false)));
            true
        }
        Err(err) => {
            out.push(Diagnostic {
                code: Code::YamlParseError,
                layer: Layer::Structural,
                ..parse_error(err.span, FieldPath::root(), err.message)
            });
            false
        }
    };
    let rules = RuleSet { include_schema_shadowed: !schema_ran };
    out.extend(crossfield::check(root, &decoded.contract, bundle, rules));
    out.extend(semantic::check(root, &decoded.contract));
    drop_repeats(out)
}

/// The scaling `oneOf` fails with up to three findings ("not failed", "missing property …")
/// that only make sense to someone who reads the schema: the editor shows one that says what
/// shapes are allowed.
fn explain_scaling_shape(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let scaling = FieldPath::root().key("scaling");
    let at_scaling = |it: &Diagnostic| it.path == scaling && !it.message.contains("want object");
    let Some(first) = diagnostics.iter().find(|it| at_scaling(it)).cloned() else {
        return diagnostics;
    };
    let mut out: Vec<Diagnostic> = diagnostics.into_iter().filter(|it| !at_scaling(it)).collect();
    out.push(Diagnostic {
        message:
            "at '/scaling': scaling takes either `replicas` alone (a fixed count) or both `min` and `max` (a range)"
                .to_owned(),
        ..first
    });
    out
}

/// A later layer's finding on a span an earlier layer already reported is the same fault seen
/// twice (a missing `service.version` is a parse fault, a schema fault and bad semver): keep
/// the first.
fn drop_repeats(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    // The earliest layer of an error kept at each span.
    let mut error_layer: HashMap<Span, Layer> = HashMap::new();
    for diagnostic in diagnostics {
        let repeated = error_layer.get(&diagnostic.span).is_some_and(|layer| *layer < diagnostic.layer);
        if repeated {
            continue;
        }
        if diagnostic.severity == Severity::Error {
            let layer = error_layer.entry(diagnostic.span).or_insert(diagnostic.layer);
            *layer = (*layer).min(diagnostic.layer);
        }
        out.push(diagnostic);
    }
    out.sort_by_key(|it| (it.span.start, it.layer));
    out
}

#[cfg(test)]
mod tests;
