//! `pacto graph --reverse [dir] [--workspace root]` (issue #18): the services under the workspace
//! that depend on the contract in `dir`, transitively, with each edge's compatibility and whether
//! the current version satisfies it. A report: unsatisfied edges, cycles, duplicate publishers and
//! unreadable files are data (exit 0); only a `dir` that cannot be loaded fails.

use std::path::{Path, PathBuf};

use pacto_core::workspace::{reverse, scan};

use crate::load;
use crate::render::json as render_json;

pub fn run(dir: &str, workspace: Option<&str>, output_format: &str) -> Result<(), String> {
    let graph = reverse_graph(dir, workspace)?;
    match output_format {
        "json" => print!("{}", render_json::to_string(&reverse::json(&graph))),
        "dot" => print!("{}", reverse::dot(&graph)),
        "mermaid" => print!("{}", reverse::mermaid(&graph)),
        _ => print!("{}", reverse::text(&graph)),
    }
    Ok(())
}

/// `pacto graph --reverse <dir> --output-format json`, for `pacto mcp`.
pub fn json(dir: &str, workspace: Option<&str>) -> Result<serde_json::Value, String> {
    reverse_graph(dir, workspace).map(|graph| reverse::json(&graph))
}

fn reverse_graph(dir: &str, workspace: Option<&str>) -> Result<reverse::Reverse, String> {
    // The root loads as `pacto graph` loads it (strict): a contract that does not parse fails here.
    let loaded = load::load_contract(dir)?;
    let file = std::fs::canonicalize(&loaded.loaded.file)
        .map_err(|err| format!("failed to access {}: {err}", loaded.loaded.file))?;
    let root = match workspace {
        Some(root) => PathBuf::from(root),
        None => default_workspace(&file)?,
    };
    let mut scanned = scan::scan(&root)?;
    let root = std::fs::canonicalize(&root).map_err(|err| format!("failed to access {}: {err}", root.display()))?;
    // Indexed even when outside the workspace or ignored there: it is the question.
    scanned.index.upsert(&file, &loaded.loaded.text);
    let mut graph = reverse::reverse(&scanned.index, &file, &root);
    for skipped in &scanned.skipped {
        let path = skipped.path.strip_prefix(&root).unwrap_or(&skipped.path);
        graph.warnings.push(format!("skipped {}: {}", path.display(), skipped.reason));
    }
    Ok(graph)
}

/// Decision (issue #18): the git repository that holds the contract (its nearest ancestor with a
/// `.git`), so the command answers the same from any directory; else the current directory.
fn default_workspace(file: &Path) -> Result<PathBuf, String> {
    if let Some(top) = file.ancestors().skip(1).find(|it| it.join(".git").exists()) {
        return Ok(top.to_path_buf());
    }
    std::env::current_dir().map_err(|err| format!("failed to access the current directory: {err}"))
}
