//! What pacto adds to LSP: its requests and its `workspace/executeCommand` commands, each with the types of
//! its params and result. `editors/vscode/src/lsp_ext.ts` mirrors this module name for name and field for
//! field, and the test below reads that file, so the two cannot drift apart.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::ls_types::{LSPAny, Location, Position, Uri};

/// `initialize`'s `initializationOptions`. Beside these, the settings, in a `pacto` section or at the top
/// level, for clients without `workspace/configuration` (read by `settings.rs`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializationOptions {
    /// The client serves `pacto-diff:` documents through `pacto/diffDocument`, so `pacto.showDiff` opens one
    /// of those instead of writing the diff to a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_documents: Option<bool>,
}

/// `pacto/diffDocument`: the Markdown diff of a contract, the content of its `pacto-diff:` document.
pub enum DiffDocument {}

impl Request for DiffDocument {
    type Params = DiffDocumentParams;
    type Result = DiffDocumentResult;
    const METHOD: &'static str = "pacto/diffDocument";
}

#[derive(Debug, Deserialize, Serialize)]
pub struct DiffDocumentParams {
    /// The `file:` URI of the contract.
    pub uri: Uri,
    /// Older clients send no `against`: they only knew the published version.
    #[serde(default)]
    pub against: DiffAgainst,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct DiffDocumentResult {
    pub title: String,
    pub markdown: String,
}

/// The baseline a diff is taken against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffAgainst {
    #[default]
    Published,
    Head,
}

/// `pacto/test/panic`, registered only under `PACTO_LSP_TEST_HOOKS`: the process tests prove that a panic
/// in feature work is answered as an internal error. No editor sends it, so `lsp_ext.ts` does not have it.
pub enum TestPanic {}

impl Request for TestPanic {
    type Params = LSPAny;
    type Result = LSPAny;
    const METHOD: &'static str = "pacto/test/panic";
}

/// A `workspace/executeCommand` command, or a command the server puts in a code lens for the client to run.
/// Command arguments are positional: `Arguments` is a tuple, sent as a JSON array.
pub trait Command {
    const NAME: &'static str;
    type Arguments: DeserializeOwned + Serialize;
    /// The length of the `Arguments` tuple: clients may send more, which are ignored.
    const N_ARGUMENTS: usize;
    type Result: Serialize;
    /// The arguments the command takes: the message of the error that answers any others.
    const USAGE: &'static str;
}

/// `pacto.showDiff`: the server opens the diff with `window/showDocument` and answers `null`.
pub enum ShowDiff {}

impl Command for ShowDiff {
    const NAME: &'static str = "pacto.showDiff";
    type Arguments = (Uri, DiffAgainst);
    const N_ARGUMENTS: usize = 2;
    type Result = ();
    const USAGE: &'static str = "pacto.showDiff takes [uri, \"published\" | \"head\"]";
}

/// `pacto.dependencyGraph`: the graph of `pacto graph` for the document's buffer.
pub enum DependencyGraph {}

impl Command for DependencyGraph {
    const NAME: &'static str = "pacto.dependencyGraph";
    type Arguments = (Uri,);
    const N_ARGUMENTS: usize = 1;
    type Result = DependencyGraphResult;
    const USAGE: &'static str = "expected [\"<file uri of the contract>\"]";
}

#[derive(Debug, Deserialize, Serialize)]
pub struct DependencyGraphResult {
    /// `pacto graph --format json`'s document, passed through as it is.
    pub json: LSPAny,
    pub mermaid: String,
    pub text: String,
}

/// `pacto.generate`: a generator plugin run on the contract's bundle.
pub enum Generate {}

impl Command for Generate {
    const NAME: &'static str = "pacto.generate";
    type Arguments = (GenerateParams,);
    const N_ARGUMENTS: usize = 1;
    type Result = GenerateResult;
    const USAGE: &'static str = "expected [{ uri, plugin, options?, open? }]";
}

#[derive(Debug, Deserialize, Serialize)]
pub struct GenerateParams {
    pub uri: Uri,
    pub plugin: String,
    /// Over the setting `pacto.generate.options`; `null` is accepted as none, as an absent field is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BTreeMap<String, String>>,
    /// Also write the files to a preview directory and show them with `window/showDocument`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct GenerateResult {
    pub files: Vec<GeneratedFile>,
    pub message: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct GeneratedFile {
    /// Relative to the plugin's output directory.
    pub path: String,
    pub content: String,
}

/// A client-side command, not advertised: the lens "used by N services" carries it, and each editor shows
/// the locations in its reference view (editors/vscode's `commands.ts`, editors/nvim's `codelens.lua`).
pub enum ShowReferences {}

impl Command for ShowReferences {
    const NAME: &'static str = "pacto.showReferences";
    type Arguments = (Uri, Position, Vec<Location>);
    const N_ARGUMENTS: usize = 3;
    type Result = ();
    const USAGE: &'static str = "pacto.showReferences takes [uri, position, locations]";
}

/// The commands advertised in `executeCommandProvider`, which `commands::execute` runs.
pub const SERVER_COMMANDS: &[&str] = &[ShowDiff::NAME, DependencyGraph::NAME, Generate::NAME];

/// `C`'s arguments, or an invalid-params error with `C::USAGE` as its message and what did not fit (the
/// field, the position) as its data.
pub fn arguments<C: Command>(mut arguments: Vec<LSPAny>) -> Result<C::Arguments> {
    arguments.truncate(C::N_ARGUMENTS);
    serde_json::from_value(LSPAny::Array(arguments)).map_err(|err| {
        let mut error = Error::invalid_params(C::USAGE);
        error.data = Some(err.to_string().into());
        error
    })
}

/// LSP's `RequestFailed` code, which jsonrpc's `ErrorCode` does not name.
const REQUEST_FAILED: i64 = -32803;

/// The request was valid, the work it asked for failed (a plugin, a registry).
pub fn request_failed(message: String) -> Error {
    Error { code: ErrorCode::ServerError(REQUEST_FAILED), message: message.into(), data: None }
}

/// The JSON answer of `C`.
pub fn result<C: Command>(result: &C::Result) -> Result<Option<LSPAny>> {
    let value = serde_json::to_value(result).map_err(|err| Error {
        code: ErrorCode::InternalError,
        message: err.to_string().into(),
        data: None,
    })?;
    Ok(Some(value))
}

/// `C` with `arguments`, for a code lens or a code action.
pub fn command<C: Command>(title: String, arguments: &C::Arguments) -> tower_lsp_server::ls_types::Command {
    let arguments = match serde_json::to_value(arguments) {
        Ok(LSPAny::Array(it)) => it,
        // Every `Arguments` is a tuple: it serializes to an array.
        _ => Vec::new(),
    };
    tower_lsp_server::ls_types::Command { title, command: C::NAME.to_owned(), arguments: Some(arguments) }
}

#[cfg(test)]
mod tests;
