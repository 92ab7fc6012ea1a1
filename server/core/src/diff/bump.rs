//! The version-bump check (issue 5): breaking changes need a major bump of `service.version`
//! (a minor bump below 1.0.0, as semver's initial-development rule allows), and a changed
//! contract needs a version above the previous one. The CLI prints the finding after its
//! summary; the language server turns it into a diagnostic with a "bump to" quick fix.

use std::fmt;

use crate::Severity;
use crate::contract::Contract;
use crate::semver::Version;
use crate::syntax::Span;

use super::{Classification, DiffResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BumpKind {
    /// BREAKING changes, but the major version (the minor one below 1.0.0) did not move.
    MissingBreakingBump,
    /// The contract changed, but its version is not above the previous one.
    NotIncreased,
}

impl BumpKind {
    /// A stable name for machines (the CLI's JSON, a diagnostic code).
    pub fn as_str(self) -> &'static str {
        match self {
            BumpKind::MissingBreakingBump => "MISSING_BREAKING_BUMP",
            BumpKind::NotIncreased => "VERSION_NOT_INCREASED",
        }
    }
}

/// What is wrong with the new `service.version`, where it is, and the version to suggest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BumpFinding {
    pub kind: BumpKind,
    /// `Error` for a missing breaking bump, `Warning` for a version that did not increase.
    pub severity: Severity,
    /// The value of `service.version` in the new contract, quotes included: what a quick fix
    /// replaces with [`BumpFinding::suggested`].
    pub span: Span,
    pub old_version: String,
    pub new_version: String,
    /// The smallest version that passes the check, e.g. `2.0.0` or `0.4.0`.
    pub suggested: String,
}

impl fmt::Display for BumpFinding {
    /// The message the CLI and the editor show (lowercase, no final period, as ours are).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (new, old, suggested) = (&self.new_version, &self.old_version, &self.suggested);
        match self.kind {
            BumpKind::MissingBreakingBump if suggested.starts_with("0.") => write!(
                f,
                "breaking changes need a minor version bump from {old} below 1.0.0, service.version is {new}; bump to {suggested}"
            ),
            BumpKind::MissingBreakingBump => write!(
                f,
                "breaking changes need a major version bump from {old}, service.version is {new}; bump to {suggested}"
            ),
            BumpKind::NotIncreased => {
                write!(f, "service.version {new} is not greater than the previous version {old}; bump to {suggested}")
            }
        }
    }
}

/// Checks the new contract's `service.version` against the old one given the diff of the two
/// (`result` from [`super::compare`] on the same pair). `None` when the version is fine, when
/// nothing changed, or when either version is missing or not semver (validation reports those).
pub fn check(old: &Contract, new: &Contract, result: &DiffResult) -> Option<BumpFinding> {
    let old_field = old.service.version.as_ref()?;
    let new_field = new.service.version.as_ref()?;
    let old_version = Version::parse(&old_field.value).ok()?;
    let new_version = Version::parse(&new_field.value).ok()?;
    let finding = |kind, severity, suggested| BumpFinding {
        kind,
        severity,
        span: new_field.span,
        old_version: String::from(&*old_field.value),
        new_version: String::from(&*new_field.value),
        suggested,
    };
    if result.classification == Classification::Breaking && !is_breaking_bump(&old_version, &new_version) {
        return Some(finding(BumpKind::MissingBreakingBump, Severity::Error, breaking_bump(&old_version)));
    }
    if !result.changes.is_empty() && new_version <= old_version {
        let suggested = if result.classification == Classification::Breaking {
            breaking_bump(&old_version)
        } else {
            format!("{}.{}.0", old_version.major(), old_version.minor() + 1)
        };
        return Some(finding(BumpKind::NotIncreased, Severity::Warning, suggested));
    }
    None
}

/// A bump that may carry breaking changes: a higher major, or below 1.0.0 a higher minor.
fn is_breaking_bump(old: &Version, new: &Version) -> bool {
    if old.major() == 0 { new.major() > 0 || new.minor() > old.minor() } else { new.major() > old.major() }
}

fn breaking_bump(old: &Version) -> String {
    if old.major() == 0 { format!("0.{}.0", old.minor() + 1) } else { format!("{}.0.0", old.major() + 1) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::from_tree;
    use crate::diff::{NoFiles, compare};
    use crate::syntax::parse;

    fn contract(version: &str, port: u16) -> (String, Contract) {
        let text = format!(
            "pactoVersion: \"1.0\"\nservice: {{name: svc, version: {version}}}\ninterfaces:\n  - {{name: api, type: http, port: {port}}}\n"
        );
        let contract = from_tree(parse(&text).root.as_ref()).contract;
        (text, contract)
    }

    /// `<old>@<port> -> <new>@<port>`: the finding's kind, severity, spanned text and message.
    fn check_pair(old: (&str, u16), new: (&str, u16)) -> String {
        let ((_, old), (new_text, new)) = (contract(old.0, old.1), contract(new.0, new.1));
        let result = compare(&old, &new, &NoFiles, &NoFiles);
        match check(&old, &new, &result) {
            None => "none".to_owned(),
            Some(it) => format!(
                "{} {:?} {:?} {} | {it}",
                it.kind.as_str(),
                it.severity,
                &new_text[it.span.start..it.span.end],
                it.suggested
            ),
        }
    }

    #[test]
    fn bump_breaking_change_needs_a_major_bump() {
        assert_eq!(
            check_pair(("1.2.3", 80), ("1.3.0", 81)),
            "MISSING_BREAKING_BUMP Error \"1.3.0\" 2.0.0 | breaking changes need a major version bump from 1.2.3, service.version is 1.3.0; bump to 2.0.0"
        );
        assert_eq!(check_pair(("1.2.3", 80), ("2.0.0", 81)), "none");
        assert_eq!(check_pair(("1.2.3", 80), ("v2", 81)), "none");
        assert_eq!(check_pair(("1.2.3", 80), ("2.0.0-rc.1", 81)), "none");
    }

    #[test]
    fn bump_breaking_change_below_one_needs_a_minor_bump() {
        assert_eq!(
            check_pair(("0.3.1", 80), ("0.3.2", 81)),
            "MISSING_BREAKING_BUMP Error \"0.3.2\" 0.4.0 | breaking changes need a minor version bump from 0.3.1 below 1.0.0, service.version is 0.3.2; bump to 0.4.0"
        );
        assert_eq!(check_pair(("0.3.1", 80), ("0.4.0", 81)), "none");
        assert_eq!(check_pair(("0.3.1", 80), ("1.0.0", 81)), "none");
    }

    #[test]
    fn bump_version_not_increased_is_a_warning() {
        assert_eq!(check_pair(("1.2.3", 80), ("1.2.3", 80)), "none", "an identical contract has nothing to publish");
        // Only the version changed, downwards: a NON_BREAKING change that still goes back.
        assert_eq!(
            check_pair(("1.2.3", 80), ("1.2.0", 80)),
            "VERSION_NOT_INCREASED Warning \"1.2.0\" 1.3.0 | service.version 1.2.0 is not greater than the previous version 1.2.3; bump to 1.3.0"
        );
        // Breaking and going back: the breaking bump is what is missing.
        assert_eq!(
            check_pair(("2.0.0", 80), ("1.9.0", 81)),
            "MISSING_BREAKING_BUMP Error \"1.9.0\" 3.0.0 | breaking changes need a major version bump from 2.0.0, service.version is 1.9.0; bump to 3.0.0"
        );
        assert_eq!(check_pair(("1.2.3", 80), ("1.2.4", 80)), "none");
    }

    #[test]
    fn bump_span_is_the_whole_scalar_quotes_included() {
        let assert_spanned = |written: &str| {
            let (_, old) = contract("1.0.0", 80);
            let (text, new) = contract(written, 81);
            let result = compare(&old, &new, &NoFiles, &NoFiles);
            let finding = check(&old, &new, &result).expect("a breaking change without a major bump");
            assert_eq!(&text[finding.span.start..finding.span.end], written);
        };
        assert_spanned("\"1.1.0\"");
        assert_spanned("'1.1.0'");
    }

    #[test]
    fn bump_missing_or_invalid_versions_are_left_to_validation() {
        assert_eq!(check_pair(("1.2.3", 80), ("not-semver", 81)), "none");
        assert_eq!(check_pair(("latest", 80), ("1.0.0", 81)), "none");
        let (_, old) = contract("1.0.0", 80);
        let new = from_tree(parse("pactoVersion: \"1.0\"\nservice: {name: svc}\n").root.as_ref()).contract;
        let result = compare(&old, &new, &NoFiles, &NoFiles);
        assert_eq!(result.classification, Classification::Breaking);
        assert_eq!(check(&old, &new, &result), None);
    }
}
