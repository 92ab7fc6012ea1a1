//! `pacto mcp [-t stdio|http] [--port N]`: the Model Context Protocol server. The protocol and
//! the tools' rules live in `pacto-mcp`; this module gives it the commands it runs, so each
//! tool answers exactly what the matching command prints (validate, explain, graph, doc, diff,
//! migrate), through the same loader, cache, credentials and `PACTO_OFFLINE`.

use std::sync::Arc;

use pacto_core::syntax::{LineIndex, Span};
use pacto_core::validate::{DirBundle, Mode, validate};
use pacto_lsp::QuickFix;
use serde_json::{Map, Value, json};

use crate::load;

pub fn run(transport: &str, port: u16) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| format!("failed to start the MCP server: {err}"))?;
    let backend: Arc<dyn pacto_mcp::Backend> = Arc::new(Commands);
    match transport {
        "http" => runtime.block_on(pacto_mcp::serve_http(backend, port, |address| {
            eprintln!("MCP server listening on http://{address}/mcp");
        })),
        _ => runtime.block_on(pacto_mcp::serve_stdio(backend)),
    }?;
    // Blocking tool calls still running (a slow registry) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(())
}

/// The tools' access to bundles: the CLI's commands.
struct Commands;

impl pacto_mcp::Backend for Commands {
    fn validate(&self, path: &str) -> Result<Value, String> {
        let mut report = super::validate::json(path);
        if let Some(message) = load_failure(&report) {
            return Err(message);
        }
        if !path.starts_with("oci://")
            && let Ok(loaded) = load::load(path)
        {
            attach_fixes(&mut report, &loaded);
        }
        Ok(report)
    }

    fn explain(&self, reference: &str) -> Result<Value, String> {
        super::explain::json(reference)
    }

    fn graph(&self, reference: &str) -> Result<Value, String> {
        super::graph::json(reference)
    }

    fn doc(&self, reference: &str) -> Result<String, String> {
        super::doc::markdown_of(reference).map(|(_, markdown)| markdown)
    }

    fn diff(&self, old: &str, new: &str) -> Result<Value, String> {
        super::diff::json(old, new)
    }

    fn dependents(&self, path: &str, workspace: Option<&str>) -> Result<Value, String> {
        super::graph::reverse::json(path, workspace)
    }

    fn fix(&self, path: &str, codes: Option<&[String]>, write: bool) -> Result<Value, String> {
        if path.starts_with("oci://") {
            return Err("a fix needs a local bundle directory, not an oci:// reference".to_owned());
        }
        let loaded = load::load(path)?;
        let file = loaded.dir.join("pacto.yaml");
        let fixes = pacto_lsp::quick_fixes(&loaded.text, Some(&file));
        let wanted = |fix: &QuickFix| codes.is_none_or(|codes| codes.iter().any(|it| it == fix.code.as_str()));
        let (text, applied) = apply(&loaded.text, fixes.iter().filter(|it| wanted(it)));
        let index = LineIndex::new(&loaded.text);
        let applied: Vec<Value> = applied
            .iter()
            .map(|fix| {
                let at = index.line_col(&loaded.text, fix.fixes.start);
                json!({"Code": fix.code.as_str(), "Title": fix.title, "Line": at.line, "Column": at.column})
            })
            .collect();
        let written = write && !applied.is_empty();
        if written {
            // A symlinked pacto.yaml stays a link: the file it points at is what gets replaced.
            let target = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            pacto_oci::atomic::write_file(&target, text.as_bytes(), super::migrate::file_mode(&target))
                .map_err(|err| format!("failed to write {}: {err}", file.display()))?;
        }
        let bundle = DirBundle { root: loaded.dir.clone() };
        let valid = validate(&text, Some(&bundle), Mode::Reference).errors().next().is_none();
        Ok(json!({"Path": loaded.file, "Contract": text, "Applied": applied, "Valid": valid, "Written": written}))
    }

    fn migrate(&self, path: &str, write: bool) -> Result<Value, String> {
        super::migrate::json(path, write)
    }
}

/// A report whose only finding is a load failure (no position: the file was not read) is a tool
/// error, not an invalid contract: a missing directory, an unreachable registry.
fn load_failure(report: &Value) -> Option<String> {
    let [finding] = report.get("Errors")?.as_array()?.as_slice() else {
        return None;
    };
    let unread = finding.get("Code")? == "PARSE_ERROR" && finding.get("Line").is_none();
    unread.then(|| finding.get("Message").and_then(Value::as_str).unwrap_or("").to_owned())
}

/// Adds to each finding the quick fixes the language server offers at its position, each as
/// text edits with 1-based positions counted as the findings count them.
fn attach_fixes(report: &mut Value, loaded: &load::Loaded) {
    let fixes = pacto_lsp::quick_fixes(&loaded.text, Some(&loaded.dir.join("pacto.yaml")));
    if fixes.is_empty() {
        return;
    }
    let text = loaded.text.as_str();
    let index = LineIndex::new(text);
    let position = |offset: usize| {
        let at = index.line_col(text, offset);
        (at.line, at.column)
    };
    for key in ["Errors", "Warnings"] {
        let Some(findings) = report.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for finding in findings.iter_mut().filter_map(Value::as_object_mut) {
            let at = (finding.get("Line").and_then(Value::as_u64), finding.get("Column").and_then(Value::as_u64));
            let code = finding.get("Code").and_then(Value::as_str).unwrap_or("").to_owned();
            let matching: Vec<Value> = fixes
                .iter()
                .filter(|fix| {
                    let (line, column) = position(fix.fixes.start);
                    at == (Some(line as u64), Some(column as u64))
                        // A misspelt key's rename fixes the decode error the report may show
                        // under the schema's code.
                        && (fix.code.as_str() == code || fix.code == pacto_core::Code::ParseError)
                })
                .map(|fix| fix_json(fix, &position))
                .collect();
            if !matching.is_empty() {
                finding.insert("Fixes".into(), Value::Array(matching));
            }
        }
    }
}

fn fix_json(fix: &QuickFix, position: &impl Fn(usize) -> (usize, usize)) -> Value {
    let edits: Vec<Value> = fix
        .edits
        .iter()
        .map(|(span, new_text)| {
            let (line, column) = position(span.start);
            let (end_line, end_column) = position(span.end);
            json!({"Line": line, "Column": column, "EndLine": end_line, "EndColumn": end_column, "NewText": new_text})
        })
        .collect();
    let mut out = Map::new();
    out.insert("Title".into(), fix.title.clone().into());
    out.insert("Preferred".into(), fix.preferred.into());
    out.insert("Edits".into(), Value::Array(edits));
    Value::Object(out)
}

/// Applies one fix per finding (its preferred one, else the first offered), skipping a fix whose
/// edits overlap one already taken, and returns the new text with the fixes applied.
fn apply<'a>(text: &str, fixes: impl Iterator<Item = &'a QuickFix>) -> (String, Vec<&'a QuickFix>) {
    let mut chosen: Vec<&QuickFix> = Vec::new();
    for fix in fixes {
        match chosen.iter().position(|it| it.fixes == fix.fixes && it.code == fix.code) {
            Some(idx) if fix.preferred && !chosen[idx].preferred => chosen[idx] = fix,
            Some(_) => {}
            None => chosen.push(fix),
        }
    }
    let mut taken: Vec<&QuickFix> = Vec::new();
    let mut edits: Vec<(Span, &str)> = Vec::new();
    for fix in chosen {
        let clashes = fix.edits.iter().any(|(span, _)| edits.iter().any(|(it, _)| overlaps(*it, *span)));
        if clashes {
            continue;
        }
        edits.extend(fix.edits.iter().map(|(span, new_text)| (*span, new_text.as_str())));
        taken.push(fix);
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse((span.start, span.end)));
    let mut out = text.to_owned();
    for (span, new_text) in edits {
        if span.start <= span.end && span.end <= out.len() {
            out.replace_range(span.start..span.end, new_text);
        }
    }
    (out, taken)
}

/// Two edits clash when they share text, or insert at the same point.
fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end || a.start == b.start
}

#[cfg(test)]
mod tests {
    use pacto_core::Code;

    use super::*;

    fn fix(
        title: &str,
        code: Code,
        fixes: (usize, usize),
        edits: &[((usize, usize), &str)],
        preferred: bool,
    ) -> QuickFix {
        QuickFix {
            title: title.to_owned(),
            code,
            fixes: Span::new(fixes.0, fixes.1),
            edits: edits.iter().map(|((start, end), text)| (Span::new(*start, *end), (*text).to_owned())).collect(),
            preferred,
        }
    }

    #[test]
    fn apply_takes_the_preferred_fix_per_finding_and_skips_clashes() {
        let text = "a: 1\nb: 2\n";
        let fixes = [
            fix("first", Code::SchemaViolation, (3, 4), &[((3, 4), "one")], false),
            fix("preferred", Code::SchemaViolation, (3, 4), &[((3, 4), "\"1\"")], true),
            // Another finding whose edit overlaps the one taken: skipped.
            fix("clash", Code::ScalingMinExceedsMax, (0, 4), &[((2, 4), " x")], true),
            fix("second line", Code::ScalingMinExceedsMax, (8, 9), &[((8, 9), "3")], false),
        ];
        let (out, applied) = apply(text, fixes.iter());
        assert_eq!(out, "a: \"1\"\nb: 3\n");
        let titles: Vec<&str> = applied.iter().map(|it| it.title.as_str()).collect();
        assert_eq!(titles, ["preferred", "second line"]);
    }
}
