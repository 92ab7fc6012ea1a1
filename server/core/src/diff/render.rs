//! The diff as Markdown (spec §3.11), and the pieces the CLI's text output shares with it: the values
//! suffix of a change and the tree of graph changes. Here rather than in the CLI because the language
//! server shows the same document (`pacto/diffDocument`).

use std::fmt::Write as _;

use super::{
    Alignment, BumpFinding, Change, ChangeType, ChangeValue, DiffNode, GraphChangeType, GraphDiff, Report, SbomDiff,
};

/// ` [<old> -> <new>]`, ` [+ <new>]`, ` [- <old>]` or nothing (§3.11).
pub fn change_values(change: &Change) -> String {
    match (change.change_type, &change.old_value, &change.new_value) {
        (ChangeType::Modified, Some(old), Some(new)) => format!(" [{old} -> {new}]"),
        (ChangeType::Added, _, Some(new)) => format!(" [+ {new}]"),
        (ChangeType::Removed, Some(old), _) => format!(" [- {old}]"),
        _ => String::new(),
    }
}

/// The graph diff as a tree of the nodes whose subtree changed, with `pacto graph`'s
/// connectors (§3.8); empty without changes.
pub fn graph_tree(diff: &GraphDiff) -> String {
    if diff.changes.is_empty() {
        return String::new();
    }
    let mut out = format!("{}\n", diff.root.name);
    graph_children(&diff.root, "", &mut out);
    out
}

fn graph_children(node: &DiffNode, prefix: &str, out: &mut String) {
    let changed: Vec<&DiffNode> = node.children.iter().filter(|it| it.has_change()).collect();
    for (idx, child) in changed.iter().enumerate() {
        let last = idx + 1 == changed.len();
        let connector = if last { "└─ " } else { "├─ " };
        // Go's `%-14s`: a name of 14 characters or more runs into the version (quirk 20).
        let label = match &child.change {
            None => child.name.clone(),
            Some(change) => match change.change_type {
                GraphChangeType::VersionChanged => {
                    format!("{:<14}{} → {}", child.name, change.old_version, change.new_version)
                }
                GraphChangeType::Added => format!("{:<14}+{}", child.name, change.new_version),
                GraphChangeType::Removed => format!("{:<14}-{}", child.name, change.old_version),
            },
        };
        let _ = writeln!(out, "{prefix}{connector}{label}");
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        graph_children(child, &child_prefix, out);
    }
}

/// The whole report in §3.11's Markdown shape, with the version check (ours) under the classification.
pub fn markdown(report: &Report, bump: Option<&BumpFinding>) -> String {
    let mut out = format!("## Contract Diff\n\n**Classification:** `{}`\n\n", report.classification);
    if let Some(finding) = bump {
        let _ = write!(out, "**Version check:** {finding}\n\n");
    }
    if report.is_empty() {
        out.push_str("No changes detected.\n");
    } else {
        markdown_report(&mut out, report);
    }
    // A 1.0/2.0 root pair: what its migration left out, after everything else (as `pacto diff`'s text).
    if let Some(alignment) = &report.root.alignment {
        out.push('\n');
        alignment_lines(&mut out, "", alignment);
    }
    out
}

fn markdown_report(out: &mut String, report: &Report) {
    let root = &report.root;
    if !root.changes.is_empty() {
        let _ = writeln!(out, "### Changes ({})\n", root.changes.len());
        markdown_changes(out, &root.changes);
    }
    for dependency in &report.dependencies {
        let result = &dependency.result;
        let _ = writeln!(out, "### Dependency: {} (`{}`)\n", dependency.name, result.classification);
        if !result.changes.is_empty() {
            markdown_changes(out, &result.changes);
        }
        if let Some(sbom) = &result.sbom {
            let _ = writeln!(out, "#### SBOM Changes: {}\n", dependency.name);
            markdown_sbom(out, sbom);
        }
        if let Some(alignment) = &result.alignment {
            alignment_lines(out, "", alignment);
            out.push('\n');
        }
    }
    let tree = graph_tree(&report.graph);
    if !tree.is_empty() {
        let _ = writeln!(out, "### Dependency Graph Changes\n\n```\n{tree}```");
    }
    if let Some(sbom) = &root.sbom {
        out.push_str("### SBOM Changes\n\n");
        markdown_sbom(out, sbom);
    }
}

/// The Markdown table of changes, with its trailing empty line (§3.11).
fn markdown_changes(out: &mut String, changes: &[Change]) {
    // An absent value is an empty cell; a present one, even "", is in backticks (§3.11).
    let cell = |value: &Option<ChangeValue>| value.as_ref().map_or(String::new(), |it| format!("`{it}`"));
    out.push_str("| Classification | Path | Type | Reason | Old | New |\n|---|---|---|---|---|---|\n");
    for it in changes {
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

fn markdown_sbom(out: &mut String, sbom: &SbomDiff) {
    // In SBOM tables an empty string is an empty cell.
    let cell = |value: &str| if value.is_empty() { String::new() } else { format!("`{value}`") };
    out.push_str("| Package | Type | Field | Old | New |\n|---|---|---|---|---|\n");
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

/// What a 1.0/2.0 pair's alignment (§8.2) says beside its changes, indented (a dependency's under
/// its heading): the fields the migration left out, informational, or why nothing was compared.
pub fn alignment_lines(out: &mut String, indent: &str, alignment: &Alignment) {
    let side = alignment.side.as_str();
    if let Some(failure) = &alignment.failure {
        let _ = writeln!(out, "{indent}Not compared: {side} contract: {failure}");
        return;
    }
    if alignment.dropped.is_empty() {
        let _ = writeln!(out, "{indent}The {side} contract was compared as migrated to 2.0; nothing was left out.");
        return;
    }
    let _ = writeln!(
        out,
        "{indent}Not carried over by the migration of the {side} contract to 2.0 (informational, {}):",
        alignment.dropped.len()
    );
    for it in &alignment.dropped {
        let _ = writeln!(out, "{indent}  - {}: {}", it.path, it.message);
    }
}
