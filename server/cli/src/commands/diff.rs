//! `pacto diff <old> <new>` for bundle directories (spec §3): contract, OpenAPI, schema and
//! SBOM changes as text, JSON, Markdown (§3.11) or SARIF; exit 1 on BREAKING.
//!
//! Dependency graphs (§3.8) and dependency contract diffs (§3.9) need the registry and are not
//! computed yet: `graphDiff` holds the new root only.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use pacto_core::contract::{Contract, text};
use pacto_core::diff::{
    BundleReader, Change, ChangeType, ChangeValue, Classification, DiffResult, FileSpan, SbomDiff, compare,
};
use pacto_core::syntax::{LineIndex, limits::MAX_CONTRACT_BYTES};
use pacto_core::validate::bundle::valid_path;
use serde_json::{Map, Value, json};

use crate::load;
use crate::render::json as render_json;

/// The SARIF log version written by `--output-format sarif`.
const SARIF_VERSION: &str = "2.1.0";
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn run(old_arg: &str, new_arg: &str, output_format: &str) -> Result<(), String> {
    let old = Side::load(old_arg).map_err(|err| format!("old contract: {err}"))?;
    let new = Side::load(new_arg).map_err(|err| format!("new contract: {err}"))?;
    let result = compare(&old.contract, &new.contract, &old.files, &new.files);
    crate::log::debug("compared contracts", &[("changes", &result.changes.len())]);
    let out = match output_format {
        "json" => render_json::to_string(&json_report(old_arg, new_arg, &new.contract, &result)),
        "markdown" => markdown(&result),
        // Not in the reference: a SARIF log for code-scanning UIs, diff only.
        "sarif" => render_json::to_string(&sarif(&new, &result)),
        _ => text_report(&result),
    };
    print!("{out}");
    // POTENTIAL_BREAKING exits 0 (§3.1 step 5).
    if result.classification == Classification::Breaking { Err("breaking changes detected".to_owned()) } else { Ok(()) }
}

/// One side of the diff: its contract, read without validation (§3), and its files.
struct Side {
    contract: Contract,
    files: DirReader,
    /// The bundle directory as given, for SARIF locations.
    dir: String,
    /// Keeps a pulled bundle on disk while it is read.
    _loaded: load::Loaded,
}

impl Side {
    fn load(arg: &str) -> Result<Side, String> {
        // The reference's strict parse fails the load; nothing else is checked (§3).
        let load::LoadedContract { loaded, contract, .. } = load::load_contract(arg)?;
        let dir = arg.strip_prefix("file://").unwrap_or(arg).to_owned();
        Ok(Side { contract, files: DirReader { root: loaded.dir.clone() }, dir, _loaded: loaded })
    }

    /// `<dir>/<file>` as a SARIF URI, written as the user gave the directory.
    fn uri(&self, file: &str) -> String {
        match self.dir.trim_end_matches('/') {
            "." | "" => file.to_owned(),
            dir => format!("{dir}/{file}"),
        }
    }
}

/// A bundle directory read live, as the reference's `os.DirFS`: only valid `io/fs` paths,
/// regular files (links followed), UTF-8 text up to the contract size limit.
struct DirReader {
    root: PathBuf,
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

/// ` [<old> -> <new>]`, ` [+ <new>]`, ` [- <old>]` or nothing (§3.11).
fn change_values(change: &Change) -> String {
    match (change.change_type, &change.old_value, &change.new_value) {
        (ChangeType::Modified, Some(old), Some(new)) => format!(" [{old} -> {new}]"),
        (ChangeType::Added, _, Some(new)) => format!(" [+ {new}]"),
        (ChangeType::Removed, Some(old), _) => format!(" [- {old}]"),
        _ => String::new(),
    }
}

fn text_report(result: &DiffResult) -> String {
    let mut out = format!("Classification: {}\n", result.classification);
    if result.changes.is_empty() && result.sbom.is_none() {
        out.push_str("No changes detected.\n");
        return out;
    }
    if !result.changes.is_empty() {
        let _ = writeln!(out, "Changes ({}):", result.changes.len());
        for it in &result.changes {
            let _ = writeln!(
                out,
                "  [{}] {} ({}): {}{}",
                it.classification,
                it.path,
                it.change_type,
                it.reason,
                change_values(it)
            );
        }
    }
    if let Some(sbom) = &result.sbom {
        let _ = writeln!(out, "\nSBOM changes ({}):", sbom.changes.len());
        for it in &sbom.changes {
            let _ = match it.change_type {
                ChangeType::Added => writeln!(out, "  + {}@{}", it.package, it.new_value),
                ChangeType::Removed => writeln!(out, "  - {}@{}", it.package, it.old_value),
                ChangeType::Modified => {
                    writeln!(out, "  ~ {} {}: {} -> {}", it.package, it.field, it.old_value, it.new_value)
                }
            };
        }
    }
    out
}

fn markdown(result: &DiffResult) -> String {
    let mut out = format!("## Contract Diff\n\n**Classification:** `{}`\n\n", result.classification);
    if result.changes.is_empty() && result.sbom.is_none() {
        out.push_str("No changes detected.\n");
        return out;
    }
    // An absent value is an empty cell; a present one, even "", is in backticks (§3.11).
    let cell = |value: &Option<ChangeValue>| value.as_ref().map_or(String::new(), |it| format!("`{it}`"));
    if !result.changes.is_empty() {
        let _ = writeln!(out, "### Changes ({})\n", result.changes.len());
        out.push_str("| Classification | Path | Type | Reason | Old | New |\n|---|---|---|---|---|---|\n");
        for it in &result.changes {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} | {} |",
                it.classification,
                it.path,
                it.change_type,
                it.reason,
                cell(&it.old_value),
                cell(&it.new_value)
            );
        }
        out.push('\n');
    }
    if let Some(sbom) = &result.sbom {
        // In SBOM tables an empty string is an empty cell.
        let cell = |value: &str| if value.is_empty() { String::new() } else { format!("`{value}`") };
        out.push_str("### SBOM Changes\n\n| Package | Type | Field | Old | New |\n|---|---|---|---|---|\n");
        for it in &sbom.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                it.package,
                it.change_type,
                it.field,
                cell(&it.old_value),
                cell(&it.new_value)
            );
        }
        out.push('\n');
    }
    out
}

fn json_value(value: &ChangeValue) -> Value {
    match value {
        ChangeValue::Str(it) => Value::String(it.clone()),
        ChangeValue::Int(it) => Value::from(*it),
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

fn json_report(old_arg: &str, new_arg: &str, new: &Contract, result: &DiffResult) -> Value {
    let mut out = Map::new();
    out.insert("oldPath".into(), json!(old_arg));
    out.insert("newPath".into(), json!(new_arg));
    out.insert("classification".into(), json!(result.classification.as_str()));
    let changes = if result.changes.is_empty() {
        Value::Null
    } else {
        Value::Array(result.changes.iter().map(json_change).collect())
    };
    out.insert("changes".into(), changes);
    // FIXME: the graph diff (§3.8) needs dependency resolution; until then only its root, which
    // carries the new root's name and version, as the reference's does.
    let mut root = Map::new();
    root.insert("name".into(), json!(text(&new.service.name)));
    if !text(&new.service.version).is_empty() {
        root.insert("version".into(), json!(text(&new.service.version)));
    }
    out.insert("graphDiff".into(), json!({ "root": root }));
    if let Some(sbom) = &result.sbom {
        out.insert("sbomDiff".into(), json_sbom(sbom));
    }
    Value::Object(out)
}

/// A SARIF 2.1.0 log with one result per BREAKING or POTENTIAL_BREAKING change, located on
/// the new side's node; a removal has no new node, so it names the new file without a region.
fn sarif(new: &Side, result: &DiffResult) -> Value {
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
        let reader = DirReader { root };
        assert_eq!(reader.read("sbom/a.cdx.json").as_deref(), Some("{}"));
        assert_eq!(reader.read("../outside.json"), None);
        assert_eq!(reader.read("./sbom/a.cdx.json"), None);
        assert_eq!(reader.read("sbom"), None);
        assert_eq!(reader.list("sbom"), ["a.cdx.json", "b.spdx.json"]);
        assert_eq!(reader.list("missing"), Vec::<String>::new());
        assert_eq!(reader.list(".."), Vec::<String>::new());
    }
}
