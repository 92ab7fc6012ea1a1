//! `pacto graph [dir|oci://ref]` (spec §4): the dependency tree as text or JSON, and beyond the reference
//! as Graphviz `dot` or Mermaid. Dependency problems are data; only the root must load. Each level's
//! registry pulls run concurrently; the graph is the one of a sequential walk.

pub mod reverse;

use pacto_core::graph::{self, render};

use crate::load;
use crate::render::json as render_json;

/// `--with-references` / `--only-references` (pacto-v2.md §6.4).
#[derive(Clone, Copy, Debug, Default)]
pub struct References {
    pub with: bool,
    pub only: bool,
}

pub fn run(arg: &str, output_format: &str, references: References) -> Result<(), String> {
    let graph = resolve(arg, references)?;
    match output_format {
        "json" => print!("{}", render_json::to_string(&render::json(&graph))),
        "dot" => print!("{}", render::dot(&graph)),
        "mermaid" => print!("{}", render::mermaid(&graph)),
        _ => print!("{}", render::text(&graph)),
    }
    Ok(())
}

/// `pacto graph <arg> --output-format json`'s graph, for `pacto mcp`.
pub fn json(arg: &str) -> Result<serde_json::Value, String> {
    Ok(render::json(&resolve(arg, References::default())?))
}

fn resolve(arg: &str, references: References) -> Result<graph::Graph, String> {
    // A local root with a pacto.lock is verified first; drift fails the command (pacto-v2.md §6.4).
    crate::refs::verify_lock(arg).map_err(|it| it.to_string())?;
    // An `oci://` root is pulled on the client its dependencies use: one connection setup, not two.
    let (root, mut fetcher) = match arg.strip_prefix("oci://") {
        Some(location) => {
            let mut fetcher = load::graph_fetcher(arg)?;
            (fetcher.fetch_root(location)?, fetcher)
        }
        None => (load::load_contract(arg)?.contract, load::graph_fetcher(arg)?),
    };
    let mut graph =
        if references.only { graph::unresolved(&root) } else { graph::resolve_batched(&root, &mut fetcher) };
    if references.with || references.only {
        let refs =
            root.v2.as_ref().map(|it| pacto_core::v2::document::reference_refs(&it.contract)).unwrap_or_default();
        graph.root.dependencies.extend(graph::reference_edges(&refs));
    }
    Ok(graph)
}
