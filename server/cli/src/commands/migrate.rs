//! `pacto migrate [dir] [--write]`: a 1.0 contract as 2.0 (pacto-v2.md §7), with the report of
//! what was dropped, invented or needs review. Without `--write` nothing is written: the new
//! contract goes to stdout, the report to stderr. With it, placeholder files are written first
//! and `pacto.yaml` last, each atomically, and a failure removes what this run created, so a
//! bundle is never left half migrated.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use pacto_core::migrate::{MigrateError, Migration, migrate};
use pacto_core::syntax::LineIndex;
use pacto_core::validate::{DirBundle, Mode, validate};
use pacto_core::{Diagnostic, Severity};
use serde_json::{Value, json};

use crate::cli::Format;
use crate::load;
use crate::render::{excerpt, json as render_json};

/// Permission bits of a placeholder file, as `pacto init` leaves its files.
const PLACEHOLDER_FILE_MODE: u32 = 0o644;

/// `pacto migrate <arg> [--write] --output-format json`'s report, for `pacto mcp`: the same
/// checks, and a contract that cannot be migrated is an error naming why (run `pacto_validate`
/// for its findings).
pub fn json(arg: &str, write: bool) -> Result<Value, String> {
    if write && arg.starts_with("oci://") {
        return Err("write needs a local bundle directory, not an oci:// reference".to_owned());
    }
    let (loaded, migration) = load_and_migrate(arg, |_, _| {})?;
    let valid = migration.report.is_valid();
    if write && valid {
        write_bundle(&loaded.dir, &migration)?;
    }
    Ok(json_report(&loaded, &migration, write && valid))
}

pub fn run(arg: &str, write: bool, format: Format) -> Result<(), String> {
    if write && arg.starts_with("oci://") {
        return Err("--write needs a local bundle directory, not an oci:// reference".to_owned());
    }
    let (loaded, migration) = load_and_migrate(arg, |loaded, bundle| {
        // The findings exactly as `pacto validate` shows them, then why nothing was migrated.
        let validation = validate(&loaded.text, Some(bundle), Mode::Reference);
        super::validate::show_findings(arg, loaded, &validation, format);
    })?;
    let valid = migration.report.is_valid();
    let written = if write && valid { write_bundle(&loaded.dir, &migration)? } else { Vec::new() };
    match format {
        Format::Json => print!("{}", render_json::to_string(&json_report(&loaded, &migration, write && valid))),
        Format::Text | Format::Markdown => {
            if write {
                for path in &written {
                    println!("Wrote {}", path.display());
                }
            } else {
                print!("{}", migration.text);
            }
            eprint!("{}", text_report(&loaded, &migration, write && valid));
        }
    }
    if valid {
        Ok(())
    } else {
        let n_errors = migration.report.findings.iter().filter(|it| it.severity == Severity::Error).count();
        let nothing = if write { "; nothing written" } else { "" };
        Err(format!("the migrated contract does not validate as 2.0 ({n_errors} error(s)){nothing}"))
    }
}

/// The contract at `arg` and its migration. A 2.0 contract is an error at its `pactoVersion`; one
/// that does not decode is an error too, after `on_invalid` has had the chance to say why.
fn load_and_migrate(
    arg: &str,
    on_invalid: impl FnOnce(&load::Loaded, &DirBundle),
) -> Result<(load::Loaded, Migration), String> {
    let loaded = load::load(arg)?;
    let bundle = DirBundle { root: loaded.dir.clone() };
    match migrate(&loaded.text, Some(&bundle)) {
        Ok(migration) => Ok((loaded, migration)),
        Err(MigrateError::AlreadyV2 { span }) => {
            let at = LineIndex::new(&loaded.text).line_col(&loaded.text, span.start);
            Err(format!("{}:{}:{}: {}", loaded.file, at.line, at.column, MigrateError::AlreadyV2 { span }))
        }
        Err(err @ MigrateError::Invalid { .. }) => {
            on_invalid(&loaded, &bundle);
            Err(format!("{}: {err}", loaded.file))
        }
    }
}

/// Placeholders first (each a new file), `pacto.yaml` last; every write atomic. On a failure the
/// files and directories this run created are removed and `pacto.yaml` is untouched.
fn write_bundle(dir: &Path, migration: &Migration) -> Result<Vec<PathBuf>, String> {
    let mut created_files: Vec<PathBuf> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<(), String> {
        for file in &migration.files {
            let path = dir.join(&file.path);
            if fs::symlink_metadata(&path).is_ok() {
                return Err(format!("failed to write {}: it already exists", path.display()));
            }
            create_dirs(path.parent().unwrap_or(dir), &mut created_dirs)
                .map_err(|err| format!("failed to create the directory of {}: {err}", path.display()))?;
            pacto_oci::atomic::write_file(&path, file.content.as_bytes(), PLACEHOLDER_FILE_MODE)
                .map_err(|err| format!("failed to write {}: {err}", path.display()))?;
            created_files.push(path);
        }
        let contract = dir.join("pacto.yaml");
        // A symlinked pacto.yaml stays a link: the file it points at is what gets replaced.
        let target = fs::canonicalize(&contract).unwrap_or_else(|_| contract.clone());
        let mode = file_mode(&target);
        pacto_oci::atomic::write_file(&target, migration.text.as_bytes(), mode)
            .map_err(|err| format!("failed to write {}: {err}", contract.display()))
    })();
    if let Err(err) = result {
        for path in created_files.iter().rev() {
            let _ = fs::remove_file(path);
        }
        for path in created_dirs.iter().rev() {
            let _ = fs::remove_dir(path);
        }
        return Err(err);
    }
    created_files.push(dir.join("pacto.yaml"));
    Ok(created_files)
}

/// Creates `dir` and its missing parents, noting each one created (outermost first).
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(path) = at.filter(|it| !it.as_os_str().is_empty() && fs::symlink_metadata(it).is_err()) {
        missing.push(path.to_path_buf());
        at = path.parent();
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path)?;
        created.push(path);
    }
    Ok(())
}

#[cfg(unix)]
pub(super) fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).map_or(PLACEHOLDER_FILE_MODE, |it| it.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
pub(super) fn file_mode(_path: &Path) -> u32 {
    PLACEHOLDER_FILE_MODE
}

/// The report on stderr: one line per item with its 1.0 position, the planned files, the verdict.
fn text_report(loaded: &load::Loaded, migration: &Migration, written: bool) -> String {
    let index = LineIndex::new(&loaded.text);
    let report = &migration.report;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Migration of {} to pactoVersion \"2.0\" ({} item(s) to review):",
        loaded.file,
        report.notes.len()
    );
    for note in &report.notes {
        let at = index.line_col(&loaded.text, note.span.start);
        let _ = writeln!(
            out,
            "  {} {} ({}:{}:{}): {}",
            note.kind, note.path, loaded.file, at.line, at.column, note.message
        );
    }
    if !report.kept_formatting {
        out.push_str("  the contract could not be edited in place (flow collections or merge keys): it is written anew, without its comments\n");
    }
    let verb = if written { "written" } else { "to write with --write" };
    for file in &migration.files {
        let _ = writeln!(out, "  placeholder file {verb}: {}", loaded.dir.join(&file.path).display());
    }
    let new_index = LineIndex::new(&migration.text);
    for finding in &report.findings {
        let label = if finding.severity == Severity::Error { "ERROR" } else { "WARN " };
        let _ = writeln!(out, "  {label} [{}] {}: {}", finding.code, finding.path_text(), finding.message);
        let rendered = excerpt::render(
            "pacto.yaml (migrated)",
            &migration.text,
            &new_index,
            finding.span,
            finding.severity == Severity::Warning,
        );
        for line in rendered.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    if report.is_valid() {
        out.push_str("The migrated contract validates as 2.0.\n");
    }
    out
}

fn json_report(loaded: &load::Loaded, migration: &Migration, written: bool) -> Value {
    let index = LineIndex::new(&loaded.text);
    let report = &migration.report;
    let notes: Vec<Value> = report
        .notes
        .iter()
        .map(|it| {
            let at = index.line_col(&loaded.text, it.span.start);
            json!({"Kind": it.kind.as_str(), "Path": it.path.to_string(), "Message": it.message, "Line": at.line, "Column": at.column})
        })
        .collect();
    let new_index = LineIndex::new(&migration.text);
    let finding = |it: &Diagnostic| {
        let at = new_index.line_col(&migration.text, it.span.start);
        json!({"Path": it.path_text(), "Code": it.code.as_str(), "Message": it.message, "Line": at.line, "Column": at.column})
    };
    let files: Vec<Value> = migration.files.iter().map(|it| json!({"Path": it.path, "Content": it.content})).collect();
    json!({
        "Path": loaded.file,
        "Written": written,
        "Contract": migration.text,
        "Files": files,
        "KeptFormatting": report.kept_formatting,
        "Report": notes,
        "Valid": report.is_valid(),
        "Errors": report.findings.iter().filter(|it| it.severity == Severity::Error).map(finding).collect::<Vec<_>>(),
        "Warnings": report.findings.iter().filter(|it| it.severity == Severity::Warning).map(finding).collect::<Vec<_>>(),
    })
}
