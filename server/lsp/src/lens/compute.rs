//! The pure part of the lenses: a baseline side (published or git HEAD) compared with the buffer, the
//! lens title, and the diagnostics on changed nodes. No IO, no locks: this is what runs on every edit,
//! and what `benches/lens.rs` measures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pacto_core::contract::{Contract, from_tree};
use pacto_core::diff::render::change_values;
use pacto_core::diff::{
    BumpFinding, BundleReader, CONTRACT_FILE, Change, Classification, DiffResult, FileSpan, bump, compare as diff,
};
use pacto_core::syntax::{Node, Span, parse};
use ropey::Rope;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::proto;
pub use crate::proto::Encoding;

/// The diagnostics' `source`: apart from the contract's own findings (`pacto`), so a user can filter them.
pub const SOURCE: &str = "pacto-diff";

/// What the buffer is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Against {
    /// The highest semver tag of the contract's publish repository.
    Published,
    /// The file as committed at git HEAD.
    Head,
}

impl Against {
    pub fn as_str(self) -> &'static str {
        match self {
            Against::Published => "published",
            Against::Head => "head",
        }
    }

    pub fn parse(text: &str) -> Option<Against> {
        match text {
            "published" => Some(Against::Published),
            "head" => Some(Against::Head),
            _ => None,
        }
    }
}

/// A baseline: the other side of the diff, parsed once when it arrives and shared by every edit after.
pub struct Side {
    /// How lenses and titles name it: the tag (`2.0.0`) or `git HEAD`.
    pub label: String,
    pub text: String,
    pub rope: Rope,
    pub contract: Contract,
    pub files: Box<dyn BundleReader + Send + Sync>,
    /// Where the bundle lies extracted on disk (read-only), for `relatedInformation`.
    pub dir: Option<PathBuf>,
}

impl Side {
    pub fn new(label: String, text: String, files: Box<dyn BundleReader + Send + Sync>, dir: Option<PathBuf>) -> Side {
        let contract = from_tree(parse(&text).root.as_ref()).contract;
        Side { label, rope: Rope::from_str(&text), text, contract, files, dir }
    }
}

/// Bundle files held in memory, by bundle-relative path.
#[derive(Default)]
pub struct MemFiles(pub BTreeMap<String, String>);

impl BundleReader for MemFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{dir}/");
        self.0
            .keys()
            .filter_map(|it| it.strip_prefix(&prefix))
            .filter(|it| !it.contains('/'))
            .map(str::to_owned)
            .collect()
    }
}

/// The buffer against a baseline, and (against the published version only) the version-bump check.
pub struct Comparison {
    pub result: DiffResult,
    pub bump: Option<BumpFinding>,
}

/// The buffer as the lens sees it: its tree, its decoded contract and its text.
pub struct Buffer<'a> {
    pub root: Option<&'a Node>,
    pub contract: &'a Contract,
    pub rope: &'a Rope,
}

pub fn compare(base: &Side, contract: &Contract, files: &dyn BundleReader, against: Against) -> Comparison {
    let result = diff(&base.contract, contract, base.files.as_ref(), files);
    // The version is about what gets published next; git HEAD is just the last commit.
    let bump = match against {
        Against::Published => bump::check(&base.contract, contract, &result),
        Against::Head => None,
    };
    Comparison { result, bump }
}

/// `vs 2.0.0: 1 breaking · 2 potential · 3 safe`, or `vs 2.0.0: no changes`.
pub fn lens_title(label: &str, result: &DiffResult) -> String {
    if result.changes.is_empty() {
        return format!("vs {label}: no changes");
    }
    let count = |class| result.changes.iter().filter(|it| it.classification == class).count();
    format!(
        "vs {label}: {} breaking · {} potential · {} safe",
        count(Classification::Breaking),
        count(Classification::PotentialBreaking),
        count(Classification::NonBreaking)
    )
}

/// The title of the diff document: `pacto.yaml vs 2.0.0`.
pub fn document_title(path: Option<&Path>, label: &str) -> String {
    let name =
        path.and_then(Path::file_name).map_or_else(|| CONTRACT_FILE.to_owned(), |it| it.to_string_lossy().into_owned());
    format!("{name} vs {label}")
}

/// The span the lenses sit on: the `service` key, else the start of line 1.
pub fn lens_span(root: Option<&Node>) -> Span {
    root.and_then(|it| it.entry("service")).map_or(Span::new(0, 0), |it| it.key.span)
}

/// A diagnostic per BREAKING (information) or POTENTIAL_BREAKING (hint) change, on its node in the
/// buffer, with the old value in the message and, when the baseline is on disk, a pointer to its node.
pub fn change_diagnostics(
    base: &Side,
    comparison: &Comparison,
    buffer: &Buffer<'_>,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for change in &comparison.result.changes {
        let (severity, what) = match change.classification {
            Classification::Breaking => (DiagnosticSeverity::INFORMATION, "breaking"),
            Classification::PotentialBreaking => (DiagnosticSeverity::HINT, "potentially breaking"),
            Classification::NonBreaking => continue,
        };
        let span = anchor(change, buffer);
        out.push(Diagnostic {
            range: proto::range(buffer.rope, encoding, span),
            severity: Some(severity),
            code: Some(NumberOrString::String(change.rule.to_owned())),
            source: Some(SOURCE.to_owned()),
            message: format!("{what} vs {}: {}{}", base.label, change.reason, change_values(change)),
            related_information: related(base, change, encoding).map(|it| vec![it]),
            ..Default::default()
        });
    }
    out
}

/// The version-bump finding as a warning on `service.version`.
pub fn bump_diagnostic(finding: &BumpFinding, rope: &Rope, encoding: Encoding) -> Diagnostic {
    Diagnostic {
        range: proto::range(rope, encoding, finding.span),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String(finding.kind.as_str().to_owned())),
        source: Some(SOURCE.to_owned()),
        message: finding.to_string(),
        ..Default::default()
    }
}

/// Where a change is shown in the buffer: its new node; for a change inside another bundle file, the
/// field that names that file; for a removal, the section's key; else the lens line.
fn anchor(change: &Change, buffer: &Buffer<'_>) -> Span {
    if let Some(FileSpan { file, span }) = &change.new_span {
        if file == CONTRACT_FILE {
            return *span;
        }
    }
    let other_file = change.new_span.as_ref().or(change.old_span.as_ref()).map(|it| it.file.as_str());
    if let Some(file) = other_file.filter(|it| *it != CONTRACT_FILE) {
        if let Some(span) = naming_field(buffer.contract, file) {
            return span;
        }
    }
    let section = change.path.split(['.', '[']).next().unwrap_or_default();
    let section = if section == "openapi" {
        "interfaces"
    } else if section == "schema" {
        "configuration"
    } else {
        section
    };
    match buffer.root.and_then(|it| it.entry(section)) {
        Some(entry) => entry.key.span,
        None => lens_span(buffer.root),
    }
}

/// The span of the `contract` or `schema` value that names a bundle file.
fn naming_field(contract: &Contract, file: &str) -> Option<Span> {
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    let named = interfaces.iter().filter_map(|it| it.contract.as_ref()).find(|it| it.value == file);
    let schema = contract.configuration.as_ref().and_then(|it| it.schema.as_ref()).filter(|it| it.value == file);
    named.or(schema).map(|it| it.span)
}

/// The old node in the extracted baseline, when there is one on disk.
fn related(base: &Side, change: &Change, encoding: Encoding) -> Option<DiagnosticRelatedInformation> {
    let FileSpan { file, span } = change.old_span.as_ref()?;
    let dir = base.dir.as_ref()?;
    let uri = Uri::from_file_path(dir.join(file))?;
    let range = if file == CONTRACT_FILE {
        proto::range(&base.rope, encoding, *span)
    } else {
        proto::range(&Rope::from_str(&base.files.read(file)?), encoding, *span)
    };
    let old = change.old_value.as_ref().map(|it| format!(": {it}")).unwrap_or_default();
    Some(DiagnosticRelatedInformation { location: Location { uri, range }, message: format!("in {}{old}", base.label) })
}

#[cfg(test)]
mod tests {
    use pacto_core::diff::NoFiles;

    use super::*;

    const PUBLISHED: &str = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 80}\n  - {name: admin, type: http, port: 81}\n";

    /// The lens title and the diagnostics of `buffer` against [`PUBLISHED`], one per line.
    fn check(buffer: &str) -> String {
        let side = Side::new("1.0.0".to_owned(), PUBLISHED.to_owned(), Box::new(NoFiles), None);
        let tree = parse(buffer);
        let contract = from_tree(tree.root.as_ref()).contract;
        let rope = Rope::from_str(buffer);
        let comparison = compare(&side, &contract, &NoFiles, Against::Published);
        let mut out = lens_title(&side.label, &comparison.result);
        let view = Buffer { root: tree.root.as_ref(), contract: &contract, rope: &rope };
        let mut diagnostics = change_diagnostics(&side, &comparison, &view, Encoding::Utf8);
        diagnostics.extend(comparison.bump.as_ref().map(|it| bump_diagnostic(it, &rope, Encoding::Utf8)));
        for it in diagnostics {
            let NumberOrString::String(code) = it.code.unwrap() else { unreachable!() };
            let (start, end) = (it.range.start, it.range.end);
            out.push_str(&format!(
                "\n{}:{}-{}:{} {:?} {code}: {}",
                start.line,
                start.character,
                end.line,
                end.character,
                it.severity.unwrap(),
                it.message
            ));
        }
        out
    }

    #[test]
    fn lens_title_counts_each_class_or_says_no_changes() {
        assert_eq!(check(PUBLISHED), "vs 1.0.0: no changes");
        let safe = PUBLISHED.replace("version: 1.0.0", "version: 1.0.1");
        assert_eq!(check(&safe), "vs 1.0.0: 0 breaking · 0 potential · 1 safe");
    }

    #[test]
    fn lens_diagnostics_sit_on_the_new_node_or_the_section_key() {
        // A port changed (on its value), an interface removed (on `interfaces`), the version not bumped.
        let buffer = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 8080}\n";
        expect_test::expect![[r#"
            vs 1.0.0: 2 breaking · 0 potential · 0 safe
            2:0-2:10 Information interfaces: breaking vs 1.0.0: interfaces removed [- admin]
            3:34-3:38 Information interfaces.port: breaking vs 1.0.0: interfaces.port modified [80 -> 8080]
            1:30-1:35 Warning MISSING_BREAKING_BUMP: breaking changes need a major version bump from 1.0.0, service.version is 1.0.0; bump to 2.0.0"#]]
        .assert_eq(&check(buffer));
    }

    #[test]
    fn lens_sits_on_the_service_key_or_line_one() {
        let tree = parse("# c\nservice:\n  name: x\n");
        assert_eq!(lens_span(tree.root.as_ref()), Span::new(4, 11));
        assert_eq!(lens_span(parse("a: 1\n").root.as_ref()), Span::new(0, 0));
    }
}
