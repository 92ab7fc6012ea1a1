//! `pacto diff <old> <new>` (spec §3): contract, OpenAPI, schema and SBOM changes, the
//! dependency graph diff and the dependencies' own contract diffs, as text, JSON, Markdown
//! (§3.11) or SARIF, with the version-bump check; exit 1 on BREAKING.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use pacto_core::contract::Contract;
use pacto_core::contract::oci_ref::DependencyRef;
use pacto_core::diff::dependencies::local_override_name;
use pacto_core::diff::render::{alignment_lines, change_values, graph_tree, markdown};
use pacto_core::diff::{
    BumpFinding, Bundle, BundleFetcher, BundleReader, Change, ChangeType, ChangeValue, Classification, DiffNode,
    DiffResult, FileSpan, GraphChange, GraphDiff, Report, ResolvedGraph, SbomDiff, bump, compare_with_dependencies,
};
use pacto_core::syntax::{LineIndex, limits::MAX_CONTRACT_BYTES};
use pacto_core::validate::bundle::valid_path;
use serde_json::{Map, Value, json};

use crate::load;
use crate::render::json as render_json;

mod migrated;

/// The SARIF log version written by `--output-format sarif`.
const SARIF_VERSION: &str = "2.1.0";
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn run(old_arg: &str, new_arg: &str, output_format: &str) -> Result<(), String> {
    let compared = compare(old_arg, new_arg)?;
    let mut out = match output_format {
        "json" => render_json::to_string(&json_of(old_arg, new_arg, &compared)),
        "markdown" => markdown(&compared.report, compared.bump.as_ref()),
        // Not in the reference: a SARIF log for code-scanning UIs, diff only.
        "sarif" => render_json::to_string(&sarif(&compared.new, &compared.report.root, compared.bump.as_ref())),
        _ => text_report(&compared.report, compared.bump.as_ref()),
    };
    if let Some(migrated) =
        compared.report.root.alignment.as_ref().filter(|_| !matches!(output_format, "json" | "sarif" | "markdown"))
    {
        out.push_str(&migrated::text(migrated));
    }
    print!("{out}");
    // POTENTIAL_BREAKING exits 0 (§3.1 step 5).
    if compared.report.classification == Classification::Breaking {
        Err("breaking changes detected".to_owned())
    } else {
        Ok(())
    }
}

/// Both sides loaded and compared, as every output format starts.
struct Compared {
    new: Side,
    report: Report,
    bump: Option<BumpFinding>,
}

fn compare(old_arg: &str, new_arg: &str) -> Result<Compared, String> {
    // A local side's pacto.lock is verified before anything is compared (pacto-v2.md §4.4).
    crate::refs::verify_lock(old_arg).and_then(|()| crate::refs::verify_lock(new_arg)).map_err(|it| it.to_string())?;
    let old = Side::load(old_arg).map_err(|err| format!("old contract: {err}"))?;
    let new = Side::load(new_arg).map_err(|err| format!("new contract: {err}"))?;
    // §3.1 step 2: the old side with its normal fetcher, the new one with the local override
    // when it is a directory, so a monorepo's siblings stand in for their published versions.
    let mut old_fetcher = DirFetcher { base_dir: load::dependency_base_dir(old_arg)?, override_dir: None };
    let new_base = load::dependency_base_dir(new_arg)?;
    let override_dir = (!new_arg.starts_with("oci://")).then(|| new_base.parent().map(PathBuf::from)).flatten();
    let mut new_fetcher = DirFetcher { base_dir: new_base, override_dir };
    let old_graph = ResolvedGraph::resolve(&old.contract, &mut old_fetcher);
    let new_graph = ResolvedGraph::resolve(&new.contract, &mut new_fetcher);
    let report =
        compare_with_dependencies(&old.contract, &new.contract, &old.files, &new.files, &old_graph, &new_graph);
    // A 1.0/2.0 root pair the migration cannot align is an error, as a load failure is.
    if let Some(failure) = report.root.alignment.as_ref().and_then(migrated::failure) {
        return Err(failure);
    }
    crate::log::debug(
        "compared contracts",
        &[("changes", &report.root.changes.len()), ("dependency diffs", &report.dependencies.len())],
    );
    // The root's own changes decide its version; a dependency's are its own version's business.
    let bump = bump::check(&old.contract, &new.contract, &report.root);
    Ok(Compared { new, report, bump })
}

/// `pacto diff <old> <new> --output-format json`'s report, for `pacto mcp`.
pub fn json(old_arg: &str, new_arg: &str) -> Result<Value, String> {
    Ok(json_of(old_arg, new_arg, &compare(old_arg, new_arg)?))
}

fn json_of(old_arg: &str, new_arg: &str, compared: &Compared) -> Value {
    let mut value = json_report(old_arg, new_arg, &compared.report, compared.bump.as_ref(), &compared.new);
    if let (Some(migrated), Some(map)) = (&compared.report.root.alignment, value.as_object_mut()) {
        map.insert("migration".into(), migrated::json(migrated));
    }
    value
}

/// One side of the diff: its contract, read without validation (§3), and its files.
struct Side {
    contract: Contract,
    files: DirReader,
    /// The contract's text, for positions.
    text: String,
    /// The bundle directory as given, for SARIF locations.
    dir: String,
}

impl Side {
    fn load(arg: &str) -> Result<Side, String> {
        // The reference's strict parse fails the load; nothing else is checked (§3).
        let load::LoadedContract { loaded, contract, .. } = load::load_contract(arg)?;
        let dir = arg.strip_prefix("file://").unwrap_or(arg).to_owned();
        let text = loaded.text.clone();
        Ok(Side { contract, files: DirReader::new(loaded), text, dir })
    }

    /// `<dir>/<file>` as a SARIF URI, written as the user gave the directory.
    fn uri(&self, file: &str) -> String {
        match self.dir.trim_end_matches('/') {
            "." | "" => file.to_owned(),
            dir => format!("{dir}/{file}"),
        }
    }

    /// 1-based line and column of a byte offset in the contract.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let at = LineIndex::new(&self.text).line_col(&self.text, offset);
        (at.line, at.column)
    }
}

/// Dependencies as `pacto graph` fetches them, plus, on the new side of a local diff, the
/// sibling directory override of §3.9.
struct DirFetcher {
    base_dir: PathBuf,
    /// Where `<name>/pacto.yaml` may stand in for an `oci://…/<name>` dependency.
    override_dir: Option<PathBuf>,
}

impl BundleFetcher for DirFetcher {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Bundle, String> {
        if let (Some(dir), DependencyRef::Oci(location)) = (&self.override_dir, reference) {
            let sibling = dir.join(local_override_name(location));
            if let Ok(loaded) = load::load_contract(&sibling.display().to_string()) {
                return Ok(bundle(loaded));
            }
        }
        load::load_dependency_ref(reference, compatibility, &self.base_dir).map(bundle)
    }
}

fn bundle(loaded: load::LoadedContract) -> Bundle {
    Bundle { contract: loaded.contract, files: Box::new(DirReader::new(loaded.loaded)) }
}

/// A bundle directory read live, as the reference's `os.DirFS`: only valid `io/fs` paths,
/// regular files (links followed), UTF-8 text up to the contract size limit.
struct DirReader {
    root: PathBuf,
    /// Keeps a pulled bundle's directory on disk while it is read.
    _loaded: Option<load::Loaded>,
}

impl DirReader {
    fn new(loaded: load::Loaded) -> DirReader {
        DirReader { root: loaded.dir.clone(), _loaded: Some(loaded) }
    }
}

impl BundleReader for DirReader {
    fn read(&self, path: &str) -> Option<String> {
        if !valid_path(path) {
            return None;
        }
        let full = self.root.join(path);
        let meta = fs::metadata(&full).ok()?;
        // A FIFO would block and a huge file would be read whole: both are treated as missing.
        if !meta.is_file() || meta.len() > MAX_CONTRACT_BYTES as u64 {
            return None;
        }
        fs::read_to_string(full).ok()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        if !valid_path(dir) {
            return Vec::new();
        }
        let Ok(entries) = fs::read_dir(self.root.join(dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|it| fs::metadata(it.path()).is_ok_and(|meta| meta.is_file()))
            .filter_map(|it| it.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}

fn change_line(out: &mut String, indent: &str, it: &Change) {
    let _ = writeln!(
        out,
        "{indent}[{}] {} ({}): {}{}",
        it.classification,
        it.path,
        it.change_type,
        it.reason,
        change_values(it)
    );
}

fn sbom_lines(out: &mut String, indent: &str, sbom: &SbomDiff) {
    for it in &sbom.changes {
        let _ = match it.change_type {
            ChangeType::Added => writeln!(out, "{indent}+ {}@{}", it.package, it.new_value),
            ChangeType::Removed => writeln!(out, "{indent}- {}@{}", it.package, it.old_value),
            ChangeType::Modified => {
                writeln!(out, "{indent}~ {} {}: {} -> {}", it.package, it.field, it.old_value, it.new_value)
            }
        };
    }
}

fn text_report(report: &Report, bump: Option<&BumpFinding>) -> String {
    let mut out = format!("Classification: {}\n", report.classification);
    if let Some(finding) = bump {
        let _ = writeln!(out, "Version check: {finding}");
    }
    if report.is_empty() {
        out.push_str("No changes detected.\n");
        return out;
    }
    let root = &report.root;
    if !root.changes.is_empty() {
        let _ = writeln!(out, "Changes ({}):", root.changes.len());
        for it in &root.changes {
            change_line(&mut out, "  ", it);
        }
    }
    for dependency in &report.dependencies {
        let result = &dependency.result;
        let _ =
            writeln!(out, "\nDependency {} [{}] ({}):", dependency.name, result.classification, result.changes.len());
        for it in &result.changes {
            change_line(&mut out, "  ", it);
        }
        if let Some(sbom) = &result.sbom {
            let _ = writeln!(out, "  SBOM changes ({}):", sbom.changes.len());
            sbom_lines(&mut out, "    ", sbom);
        }
        if let Some(alignment) = &result.alignment {
            alignment_lines(&mut out, "  ", alignment);
        }
    }
    let tree = graph_tree(&report.graph);
    if !tree.is_empty() {
        let _ = write!(out, "\nDependency graph changes:\n{tree}");
    }
    if let Some(sbom) = &root.sbom {
        let _ = writeln!(out, "\nSBOM changes ({}):", sbom.changes.len());
        sbom_lines(&mut out, "  ", sbom);
    }
    out
}

fn json_value(value: &ChangeValue) -> Value {
    match value {
        ChangeValue::Str(it) => Value::String(it.clone()),
        ChangeValue::Int(it) => Value::from(*it),
        ChangeValue::Json(it) => serde_json::from_str(it).unwrap_or_else(|_| Value::String(it.clone())),
    }
}

fn json_change(change: &Change) -> Value {
    let mut out = Map::new();
    out.insert("path".into(), json!(change.path));
    out.insert("type".into(), json!(change.change_type.as_str()));
    if let Some(old) = &change.old_value {
        out.insert("oldValue".into(), json_value(old));
    }
    if let Some(new) = &change.new_value {
        out.insert("newValue".into(), json_value(new));
    }
    out.insert("classification".into(), json!(change.classification.as_str()));
    out.insert("reason".into(), json!(change.reason));
    Value::Object(out)
}

/// `null` without changes, as Go marshals a nil slice.
fn json_changes(changes: &[Change]) -> Value {
    if changes.is_empty() { Value::Null } else { Value::Array(changes.iter().map(json_change).collect()) }
}

fn json_sbom(sbom: &SbomDiff) -> Value {
    let mut out = Map::new();
    if let Some(format) = sbom.old_format {
        out.insert("oldFormat".into(), json!(format.as_str()));
    }
    if let Some(format) = sbom.new_format {
        out.insert("newFormat".into(), json!(format.as_str()));
    }
    let changes = sbom.changes.iter().map(|it| {
        let mut change = Map::new();
        change.insert("package".into(), json!(it.package));
        change.insert("type".into(), json!(it.change_type.as_str()));
        // Empty strings are omitted (Go `omitempty`, §3.7).
        for (key, value) in [("field", &it.field), ("oldValue", &it.old_value), ("newValue", &it.new_value)] {
            if !value.is_empty() {
                change.insert(key.into(), json!(value));
            }
        }
        Value::Object(change)
    });
    out.insert("changes".into(), Value::Array(changes.collect()));
    Value::Object(out)
}

/// Empty versions are omitted (Go `omitempty`, §3.8).
fn json_graph_change(change: &GraphChange) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(change.name));
    out.insert("changeType".into(), json!(change.change_type.as_str()));
    for (key, value) in [("oldVersion", &change.old_version), ("newVersion", &change.new_version)] {
        if !value.is_empty() {
            out.insert(key.into(), json!(value));
        }
    }
    Value::Object(out)
}

fn json_diff_node(node: &DiffNode) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(node.name));
    if !node.version.is_empty() {
        out.insert("version".into(), json!(node.version));
    }
    if let Some(change) = &node.change {
        out.insert("change".into(), json_graph_change(change));
    }
    if !node.children.is_empty() {
        out.insert("children".into(), node.children.iter().map(json_diff_node).collect());
    }
    Value::Object(out)
}

fn json_graph(diff: &GraphDiff) -> Value {
    let mut out = Map::new();
    out.insert("root".into(), json_diff_node(&diff.root));
    if !diff.changes.is_empty() {
        out.insert("changes".into(), diff.changes.iter().map(json_graph_change).collect());
    }
    Value::Object(out)
}

/// Ours, not the reference's: the version-bump check, with the position of `service.version`
/// in the new contract.
fn json_bump(finding: &BumpFinding, new: &Side) -> Value {
    let (line, column) = new.line_col(finding.span.start);
    json!({
        "code": finding.kind.as_str(),
        "severity": if finding.severity == pacto_core::Severity::Error { "error" } else { "warning" },
        "message": finding.to_string(),
        "oldVersion": finding.old_version,
        "newVersion": finding.new_version,
        "suggestedVersion": finding.suggested,
        "line": line,
        "column": column,
    })
}

fn json_report(old_arg: &str, new_arg: &str, report: &Report, bump: Option<&BumpFinding>, new: &Side) -> Value {
    let mut out = Map::new();
    out.insert("oldPath".into(), json!(old_arg));
    out.insert("newPath".into(), json!(new_arg));
    out.insert("classification".into(), json!(report.classification.as_str()));
    out.insert("changes".into(), json_changes(&report.root.changes));
    if !report.dependencies.is_empty() {
        let diffs = report.dependencies.iter().map(|it| {
            let mut item = Map::new();
            item.insert("name".into(), json!(it.name));
            item.insert("classification".into(), json!(it.result.classification.as_str()));
            item.insert("changes".into(), json_changes(&it.result.changes));
            if let Some(sbom) = &it.result.sbom {
                item.insert("sbomDiff".into(), json_sbom(sbom));
            }
            if let Some(alignment) = &it.result.alignment {
                item.insert("migration".into(), migrated::json(alignment));
            }
            Value::Object(item)
        });
        out.insert("dependencyDiffs".into(), diffs.collect());
    }
    out.insert("graphDiff".into(), json_graph(&report.graph));
    if let Some(sbom) = &report.root.sbom {
        out.insert("sbomDiff".into(), json_sbom(sbom));
    }
    if let Some(finding) = bump {
        out.insert("versionCheck".into(), json_bump(finding, new));
    }
    Value::Object(out)
}

/// A SARIF 2.1.0 log with one result per BREAKING or POTENTIAL_BREAKING change of the root,
/// located on the new side's node (a removal has no new node, so it names the new file without
/// a region), and one for the version check, with its fix.
fn sarif(new: &Side, result: &DiffResult, bump: Option<&BumpFinding>) -> Value {
    let mut rules: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    let mut indexes: Vec<(String, Option<(String, LineIndex)>)> = Vec::new();
    for change in &result.changes {
        let level = match change.classification {
            Classification::Breaking => "error",
            Classification::PotentialBreaking => "warning",
            Classification::NonBreaking => continue,
        };
        if !rules.contains(&change.rule) {
            rules.push(change.rule);
        }
        let location = match (&change.new_span, &change.old_span) {
            (Some(FileSpan { file, span }), _) => {
                let cached = match indexes.iter().position(|(name, _)| name == file) {
                    Some(idx) => idx,
                    None => {
                        let source = new.files.read(file).map(|it| {
                            let index = LineIndex::new(&it);
                            (it, index)
                        });
                        indexes.push((file.clone(), source));
                        indexes.len() - 1
                    }
                };
                let mut physical = json!({ "artifactLocation": { "uri": new.uri(file) } });
                if let Some((source, index)) = &indexes[cached].1 {
                    let start = index.line_col(source, span.start);
                    let end = index.line_col(source, span.end);
                    physical["region"] = json!({
                        "startLine": start.line,
                        "startColumn": start.column,
                        "endLine": end.line,
                        "endColumn": end.column,
                    });
                }
                physical
            }
            (None, Some(FileSpan { file, .. })) => json!({ "artifactLocation": { "uri": new.uri(file) } }),
            (None, None) => json!({ "artifactLocation": { "uri": new.uri(pacto_core::diff::CONTRACT_FILE) } }),
        };
        results.push(json!({
            "ruleId": change.rule,
            "level": level,
            "message": { "text": format!("{}{}", change.reason, change_values(change)) },
            "locations": [{ "physicalLocation": location }],
            "properties": {
                "path": change.path,
                "changeType": change.change_type.as_str(),
                "classification": change.classification.as_str(),
            },
        }));
    }
    if let Some(finding) = bump {
        rules.push(finding.kind.as_str());
        let ((start_line, start_column), (end_line, end_column)) =
            (new.line_col(finding.span.start), new.line_col(finding.span.end));
        let region = json!({
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        });
        let artifact = json!({ "uri": new.uri(pacto_core::diff::CONTRACT_FILE) });
        results.push(json!({
            "ruleId": finding.kind.as_str(),
            "level": if finding.severity == pacto_core::Severity::Error { "error" } else { "warning" },
            "message": { "text": finding.to_string() },
            "locations": [{ "physicalLocation": { "artifactLocation": artifact, "region": region } }],
            "fixes": [{
                "description": { "text": format!("bump to {}", finding.suggested) },
                "artifactChanges": [{
                    "artifactLocation": artifact,
                    "replacements": [{ "deletedRegion": region, "insertedContent": { "text": finding.suggested } }],
                }],
            }],
        }));
    }
    let rules: Vec<Value> = rules.iter().map(|it| json!({ "id": it })).collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": { "driver": {
                "name": "pacto",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/TrianaLab/pacto",
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

#[cfg(test)]
mod tests {
    use pacto_core::diff::BundleReader;

    use super::DirReader;

    #[test]
    fn dir_reader_reads_only_valid_paths_to_regular_files() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().join("bundle");
        std::fs::create_dir_all(root.join("sbom/nested")).expect("directories are created");
        std::fs::write(root.join("sbom/b.spdx.json"), "{}").expect("a file is written");
        std::fs::write(root.join("sbom/a.cdx.json"), "{}").expect("a file is written");
        std::fs::write(dir.path().join("outside.json"), "{}").expect("a file is written");
        let reader = DirReader { root, _loaded: None };
        assert_eq!(reader.read("sbom/a.cdx.json").as_deref(), Some("{}"));
        assert_eq!(reader.read("../outside.json"), None);
        assert_eq!(reader.read("./sbom/a.cdx.json"), None);
        assert_eq!(reader.read("sbom"), None);
        assert_eq!(reader.list("sbom"), ["a.cdx.json", "b.spdx.json"]);
        assert_eq!(reader.list("missing"), Vec::<String>::new());
        assert_eq!(reader.list(".."), Vec::<String>::new());
    }
}
