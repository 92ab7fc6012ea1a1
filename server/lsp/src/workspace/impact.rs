//! The impact of a version on the contracts that depend on it (issue #18), seen from both sides and
//! from the workspace alone (no network): on `service.version`, the dependents whose `compatibility`
//! the version as edited does not satisfy; on a dependency, the workspace contract it points at whose
//! current version does not satisfy its `compatibility`.

use std::path::{Path, PathBuf};

use pacto_core::syntax::Span;
use pacto_core::workspace::reverse::satisfies;
use pacto_core::workspace::{Dependency, Entry, Index, target_of};

use crate::analysis::Analysis;

/// The code of the hint on `service.version`.
pub const DEPENDENT_NOT_SATISFIED: &str = "DEPENDENT_NOT_SATISFIED";
/// The code of the warning on a publish repository another contract claims too.
pub const DUPLICATE_PUBLISHER: &str = "DUPLICATE_PUBLISHER";
/// The code of the warning on a dependency.
pub const WORKSPACE_VERSION_NOT_SATISFIED: &str = "DEPENDENCY_WORKSPACE_VERSION_NOT_SATISFIED";

/// A dependent whose `compatibility` the version does not satisfy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependent {
    pub name: String,
    pub compatibility: String,
    pub path: PathBuf,
    /// 1-based line of its `compatibility`.
    pub line: usize,
}

/// A workspace contract a dependency points at, and its current version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointee {
    pub name: String,
    pub version: String,
    pub path: PathBuf,
    /// 1-based line of its `service.version`.
    pub line: usize,
}

/// A dependency of the buffer that no workspace contract it points at satisfies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmet {
    /// The `compatibility` value (the `ref` when there is none).
    pub span: Span,
    pub compatibility: String,
    pub pointees: Vec<Pointee>,
}

/// The dependents of `entry` (the buffer's reading) whose `compatibility` its version does not satisfy.
/// A range or version that cannot be read says nothing: validation reports those.
pub fn unsatisfied_dependents(index: &Index, entry: &Entry) -> Vec<Dependent> {
    (index.dependents_of(entry).iter())
        .filter(|id| id.path != entry.path)
        .filter_map(|id| {
            let dependency = index.dependency(id)?;
            let (satisfied, error) = satisfies(&dependency.compatibility, &entry.version);
            if satisfied || error.is_some() {
                return None;
            }
            Some(Dependent {
                name: index.get(&id.path).map(|it| it.name.clone()).unwrap_or_default(),
                compatibility: dependency.compatibility.clone(),
                path: id.path.clone(),
                line: dependency.compatibility_line,
            })
        })
        .collect()
}

/// The buffer's dependencies (of the contract at `path`) that point at workspace contracts none of
/// which satisfies their `compatibility` now. With two contracts claiming one repository, one that
/// satisfies is enough: the index cannot tell which is really published there.
pub fn unmet_dependencies(index: &Index, analysis: &Analysis, path: &Path) -> Vec<Unmet> {
    let Some(items) = analysis.root().and_then(|it| it.get("dependencies")).and_then(|it| it.as_sequence()) else {
        return Vec::new();
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for item in items {
        let Some(reference) = item.get("ref") else {
            continue;
        };
        let compatibility = item.get("compatibility");
        let range = compatibility.and_then(|it| it.scalar_text()).unwrap_or_default();
        let dependency = Dependency {
            name: String::new(),
            reference: reference.scalar_text().unwrap_or_default().to_owned(),
            compatibility: range.to_owned(),
            line: 0,
            compatibility_line: 0,
            target: target_of(reference.scalar_text().unwrap_or_default(), dir),
        };
        let pointees: Vec<&Entry> = index.targets(&dependency).into_iter().filter(|it| it.path != path).collect();
        let met = |it: &&Entry| {
            let (satisfied, error) = satisfies(range, &it.version);
            satisfied || error.is_some()
        };
        if pointees.is_empty() || pointees.iter().any(met) {
            continue;
        }
        out.push(Unmet {
            span: compatibility.map_or(reference.span, |it| it.span),
            compatibility: range.to_owned(),
            pointees: (pointees.into_iter())
                .map(|it| Pointee {
                    name: it.name.clone(),
                    version: it.version.clone(),
                    path: it.path.clone(),
                    line: it.version_line,
                })
                .collect(),
        });
    }
    out
}

/// The other workspace contracts published where `entry` is: a dependency on that repository points at
/// all of them, and only one can really be published there.
pub fn other_publishers(index: &Index, entry: &Entry) -> Vec<PathBuf> {
    let Some(repository) = &entry.published else {
        return Vec::new();
    };
    (index.published_at(repository).into_iter()).filter(|it| it.path != entry.path).map(|it| it.path.clone()).collect()
}

/// Where a contract says where it is published: its `# pacto:publish` comment line, else `None`
/// (published by the settings or its origin, the finding goes on `service`).
pub fn publish_comment_span(text: &str) -> Option<Span> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let directive = trimmed.strip_prefix('#').map(str::trim_start);
        if directive.is_some_and(|it| it.starts_with(pacto_core::workspace::PUBLISH_DIRECTIVE)) {
            let start = at + (line.len() - trimmed.len());
            return Some(Span::new(start, at + line.trim_end().len()));
        }
        at += line.len();
    }
    None
}
