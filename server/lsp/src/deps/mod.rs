//! Dependencies resolved against their registries (issue #7): state shared by hover, completion,
//! inlay hints, diagnostics, code actions and definition on `dependencies[]`, refreshed off the
//! request path so that nothing waits for the network.

pub mod graph;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::Analysis;
use crate::proto::Encoding;
use crate::server::Backend;
use crate::session::Session;

/// What is known of the registries, shared by every open document.
#[derive(Default)]
pub struct State {}

/// A document opened or changed: start resolving what it references (never awaited by the caller).
pub fn document_changed(_backend: &Backend, _uri: &Uri) {}

/// The settings changed: forget what depends on them and resolve again.
pub fn settings_changed(_backend: &Backend) {}

/// Diagnostics about the registry, from what is already known (pure; never touches the network).
pub fn diagnostics(_session: &Session, _uri: &Uri, _analysis: &Analysis, _encoding: Encoding) -> Vec<Diagnostic> {
    Vec::new()
}

/// Actions on dependencies within `range`, each with its edit.
pub fn code_actions(
    _session: &Session,
    _uri: &Uri,
    _analysis: &Analysis,
    _range: Range,
    _encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    Vec::new()
}

pub async fn inlay_hint(_backend: &Backend, _params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    Ok(None)
}
