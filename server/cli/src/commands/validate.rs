//! `pacto validate [dir] [--readiness]`: the reference's verdict, codes and paths (spec §2.10;
//! 2.0: pacto-v2.md §3.1), plus positions. Output shapes are the same for both formats.

use std::fmt::Write as _;

use pacto_core::validate::{Config, DirBundle, Mode, Validation, validate_with};
use pacto_core::{Code, Diagnostic, Severity};
use serde_json::{Map, Value, json};

use crate::cli::Format;
use crate::load;
use crate::render::{excerpt, json as render_json};

/// A finding ready to print: the reference's fields plus where it is.
struct Finding {
    severity: Severity,
    code: Code,
    path: String,
    message: String,
    position: Option<(usize, usize)>,
    excerpt: Option<String>,
}

pub fn run(arg: &str, readiness: bool, format: Format) -> Result<(), String> {
    let findings = checked_findings(arg, readiness, format);
    let n_errors = findings.iter().filter(|it| it.severity == Severity::Error).count();
    let valid = n_errors == 0;
    match format {
        Format::Json => print!("{}", render_json::to_string(&json_report(arg, valid, &findings))),
        Format::Text | Format::Markdown => {
            println!("{arg} is {}", if valid { "valid" } else { "invalid" });
            eprint!("{}", text_findings(&findings));
        }
    }
    if valid { Ok(()) } else { Err(format!("validation failed with {n_errors} error(s)")) }
}

/// `pacto validate <arg> --output-format json`'s report, for `pacto mcp`.
pub fn json(arg: &str) -> Value {
    let findings = checked_findings(arg, false, Format::Json);
    let valid = !findings.iter().any(|it| it.severity == Severity::Error);
    json_report(arg, valid, &findings)
}

/// Every finding of `pacto validate <arg>`, a load failure included.
fn checked_findings(arg: &str, readiness: bool, format: Format) -> Vec<Finding> {
    let loaded = load::load(arg).and_then(|loaded| match unreadable_ignore_file(&loaded) {
        Some(message) => Err(message),
        None => Ok(loaded),
    });
    match loaded {
        Err(message) => vec![Finding {
            severity: Severity::Error,
            code: Code::ParseError,
            path: String::new(),
            message,
            position: None,
            excerpt: None,
        }],
        Ok(loaded) => {
            let bundle = DirBundle { root: loaded.dir.clone() };
            let resolver = crate::refs::PolicyResolver::for_bundle(arg, &loaded.dir);
            let readiness_at = readiness.then(now_unix_seconds);
            let config =
                Config { mode: Mode::Reference, bundle: Some(&bundle), resolver: Some(&resolver), readiness_at };
            let validation = validate_with(&loaded.text, &config);
            crate::log::debug(
                "validated contract",
                &[("file", &loaded.file), ("bytes", &loaded.text.len()), ("findings", &validation.diagnostics.len())],
            );
            let findings = match lock_failure(arg, &validation) {
                Some(finding) => vec![finding],
                None => findings(&loaded, &validation, format),
            };
            free_in_background(validation, loaded.text.len());
            findings
        }
    }
}

/// Past this size a validation is freed on a thread of its own: the verdict is printed without
/// waiting, and a CLI run exits before the work is done.
const BACKGROUND_FREE_BYTES: usize = 256 * 1024;

/// Frees `validation` without waiting when its contract was big: a 10 MiB contract's tree takes
/// a twentieth of its validation to free, one allocation at a time.
fn free_in_background(validation: Validation, n_bytes: usize) {
    if n_bytes < BACKGROUND_FREE_BYTES {
        return;
    }
    // When no thread can be started, the closure is dropped here, and the validation with it.
    let _ = std::thread::Builder::new().name("free".to_owned()).spawn(move || drop(validation));
}

/// Shows why a command that validates first (`pack`, `push`, `generate`) refused the contract at
/// `arg`: each finding as `pacto validate` shows it (text on stderr; in JSON mode validate's
/// report on stdout), so the error line the caller returns next is not all the user gets.
///
/// Deviation: the reference prints only the count (issue #13, item 5).
pub fn show_findings(arg: &str, loaded: &load::Loaded, validation: &Validation, format: Format) {
    let findings = findings(loaded, validation, format);
    match format {
        Format::Json => print!("{}", render_json::to_string(&json_report(arg, false, &findings))),
        Format::Text | Format::Markdown => eprint!("{}", text_findings(&findings)),
    }
}

/// Every finding of `validation`, errors first, then warnings (spec §2.10).
fn findings(loaded: &load::Loaded, validation: &Validation, format: Format) -> Vec<Finding> {
    let mut findings: Vec<Finding> =
        validation.diagnostics.iter().map(|it| finding(it, loaded, &validation.line_index, format)).collect();
    findings.sort_by_key(|it| it.severity);
    findings
}

/// The findings as `pacto validate` writes them on stderr: the reference's line, then our excerpt.
fn text_findings(findings: &[Finding]) -> String {
    let mut err = String::new();
    for it in findings {
        let label = match it.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARN ",
        };
        let _ = writeln!(err, "  {label} [{}] {}: {}", it.code, it.path, it.message);
        if let Some(excerpt) = &it.excerpt {
            for line in excerpt.lines() {
                let _ = writeln!(err, "    {line}");
            }
        }
    }
    err
}

/// Step 2 of the 2.0 pipeline (pacto-v2.md §3.1): after a clean parse, a local bundle's
/// `pacto.lock` is verified; a failure is the only finding (path `""`, no position: it is about the
/// lock, not a line of the contract).
fn lock_failure(arg: &str, validation: &Validation) -> Option<Finding> {
    if validation.v2.is_none() || validation.errors().any(|it| it.code == Code::ParseError) {
        return None;
    }
    let problem = crate::refs::verify_lock(arg).err()?;
    Some(Finding {
        severity: Severity::Error,
        code: problem.code,
        path: String::new(),
        message: problem.message,
        position: None,
        excerpt: None,
    })
}

/// A 2.0 bundle whose `.pactoignore` exists but cannot be read fails the load (pacto-v2.md §2.1);
/// 1.0 bundles never read it.
fn unreadable_ignore_file(loaded: &load::Loaded) -> Option<String> {
    let file = loaded.dir.join(pacto_core::v2::ignore::IGNORE_FILE);
    let err = match std::fs::read(&file) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => err,
        _ => return None,
    };
    let parse = pacto_core::syntax::parse(&loaded.text);
    let is_v2 = pacto_core::v2::format_version(parse.root.as_ref()) == Some("2.0");
    is_v2.then(|| format!("failed to read .pactoignore: {err}"))
}

/// The readiness gate is evaluated at the current UTC time (pacto-v2.md §3.5).
pub(crate) fn now_unix_seconds() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |it| i64::try_from(it.as_secs()).unwrap_or(i64::MAX))
}

fn finding(
    diagnostic: &Diagnostic,
    loaded: &load::Loaded,
    index: &pacto_core::syntax::LineIndex,
    format: Format,
) -> Finding {
    let message = if diagnostic.code == Code::ParseError {
        format!("failed to parse {}: {}", loaded.file, diagnostic.message)
    } else {
        diagnostic.message.clone()
    };
    let position = index.line_col(&loaded.text, diagnostic.span.start);
    let excerpt = (format != Format::Json).then(|| {
        let warning = diagnostic.severity == Severity::Warning;
        excerpt::render(&loaded.file, &loaded.text, index, diagnostic.span, warning)
    });
    Finding {
        severity: diagnostic.severity,
        code: diagnostic.code,
        path: diagnostic.path_text(),
        message,
        position: Some((position.line, position.column)),
        excerpt,
    }
}

fn json_report(arg: &str, valid: bool, findings: &[Finding]) -> Value {
    let items = |severity: Severity| -> Value {
        let items: Vec<Value> = findings
            .iter()
            .filter(|it| it.severity == severity)
            .map(|it| {
                let mut item = Map::new();
                item.insert("Path".into(), it.path.clone().into());
                item.insert("Code".into(), it.code.as_str().into());
                item.insert("Message".into(), it.message.clone().into());
                if let Some((line, column)) = it.position {
                    item.insert("Line".into(), line.into());
                    item.insert("Column".into(), column.into());
                }
                Value::Object(item)
            })
            .collect();
        // Go encodes a nil slice as null.
        if items.is_empty() { Value::Null } else { Value::Array(items) }
    };
    json!({
        "Path": arg,
        "Valid": valid,
        "Errors": items(Severity::Error),
        "Warnings": items(Severity::Warning),
    })
}
