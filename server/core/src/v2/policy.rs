//! Layer 3 of format 2.0 (pacto-v2.md §3.4): resolve every `policies[]` entry to JSON Schemas,
//! then validate the contract itself against all of them (strict AND).
//!
//! The walk (origins, recursion into providers, cycle detection, fail-closed errors) is here; the
//! bundles a `ref` names come from a [`RefResolver`] the caller passes, so the core never reaches
//! a network. [`DirResolver`] reads local providers only and refuses `oci://` refs (the editor's
//! case until it has a registry); the CLI's resolver (`cli/src/refs.rs`) wraps it and pulls
//! `oci://` providers through pacto-oci's resolver and cache.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonschema::Validator;
use serde_json::Value;

use crate::contract::text;
use crate::diagnostic::{Code, Diagnostic, Layer, Severity};
use crate::gofmt::quote as go_quote;
use crate::syntax::{self, FieldPath, Node, PathStyle, Span};
use crate::validate::{BundleFiles, DirBundle, anchor_span, structural};

use super::files::{SchemaCache, SchemaProblem, compile_shared};
use super::model::Policy;

/// The fixed schema path of a policy-provider bundle that declares no `policies[]` of its own.
pub const PROVIDER_SCHEMA: &str = "policy/schema.json";

/// Refused beyond this many nested policy refs: a chain of distinct providers is not a cycle,
/// but following it without bound would read the whole disk.
pub const MAX_POLICY_REF_DEPTH: usize = 32;

/// Loads the bundle a policy `ref` names.
pub trait RefResolver {
    /// `base` is the identity of the declaring bundle (`None`: the contract being validated).
    fn resolve(&self, base: Option<&str>, reference: &str) -> Result<ResolvedBundle, String>;
}

/// A policy-provider bundle: its identity (the base of its own refs) and its files.
pub struct ResolvedBundle {
    pub id: String,
    pub files: Box<dyn BundleFiles>,
}

/// Resolves local refs (`file://<path>` or a bare path) next to the declaring bundle's directory.
pub struct DirResolver {
    pub root: PathBuf,
}

impl RefResolver for DirResolver {
    fn resolve(&self, base: Option<&str>, reference: &str) -> Result<ResolvedBundle, String> {
        if reference.starts_with("oci://") {
            // A caller with a registry wraps this resolver (the CLI does); without one, fail closed.
            return Err("oci:// policy references are not supported yet by this build; use a local path".to_owned());
        }
        let location = reference.strip_prefix("file://").unwrap_or(reference);
        let base = base.map_or_else(|| self.root.clone(), PathBuf::from);
        let dir = if Path::new(location).is_absolute() { PathBuf::from(location) } else { base.join(location) };
        // Messages name the path as written next to the root, never the canonical one.
        let shown = dir.display().to_string();
        let dir = std::fs::canonicalize(&dir).map_err(|err| format!("failed to access {shown}: {err}"))?;
        if !dir.is_dir() {
            return Err(format!("{shown} is not a directory"));
        }
        Ok(ResolvedBundle { id: dir.display().to_string(), files: Box::new(DirBundle { root: dir }) })
    }
}

/// Resolution then enforcement, for a contract whose layers 1 and 2 found no error.
pub fn check(
    root: &Node,
    json: &Value,
    policies: &[Policy],
    bundle: Option<&dyn BundleFiles>,
    resolver: Option<&dyn RefResolver>,
    cache: &SchemaCache,
) -> Vec<Diagnostic> {
    let mut walk = Walk { root, resolver, cache, schemas: Vec::new(), errors: Vec::new(), warnings: Vec::new() };
    // Without a bundle nor a resolver (the editor on an unsaved file) there is nothing to read
    // and nothing to defer to: the reference resolves nothing and says nothing.
    if bundle.is_none() && resolver.is_none() {
        return Vec::new();
    }
    for (idx, policy) in policies.iter().enumerate() {
        let entry = Entry {
            origin: origin(policy, idx),
            span: anchor_span(root, &FieldPath::root().key("policies").index(idx)),
            ref_path: FieldPath::root().key("policies").index(idx).key("ref"),
        };
        walk.entry(&entry, policy, bundle, None, &mut Vec::new(), true);
    }
    if !walk.errors.is_empty() {
        return walk.errors;
    }
    let mut out = walk.warnings;
    for (origin, entry_span, validator) in &walk.schemas {
        let mut violations: Vec<(String, FieldPath)> = structural::leaves(validator, json)
            .into_iter()
            .map(|leaf| {
                let mut path = FieldPath::root();
                for segment in leaf.path {
                    path.push(segment);
                }
                (format!("policy {origin}: at '{}': {}", leaf.pointer, leaf.detail), path)
            })
            .collect();
        // The reference sorts the leaf messages of each policy.
        violations.sort();
        for (message, path) in violations {
            // A finding about the whole contract is shown on the policy that made it.
            let span = if path.is_root() { *entry_span } else { anchor_span(root, &path) };
            out.push(finding(Code::PolicyViolation, Severity::Error, span, message));
        }
    }
    out
}

struct Walk<'a> {
    root: &'a Node,
    resolver: Option<&'a dyn RefResolver>,
    /// The root bundle's compiled schemas, shared with layer 2.
    cache: &'a SchemaCache,
    /// Each resolved schema with its origin and the span of the root entry it came through.
    schemas: Vec<(String, Span, Arc<Validator>)>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Where a policy entry came from, for messages and spans.
struct Entry {
    origin: String,
    span: Span,
    ref_path: FieldPath,
}

impl Walk<'_> {
    fn unresolved(&mut self, entry: &Entry, code: Code, reason: String) {
        self.errors.push(finding(code, Severity::Error, entry.span, format!("policy {}: {reason}", entry.origin)));
    }

    /// One `policies[]` entry of the bundle `bundle` (identity `base`), reached through `chain`.
    fn entry(
        &mut self,
        entry: &Entry,
        policy: &Policy,
        bundle: Option<&dyn BundleFiles>,
        base: Option<&str>,
        chain: &mut Vec<(Option<String>, String)>,
        is_root: bool,
    ) {
        let schema = text(&policy.schema);
        let reference = text(&policy.reference);
        if !schema.is_empty() {
            // Without a bundle view (the editor on an unsaved file) there is nothing to read.
            let Some(bundle) = bundle else {
                return;
            };
            // The root's own files are compiled once, in layer 2; a provider's are read here.
            let compiled = if is_root {
                self.cache.get(bundle, schema)
            } else {
                bundle.read(schema).map(|bytes| compile_shared(&bytes))
            };
            let Some(compiled) = compiled else {
                let reason =
                    format!("cannot read schema {}: open {schema}: no such file or directory", go_quote(schema));
                return self.unresolved(entry, Code::PolicyRefUnresolved, reason);
            };
            match compiled {
                Ok(validator) => self.schemas.push((entry.origin.clone(), entry.span, validator)),
                Err(SchemaProblem::NotJson) => self.unresolved(
                    entry,
                    Code::PolicyRefUnresolved,
                    format!("schema {} is not valid JSON", go_quote(schema)),
                ),
                Err(SchemaProblem::NotSchema(err)) => self.unresolved(
                    entry,
                    Code::PolicyRefUnresolved,
                    format!("schema {} failed to compile: {err}", go_quote(schema)),
                ),
            }
            return;
        }
        if reference.is_empty() {
            // Only reachable inside a referenced bundle: the root's entries passed layer 1.
            let reason = "declares neither a schema nor a ref, so it enforces nothing".to_owned();
            return self.unresolved(entry, Code::PolicyRefUnresolved, reason);
        }
        let Some(resolver) = self.resolver else {
            if is_root {
                let span = anchor_span(self.root, &entry.ref_path);
                self.warnings.push(Diagnostic {
                    path: entry.ref_path.clone(),
                    ..finding(
                        Code::PolicyRefNotEnforced,
                        Severity::Warning,
                        span,
                        format!(
                            "ref-based policy {} is not enforced by local validation; run validate with a resolver to enforce it",
                            go_quote(reference)
                        ),
                    )
                });
            } else {
                let reason = format!("ref {} cannot be resolved (no resolver configured)", go_quote(reference));
                self.unresolved(entry, Code::PolicyRefUnresolved, reason);
            }
            return;
        };
        let link = (base.map(str::to_owned), reference.to_owned());
        if chain.contains(&link) || chain.len() >= MAX_POLICY_REF_DEPTH {
            let refs: Vec<&str> = chain.iter().map(|it| it.1.as_str()).chain([reference]).collect();
            let reason = format!("cycle detected resolving ref {} (chain: [{}])", go_quote(reference), refs.join(" "));
            return self.unresolved(entry, Code::PolicyRefCycle, reason);
        }
        let resolved = match resolver.resolve(base, reference) {
            Ok(it) => it,
            Err(err) => {
                let reason = format!("failed to resolve ref {}: {err}", go_quote(reference));
                return self.unresolved(entry, Code::PolicyRefUnresolved, reason);
            }
        };
        let Some(contract_bytes) = resolved.files.read("pacto.yaml") else {
            let reason = format!("ref {} resolved to empty bundle", go_quote(reference));
            return self.unresolved(entry, Code::PolicyRefUnresolved, reason);
        };
        let provider_text = String::from_utf8_lossy(&contract_bytes);
        let policies = match provider_policies(&provider_text) {
            Ok(it) => it,
            Err(err) => {
                let reason = format!("failed to resolve ref {}: {err}", go_quote(reference));
                return self.unresolved(entry, Code::PolicyRefUnresolved, reason);
            }
        };
        if policies.is_empty() {
            self.provider_schema(entry, reference, resolved.files.as_ref());
            return;
        }
        chain.push(link);
        for (idx, policy) in policies.iter().enumerate() {
            let nested = Entry {
                origin: format!("{reference} \u{2192} {}", origin(policy, idx)),
                span: entry.span,
                ref_path: entry.ref_path.clone(),
            };
            self.entry(&nested, policy, Some(resolved.files.as_ref()), Some(&resolved.id), chain, false);
        }
        chain.pop();
    }

    /// The fixed fallback of a provider without `policies[]`.
    fn provider_schema(&mut self, entry: &Entry, reference: &str, files: &dyn BundleFiles) {
        let quoted = go_quote(reference);
        let Some(bytes) = files.read(PROVIDER_SCHEMA) else {
            let reason = format!("ref {quoted} bundle does not contain {PROVIDER_SCHEMA}");
            return self.unresolved(entry, Code::PolicyRefUnresolved, reason);
        };
        match compile_shared(&bytes) {
            Ok(validator) => self.schemas.push((entry.origin.clone(), entry.span, validator)),
            Err(SchemaProblem::NotJson) => self.unresolved(
                entry,
                Code::PolicyRefUnresolved,
                format!("ref {quoted} {PROVIDER_SCHEMA} is not valid JSON"),
            ),
            Err(SchemaProblem::NotSchema(err)) => self.unresolved(
                entry,
                Code::PolicyRefUnresolved,
                format!("ref {quoted} {PROVIDER_SCHEMA} failed to compile: {err}"),
            ),
        }
    }
}

/// `policies["<name>"]`, or `policies[<index>]` for an entry without a name.
fn origin(policy: &Policy, idx: usize) -> String {
    match text(&policy.name) {
        "" => format!("policies[{idx}]"),
        name => format!("policies[{}]", go_quote(name)),
    }
}

/// The `policies[]` of a provider contract, strictly parsed (it gets no layers 1–2).
fn provider_policies(text_of: &str) -> Result<Vec<Policy>, String> {
    let parse = syntax::parse(text_of);
    if let Some(first) = parse.errors.first() {
        return Err(format!("parse error: failed to parse YAML: yaml: {}", first.message));
    }
    let version = super::format_version(parse.root.as_ref());
    if version != Some("2.0") {
        let shown = version.map_or_else(|| "\"\"".to_owned(), go_quote);
        return Err(format!(
            "parse error at pactoVersion: unsupported pactoVersion {shown}; only \"2.0\" provides policies"
        ));
    }
    let decoded = super::from_tree::from_tree(parse.root.as_ref());
    if let Some(first) = decoded.errors.first() {
        return Err(format!("parse error: failed to parse YAML: yaml: unmarshal errors:\n  {}", first.message));
    }
    Ok(decoded.contract.policies)
}

fn finding(code: Code, severity: Severity, span: Span, message: String) -> Diagnostic {
    Diagnostic {
        code,
        severity,
        layer: Layer::Policy,
        path: FieldPath::root(),
        path_style: PathStyle::Bracketed,
        span,
        message,
        related: Vec::new(),
        rule: None,
    }
}
