//! The three validation layers and their two drivers: the reference's short-circuiting pipeline
//! (spec §2.3, for CLI parity) and "everything" for the editor, where every fault shows at once.
//! [`validate_with`] is the one place that dispatches on `pactoVersion` (pacto-v2.md §2.2): 2.0
//! goes to `v2.rs`, everything else takes the 1.0 route below, unchanged.

pub mod bundle;
pub mod crossfield;
pub(crate) mod instance;
pub mod json;
pub mod semantic;
pub mod structural;
mod v2;

use std::collections::HashMap;

use crate::contract::{self, DecodeError, Decoded};
use crate::diagnostic::{Code, Diagnostic, Layer, SchemaRule, Severity};
use crate::syntax::{self, FieldPath, LineIndex, Node, NodeKind, Parse, PathStyle, Span, SyntaxErrorKind};

pub use bundle::{BundleFiles, DirBundle, MemoDirBundle};
pub use crossfield::RuleSet;

pub use crate::v2::policy::{DirResolver, RefResolver};

/// Which format a contract follows, decided on the literal `pactoVersion` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    V1,
    V2,
}

/// The format versions this build validates, for messages.
pub const SUPPORTED_VERSIONS: [&str; 2] = ["1.0", "2.0"];

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
    pub format: Format,
    pub parse: Parse,
    /// The 1.0 model; empty for a 2.0 contract, whose model is in `v2`.
    pub decoded: Decoded,
    pub v2: Option<crate::v2::Decoded>,
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

/// Everything one validation needs besides the text.
#[derive(Clone, Copy)]
pub struct Config<'a> {
    pub mode: Mode,
    pub bundle: Option<&'a dyn BundleFiles>,
    /// 2.0 policy refs are followed through it; without one they are only warned about
    /// (`POLICY_REF_NOT_ENFORCED`, as `pack` validates).
    pub resolver: Option<&'a dyn RefResolver>,
    /// `validate --readiness`: the Unix time the 2.0 readiness gate is evaluated at.
    pub readiness_at: Option<i64>,
}

/// [`validate_with`] without a policy resolver or readiness gate.
pub fn validate(text: &str, bundle: Option<&dyn BundleFiles>, mode: Mode) -> Validation {
    validate_with(text, &Config { mode, bundle, resolver: None, readiness_at: None })
}

pub fn validate_with(text: &str, config: &Config<'_>) -> Validation {
    validate_edited(text, config, None)
}

/// [`validate_with`] for a new version of `previous` (its text and parse): only the part of the text an edit
/// touched is parsed again when it can be (`syntax::incremental`), the rest of the tree is the previous one's.
pub fn validate_edited(text: &str, config: &Config<'_>, previous: Option<(&str, &syntax::Parse)>) -> Validation {
    let (bundle, mode) = (config.bundle, config.mode);
    let limit = syntax::limits::MAX_CONTRACT_BYTES;
    if text.len() > limit {
        // Refused whole: the editor gets the same limit the CLI applies before reading.
        let message =
            format!("the contract is {} bytes, larger than the {limit}-byte limit for a contract", text.len());
        let parse = syntax::Parse {
            root: None,
            errors: Vec::new(),
            recovered: Vec::new(),
            extra_document: None,
            anchored: false,
        };
        return Validation {
            format: Format::V1,
            parse,
            decoded: Decoded::default(),
            v2: None,
            diagnostics: vec![parse_error(Span::empty(0), FieldPath::root(), message)],
            line_index: LineIndex::new(""),
        };
    }
    let edited = previous.and_then(|(old_text, old)| syntax::reparse_edited(old_text, old, text));
    let parse = edited.unwrap_or_else(|| syntax::parse(text));
    let line_index = LineIndex::new(text);
    let cancelled = |parse, decoded| Validation {
        format: Format::V1,
        parse,
        decoded,
        v2: None,
        diagnostics: Vec::new(),
        line_index: LineIndex::new(""),
    };
    if crate::cancel::requested() {
        return cancelled(parse, Decoded::default());
    }
    if crate::v2::format_version(parse.root.as_ref()) == Some("2.0") {
        return v2::validate(text, parse, line_index, config);
    }
    let decoded = contract::from_tree(parse.root.as_ref());
    if crate::cancel::requested() {
        return cancelled(parse, decoded);
    }
    let diagnostics = match mode {
        Mode::Reference => reference(text, &line_index, &parse, &decoded, bundle),
        Mode::Everything => everything(&parse, &decoded, bundle),
    };
    Validation { format: Format::V1, parse, decoded, v2: None, diagnostics, line_index }
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

pub(crate) fn parse_error(span: Span, path: FieldPath, message: String) -> Diagnostic {
    Diagnostic {
        code: Code::ParseError,
        severity: Severity::Error,
        layer: Layer::Parse,
        path,
        path_style: PathStyle::Bracketed,
        span,
        message,
        related: Vec::new(),
        rule: None,
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
    let missing = contract::missing_required(&decoded.contract).into_iter().next();
    first_parse_failure(text, line_index, parse, &decoded.errors, missing)
}

/// The strict-parse failure of either format: a syntax fault, else the decoding faults (one
/// message listing all), else the first missing required field.
pub fn first_parse_failure(
    text: &str,
    line_index: &LineIndex,
    parse: &Parse,
    decode_errors: &[DecodeError],
    missing: Option<(FieldPath, &str)>,
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
    if let Some(first) = decode_errors.first() {
        let message = if first.message == "EOF" {
            "parse error: failed to parse YAML: EOF".to_owned()
        } else {
            let lines: Vec<String> =
                decode_errors.iter().map(|it| format!("  line {}: {}", line(it.span.start), it.message)).collect();
            format!("parse error: failed to parse YAML: yaml: unmarshal errors:\n{}", lines.join("\n"))
        };
        return Some(parse_error(first.span, FieldPath::root(), message));
    }
    let Some(root) = parse.root.as_ref() else {
        return Some(parse_error(Span::empty(0), FieldPath::root(), "parse error: failed to parse YAML: EOF".into()));
    };
    let (path, message) = missing?;
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
    let structural = match structural::check(root, true) {
        Ok(found) => list_supported_versions(found),
        Err(err) => {
            return vec![Diagnostic {
                code: Code::YamlParseError,
                layer: Layer::Structural,
                ..parse_error(err.span, FieldPath::root(), err.message)
            }];
        }
    };
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
    let missing = contract::missing_required(&decoded.contract);
    let (root, mut out) = match decoding_findings(parse, &decoded.errors, missing) {
        Ok(it) => it,
        Err(out) => return out,
    };
    let schema_ran = match structural::check(root, false) {
        Ok(found) => {
            out.extend(explain_scaling_shape(list_supported_versions(found)));
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

/// The first findings of "everything", for either version: every parse error, then every decode
/// error and missing required field. `Err` when there is no document to check any further.
fn decoding_findings<'a>(
    parse: &'a Parse,
    decode_errors: &[DecodeError],
    missing: Vec<(FieldPath, &str)>,
) -> Result<(&'a Node, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut out: Vec<Diagnostic> =
        parse.errors.iter().map(|it| parse_error(it.span, FieldPath::root(), it.message.clone())).collect();
    let Some(root) = parse.root.as_ref() else {
        if out.is_empty() {
            out.push(parse_error(Span::empty(0), FieldPath::root(), "the document is empty".to_owned()));
        }
        return Err(out);
    };
    out.extend(decode_errors.iter().map(|it| parse_error(it.span, it.path.clone(), it.message.clone())));
    for (path, message) in missing {
        out.push(parse_error(anchor_span(root, &path), path, message.to_owned()));
    }
    Ok((root, out))
}

/// An unknown `pactoVersion` takes the 1.0 route; its schema finding names every version this
/// build supports, not only 1.0's (pacto-v2.md §2.2, "Our decisions").
fn list_supported_versions(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let only_one = format!("at '/pactoVersion': value must be '{}'", SUPPORTED_VERSIONS[0]);
    for it in &mut diagnostics {
        if it.message == only_one {
            let quoted: Vec<String> = SUPPORTED_VERSIONS.iter().map(|version| format!("'{version}'")).collect();
            it.message = format!("at '/pactoVersion': value must be one of {}", quoted.join(", "));
            it.rule =
                Some(Box::new(SchemaRule::Enum { values: SUPPORTED_VERSIONS.map(serde_json::Value::from).to_vec() }));
        }
    }
    diagnostics
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
        // The shapes it names are not one keyword's, so no fix can take them from it.
        rule: Some(Box::new(SchemaRule::Other)),
        ..first
    });
    out
}

/// A later layer's finding on a span an earlier layer already reported is the same fault seen
/// twice (a missing `service.version` is a parse fault, a schema fault and bad semver): keep
/// the first.
pub(crate) fn drop_repeats(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
