//! What the registry says about each `oci://` dependency, as findings beside the contract's own. Never
//! errors: errors are the reference's rules, so a contract the CLI accepts never turns red because of
//! a registry.

use pacto_core::contract::{Dependency, text};
use pacto_core::semver::{Constraint, Version};
use pacto_core::syntax::Span;
use pacto_oci::Source;
use pacto_oci::resolver::Failure;

use super::dependency_key;
use super::resolve::{Found, State};
use crate::analysis::Analysis;

/// A registry finding's code: stable, shown to users and matched by tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// The repository or the tag does not exist.
    NotFound,
    /// No published version satisfies `compatibility`.
    NoMatchingVersion,
    /// The pinned tag does not satisfy `compatibility`.
    TagOutsideCompatibility,
    /// A newer version satisfying `compatibility` is published.
    UpdateAvailable,
    /// The artifact is not a pacto bundle.
    InvalidArtifact,
    Unreachable,
    Unauthorized,
    /// Offline, and nothing cached.
    NotCached,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NotFound => "DEPENDENCY_NOT_FOUND",
            Code::NoMatchingVersion => "DEPENDENCY_NO_MATCHING_VERSION",
            Code::TagOutsideCompatibility => "DEPENDENCY_TAG_OUTSIDE_COMPATIBILITY",
            Code::UpdateAvailable => "DEPENDENCY_UPDATE_AVAILABLE",
            Code::InvalidArtifact => "DEPENDENCY_INVALID_ARTIFACT",
            Code::Unreachable => "REGISTRY_UNREACHABLE",
            Code::Unauthorized => "REGISTRY_UNAUTHORIZED",
            Code::NotCached => "DEPENDENCY_NOT_CACHED",
        }
    }

    pub fn level(self) -> Level {
        match self {
            Code::NotFound | Code::NoMatchingVersion | Code::TagOutsideCompatibility | Code::InvalidArtifact => {
                Level::Warning
            }
            Code::UpdateAvailable => Level::Hint,
            Code::Unreachable | Code::Unauthorized | Code::NotCached => Level::Information,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Warning,
    Information,
    Hint,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub span: Span,
    pub message: String,
}

pub fn findings(analysis: &Analysis, state: &State) -> Vec<Finding> {
    let dependencies = analysis.dependencies();
    let mut out = Vec::new();
    for dependency in dependencies.iter() {
        let (Some(key), Some(reference)) = (dependency_key(dependency), dependency.reference.as_ref()) else {
            continue;
        };
        let Some(outcome) = state.outcome(&key) else {
            continue;
        };
        let compatibility_span = dependency.compatibility.as_ref().map_or(reference.span, |it| it.span);
        let finding = |code: Code, span: Span, message: String| Finding { code, span, message };
        match &outcome.result {
            Ok(found) => out.extend(found_findings(dependency, found, reference.span)),
            Err(failure) => out.push(match failure {
                Failure::RepositoryNotFound { .. } | Failure::TagNotFound { .. } | Failure::LocalNotFound { .. } => {
                    finding(Code::NotFound, reference.span, failure.to_string())
                }
                Failure::NoVersionSatisfies { .. } | Failure::NoSemverTags { .. } => {
                    finding(Code::NoMatchingVersion, compatibility_span, failure.to_string())
                }
                Failure::Unauthorized { registry, cause } => {
                    finding(Code::Unauthorized, reference.span, format!("registry {registry} {cause}"))
                }
                Failure::Unreachable { .. } => finding(Code::Unreachable, reference.span, failure.to_string()),
                Failure::Offline { .. } => finding(Code::NotCached, reference.span, failure.to_string()),
                Failure::Invalid { .. } | Failure::NoContract { .. } => {
                    finding(Code::InvalidArtifact, reference.span, failure.to_string())
                }
                // The contract's own rules report these (INVALID_OCI_REF, INVALID_COMPATIBILITY).
                Failure::InvalidReference { .. } | Failure::InvalidConstraint { .. } => continue,
            }),
        }
    }
    out
}

fn found_findings(dependency: &Dependency, found: &Found, ref_span: Span) -> Vec<Finding> {
    let mut out = Vec::new();
    let resolved = &found.resolved;
    let stale_tags = resolved.tags.as_ref().filter(|it| it.stale);
    if resolved.source == Source::StaleCache || stale_tags.is_some() {
        let message = match stale_tags.and_then(|it| it.cause.clone()) {
            Some(cause) => format!("{cause}; answered from the cache"),
            None => format!("registry {} unreachable; answered from the cache", resolved.reference.registry),
        };
        out.push(Finding { code: Code::Unreachable, span: ref_span, message });
    }
    let compatibility = text(&dependency.compatibility).trim();
    let constraint = Constraint::parse(compatibility).ok().filter(|_| !compatibility.is_empty());
    let written_tag = super::written_tag(text(&dependency.reference));
    let Some(tag) = written_tag.as_deref() else {
        return out;
    };
    let Ok(version) = Version::parse(tag) else {
        return out;
    };
    if let Some(constraint) = &constraint {
        if !constraint.matches(&version) {
            out.push(Finding {
                code: Code::TagOutsideCompatibility,
                span: ref_span,
                message: format!("tag {tag} does not satisfy compatibility \"{compatibility}\""),
            });
        }
    }
    if let Some(newest) = newest_compatible(found, constraint.as_ref(), &version) {
        if newest > version {
            let within = constraint.as_ref().map_or(format!("^{tag}"), |it| it.as_str().to_owned());
            out.push(Finding {
                code: Code::UpdateAvailable,
                span: ref_span,
                message: format!("{} is published and satisfies \"{within}\"", newest.original()),
            });
        }
    }
    out
}

/// The newest listed release within `constraint`, or within `^tag` when the dependency has none.
pub fn newest_compatible(found: &Found, constraint: Option<&Constraint>, current: &Version) -> Option<Version> {
    let tags = found.resolved.tags.as_ref()?;
    let caret;
    let constraint = match constraint {
        Some(it) => it,
        None => {
            caret = Constraint::parse(&format!("^{}.{}.{}", current.major(), current.minor(), current.patch())).ok()?;
            &caret
        }
    };
    tags.tags.iter().filter_map(|it| Version::parse(it).ok()).filter(|it| constraint.matches(it)).max()
}
