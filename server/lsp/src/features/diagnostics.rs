//! Diagnostics: the contract's findings, then the registry's, the baselines', the migration hints and the
//! workspace's impact findings, each with its byte span. The order is the one published: clients and tests keep it.

use std::path::Path;

use super::{Known, migrate};
use crate::analysis::Analysis;
use crate::session::Session;
use crate::{deps, lens, workspace};

/// One finding, by who found it: each source has its own severities, codes and related places.
#[derive(Debug)]
pub enum Diagnostic<'a> {
    Contract(&'a pacto_core::Diagnostic),
    Registry(deps::diagnostics::Finding),
    Baseline(lens::compute::Finding),
    Migration(migrate::Hint),
    Workspace(workspace::Finding),
}

/// The document the diagnostics are for, as the handler found it.
pub struct Document<'a> {
    /// Its URI as text: the comparisons and the carried migration hints are kept under it.
    pub key: &'a str,
    /// Where it is on disk: the workspace compares it with the others there.
    pub path: Option<&'a Path>,
    /// Where it is published (`lens::repository`).
    pub repository: Option<&'a str>,
}

/// Everything known about `analysis` now. The session is read for what is not a provider's answer: the migration
/// hints carried from an earlier version (and kept for the next one), and the workspace folders.
pub fn diagnostics<'a>(
    analysis: &'a Analysis,
    known: &Known<'_>,
    document: &Document<'_>,
    session: &Session,
) -> Vec<Diagnostic<'a>> {
    let mut out: Vec<Diagnostic<'a>> = analysis.validation.diagnostics.iter().map(Diagnostic::Contract).collect();
    let registry = deps::diagnostics::findings(analysis, known.registry);
    out.extend(registry.into_iter().map(Diagnostic::Registry));
    let baselines = lens::diagnostics(known.baselines, document.key, document.repository, analysis);
    out.extend(baselines.into_iter().map(Diagnostic::Baseline));
    let hints = migrate::hints_to_publish(session, document.key, analysis);
    out.extend(hints.into_iter().map(Diagnostic::Migration));
    if let Some(path) = document.path {
        out.extend(workspace::findings(session, path, analysis).into_iter().map(Diagnostic::Workspace));
    }
    out
}
