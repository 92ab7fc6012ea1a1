//! Migration of a 1.0 contract to 2.0 (pacto-v2.md §7): the 2.0 text, the placeholder files 2.0
//! needs where 1.0 had none, and a report of everything dropped, invented or left for review,
//! each with its 1.0 path and position. Pure: the bundle is read through [`BundleFiles`], nothing
//! is written.
//!
//! The original text is edited in place (span edits on the parsed tree), so comments, key order
//! and formatting survive wherever the mapping allows; the edited text is re-parsed and compared
//! with the intended 2.0 document, and only when they differ (flow collections, merge keys, an
//! unusual layout) is the contract written anew, which the report says.

mod edit;
mod emit;
mod files;
mod map;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::{self, FieldPath, LineIndex, Node, Parse, Span};
use crate::validate::{self, BundleFiles, Mode};

/// The result of migrating one contract.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The 2.0 `pacto.yaml`.
    pub text: String,
    /// Files to create beside it (bundle-relative paths), placeholders flagged in the report.
    pub files: Vec<NewFile>,
    pub report: Report,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub path: String,
    pub content: String,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    /// In the order of their 1.0 positions.
    pub notes: Vec<Note>,
    /// Whether comments and formatting were kept (false: the contract was written anew).
    pub kept_formatting: bool,
    /// The 2.0 validation of the result (with the placeholders in the bundle): empty of errors
    /// for every valid 1.0 contract the mapping can express.
    pub findings: Vec<Diagnostic>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|it| it.severity == Severity::Error)
    }
}

/// One line of the report, about one place of the 1.0 contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    /// The 1.0 path (`interfaces[0].port`).
    pub path: FieldPath,
    /// Where in the 1.0 text.
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoteKind {
    /// A 1.0 field with no 2.0 home, left out (§7.2).
    Dropped,
    /// A value 2.0 requires that 1.0 did not have (a name, a `required` flag).
    Invented,
    /// A judgement call: the mapping chose, a person should confirm (§7.3).
    Review,
    /// A placeholder file was planned and referenced (§7.3 item 5).
    Placeholder,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Dropped => "dropped",
            NoteKind::Invented => "invented",
            NoteKind::Review => "review",
            NoteKind::Placeholder => "placeholder",
        }
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text cannot be migrated.
#[derive(Clone, Debug)]
pub enum MigrateError {
    /// The contract already says `pactoVersion: "2.0"`; `span` is the version's value.
    AlreadyV2 { span: Span },
    /// Not a valid 1.0 contract: its 1.0 findings (errors first), as `pacto validate` reports them.
    Invalid { findings: Vec<Diagnostic>, line_index: LineIndex },
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrateError::AlreadyV2 { .. } => {
                f.write_str("the contract is already pactoVersion \"2.0\": nothing to migrate")
            }
            MigrateError::Invalid { findings, .. } => {
                let n_errors = findings.iter().filter(|it| it.severity == Severity::Error).count();
                write!(f, "the contract is not a valid 1.0 contract ({n_errors} error(s)): fix it first, then migrate")
            }
        }
    }
}

impl std::error::Error for MigrateError {}

/// Migrates a 1.0 contract. `bundle` is the bundle the contract sits in: interface files are read
/// to tell OpenAPI documents from others and placeholder paths avoid existing files; without it
/// files are trusted as written.
pub fn migrate(text: &str, bundle: Option<&dyn BundleFiles>) -> Result<Migration, MigrateError> {
    let mut migration = migrate_unchecked(text, bundle)?;
    check_result(&mut migration, bundle);
    Ok(migration)
}

/// [`migrate`] of a contract the caller has already validated as a valid 1.0 contract, `root`
/// being its parsed tree: the editor's analysis has, so each edit does not validate it twice.
pub fn migrate_validated(text: &str, root: &Node, bundle: Option<&dyn BundleFiles>) -> Migration {
    let mut migration = map_valid(text, root, bundle);
    check_result(&mut migration, bundle);
    migration
}

/// The 2.0 validation of the result, with the planned placeholders in the bundle.
fn check_result(migration: &mut Migration, bundle: Option<&dyn BundleFiles>) {
    let overlay = files::Overlay { base: bundle, files: &migration.files };
    let check = validate::validate(
        &migration.text,
        Some(&overlay).filter(|_| bundle.is_some()).map(|it| it as _),
        Mode::Reference,
    );
    migration.report.findings = check.diagnostics;
    migration.report.findings.sort_by_key(|it| it.severity);
}

/// [`migrate`] without the 2.0 validation of the result (`report.findings` stays empty): what a
/// cross-version diff needs, on every call and every edit, where the second validation would
/// double the cost for findings nobody reads.
pub fn migrate_unchecked(text: &str, bundle: Option<&dyn BundleFiles>) -> Result<Migration, MigrateError> {
    let validation = validate::validate(text, bundle, Mode::Reference);
    if validation.format == validate::Format::V2 {
        let root = validation.parse.root.as_ref();
        let span = root.and_then(|it| it.get("pactoVersion")).map_or(Span::empty(0), |it| it.span);
        return Err(MigrateError::AlreadyV2 { span });
    }
    if !validation.is_valid() {
        let mut findings = validation.diagnostics;
        findings.sort_by_key(|it| it.severity);
        return Err(MigrateError::Invalid { findings, line_index: validation.line_index });
    }
    let Some(root) = validation.parse.root.as_ref() else {
        // A valid 1.0 contract always has a root; refuse rather than panic if that ever changes.
        return Err(MigrateError::Invalid { findings: Vec::new(), line_index: validation.line_index });
    };
    Ok(map_valid(text, root, bundle))
}

fn map_valid(text: &str, root: &Node, bundle: Option<&dyn BundleFiles>) -> Migration {
    let mapped = map::map(text, root, bundle);
    let mut report = Report { notes: mapped.notes, kept_formatting: mapped.kept_formatting, findings: Vec::new() };
    report.notes.sort_by_key(|it| (it.span.start, it.kind));
    Migration { text: mapped.text, files: mapped.files, report }
}

impl Migration {
    /// The migrated contract parsed and decoded as 2.0 (spans point into [`Migration::text`]).
    pub fn model(&self) -> (Parse, crate::v2::Decoded) {
        let parse = syntax::parse(&self.text);
        let decoded = crate::v2::from_tree(parse.root.as_ref());
        (parse, decoded)
    }
}
