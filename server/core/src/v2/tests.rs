//! Unit tests of the version dispatch and of the 2.0 rules the CLI cannot reach (layer 1 catches
//! their input first), the policy layer with an in-memory resolver, and the readiness score.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Severity};
use crate::syntax;
use crate::validate::bundle::MemBundle;
use crate::validate::{BundleFiles, Config, Format, Mode, validate, validate_with};

use super::policy::{MAX_POLICY_REF_DEPTH, RefResolver, ResolvedBundle};
use super::{crossfield, from_tree, readiness};

/// Providers by ref text, whatever the base.
struct Providers(BTreeMap<String, MemBundle>);

impl RefResolver for Providers {
    fn resolve(&self, _base: Option<&str>, reference: &str) -> Result<ResolvedBundle, String> {
        let files = self.0.get(reference).ok_or_else(|| format!("no bundle at {reference}"))?;
        Ok(ResolvedBundle { id: reference.to_owned(), files: Box::new(files.clone()) })
    }
}

const HEAD: &str = "pactoVersion: \"2.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";

fn codes(text: &str, bundle: Option<&dyn BundleFiles>, mode: Mode) -> Vec<(Code, String)> {
    validate(text, bundle, mode).diagnostics.iter().map(|it| (it.code, it.path_text())).collect()
}

#[test]
fn dispatch_on_the_literal_pacto_version() {
    assert_eq!(validate(HEAD, None, Mode::Reference).format, Format::V2);
    assert!(validate(HEAD, None, Mode::Reference).is_valid());
    let v1 = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";
    assert_eq!(validate(v1, None, Mode::Reference).format, Format::V1);
    assert!(validate(v1, None, Mode::Reference).is_valid());
    // Unquoted 2.0 selects 2.0, then fails the 2.0 schema as a number.
    let unquoted = validate(&HEAD.replace("\"2.0\"", "2.0"), None, Mode::Reference);
    assert_eq!(unquoted.format, Format::V2);
    assert_eq!(unquoted.diagnostics[0].message, "at '/pactoVersion': got number, want string");
}

#[test]
fn dispatch_unknown_version_takes_the_1_0_route_listing_both_versions() {
    let text = HEAD.replace("2.0", "3.0");
    let validation = validate(&text, None, Mode::Reference);
    assert_eq!(validation.format, Format::V1);
    let messages: Vec<&str> = validation.diagnostics.iter().map(|it| it.message.as_str()).collect();
    assert_eq!(messages, ["at '/pactoVersion': value must be one of '1.0', '2.0'"]);
    assert_eq!(validation.diagnostics[0].code, Code::SchemaViolation);
    assert_eq!(validation.diagnostics[0].path_text(), "pactoVersion");
}

#[test]
fn dispatch_missing_version_is_the_1_0_parse_error() {
    let validation = validate("service:\n  name: svc\n  version: 1.0.0\n", None, Mode::Reference);
    assert_eq!(validation.format, Format::V1);
    assert_eq!(validation.diagnostics[0].message, "parse error at pactoVersion: pactoVersion is required");
}

#[test]
fn v2_findings_keep_their_spans() {
    let text = format!("{HEAD}workload: daemon\n");
    let validation = validate(&text, None, Mode::Reference);
    let finding = &validation.diagnostics[0];
    assert_eq!(&text[finding.span.start..finding.span.end], "daemon");
    assert_eq!(finding.path_text(), "workload");
}

#[test]
fn v2_one_fault_layer_keeps_the_1_0_fields_apart() {
    // A 1.0 field in a 2.0 file is a parse fault, not a schema one.
    let found = codes(&format!("{HEAD}runtime:\n  workload: service\n"), None, Mode::Reference);
    assert_eq!(found, [(Code::ParseError, String::new())]);
}

#[test]
fn everything_mode_reports_every_layer_at_once() {
    let text = format!(
        "{HEAD}workload: daemon\nunknown: 1\ninterfaces:\n  - {{name: api, type: openapi, ref: a.yaml}}\n  - {{name: api, type: openapi, ref: a.yaml}}\n"
    );
    let files = MemBundle::default().with("a.yaml", "openapi: 3.0.0\n");
    let found = codes(&text, Some(&files), Mode::Everything);
    assert!(found.contains(&(Code::ParseError, "unknown".to_owned())), "{found:?}");
    assert!(found.contains(&(Code::SchemaViolation, "workload".to_owned())), "{found:?}");
    assert!(found.contains(&(Code::DuplicateInterfaceName, "interfaces[1].name".to_owned())), "{found:?}");
}

/// The rules layer 1 always pre-empts in the CLI still exist (pacto-v2.md §3.2).
#[test]
fn schema_shadowed_rules_fire_when_called_directly() {
    let text = format!(
        "{HEAD}configurations:\n  - {{name: c, required: true, values: {{a: 1}}}}\ndependencies:\n  - {{name: d, ref: ./d, required: true, compatibility: \"\"}}\nstate:\n  type: stateless\n  persistence: {{scope: local, durability: persistent}}\n  dataCriticality: low\nreadiness:\n  expires: 2099-12-31\n  history:\n    - {{date: 2099-01-01, version: \"\", author: a, description: d}}\n  claims:\n    - {{id: a, type: other, status: done, evidence: \"\", weight: 1}}\n"
    );
    let parse = syntax::parse(&text);
    let root = parse.root.as_ref().unwrap();
    let decoded = from_tree(Some(root));
    assert!(decoded.errors.is_empty(), "{:?}", decoded.errors);
    let rules = crossfield::RuleSet { include_schema_shadowed: true };
    let cache = super::files::SchemaCache::default();
    let found: Vec<(Code, String)> = crossfield::check(root, &decoded.contract, None, &cache, rules)
        .iter()
        .map(|it| (it.code, it.path_text()))
        .collect();
    assert_eq!(
        found,
        [
            (Code::EmptyCompatibility, "dependencies[0].compatibility".to_owned()),
            (Code::ValuesWithoutSchema, "configurations[0].values".to_owned()),
            (Code::StatelessPersistentConflict, "state.persistence.durability".to_owned()),
            (Code::InvalidReadinessRevision, "readiness.history[0].version".to_owned()),
            (Code::EmptyReadinessEvidence, "readiness.claims[0].evidence".to_owned()),
        ]
    );
}

#[test]
fn binding_paths_follow_the_ssrf_rule() {
    for ok in ["/", "/healthz", "/a/b?x=1", "/a%20b"] {
        assert!(crossfield::safe_binding_path(ok), "{ok}");
    }
    for bad in ["healthz", "//evil", "/%2Fevil", "/%2f%2fevil", "/a#b", "/a%zz", "/a\nb"] {
        assert!(!crossfield::safe_binding_path(bad), "{bad}");
    }
}

#[test]
fn ref_policies_without_a_resolver_are_only_warned_about() {
    let text = format!("{HEAD}policies:\n  - {{name: p, ref: ./platform}}\n");
    let validation = validate(&text, Some(&MemBundle::default()), Mode::Reference);
    let found: Vec<(Code, Severity, String)> =
        validation.diagnostics.iter().map(|it| (it.code, it.severity, it.path_text())).collect();
    assert_eq!(found, [(Code::PolicyRefNotEnforced, Severity::Warning, "policies[0].ref".to_owned())]);
    assert!(validation.is_valid());
}

fn provider(policies: &str) -> MemBundle {
    MemBundle::default().with("pacto.yaml", &format!("{HEAD}{policies}"))
}

fn with_resolver(text: &str, resolver: &dyn RefResolver) -> Vec<(Code, String)> {
    let files = MemBundle::default();
    let config = Config { mode: Mode::Reference, bundle: Some(&files), resolver: Some(resolver), readiness_at: None };
    validate_with(text, &config).diagnostics.iter().map(|it| (it.code, it.message.clone())).collect()
}

#[test]
fn policy_refs_resolve_recursively_and_enforce_every_schema() {
    let providers = Providers(BTreeMap::from([
        ("./outer".to_owned(), provider("policies:\n  - {name: inner, ref: ./inner}\n")),
        (
            "./inner".to_owned(),
            MemBundle::default().with("pacto.yaml", HEAD).with("policy/schema.json", r#"{"required": ["workload"]}"#),
        ),
    ]));
    let text = format!("{HEAD}policies:\n  - {{name: platform, ref: ./outer}}\n");
    assert_eq!(
        with_resolver(&text, &providers),
        [(
            Code::PolicyViolation,
            "policy ./outer \u{2192} policies[\"inner\"]: at '': missing property 'workload'".to_owned()
        )]
    );
}

/// A chain of distinct providers `p0 → p1 → …`, the last one holding the schema.
fn chain(length: usize) -> Providers {
    let mut providers = BTreeMap::new();
    for idx in 0..length {
        providers.insert(format!("p{idx}"), provider(&format!("policies:\n  - {{name: n{idx}, ref: p{}}}\n", idx + 1)));
    }
    providers
        .insert(format!("p{length}"), MemBundle::default().with("pacto.yaml", HEAD).with("policy/schema.json", "{}"));
    Providers(providers)
}

#[test]
fn policy_ref_depth_at_limit_passes() {
    let text = format!("{HEAD}policies:\n  - {{name: root, ref: p1}}\n");
    assert_eq!(with_resolver(&text, &chain(MAX_POLICY_REF_DEPTH)), []);
}

#[test]
fn policy_ref_depth_over_limit_refused() {
    let text = format!("{HEAD}policies:\n  - {{name: root, ref: p1}}\n");
    let found = with_resolver(&text, &chain(MAX_POLICY_REF_DEPTH + 1));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, Code::PolicyRefCycle);
    assert!(found[0].1.contains(&format!("ref \"p{}\"", MAX_POLICY_REF_DEPTH + 1)), "{}", found[0].1);
}

#[test]
fn readiness_score_rounds_partial_claims_and_skips_deferred() {
    let text = format!(
        "{HEAD}readiness:\n  expires: 2099-12-31\n  partialCredit: 0.25\n  claims:\n    - {{id: a, type: other, status: done, evidence: x, weight: 50}}\n    - {{id: b, type: other, status: partial, evidence: x, weight: 30}}\n    - {{id: c, type: other, status: deferred, evidence: x, weight: 20}}\n"
    );
    let parse = syntax::parse(&text);
    let decoded = from_tree(parse.root.as_ref());
    let readiness = decoded.contract.readiness.as_ref().unwrap();
    let eval = readiness::evaluate(readiness, 0).unwrap();
    // 50 + round(30 × 0.25 = 7.5) = 58 of 80 → 72.5 → 73 (half away from zero).
    assert_eq!((eval.earned_weight, eval.total_weight, eval.score, eval.min_score), (58, 80, 73, 100));
    assert!(!eval.passing && !eval.expired);
    // The last second of the expiry day still counts; the next one does not.
    let end_of_day = (super::dates::days_from_civil(2099, 12, 31) + 1) * 86_400;
    assert!(!readiness::evaluate(readiness, end_of_day - 1).unwrap().expired);
    assert!(readiness::evaluate(readiness, end_of_day).unwrap().expired);
}

#[test]
fn the_embedded_2_0_schema_has_the_reference_id_and_describes_every_field() {
    let schema = super::structural::schema();
    assert_eq!(schema["$id"], "https://pacto.trianalab.com/schema/v2.0");
    fn walk(node: &serde_json::Value, path: &str) {
        let Some(properties) = node.get("properties").and_then(|it| it.as_object()) else {
            return;
        };
        for (key, child) in properties {
            let here = format!("{path}.{key}");
            assert!(child.get("description").and_then(|it| it.as_str()).is_some_and(|it| !it.is_empty()), "{here}");
            if let Some(values) = child.get("enum").and_then(|it| it.as_array()) {
                for value in values {
                    let text = value.as_str().unwrap();
                    assert!(child["x-enum-descriptions"].get(text).is_some(), "{here} = {text}");
                }
            }
            walk(child, &here);
            if let Some(items) = child.get("items") {
                walk(items, &format!("{here}[]"));
            }
        }
    }
    walk(schema, "");
}

#[test]
fn ref_policies_without_bundle_or_resolver_say_nothing() {
    let text =
        format!("{HEAD}policies:\n  - {{name: p, ref: ./platform}}\n  - {{name: q, schema: policy/schema.json}}\n");
    assert_eq!(codes(&text, None, Mode::Reference), []);
}

#[test]
fn a_nameless_provider_policy_is_named_by_its_index() {
    let providers = Providers(BTreeMap::from([(
        "./outer".to_owned(),
        provider("policies:\n  - {schema: rules.json}\n").with("rules.json", r#"{"required": ["state"]}"#),
    )]));
    let text = format!("{HEAD}policies:\n  - {{name: platform, ref: ./outer}}\n");
    assert_eq!(
        with_resolver(&text, &providers),
        [(Code::PolicyViolation, "policy ./outer \u{2192} policies[0]: at '': missing property 'state'".to_owned())]
    );
}
