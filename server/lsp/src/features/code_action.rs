//! Quick fixes, each with its exact edits: misspelt keys, invalid enum values, missing required
//! fields, the state/durability conflict, `min`/`max` swapped, scaling on a job, a dangling
//! health interface, a missing health path, and an unquoted `pactoVersion`; on 2.0 contracts also
//! a capability bound to an unknown interface and a readiness date not written `YYYY-MM-DD`.
//! Only fixes whose result is clear are offered: duplicates, unsafe paths and refs have none.
//! [`actions`] adds what the registry, the published version and the 2.0 migration offer on the range.

use pacto_core::contract::suggest::closest;
use pacto_core::diff::BumpFinding;
use pacto_core::syntax::{FieldPath, Node, Span, find};
use pacto_core::validate::Format;
use pacto_core::{Code, Diagnostic, SchemaRule};

use super::{Known, migrate};
use crate::analysis::Analysis;
use crate::deps::actions::Action;
use crate::lens::compute::Against;
use crate::lens::{self, Published};
use crate::schema_docs;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The finding it fixes (code and span, to attach the diagnostic).
    pub code: Code,
    pub fixes: Span,
    pub edits: Vec<(Span, String)>,
    pub preferred: bool,
}

/// Every action on a range, by where it comes from, in the order the client lists them.
#[derive(Debug, Default)]
pub struct Actions {
    /// Fixes of the contract's own findings ([`code_actions`]).
    pub contract: Vec<Fix>,
    /// What the registry's answers offer on dependency refs.
    pub registry: Vec<Action>,
    /// The version the published one asks for, when the range touches `service.version`.
    pub bump: Option<BumpFinding>,
    /// A 1.0 contract rewritten as 2.0, on `pactoVersion`.
    pub migration: Option<migrate::Action>,
}

/// The document the actions are for, as the handler found it.
pub struct Document<'a> {
    /// Its URI as text: the comparisons with the published version are kept under it.
    pub key: &'a str,
    /// Where it is published (`lens::repository`).
    pub repository: Option<String>,
}

pub fn actions(analysis: &Analysis, known: &Known<'_>, document: &Document<'_>, range: Span) -> Actions {
    Actions {
        contract: code_actions(analysis, range),
        registry: crate::deps::actions::actions(analysis, known.registry, range),
        bump: bump(analysis, known, document, range),
        migration: migrate::action(analysis, range),
    }
}

/// From the comparison the lens already made; none while the text does not parse, since what the parser
/// skipped would read as removed.
fn bump(analysis: &Analysis, known: &Known<'_>, document: &Document<'_>, range: Span) -> Option<BumpFinding> {
    if lens::broken(analysis) {
        return None;
    }
    let Published::Ready(side) = known.baselines.published(document.repository.as_deref()?)? else {
        return None;
    };
    let comparison = lens::comparison(known.baselines, document.key, analysis, &side, Against::Published);
    let finding = comparison.bump.as_ref()?;
    (range.start <= finding.span.end && finding.span.start <= range.end).then(|| finding.clone())
}

/// Fixes for the findings that touch `range`.
pub fn code_actions(analysis: &Analysis, range: Span) -> Vec<Fix> {
    let Some(root) = analysis.root() else {
        return Vec::new();
    };
    let text = analysis.text.as_str();
    let format = analysis.format();
    let mut out = Vec::new();
    let decode_errors = analysis.validation.v2.as_ref().map_or(&analysis.validation.decoded.errors, |it| &it.errors);
    for error in decode_errors {
        if !overlaps(error.span, range) {
            continue;
        }
        if let Some(hint) = &error.suggestion {
            out.push(Fix {
                title: format!("Rename to `{hint}`"),
                code: Code::ParseError,
                fixes: error.span,
                edits: vec![(error.span, hint.to_owned())],
                preferred: true,
            });
        }
    }
    if format == Format::V2 {
        for error in decode_errors.iter().filter(|it| overlaps(it.span, range)) {
            owner_object(text, root, error, &mut out);
        }
    }
    for diagnostic in analysis.validation.diagnostics.iter().filter(|it| overlaps(it.span, range)) {
        match diagnostic.code {
            Code::SchemaViolation => schema_fixes(format, text, root, diagnostic, &mut out),
            Code::ScalingMinExceedsMax => swap_min_max(root, diagnostic, &mut out),
            Code::JobScalingNotAllowed => {
                remove_entry(text, root, "scaling", diagnostic, "Remove `scaling` from the job", &mut out)
            }
            Code::HealthInterfaceNotFound => {
                for interface in analysis.validation.decoded.contract.interfaces.iter().flatten() {
                    let name = pacto_core::contract::text(&interface.name);
                    if !name.is_empty() {
                        out.push(Fix {
                            title: format!("Point the health check at `{name}`"),
                            code: diagnostic.code,
                            fixes: diagnostic.span,
                            edits: vec![(diagnostic.span, name.to_owned())],
                            preferred: false,
                        });
                    }
                }
            }
            Code::HealthPathRequired => add_health_path(text, root, diagnostic, &mut out),
            Code::CapabilityInterfaceUnknown => bind_to_interface(analysis, diagnostic, &mut out),
            Code::InvalidReadinessExpires | Code::InvalidReadinessRevision => {
                canonical_date(text, diagnostic, &mut out)
            }
            _ => {}
        }
    }
    out
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The version a format writes, quoted as the schema wants it.
fn quoted_version(format: Format) -> &'static str {
    match format {
        Format::V1 => "\"1.0\"",
        Format::V2 => "\"2.0\"",
    }
}

fn schema_fixes(format: Format, text: &str, root: &Node, diagnostic: &Diagnostic, out: &mut Vec<Fix>) {
    let path = &diagnostic.path;
    let Some(rule) = &diagnostic.rule else {
        return;
    };
    match rule.as_ref() {
        SchemaRule::Type { got, want }
            if *got == "number" && want == &["string"] && path == &FieldPath::root().key("pactoVersion") =>
        {
            let version = quoted_version(format);
            out.push(Fix {
                title: format!("Quote the version: {version}"),
                code: diagnostic.code,
                fixes: diagnostic.span,
                edits: vec![(diagnostic.span, version.to_owned())],
                preferred: true,
            });
        }
        // A one-value `enum` reads as a `const`, and both ask for the only durability a stateless
        // service may have.
        SchemaRule::Const { value } if value == "ephemeral" => ephemeral_fixes(format, root, diagnostic, out),
        SchemaRule::Enum { values } if values.len() == 1 && values[0] == "ephemeral" => {
            ephemeral_fixes(format, root, diagnostic, out)
        }
        SchemaRule::Enum { values } if values.len() > 1 => {
            let Some(doc) = schema_docs::field(format, path) else {
                return;
            };
            let current = &text[diagnostic.span.start..diagnostic.span.end];
            let values: Vec<&str> = doc.values.iter().map(|it| it.0.as_str()).collect();
            match closest(current.trim_matches(['"', '\'']), &values) {
                Some(best) => out.push(Fix {
                    title: format!("Replace with `{best}`"),
                    code: diagnostic.code,
                    fixes: diagnostic.span,
                    edits: vec![(diagnostic.span, best.to_owned())],
                    preferred: true,
                }),
                None => out.extend(values.iter().map(|value| Fix {
                    title: format!("Replace with `{value}`"),
                    code: diagnostic.code,
                    fixes: diagnostic.span,
                    edits: vec![(diagnostic.span, (*value).to_owned())],
                    preferred: false,
                })),
            }
        }
        SchemaRule::Required { missing } => {
            let names: Vec<&str> = missing.iter().map(String::as_str).collect();
            if let Some(object) = find(root, path) {
                add_fields(format, text, object, path, &names, diagnostic, out);
            }
        }
        _ => {}
    }
}

fn ephemeral_fixes(format: Format, root: &Node, diagnostic: &Diagnostic, out: &mut Vec<Fix>) {
    out.push(Fix {
        title: "Use ephemeral durability".to_owned(),
        code: diagnostic.code,
        fixes: diagnostic.span,
        edits: vec![(diagnostic.span, "ephemeral".to_owned())],
        preferred: true,
    });
    let state = match format {
        Format::V1 => FieldPath::root().key("runtime").key("state"),
        Format::V2 => FieldPath::root().key("state"),
    };
    if let Some(kind) = find(root, &state.key("type")) {
        out.push(Fix {
            title: "Make the service stateful".to_owned(),
            code: diagnostic.code,
            fixes: diagnostic.span,
            edits: vec![(kind.span, "stateful".to_owned())],
            preferred: false,
        });
    }
}

/// Inserts the missing fields into a mapping, after its last entry, at its indentation (block
/// style) or before its closing brace (flow style).
fn add_fields(
    format: Format,
    text: &str,
    object: &Node,
    path: &FieldPath,
    names: &[&str],
    diagnostic: &Diagnostic,
    out: &mut Vec<Fix>,
) {
    let Some(entries) = object.as_mapping() else {
        return;
    };
    let Some(last) = entries.iter().rev().find(|it| !it.merged) else {
        return;
    };
    let Some(first) = entries.iter().find(|it| !it.merged) else {
        return;
    };
    let values: Vec<(String, String)> =
        names.iter().map(|name| ((*name).to_owned(), placeholder(format, &path.clone().key(name)))).collect();
    let flow = text.as_bytes().get(object.span.start) == Some(&b'{');
    let edit = if flow {
        let insert: String = values.iter().map(|(name, value)| format!(", {name}: {value}")).collect();
        (Span::empty(last.value.span.end), insert)
    } else {
        let line_start = text[..first.key.span.start].rfind('\n').map_or(0, |it| it + 1);
        let indent = " ".repeat(first.key.span.start - line_start);
        let insert: String = values.iter().map(|(name, value)| format!("\n{indent}{name}: {value}")).collect();
        (Span::empty(last.value.span.end.max(last.key.span.end)), insert)
    };
    let listed: Vec<String> = names.iter().map(|it| format!("`{it}`")).collect();
    out.push(Fix {
        title: format!("Add {}", listed.join(", ")),
        code: diagnostic.code,
        fixes: diagnostic.span,
        edits: vec![edit],
        preferred: true,
    });
}

/// A value that passes the schema where one is obvious: the first enum value, the format's
/// version, 8080 for a port, `/health` for a health path; an empty string otherwise.
fn placeholder(format: Format, path: &FieldPath) -> String {
    let doc = schema_docs::field(format, path).unwrap_or_default();
    match (doc.name.as_str(), doc.kind.as_str()) {
        ("pactoVersion", _) => quoted_version(format).to_owned(),
        // 2.0 has no default for `required` (pacto-v2.md §1.2): the fix writes the strict value, a
        // dependency or configuration the service cannot run without, which the author sees and may relax.
        ("required", "boolean") if format == Format::V2 => "true".to_owned(),
        ("port", _) => "8080".to_owned(),
        ("path", _) => "/health".to_owned(),
        (_, "integer") => "0".to_owned(),
        (_, "boolean") => "false".to_owned(),
        (_, "object") => "{}".to_owned(),
        (_, "array") => "[]".to_owned(),
        _ => doc.values.first().map_or_else(|| "\"\"".to_owned(), |it| it.0.clone()),
    }
}

fn swap_min_max(root: &Node, diagnostic: &Diagnostic, out: &mut Vec<Fix>) {
    let scaling = FieldPath::root().key("scaling");
    let (Some(min), Some(max)) = (find(root, &scaling.clone().key("min")), find(root, &scaling.key("max"))) else {
        return;
    };
    let (Some(min_text), Some(max_text)) = (min.scalar_text(), max.scalar_text()) else {
        return;
    };
    out.push(Fix {
        title: "Swap `min` and `max`".to_owned(),
        code: diagnostic.code,
        fixes: diagnostic.span,
        edits: vec![(min.span, max_text.to_owned()), (max.span, min_text.to_owned())],
        preferred: true,
    });
}

/// Deletes a top-level entry with its whole lines.
fn remove_entry(text: &str, root: &Node, key: &str, diagnostic: &Diagnostic, title: &str, out: &mut Vec<Fix>) {
    let Some(entry) = root.entry(key) else {
        return;
    };
    let start = text[..entry.key.span.start].rfind('\n').map_or(0, |it| it + 1);
    let end = text[entry.value.span.end..].find('\n').map_or(text.len(), |it| entry.value.span.end + it + 1);
    out.push(Fix {
        title: title.to_owned(),
        code: diagnostic.code,
        fixes: diagnostic.span,
        edits: vec![(Span::new(start, end), String::new())],
        preferred: true,
    });
}

fn add_health_path(text: &str, root: &Node, diagnostic: &Diagnostic, out: &mut Vec<Fix>) {
    let path = FieldPath::root().key("runtime").key("health");
    if let Some(health) = find(root, &path) {
        add_fields(Format::V1, text, health, &path, &["path"], diagnostic, out);
    }
}

/// `CAPABILITY_INTERFACE_UNKNOWN`: the declared name closest to the one written (a typo); when none
/// is close, each declared name, none preferred.
fn bind_to_interface(analysis: &Analysis, diagnostic: &Diagnostic, out: &mut Vec<Fix>) {
    let interfaces = analysis.v2().map(|it| it.interfaces.as_slice()).unwrap_or_default();
    let names: Vec<&str> =
        interfaces.iter().map(|it| pacto_core::contract::text(&it.name)).filter(|it| !it.is_empty()).collect();
    let written = analysis.text[diagnostic.span.start..diagnostic.span.end].trim_matches(['"', '\'']);
    let fix = |name: &str, preferred: bool| Fix {
        title: format!("Bind to interface `{name}`"),
        code: diagnostic.code,
        fixes: diagnostic.span,
        edits: vec![(diagnostic.span, name.to_owned())],
        preferred,
    };
    match closest(written, &names) {
        Some(best) => out.push(fix(best, true)),
        None => out.extend(names.iter().map(|name| fix(name, false))),
    }
}

/// A readiness date with one-digit month or day (`2026-1-5`) written canonically (`2026-01-05`),
/// when it names a real calendar day; any other text has no clear fix.
fn canonical_date(text: &str, diagnostic: &Diagnostic, out: &mut Vec<Fix>) {
    let written = text[diagnostic.span.start..diagnostic.span.end].trim_matches(['"', '\'']);
    let parts: Vec<&str> = written.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return;
    };
    let number = |part: &str, max_len: usize| {
        (!part.is_empty() && part.len() <= max_len && part.bytes().all(|it| it.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) =
        (number(year, 4).filter(|_| year.len() == 4), number(month, 2), number(day, 2))
    else {
        return;
    };
    let canonical = format!("{year:04}-{month:02}-{day:02}");
    if canonical == written || !pacto_core::v2::dates::is_canonical_date(&canonical) {
        return;
    }
    out.push(Fix {
        title: format!("Write the date as `{canonical}`"),
        code: diagnostic.code,
        fixes: diagnostic.span,
        edits: vec![(diagnostic.span, canonical)],
        preferred: true,
    });
}

/// A 1.0 string owner in a 2.0 contract (pacto-v2.md §8.7) written as the team it names, as
/// `pacto migrate` maps it (§7.1), when it fits the team pattern; any other text has no clear home.
fn owner_object(text: &str, root: &Node, error: &pacto_core::contract::DecodeError, out: &mut Vec<Fix>) {
    let owner_path = FieldPath::root().key("service").key("owner");
    if error.path != owner_path {
        return;
    }
    let Some(service) = root.get("service") else {
        return;
    };
    let Some(entry) = service.entry("owner") else {
        return;
    };
    let Some(team) = entry.value.scalar_text() else {
        return;
    };
    let is_team =
        !team.is_empty() && team.chars().all(|it| it.is_ascii_alphanumeric() || matches!(it, '.' | '_' | '/' | '-'));
    if !is_team || entry.key.span.end >= entry.value.span.start {
        return;
    }
    let line_start = text[..entry.key.span.start].rfind('\n').map_or(0, |it| it + 1);
    let flow = text.as_bytes().get(service.span.start) == Some(&b'{');
    let (span, insert) = if flow {
        (entry.value.span, format!("{{team: {team}}}"))
    } else {
        // From just after the colon, so that no space is left at the end of the line.
        let colon = entry.key.span.end + text[entry.key.span.end..entry.value.span.start].find(':').unwrap_or(0) + 1;
        let indent = " ".repeat(entry.key.span.start - line_start + 2);
        (Span::new(colon, entry.value.span.end), format!("\n{indent}team: {team}"))
    };
    out.push(Fix {
        title: format!("Write the owner as `team: {team}`"),
        code: Code::ParseError,
        fixes: error.span,
        edits: vec![(span, insert)],
        preferred: true,
    });
}
