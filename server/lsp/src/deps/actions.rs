//! Code actions on resolved dependencies, each with its edit: pin the tag to its digest, update to the
//! newest compatible version, set `compatibility` to match the pinned tag.

use pacto_core::contract::oci_ref::OciRef;
use pacto_core::contract::{Dependency, text};
use pacto_core::semver::{Constraint, Version};
use pacto_core::syntax::Span;

use super::diagnostics::{Code, newest_compatible};
use super::resolve::State;
use super::{dependency_key, value_span};
use crate::analysis::Analysis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<(Span, String)>,
    /// The finding this action resolves, on the dependency's `ref`.
    pub fixes: Option<Fixes>,
}

/// A finding an action resolves: the registry's, or the contract's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixes {
    Registry(Code, Span),
    Contract(pacto_core::Code, Span),
}

pub fn actions(analysis: &Analysis, state: &State, within: Span) -> Vec<Action> {
    let dependencies = analysis.dependencies();
    let mut out = Vec::new();
    for dependency in dependencies.iter() {
        let (Some(key), Some(reference)) = (dependency_key(dependency), dependency.reference.as_ref()) else {
            continue;
        };
        if dependency.span.end < within.start || dependency.span.start > within.end {
            continue;
        }
        let Some(outcome) = state.outcome(&key) else {
            continue;
        };
        let Ok(found) = &outcome.result else {
            continue;
        };
        let Some(written) = reference.value.strip_prefix("oci://").and_then(|it| OciRef::parse(it).ok()) else {
            continue;
        };
        let ref_span = value_span(&analysis.text, reference.span);
        let repository = format!("oci://{}/{}", written.registry, written.repository);
        let tag = found.resolved.tag.clone();
        if let (Some(tag), true) = (&tag, written.digest.is_empty()) {
            out.push(Action {
                title: format!("Pin {tag} to its digest"),
                edits: vec![(ref_span, format!("{repository}:{tag}@{}", found.resolved.digest))],
                fixes: Some(Fixes::Contract(pacto_core::Code::TagNotDigest, reference.span)),
            });
        }
        let compatibility = text(&dependency.compatibility).trim();
        let constraint = Constraint::parse(compatibility).ok().filter(|_| !compatibility.is_empty());
        let Ok(version) = Version::parse(&written.tag) else {
            continue;
        };
        if let Some(newest) = newest_compatible(found, constraint.as_ref(), &version).filter(|it| *it > version) {
            out.push(Action {
                title: format!("Update to {}", newest.original()),
                edits: vec![(ref_span, format!("{repository}:{}", newest.original()))],
                fixes: Some(Fixes::Registry(Code::UpdateAvailable, reference.span)),
            });
        }
        if constraint.as_ref().is_none_or(|it| !it.matches(&version)) {
            let wanted = format!("^{}.{}.{}", version.major(), version.minor(), version.patch());
            if let Some(edit) = set_compatibility(analysis, dependency, &wanted) {
                let fixes = Some(Fixes::Registry(Code::TagOutsideCompatibility, reference.span));
                out.push(Action { title: format!("Set compatibility to {wanted}"), edits: vec![edit], fixes });
            }
        }
    }
    out
}

/// Replaces the `compatibility` value, or adds the key on a new line under `ref`, at its indentation.
fn set_compatibility(analysis: &Analysis, dependency: &Dependency, wanted: &str) -> Option<(Span, String)> {
    let text = analysis.text.as_str();
    if let Some(compatibility) = &dependency.compatibility {
        let span = value_span(text, compatibility.span);
        // An empty value has an empty span; a quoted one keeps its quotes.
        return Some((span, wanted.to_owned()));
    }
    let reference = dependency.reference.as_ref()?;
    let line_start = text[..reference.span.start].rfind('\n').map_or(0, |it| it + 1);
    let key_col = text[line_start..reference.span.start].find("ref")?;
    let line_end = text[reference.span.end..].find('\n').map_or(text.len(), |it| reference.span.end + it);
    let line_end = if text[..line_end].ends_with('\r') { line_end - 1 } else { line_end };
    let newline = if text[line_end..].starts_with("\r\n") { "\r\n" } else { "\n" };
    Some((Span::empty(line_end), format!("{newline}{}compatibility: \"{wanted}\"", " ".repeat(key_col))))
}
