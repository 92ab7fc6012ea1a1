//! `pacto.dependencyGraph [uri]` → `{ json, mermaid, text }`: the graph of `pacto graph` for the editors,
//! of the document's current buffer (saved or not). Dependencies are fetched as the CLI fetches them
//! (local ones relative to the document's directory, `oci://` ones through the cache under this
//! server's settings), off the async runtime: a slow registry never holds up other requests.

use std::path::{Path, PathBuf};

use pacto_core::graph::{self, render};
use pacto_oci::graph_fetch::{self, GraphFetcher, Registry};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::handlers::run_blocking;
use crate::lsp_ext::{self, DependencyGraphResult};
use crate::server::Backend;
use crate::settings::Settings;

pub async fn dependency_graph(backend: &Backend, uri: Uri) -> Result<DependencyGraphResult> {
    // `to_file_path` also turns other schemes' paths into "paths" (`untitled:x` → ``).
    let file = uri.as_str().starts_with("file:").then(|| uri.to_file_path()).flatten();
    let Some(file) = file.map(|it| it.into_owned()) else {
        return Err(Error::invalid_params("the contract must be a file on disk"));
    };
    let Some(dir) = file.parent().map(Path::to_path_buf) else {
        return Err(Error::invalid_params("the contract must be a file on disk"));
    };
    let buffer = backend.session.documents.get(&uri).map(|it| it.rope.to_string());
    let settings = backend.session.settings();
    let answer = run_blocking("dependency graph", move || graph_of(&file, &dir, buffer, &settings)).await?;
    answer.map_err(lsp_ext::request_failed)
}

/// Reads the contract (the open buffer, else the file), resolves and renders its graph.
fn graph_of(
    file: &Path,
    dir: &Path,
    buffer: Option<String>,
    settings: &Settings,
) -> std::result::Result<DependencyGraphResult, String> {
    let label = file.display().to_string();
    let text = match buffer {
        Some(text) => text,
        None => graph_fetch::read_local(&dir.display().to_string())?.1,
    };
    let root = graph_fetch::parse_contract(&label, &text)?.contract;
    let mut fetcher = GraphFetcher::new(base_dir(dir), registry(settings)).with_env(settings.env.clone());
    let graph = graph::resolve_batched(&root, &mut fetcher);
    Ok(DependencyGraphResult {
        json: render::json(&graph),
        mermaid: render::mermaid(&graph),
        text: render::text(&graph),
    })
}

/// The document's directory as the CLI's `pacto graph <dir>` sees it: absolute, links resolved.
fn base_dir(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// Offline when the settings or the environment say so; else the registry settings and the shared cache.
fn registry(settings: &Settings) -> Registry {
    if settings.offline {
        return Registry::Offline { reason: "pacto.offline is set".to_owned() };
    }
    if settings.env.offline() {
        return Registry::Offline { reason: "PACTO_OFFLINE is set".to_owned() };
    }
    Registry::Online { options: settings.client_options().map_err(|err| err.to_string()), cache: settings.cache() }
}
