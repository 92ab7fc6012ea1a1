//! Hover on a dependency: what its `ref` resolves to and a summary of that contract; what its
//! `compatibility` means and which published versions satisfy it. Only what is already known: a ref
//! still being resolved says so.

use std::fs;
use std::time::Duration;

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::syntax::limits::MAX_CONTRACT_BYTES;

use pacto_core::semver::{Constraint, Version};
use pacto_oci::Source;
use pacto_oci::error::short_cause;

use super::resolve::{Found, Key, State, Summary, summary};
use super::words::describe;
use super::{At, Field, at, is_tag_less, reference_of};
use crate::analysis::Analysis;

/// What the registry (or a local bundle) says of a dependency field, in Markdown; `features::hover` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryHover {
    pub span: pacto_core::syntax::Span,
    pub markdown: String,
}

/// What hover says while the first resolution of a ref is under way.
pub const RESOLVING: &str = "resolving…";

pub fn hover(analysis: &Analysis, state: &State, offset: usize) -> Option<RegistryHover> {
    let at = at(analysis, offset)?;
    match at.field {
        Field::Ref if at.key.is_none() => local_ref_hover(analysis, &at),
        Field::Ref => ref_hover(state, &at),
        Field::Compatibility => compatibility_hover(state, &at),
    }
}

fn ref_hover(state: &State, at: &At) -> Option<RegistryHover> {
    let key = at.key.as_ref()?;
    let mut out = format!("**`{}`**\n\n", key.reference);
    match state.outcome(key) {
        None => out.push_str(RESOLVING),
        Some(outcome) => match &outcome.result {
            Ok(found) => {
                let origin = provenance(state, found, outcome.at.elapsed());
                out.push_str(&found_markdown(found, key, is_tag_less(&key.reference), &origin));
            }
            Err(failure) => out.push_str(&format!("Not resolved: {failure}")),
        },
    }
    Some(RegistryHover { span: at.span, markdown: out })
}

fn found_markdown(found: &Found, key: &Key, tag_less: bool, origin: &str) -> String {
    let resolved = &found.resolved;
    let version = resolved.tag.as_deref().or(found.summary.as_ref().map(|it| it.version.as_str())).unwrap_or("?");
    let mut out = format!("→ `{version}` · `{}`", short_digest(&resolved.digest));
    if tag_less {
        let within =
            if key.compatibility.is_empty() { String::new() } else { format!(" within `{}`", key.compatibility) };
        out.push_str(&format!(" (highest tag{within})"));
    }
    out.push_str("\n\n");
    out.push_str(origin);
    if let Some(summary) = &found.summary {
        out.push_str("\n\n");
        out.push_str(&summary_markdown(summary));
    }
    out
}

/// Where a resolution's data came from and how old it is, for hover and the inlay hint's tooltip: "From the
/// registry, 3 s ago.", "From the cache, stored 2 min ago.", or, once the registry stopped answering (this
/// resolution fell back on the cache, or any later request to that registry failed), "Cached 40 s ago · registry
/// host:5000 unreachable: connection refused." `since` is the time since the resolution landed.
pub fn provenance(state: &State, found: &Found, since: Duration) -> String {
    let resolved = &found.resolved;
    let registry = &resolved.reference.registry;
    let age = match resolved.source {
        Source::Registry => Some(since),
        Source::Cache | Source::StaleCache => resolved.age.map(|it| it + since),
    };
    let own_failure = match resolved.source {
        Source::StaleCache => Some(resolved.tags.as_ref().and_then(|it| it.cause.clone()).unwrap_or_default()),
        _ => resolved.tags.as_ref().filter(|it| it.stale).map(|it| it.cause.clone().unwrap_or_default()),
    };
    let offline = own_failure.as_deref() == Some("offline");
    // The newest word on the registry wins: a request made since this resolution (failed, or answered again),
    // else this resolution's own fallback on the cache.
    let cause = match state.last_contact(registry).filter(|it| it.at.elapsed() < since) {
        Some(contact) => contact.unreachable,
        None => own_failure.filter(|_| !offline),
    };
    match (cause, age) {
        (Some(cause), age) => {
            let cached = match age {
                Some(age) => format!("Cached {} ago", age_text(age)),
                None => "Cached".to_owned(),
            };
            let cause = if cause.is_empty() { String::new() } else { format!(": {}", short_cause(&cause)) };
            format!("{cached} · registry {registry} unreachable{cause}.")
        }
        (None, Some(age)) if resolved.source == Source::Registry => {
            format!("From the registry, {} ago.", age_text(age))
        }
        (None, Some(age)) if offline => format!("From the cache, stored {} ago (offline).", age_text(age)),
        (None, Some(age)) => format!("From the cache, stored {} ago.", age_text(age)),
        (None, None) => "From the cache.".to_owned(),
    }
}

/// A local bundle's contract, read from disk: where it is and what it declares.
fn local_ref_hover(analysis: &Analysis, at: &At) -> Option<RegistryHover> {
    let DependencyRef::Local(location) = classify(&at.reference) else {
        return None;
    };
    let base = analysis.bundle_dir.as_ref()?;
    let contract = base.join(location).join("pacto.yaml");
    let mut out = format!("**`{}`**\n\n", at.reference);
    let readable = fs::metadata(&contract).is_ok_and(|it| it.is_file() && it.len() <= MAX_CONTRACT_BYTES as u64);
    match readable.then(|| fs::read(&contract).ok()).flatten() {
        Some(bytes) => {
            let shown = contract.canonicalize().unwrap_or(contract);
            out.push_str(&format!("Local bundle: `{}`", shown.display()));
            if let Some(summary) = summary(&bytes) {
                out.push_str("\n\n");
                out.push_str(&summary_markdown(&summary));
            }
        }
        None => {
            let shown = pacto_core::workspace::normalize(&contract);
            out.push_str(&format!("No readable `pacto.yaml` at `{}`.", shown.display()));
        }
    }
    Some(RegistryHover { span: at.span, markdown: out })
}

fn summary_markdown(summary: &Summary) -> String {
    let mut out = format!("**{}** {}", summary.name, summary.version);
    if !summary.owner.is_empty() {
        out.push_str(&format!(" · owner `{}`", summary.owner));
    }
    out.push('\n');
    let interfaces: Vec<String> = summary
        .interfaces
        .iter()
        .map(|(name, kind, port)| match port {
            Some(port) => format!("`{name}` {kind} port {port}"),
            None => format!("`{name}` {kind}"),
        })
        .collect();
    if !interfaces.is_empty() {
        out.push_str(&format!("\n- interfaces: {}", interfaces.join(", ")));
    }
    if !summary.workload.is_empty() || !summary.state.is_empty() {
        let runtime: Vec<&str> =
            [summary.workload.as_str(), summary.state.as_str()].into_iter().filter(|it| !it.is_empty()).collect();
        out.push_str(&format!("\n- runtime: {}", runtime.join(", ")));
    }
    out.push_str(&format!("\n- dependencies: {}", summary.n_dependencies));
    out
}

fn compatibility_hover(state: &State, at: &At) -> Option<RegistryHover> {
    let compatibility = at.compatibility.trim();
    if compatibility.is_empty() {
        return None;
    }
    let mut out = format!("**`{compatibility}`**");
    if let Some(words) = describe(compatibility) {
        out.push_str(&format!(": {words}"));
    }
    let constraint = Constraint::parse(compatibility).ok();
    let tags = reference_of(&at.reference).and_then(|it| state.known_tags(&it.repository_path()));
    match (constraint, tags) {
        (None, _) => {}
        (Some(_), None) => out.push_str(&format!("\n\nPublished versions: {RESOLVING}")),
        (Some(constraint), Some(tags)) => {
            let mut versions: Vec<Version> =
                tags.tags.iter().filter_map(|it| Version::parse(it).ok()).filter(|it| constraint.matches(it)).collect();
            versions.sort_by(|a, b| b.cmp(a));
            if versions.is_empty() {
                out.push_str("\n\nNo published version satisfies it.");
            } else {
                let list: Vec<String> = versions.iter().map(|it| format!("`{}`", it.original())).collect();
                out.push_str(&format!("\n\nPublished versions that satisfy it, highest first: {}", list.join(", ")));
            }
        }
    }
    Some(RegistryHover { span: at.span, markdown: out })
}

/// `sha256:` and the first 12 hex digits: enough to tell artifacts apart at a glance.
pub fn short_digest(digest: &pacto_oci::Digest) -> String {
    format!("sha256:{}", &digest.hex()[..12])
}

fn age_text(age: Duration) -> String {
    let seconds = age.as_secs();
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min", seconds / 60),
        3600..86400 => format!("{} h", seconds / 3600),
        _ => format!("{} d", seconds / 86400),
    }
}
