//! `workspace/executeCommand`: the server's commands by name, each delegated to the module that owns
//! the feature, with its arguments and result typed in `lsp_ext`. The editors call them by these names (see
//! editors/README.md).

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, LSPAny};

use crate::lsp_ext::{self, Command, DependencyGraph, Generate, SERVER_COMMANDS, ShowDiff};
use crate::server::Backend;
use crate::{generate, handlers};

pub async fn execute(backend: &Backend, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    match params.command.as_str() {
        ShowDiff::NAME => {
            let (uri, against) = lsp_ext::arguments::<ShowDiff>(params.arguments)?;
            handlers::show_diff(backend, uri, against).await?;
            lsp_ext::result::<ShowDiff>(&())
        }
        DependencyGraph::NAME => {
            let (uri,) = lsp_ext::arguments::<DependencyGraph>(params.arguments)?;
            lsp_ext::result::<DependencyGraph>(&handlers::dependency_graph(backend, uri).await?)
        }
        Generate::NAME => {
            let (args,) = lsp_ext::arguments::<Generate>(params.arguments)?;
            lsp_ext::result::<Generate>(&generate::generate(backend, args).await?)
        }
        other => Err(Error::invalid_params(format!(
            "unknown command `{other}`; this server has {}",
            SERVER_COMMANDS.join(", ")
        ))),
    }
}
