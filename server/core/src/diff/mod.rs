//! Contract diff (spec §3): the change record, the overall classification and the order of
//! changes. Pure: bundle files come in through [`BundleReader`], so nothing here touches a disk.

pub mod bump;
pub mod classify;
pub mod contract;
pub mod dependencies;
pub mod graph;
pub mod mixed;
pub mod openapi;
pub mod render;
pub mod sbom;
pub mod schema;
pub mod v2;

use std::fmt;

use crate::contract::Contract;
use crate::syntax::Span;
use crate::v2::document::Document;

pub use bump::{BumpFinding, BumpKind};
pub use classify::classify;
pub use dependencies::{Bundle, BundleFetcher, DependencyDiff, ResolvedGraph, diff_dependencies};
pub use graph::{DiffNode, GraphChange, GraphChangeType, GraphDiff, diff_graphs};
pub use mixed::{Alignment, Dropped, PairSide};
pub use sbom::{SbomChange, SbomDiff, SbomFormat};

/// The file name every contract span refers to.
pub const CONTRACT_FILE: &str = "pacto.yaml";

/// The files of one bundle, as far as diff reads them (OpenAPI specs, the configuration
/// schema, SBOMs). Paths are bundle-relative and slash-separated.
pub trait BundleReader {
    /// The text of a regular file, or `None` when it is missing, unreadable or not UTF-8.
    fn read(&self, path: &str) -> Option<String>;
    /// The names (not paths) of the regular files directly inside `dir`, sorted; empty when
    /// the directory does not exist.
    fn list(&self, dir: &str) -> Vec<String>;
}

/// A bundle with no files: diffs of sections that need files yield nothing.
pub struct NoFiles;

impl BundleReader for NoFiles {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }

    fn list(&self, _dir: &str) -> Vec<String> {
        Vec::new()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeType {
    Added,
    Modified,
    Removed,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "added",
            ChangeType::Modified => "modified",
            ChangeType::Removed => "removed",
        }
    }

    /// How a field changed from whether it is there on each side; called only when it changed.
    pub(crate) fn of_presence(old_present: bool, new_present: bool) -> ChangeType {
        match (old_present, new_present) {
            (false, _) => ChangeType::Added,
            (_, false) => ChangeType::Removed,
            _ => ChangeType::Modified,
        }
    }
}

/// Compares a section either side may leave out, an absent side read as an all-empty one;
/// nothing when neither side has it.
pub(crate) fn compare_either<T: Default>(old: Option<&T>, new: Option<&T>, compare: impl FnOnce(&T, &T)) {
    if old.is_none() && new.is_none() {
        return;
    }
    let empty = T::default();
    compare(old.unwrap_or(&empty), new.unwrap_or(&empty));
}

impl fmt::Display for ChangeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of a change; the derived order is the spec's (§3.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Classification {
    #[default]
    NonBreaking,
    PotentialBreaking,
    Breaking,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::NonBreaking => "NON_BREAKING",
            Classification::PotentialBreaking => "POTENTIAL_BREAKING",
            Classification::Breaking => "BREAKING",
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An old or new value of a change: a string or an integer, printed as Go's `%v` prints them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeValue {
    Str(String),
    Int(i64),
    /// A JSON value found by the 2.0 JSON walk (pacto-v2.md §5.5), as compact JSON text.
    Json(String),
}

impl fmt::Display for ChangeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeValue::Str(it) => f.write_str(it),
            ChangeValue::Int(it) => write!(f, "{it}"),
            // Deviation: Go's `%v` prints a map as `map[k:v]`; compact JSON reads better and is the
            // JSON output's own form.
            ChangeValue::Json(it) => match serde_json::from_str::<serde_json::Value>(it) {
                Ok(serde_json::Value::String(text)) => f.write_str(&text),
                _ => f.write_str(it),
            },
        }
    }
}

impl From<&str> for ChangeValue {
    fn from(value: &str) -> ChangeValue {
        ChangeValue::Str(value.to_owned())
    }
}

impl From<String> for ChangeValue {
    fn from(value: String) -> ChangeValue {
        ChangeValue::Str(value)
    }
}

impl From<i64> for ChangeValue {
    fn from(value: i64) -> ChangeValue {
        ChangeValue::Int(value)
    }
}

/// Where a changed node was written: a bundle-relative file ([`CONTRACT_FILE`] for the
/// contract) and the byte span of the node in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpan {
    pub file: String,
    pub span: Span,
}

impl FileSpan {
    pub fn contract(span: Span) -> FileSpan {
        FileSpan { file: CONTRACT_FILE.to_owned(), span }
    }
}

/// One change (spec §3.2). `path` is the reported path; the rule path that classified it may
/// differ (`openapi.methods` for `openapi.paths[/users].methods[GET]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The rule-table key that classified the change (§3.3).
    pub rule: &'static str,
    pub path: String,
    pub change_type: ChangeType,
    pub old_value: Option<ChangeValue>,
    pub new_value: Option<ChangeValue>,
    pub classification: Classification,
    pub reason: String,
    /// The old node, when the old side has one.
    pub old_span: Option<FileSpan>,
    /// The new node, when the new side has one.
    pub new_span: Option<FileSpan>,
}

/// The result of comparing two bundles' contracts (spec §3.1 step 1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffResult {
    pub classification: Classification,
    /// Sorted by [`sort_changes`].
    pub changes: Vec<Change>,
    /// Informational only (§3.7); `None` when there is no SBOM change.
    pub sbom: Option<SbomDiff>,
    /// A 1.0/2.0 pair: which side was migrated to compare them, and what its migration left out
    /// (informational, never a change). `None` when both sides share a format.
    pub alignment: Option<Alignment>,
}

/// Compares two contracts and their bundles: contract sections, OpenAPI specs, the
/// configuration schema and SBOMs (§3.4–§3.7). Dependency graphs are not resolved here.
///
/// A 1.0 contract against a 2.0 one is compared as 2.0, its 1.0 side migrated in memory
/// ([`mixed`], pacto-v2.md §8.2); its text is read from its bundle as `pacto.yaml`, so a caller
/// whose contract is not that file (an editor buffer) serves the text it decoded through its reader.
pub fn compare(
    old: &Contract,
    new: &Contract,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
) -> DiffResult {
    let mut alignment = None;
    let mut changes = match mixed::align(old, new, old_files, new_files) {
        None => match (&old.v2, &new.v2) {
            (Some(old), Some(new)) => v2::diff_documents(old, new, old_files, new_files),
            _ => contract::diff_contracts(old, new, old_files, new_files),
        },
        Some((aligned, migrated)) => {
            let side = aligned.side;
            alignment = Some(aligned);
            match (migrated, side) {
                (None, _) => Vec::new(),
                (Some(it), PairSide::Old) => {
                    let files = mixed::WithPlaceholders { base: old_files, files: &it.files };
                    documents(&it.contract, new)
                        .map_or_else(Vec::new, |(old, new)| v2::diff_documents(old, new, &files, new_files))
                }
                (Some(it), PairSide::New) => {
                    let files = mixed::WithPlaceholders { base: new_files, files: &it.files };
                    documents(old, &it.contract)
                        .map_or_else(Vec::new, |(old, new)| v2::diff_documents(old, new, old_files, &files))
                }
            }
        }
    };
    sort_changes(&mut changes);
    DiffResult { classification: overall(&changes), changes, sbom: sbom::diff_bundles(old_files, new_files), alignment }
}

/// Both 2.0 documents of a pair, when both are 2.0.
fn documents<'a>(old: &'a Contract, new: &'a Contract) -> Option<(&'a Document, &'a Document)> {
    Some((old.v2.as_deref()?, new.v2.as_deref()?))
}

/// Everything `pacto diff` reports (§3.1): the root bundles' diff, the diffs of dependencies
/// present on both sides, the graph diff, and the overall classification (§3.10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The root's classification raised by the dependency diffs'; graph and SBOM changes never count.
    pub classification: Classification,
    pub root: DiffResult,
    /// Sorted by service name.
    pub dependencies: Vec<DependencyDiff>,
    pub graph: GraphDiff,
}

impl Report {
    /// Whether anything at all differs, SBOMs and the graph included (the text's "No changes
    /// detected." otherwise, §3.11).
    pub fn is_empty(&self) -> bool {
        self.root.changes.is_empty()
            && self.root.sbom.is_none()
            && self.dependencies.is_empty()
            && self.graph.changes.is_empty()
    }
}

/// [`compare`] for the roots, then the dependency graphs (§3.8) and the contracts of the
/// dependencies both graphs hold (§3.9).
pub fn compare_with_dependencies(
    old: &Contract,
    new: &Contract,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
    old_graph: &ResolvedGraph,
    new_graph: &ResolvedGraph,
) -> Report {
    let root = compare(old, new, old_files, new_files);
    let dependencies = diff_dependencies(old_graph, new_graph);
    let classification =
        dependencies.iter().map(|it| it.result.classification).fold(root.classification, Classification::max);
    Report { classification, root, dependencies, graph: diff_graphs(&old_graph.graph, &new_graph.graph) }
}

/// The max over the changes' classifications; `NON_BREAKING` without changes (§3.10).
pub fn overall(changes: &[Change]) -> Classification {
    changes.iter().map(|it| it.classification).max().unwrap_or_default()
}

/// Deviation: the reference's order within groups is Go map order (quirk 19, §3.12); we sort
/// by path, then change type, then values, so the same inputs always print the same way.
pub fn sort_changes(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (&a.path, a.change_type, &a.old_value, &a.new_value).cmp(&(&b.path, b.change_type, &b.old_value, &b.new_value))
    });
}

/// A change classified by its rule path; `reason` defaults to `<path> <type>` (§3.2).
pub(crate) struct ChangeBuilder {
    pub rule: &'static str,
    pub path: String,
    pub change_type: ChangeType,
}

impl ChangeBuilder {
    pub fn new(rule: &'static str, change_type: ChangeType) -> ChangeBuilder {
        ChangeBuilder { rule, path: rule.to_owned(), change_type }
    }

    pub fn at(rule: &'static str, path: String, change_type: ChangeType) -> ChangeBuilder {
        ChangeBuilder { rule, path, change_type }
    }

    pub fn build(
        self,
        old_value: Option<ChangeValue>,
        new_value: Option<ChangeValue>,
        reason: Option<String>,
        old_span: Option<FileSpan>,
        new_span: Option<FileSpan>,
    ) -> Change {
        let reason = reason.unwrap_or_else(|| format!("{} {}", self.path, self.change_type));
        Change {
            classification: classify(self.rule, self.change_type),
            rule: self.rule,
            path: self.path,
            change_type: self.change_type,
            old_value,
            new_value,
            reason,
            old_span,
            new_span,
        }
    }
}

#[cfg(test)]
mod tests;
