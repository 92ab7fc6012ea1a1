//! Inlay hints after each `oci://` ref that resolved: the version and short digest it stands for.

use pacto_core::syntax::Span;

use super::hover::{provenance, short_digest};
use super::resolve::State;
use super::{dependency_key, value_span};
use crate::analysis::Analysis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Where the hint goes: just after the ref's value.
    pub offset: usize,
    pub label: String,
    /// Where the data came from and when (as hover says it).
    pub tooltip: String,
}

pub fn hints(analysis: &Analysis, state: &State, within: Span) -> Vec<Hint> {
    let dependencies = analysis.dependencies();
    let mut out = Vec::new();
    for dependency in dependencies.iter() {
        let (Some(key), Some(reference)) = (dependency_key(dependency), dependency.reference.as_ref()) else {
            continue;
        };
        let span = value_span(&analysis.text, reference.span);
        if span.end < within.start || span.start > within.end {
            continue;
        }
        let Some(outcome) = state.outcome(&key) else {
            continue;
        };
        let Ok(found) = &outcome.result else {
            continue;
        };
        let resolved = &found.resolved;
        let version = resolved.tag.as_deref().or(found.summary.as_ref().map(|it| it.version.as_str()));
        let label = match version {
            Some(version) => format!("→ {version} · {}", short_digest(&resolved.digest)),
            None => format!("→ {}", short_digest(&resolved.digest)),
        };
        let tooltip = provenance(state, found, outcome.at.elapsed());
        out.push(Hint { offset: reference.span.end, label, tooltip });
    }
    out
}
