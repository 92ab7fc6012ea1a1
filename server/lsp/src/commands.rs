//! `workspace/executeCommand`: the server's commands by name, each delegated to the module that owns
//! the feature. The editors call them by these names (see editors/README.md).

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, LSPAny};

use crate::server::Backend;
use crate::{deps, generate, lens};

pub const SHOW_DIFF: &str = "pacto.showDiff";
pub const DEPENDENCY_GRAPH: &str = "pacto.dependencyGraph";
pub const GENERATE: &str = "pacto.generate";

/// A client-side command, not advertised: the lens "used by N services" carries `[uri, position,
/// locations]` (LSP values), and each editor shows them in its reference view (editors/vscode's
/// `commands.ts`, editors/nvim's `codelens.lua`), as rust-analyzer's `showReferences` does.
pub const SHOW_REFERENCES: &str = "pacto.showReferences";

/// Advertised in `executeCommandProvider`.
pub const COMMANDS: &[&str] = &[SHOW_DIFF, DEPENDENCY_GRAPH, GENERATE];

pub async fn execute(backend: &Backend, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    match params.command.as_str() {
        SHOW_DIFF => lens::show_diff(backend, params.arguments).await,
        DEPENDENCY_GRAPH => deps::graph::dependency_graph(backend, params.arguments).await,
        GENERATE => generate::generate(backend, params.arguments).await,
        other => {
            Err(Error::invalid_params(format!("unknown command `{other}`; this server has {}", COMMANDS.join(", "))))
        }
    }
}
