//! The contract against its published version and against git HEAD (issue #5): code lenses, the
//! diff document, diagnostics on changed nodes and the version-bump check. Baselines are fetched
//! once per digest off the request path; every lens is recomputed from them in memory.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::analysis::Analysis;
use crate::proto::Encoding;
use crate::server::Backend;
use crate::session::Session;

/// Baselines by document and by digest.
#[derive(Default)]
pub struct State {}

/// A document opened or changed: fetch its baselines if they are not known (never awaited by the caller).
pub fn document_changed(_backend: &Backend, _uri: &Uri) {}

/// The settings changed (publish repositories, registry): fetch the baselines again.
pub fn settings_changed(_backend: &Backend) {}

/// Changes against the published version as diagnostics, and the version-bump check (pure).
pub fn diagnostics(_session: &Session, _uri: &Uri, _analysis: &Analysis, _encoding: Encoding) -> Vec<Diagnostic> {
    Vec::new()
}

/// The bump quick fix within `range`, with its edit.
pub fn code_actions(
    _session: &Session,
    _uri: &Uri,
    _analysis: &Analysis,
    _range: Range,
    _encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    Vec::new()
}

pub async fn code_lens(_backend: &Backend, _params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    Ok(None)
}

/// `pacto.showDiff [uri, "published" | "head"]`.
pub async fn show_diff(_backend: &Backend, _arguments: Vec<LSPAny>) -> Result<Option<LSPAny>> {
    Err(Error::invalid_request())
}

/// `pacto/diffDocument { uri, against }` → `{ title, markdown }`.
pub async fn diff_document(_backend: &Backend, _params: LSPAny) -> Result<LSPAny> {
    Err(Error::invalid_request())
}
