//! Layer 2 of format 2.0: the cross-field rules of pacto-v2.md §3.3, in the reference's order, all
//! run, none short-circuiting. The rules that read bundle files are in `files.rs`.

use crate::contract::text;
use crate::diagnostic::{Code, Diagnostic, Related};
use crate::gofmt::quote as go_quote;
use crate::semver::Version;
use crate::syntax::{FieldPath, Node};
use crate::validate::BundleFiles;
use crate::validate::anchor_span;
use crate::validate::crossfield;
pub(super) use crate::validate::crossfield::Ctx;

use super::dates::is_canonical_date;
use super::model::{Capability, Contract};
use super::{files, strict_ref};

/// Which rules run: the editor skips those the schema always catches first, so one fault is not
/// reported twice under two codes (as `validate::RuleSet` does for 1.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSet {
    pub include_schema_shadowed: bool,
}

pub fn check(
    root: &Node,
    contract: &Contract,
    bundle: Option<&dyn BundleFiles>,
    cache: &files::SchemaCache,
    rules: RuleSet,
) -> Vec<Diagnostic> {
    let mut ctx = Ctx { root, out: Vec::new() };
    invalid_semver(&mut ctx, contract);
    duplicate_names(
        &mut ctx,
        "interfaces",
        "interface",
        Code::DuplicateInterfaceName,
        names(&contract.interfaces, |it| &it.name),
    );
    duplicate_names(
        &mut ctx,
        "configurations",
        "configuration",
        Code::DuplicateConfigurationName,
        names(&contract.configurations, |it| &it.name),
    );
    duplicate_names(
        &mut ctx,
        "policies",
        "policy",
        Code::DuplicatePolicyName,
        names(&contract.policies, |it| &it.name),
    );
    duplicate_names(
        &mut ctx,
        "dependencies",
        "dependency",
        Code::DuplicateDependencyName,
        names(&contract.dependencies, |it| &it.name),
    );
    capabilities(&mut ctx, contract, rules);
    files::check(&mut ctx, contract, bundle, cache);
    dependencies(&mut ctx, contract, rules);
    files::config_values(&mut ctx, contract, bundle, cache, rules);
    if rules.include_schema_shadowed {
        stateless_persistent(&mut ctx, contract);
    }
    readiness(&mut ctx, contract, rules);
    ctx.out
}

pub(super) fn item_path(list: &str, idx: usize) -> FieldPath {
    FieldPath::root().key(list).index(idx)
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &crate::contract::Text) -> Vec<&str> {
    items.iter().map(|it| text(name(it))).collect()
}

fn invalid_semver(ctx: &mut Ctx<'_>, contract: &Contract) {
    let version = text(&contract.service.version);
    if let Err(err) = Version::parse(version) {
        // Unlike 1.0, the 2.0 message has no "service version" prefix.
        let path = FieldPath::root().key("service").key("version");
        ctx.error(Code::InvalidSemver, path, format!("{} is not valid semver: {err}", go_quote(version)));
    }
}

/// Rules 2–5: a repeated name is reported at each repeat, pointing at the most recent earlier one.
fn duplicate_names(ctx: &mut Ctx<'_>, list: &str, noun: &str, code: Code, names: Vec<&str>) {
    for (idx, name) in names.iter().enumerate() {
        let Some(earlier) = names[..idx].iter().rposition(|it| it == name) else {
            continue;
        };
        let first_span = anchor_span(ctx.root, &item_path(list, earlier).key("name"));
        ctx.error(
            code,
            item_path(list, idx).key("name"),
            format!("{noun} name {} is already declared at {list}[{earlier}]", go_quote(name)),
        )
        .related
        .push(Related { span: first_span, message: format!("{list}[{earlier}] declares {} first", go_quote(name)) });
    }
}

/// Rules 6a–6d, per capability in that order.
fn capabilities(ctx: &mut Ctx<'_>, contract: &Contract, rules: RuleSet) {
    let declared: Vec<&str> = contract.interfaces.iter().map(|it| text(&it.name)).collect();
    for (idx, capability) in contract.capabilities.iter().enumerate() {
        let path = item_path("capabilities", idx);
        if let Some(binding) = &capability.binding {
            let interface = text(&binding.interface);
            if !interface.is_empty() && !declared.contains(&interface) {
                ctx.error(
                    Code::CapabilityInterfaceUnknown,
                    path.clone().key("binding").key("interface"),
                    format!(
                        "capability binding references interface {}, which is not declared in interfaces[]",
                        go_quote(interface)
                    ),
                );
            }
            let probe = text(&binding.path);
            // The schema's pattern rejects most unsafe paths first; the rest (`/a#frag`) only this rule sees.
            if !probe.is_empty()
                && !safe_binding_path(probe)
                && (rules.include_schema_shadowed || probe.starts_with('/'))
            {
                ctx.error(
                    Code::CapabilityPathInvalid,
                    path.clone().key("binding").key("path"),
                    format!(
                        "capability binding path {} must start with a single '/' and contain no scheme, host, userinfo or fragment",
                        go_quote(probe)
                    ),
                );
            }
        }
        if text(&capability.kind) == "extension" && !namespaced(text(&capability.reference)) {
            ctx.error(
                Code::CapabilityRefInvalid,
                path.clone().key("ref"),
                format!(
                    "extension capability ref {} must be namespaced (e.g. example.com/custom)",
                    go_quote(text(&capability.reference))
                ),
            );
        }
        let key = capability.assertion_key();
        let earlier = contract.capabilities[..idx].iter().rposition(|it: &Capability| it.assertion_key() == key);
        if let Some(earlier) = earlier {
            ctx.error(
                Code::DuplicateCapability,
                path,
                format!(
                    "duplicate capability assertion {} (already declared at capabilities[{earlier}])",
                    go_quote(key)
                ),
            );
        }
    }
}

/// A ref with a `/` whose first segment has a `.`: `example.com/custom`.
fn namespaced(reference: &str) -> bool {
    reference.contains('/') && reference.split('/').next().is_some_and(|it| it.contains('.'))
}

/// Rule 6b (SSRF-safe probe path): a single leading `/`, and nothing Go's `url.Parse` would read
/// as a scheme, host, userinfo, fragment or opaque part; the percent-decoded path must not start
/// with `//` either (`/%2Fevil`).
pub fn safe_binding_path(path: &str) -> bool {
    if !path.starts_with('/') || path.starts_with("//") {
        return false;
    }
    // A path starting with `/` has no scheme, host, userinfo or opaque part for url.Parse; what
    // is left is the fragment, invalid escapes and control characters (which make Parse fail).
    if path.contains('#') || path.bytes().any(|it| it < 0x20 || it == 0x7f) {
        return false;
    }
    let without_query = path.split('?').next().unwrap_or(path);
    match percent_decode(without_query) {
        Some(decoded) => !decoded.starts_with(b"//"),
        None => false,
    }
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] == b'%' {
            let hex = bytes.get(idx + 1..idx + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            idx += 3;
        } else {
            out.push(bytes[idx]);
            idx += 1;
        }
    }
    Some(out)
}

/// Rules 14a–14d, per dependency.
fn dependencies(ctx: &mut Ctx<'_>, contract: &Contract, rules: RuleSet) {
    for (idx, dependency) in contract.dependencies.iter().enumerate() {
        let path = item_path("dependencies", idx);
        let (reference, compatibility) = (text(&dependency.reference), text(&dependency.compatibility));
        crossfield::dependency_ref_and_range(
            ctx,
            path,
            reference,
            compatibility,
            strict_ref::parse,
            rules.include_schema_shadowed,
        );
    }
}

fn stateless_persistent(ctx: &mut Ctx<'_>, contract: &Contract) {
    let Some(state) = &contract.state else {
        return;
    };
    if text(&state.kind) == "stateless" && text(&state.durability) == "persistent" {
        ctx.error(
            Code::StatelessPersistentConflict,
            FieldPath::root().key("state").key("persistence").key("durability"),
            "stateless services must use ephemeral durability; persistent durability requires stateful or hybrid"
                .to_owned(),
        );
    }
}

/// Rules 17–19c.
fn readiness(ctx: &mut Ctx<'_>, contract: &Contract, rules: RuleSet) {
    let Some(readiness) = &contract.readiness else {
        return;
    };
    let base = FieldPath::root().key("readiness");
    let expires = text(&readiness.expires);
    if !is_canonical_date(expires) {
        ctx.error(
            Code::InvalidReadinessExpires,
            base.clone().key("expires"),
            format!("expires {} must be a valid YYYY-MM-DD date", go_quote(expires)),
        );
    }
    for (idx, revision) in readiness.history.iter().enumerate() {
        let path = base.clone().key("history").index(idx);
        if !is_canonical_date(text(&revision.date)) {
            ctx.error(
                Code::InvalidReadinessRevision,
                path.clone().key("date"),
                "revision date must be YYYY-MM-DD".into(),
            );
        }
        // Blank fields: the schema's minLength catches the empty ones first.
        let fields =
            [("version", &revision.version), ("author", &revision.author), ("description", &revision.description)];
        for (field, value) in fields {
            let value = text(value);
            if value.trim().is_empty() && (rules.include_schema_shadowed || !value.is_empty()) {
                ctx.error(
                    Code::InvalidReadinessRevision,
                    path.clone().key(field),
                    format!("revision {field} must not be blank"),
                );
            }
        }
    }
    for (idx, claim) in readiness.claims.iter().enumerate() {
        let path = base.clone().key("claims").index(idx);
        let id = text(&claim.id);
        if let Some(earlier) = readiness.claims[..idx].iter().rposition(|it| text(&it.id) == id) {
            ctx.error(
                Code::DuplicateReadinessId,
                path.clone().key("id"),
                format!("readiness claim id {} is already declared at readiness.claims[{earlier}]", go_quote(id)),
            );
        }
        let evidence = text(&claim.evidence);
        if evidence.trim().is_empty() && (rules.include_schema_shadowed || !evidence.is_empty()) {
            ctx.error(
                Code::EmptyReadinessEvidence,
                path.clone().key("evidence"),
                format!("readiness claim {} has blank evidence", go_quote(id)),
            );
        }
        let description = text(&claim.description);
        if !description.is_empty() && description.trim().is_empty() {
            ctx.error(
                Code::EmptyReadinessDescription,
                path.key("description"),
                format!("readiness claim {} has a blank description", go_quote(id)),
            );
        }
    }
}
