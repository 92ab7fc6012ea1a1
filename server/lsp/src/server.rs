//! `impl LanguageServer`: capabilities, document sync, and one-line delegations to handlers.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::learned::{Ctx, Learned};
use crate::lsp_ext::{DiffDocumentParams, DiffDocumentResult, InitializationOptions};
use crate::proto::Encoding;
use crate::session::{ClientSupport, Session};
use crate::{commands, handlers, lsp_ext, workspace};

/// Cheap to clone: background work (registry lookups) holds its own copy to publish results.
#[derive(Clone)]
pub struct Backend {
    pub client: Client,
    pub session: Arc<Session>,
    /// Where diagnostics are written as frames of their own ([`crate::framing::diagnostics_frame`]), never through
    /// `client`: see `handlers::publish`.
    pub frames: crate::framing::FrameSender,
    /// Where the providers say what they learned; `handlers::on_learned` reads it.
    pub learned: UnboundedSender<Learned>,
}

impl Backend {
    /// What a provider works with.
    pub fn ctx(&self) -> Ctx {
        Ctx::new(self.session.clone(), self.learned.clone())
    }

    /// A handler that panics, registered only under `PACTO_LSP_TEST_HOOKS`: the tests prove a
    /// panic in feature work is answered as an internal error and the server lives on.
    pub async fn test_panic(&self, _: serde_json::Value) -> Result<serde_json::Value> {
        handlers::run_blocking("test/panic", || -> serde_json::Value { panic!("a deliberate test panic") }).await
    }

    /// `pacto/diffDocument`: the Markdown diff behind a `pacto-diff:` document.
    pub async fn diff_document(&self, params: DiffDocumentParams) -> Result<DiffDocumentResult> {
        handlers::diff_document(self, params).await
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        // Options that do not fit are ignored as absent ones are: the settings in them still apply.
        let options: InitializationOptions =
            params.initialization_options.clone().and_then(|it| serde_json::from_value(it).ok()).unwrap_or_default();
        self.session.set_client(ClientSupport::new(&params.capabilities, &options));
        let support = *self.session.client();
        if let Some(options) = &params.initialization_options {
            // The same shape as the `pacto` settings section, for clients without `workspace/configuration`.
            let section = options.get("pacto").unwrap_or(options);
            let (settings, warnings) = self.session.read_settings(section);
            for warning in warnings {
                tracing::warn!("{warning}");
            }
            self.session.set_settings(settings);
        }
        #[allow(deprecated)] // `root_uri` is what older clients send instead of folders.
        let folders: Vec<std::path::PathBuf> = match &params.workspace_folders {
            Some(folders) => folders.iter().filter_map(|it| it.uri.to_file_path().map(|it| it.into_owned())).collect(),
            None => params.root_uri.iter().filter_map(|it| it.to_file_path().map(|it| it.into_owned())).collect(),
        };
        self.session.set_workspace_folders(folders);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match support.encoding {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".into(), " ".into(), "/".into(), "-".into()]),
                    ..Default::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE]),
                    ..Default::default()
                })),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: lsp_ext::SERVER_COMMANDS.iter().map(|it| it.to_string()).collect(),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                // Pull for clients that pull, push for the others: never both (see `Session`).
                diagnostic_provider: support.pull_diagnostics.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("pacto".into()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo { name: "pacto".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        handlers::register_file_watcher(self).await;
        handlers::load_settings(self, None).await;
        workspace::start(&self.ctx());
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.session.open(document.uri.clone(), &document.text, document.version);
        handlers::document_changed(self, document.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let (version, changes) = (params.text_document.version, params.content_changes);
        // Edits are applied synchronously; should applying one ever panic, the document is
        // dropped (the client reopens or resends it) rather than the server.
        let applied =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.session.change(&uri, version, changes)));
        let applied = applied.unwrap_or_else(|_| {
            tracing::error!("applying an edit to {} panicked; the document is closed", uri.as_str());
            self.session.close(&uri);
            false
        });
        if applied {
            handlers::document_changed(self, uri);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.session.close(&params.text_document.uri);
        handlers::document_closed(self, &params.text_document.uri);
        let ticket = self.session.publishes.ticket();
        let uri = params.text_document.uri;
        handlers::publish(self, &uri, crate::framing::diagnostics_frame(&uri, &[], None), ticket).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::watched_files_changed(self, params.changes);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::load_settings(self, Some(params.settings)).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion(self, params).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        handlers::definition(self, params).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        handlers::document_symbol(self, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        handlers::references(self, params).await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        handlers::workspace_symbol(self, params).await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        handlers::prepare_rename(self, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        handlers::rename(self, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        handlers::folding_range(self, params).await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        handlers::selection_range(self, params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        handlers::document_link(self, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action(self, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        handlers::code_lens(self, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        handlers::inlay_hint(self, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        commands::execute(self, params).await
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        handlers::pull_diagnostics(self, params).await
    }
}
