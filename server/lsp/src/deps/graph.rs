//! `pacto.dependencyGraph [uri]` → `{ json, mermaid, text }`: the graph of `pacto graph` for the editors.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::LSPAny;

use crate::server::Backend;

pub async fn dependency_graph(_backend: &Backend, _arguments: Vec<LSPAny>) -> Result<Option<LSPAny>> {
    Err(Error::invalid_request())
}
