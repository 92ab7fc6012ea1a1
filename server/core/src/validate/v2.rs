//! The two drivers for a 2.0 contract (pacto-v2.md §3.1): the reference's short-circuiting
//! pipeline (strict parse → schema → cross-field → policies, then the optional readiness gate)
//! and "everything" for the editor.

use crate::diagnostic::{Code, Diagnostic, Layer, Severity};
use crate::syntax::{FieldPath, LineIndex, Node, Parse};
use crate::v2::files::SchemaCache;
use crate::v2::{self, crossfield, policy, readiness};

use super::{
    Config, Format, Mode, Validation, decoding_findings, drop_repeats, first_parse_failure, json, parse_error,
};

pub(super) fn validate(text: &str, parse: Parse, line_index: LineIndex, config: &Config<'_>) -> Validation {
    let decoded = v2::from_tree(parse.root.as_ref());
    let diagnostics = match config.mode {
        Mode::Reference => reference(text, &line_index, &parse, &decoded, config),
        Mode::Everything => everything(&parse, &decoded, config),
    };
    Validation { format: Format::V2, parse, decoded: Default::default(), v2: Some(decoded), diagnostics, line_index }
}

fn reference(
    text: &str,
    line_index: &LineIndex,
    parse: &Parse,
    decoded: &v2::Decoded,
    config: &Config<'_>,
) -> Vec<Diagnostic> {
    let missing = v2::from_tree::missing_required(&decoded.contract).into_iter().next();
    if let Some(failure) = first_parse_failure(text, line_index, parse, &decoded.errors, missing) {
        return vec![failure];
    }
    let Some(root) = parse.root.as_ref() else {
        return Vec::new();
    };
    let mut out = match v2::structural::check(root, true) {
        Err(err) => vec![Diagnostic {
            code: Code::YamlParseError,
            layer: Layer::Structural,
            ..parse_error(err.span, FieldPath::root(), err.message)
        }],
        Ok(mut out) => {
            if out.is_empty() {
                let rules = crossfield::RuleSet { include_schema_shadowed: true };
                let cache = SchemaCache::default();
                out = crossfield::check(root, &decoded.contract, config.bundle, &cache, rules);
                if !out.iter().any(|it| it.severity == Severity::Error) {
                    out.extend(policies(root, decoded, config, &cache));
                }
            }
            out
        }
    };
    // The gate runs after layers 1–3 whatever they found, never after a parse failure (§3.5).
    if let Some(now) = config.readiness_at {
        out.extend(readiness::gate(root, decoded.contract.readiness.as_ref(), now));
    }
    out
}

fn everything(parse: &Parse, decoded: &v2::Decoded, config: &Config<'_>) -> Vec<Diagnostic> {
    let missing = v2::from_tree::missing_required(&decoded.contract);
    let (root, mut out) = match decoding_findings(parse, &decoded.errors, missing) {
        Ok(it) => it,
        Err(out) => return out,
    };
    let schema_ran = match v2::structural::check(root, false) {
        Ok(found) => {
            out.extend(found);
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
    let rules = crossfield::RuleSet { include_schema_shadowed: !schema_ran };
    let cache = SchemaCache::default();
    out.extend(crossfield::check(root, &decoded.contract, config.bundle, &cache, rules));
    // Policies judge a contract that is otherwise sound; on a broken one they only add noise.
    let has_errors = out.iter().any(|it| it.severity == Severity::Error);
    if schema_ran && !has_errors {
        out.extend(policies(root, decoded, config, &cache));
    }
    drop_repeats(out)
}

/// The policies' findings on a contract whose values JSON can hold ([`v2::structural::check`] ran).
fn policies(root: &Node, decoded: &v2::Decoded, config: &Config<'_>, cache: &SchemaCache) -> Vec<Diagnostic> {
    let policies = &decoded.contract.policies;
    if policies.is_empty() {
        return Vec::new();
    }
    let Ok(json) = json::to_json(root) else {
        return Vec::new();
    };
    policy::check(root, &json, policies, config.bundle, config.resolver, cache)
}
