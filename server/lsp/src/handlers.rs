//! Params in, (analysis, offset) to a feature, LSP value out: the only place both worlds meet.
//! Feature work runs on the blocking pool; a panic there becomes an internal error, not a crash.

use std::collections::HashMap;
use std::sync::Arc;

use pacto_core::syntax::Span;
use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Bounded, NotCancellable, OngoingProgress, Unbounded};

use crate::analysis::Analysis;
use crate::document::is_contract;
use crate::features::definition::{Definition, Target};
use crate::features::{
    Known, code_action, code_lens, completion, definition, diagnostics, hover, inlay_hint, links, migrate, references,
    rename, structure, symbols,
};
use crate::learned::{Indexing, Learned, Progress};
use crate::lsp_ext::{self, DiffAgainst, ShowDiff, ShowReferences};
use crate::proto::{self, Encoding};
use crate::server::Backend;
use crate::session::Session;
use crate::{deps, framing, generate, lens, workspace};

mod dependency_graph;
mod diff_document;
pub(crate) mod to_lsp;
pub use dependency_graph::dependency_graph;
pub use diff_document::{diff_document, show_diff};
use to_lsp::{
    bump_action, completion_item, diagnostic, document_symbol_of, migration_action, registry_actions, registry_item,
};

/// The analysis of the document's current version: built once per version, off the async threads, by whoever asks
/// first; everyone asking meanwhile awaits that one build. `None` for documents that are not open or not contracts.
pub(crate) async fn analysis(backend: &Backend, uri: &Uri) -> Result<Option<Arc<Analysis>>> {
    analysis_of(backend, uri, None).await
}

/// As [`analysis`], for a read-only request (hover, completion) on `line`: while a big version is being analysed, the
/// last finished analysis answers if the request's line reads the same in it, so the answer's ranges are right.
pub(crate) async fn analysis_for_line(backend: &Backend, uri: &Uri, line: u32) -> Result<Option<Arc<Analysis>>> {
    let stale = backend.session.documents.get(uri).and_then(|it| it.stale_analysis(line as usize));
    match stale {
        Some(stale) => Ok(Some(stale)),
        None => analysis(backend, uri).await,
    }
}

/// As [`analysis`], for the pipeline of `version`: when a newer version arrived before a thread took the build,
/// it is given up (the newer version's pipeline builds its own), so a burst of edits costs one build, not one per
/// keystroke. A request awaiting the same build then builds it itself.
async fn pipeline_analysis(backend: &Backend, uri: &Uri, version: i32) -> Result<Option<Arc<Analysis>>> {
    analysis_of(backend, uri, Some(version)).await
}

async fn analysis_of(backend: &Backend, uri: &Uri, pipeline: Option<i32>) -> Result<Option<Arc<Analysis>>> {
    let Some((cell, snapshot)) = backend.session.analysis_cell(uri) else {
        return Ok(None);
    };
    if let Some(ready) = cell.get() {
        return Ok(Some(ready.clone()));
    }
    if !is_contract(uri.as_str(), &snapshot.rope) {
        return Ok(None);
    }
    let session = backend.session.clone();
    let uri = uri.clone();
    let build = || async move {
        let built = run_blocking("analysis", move || {
            let outdated = pipeline.is_some_and(|version| session.current_version(&uri) != Some(version));
            let built =
                if outdated { None } else { snapshot.analyze(&session.policy_refs, &session.files).map(Arc::new) };
            // The snapshot holds the previous analysis: let go first, so that the one `finished` replaces is freed apart.
            drop(snapshot);
            if let Some(built) = &built {
                session.finished(&uri, built);
            }
            built
        })
        .await?;
        built.ok_or_else(Error::content_modified)
    };
    Ok(Some(cell.get_or_try_init(build).await?.clone()))
}

pub async fn run_blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    crate::pool::spawn(work).await.map_err(|err| {
        tracing::error!("{what} failed: {err}");
        Error::internal_error()
    })
}

/// Publishes the current version's diagnostics to a client that does not pull, from its analysis (built now if
/// no one has yet), unless a newer version arrived meanwhile: a result for an old version is never published.
pub fn schedule_diagnostics(backend: &Backend, uri: Uri) {
    if backend.session.client().pull_diagnostics {
        return;
    }
    let Some(version) = backend.session.current_version(&uri) else {
        return;
    };
    let backend = backend.clone();
    tokio::spawn(async move { publish_diagnostics(&backend, uri, version).await });
}

/// Publishes the diagnostics of `version`, if it is still the current one once they are computed.
async fn publish_diagnostics(backend: &Backend, uri: Uri, version: i32) {
    let session = backend.session.clone();
    let ((ticket, frame), analysis) = match pipeline_analysis(backend, &uri, version).await {
        // Not a contract (any more): whatever was published for it goes.
        Ok(None) => ((session.publishes.ticket(), framing::diagnostics_frame(&uri, &[], Some(version))), None),
        Ok(Some(analysis)) if analysis.version != version => return,
        Ok(Some(analysis)) => {
            let (task_session, task_uri, encoding) = (session.clone(), uri.clone(), session.encoding());
            let task_analysis = analysis.clone();
            let frame = run_blocking("diagnostics", move || {
                let ticket = task_session.publishes.ticket();
                (ticket, publish_frame(&task_session, &task_uri, &task_analysis, encoding))
            });
            match frame.await {
                Ok(frame) => (frame, Some(analysis)),
                Err(_) => return,
            }
        }
        Err(_) => return,
    };
    if session.current_version(&uri) != Some(version) {
        return;
    }
    publish(backend, &uri, frame, ticket).await;
    if let Some(analysis) = analysis.filter(|it| migrate::hints_carried(&session, uri.as_str(), it)) {
        recompute_migration_hints(backend, uri, analysis);
    }
}

/// Every publish goes one way, in the order the lists were computed (`ticket`, see [`PublishOrder`]); a closed output
/// (the client left) drops it.
///
/// [`PublishOrder`]: crate::session::PublishOrder
pub async fn publish(backend: &Backend, uri: &Uri, frame: Vec<u8>, ticket: u64) {
    let send = async {
        let _ = backend.frames.send(frame).await;
    };
    backend.session.publishes.send_in_order(uri.as_str(), ticket, send).await;
}

/// Once a big document has been still for a moment, its own migration hints replace the carried ones: published
/// again, or for a client that pulls, a refresh asked.
fn recompute_migration_hints(backend: &Backend, uri: Uri, analysis: Arc<Analysis>) {
    let backend = backend.clone();
    // Not the analysis itself: during typing each version has a timer, and they would keep every analysis alive.
    let (analysis, version) = (Arc::downgrade(&analysis), analysis.version);
    tokio::spawn(async move {
        tokio::time::sleep(migrate::HINTS_RECOMPUTED_AFTER).await;
        let session = backend.session.clone();
        let Some(analysis) = analysis.upgrade().filter(|_| session.current_version(&uri) == Some(version)) else {
            return;
        };
        let pull = session.client().pull_diagnostics;
        let (task_session, task_uri, encoding) = (session.clone(), uri.clone(), session.encoding());
        let frame = run_blocking("migration hints", move || {
            migrate::compute_hints(&task_session, task_uri.as_str(), &analysis);
            (!pull).then(|| {
                (task_session.publishes.ticket(), publish_frame(&task_session, &task_uri, &analysis, encoding))
            })
        });
        // A newer version publishes its own.
        match frame.await {
            Ok(_) if session.current_version(&uri) != Some(version) => {}
            Ok(Some((ticket, frame))) => publish(&backend, &uri, frame, ticket).await,
            Ok(None) => refresh_diagnostics(&backend),
            Err(_) => {}
        }
    });
}

/// What every source found, from what the providers already know: never the network.
fn all_diagnostics(session: &Session, uri: &Uri, analysis: &Analysis, encoding: Encoding) -> Vec<Diagnostic> {
    let at = analysis.place(encoding);
    found_diagnostics(session, uri, analysis).into_iter().map(|it| diagnostic(&at, uri, it)).collect()
}

fn found_diagnostics<'a>(session: &Session, uri: &Uri, analysis: &'a Analysis) -> Vec<diagnostics::Diagnostic<'a>> {
    let path = uri.to_file_path();
    let repository = lens::repository(session, analysis, path.as_deref());
    let document =
        diagnostics::Document { key: uri.as_str(), path: path.as_deref(), repository: repository.as_deref() };
    diagnostics::diagnostics(analysis, &Known::of(session), &document, session)
}

/// The frame publishing [`all_diagnostics`] of `analysis`; the migration hints, one run in the list, are written as
/// the document's last publish wrote them when they read the same (a big 1.0 contract carries hundreds of them from
/// keystroke to keystroke, most of a publish's serializing).
fn publish_frame(session: &Session, uri: &Uri, analysis: &Analysis, encoding: Encoding) -> Vec<u8> {
    let at = analysis.place(encoding);
    let (mut before, mut hints, mut after) = (Vec::new(), Vec::new(), Vec::new());
    for found in found_diagnostics(session, uri, analysis) {
        match found {
            diagnostics::Diagnostic::Migration(hint) => hints.push(hint),
            other if hints.is_empty() => before.push(other),
            other => after.push(other),
        }
    }
    let hints = to_lsp::hints_run(session, uri, &at, hints);
    // Sized once: a frame that doubles as it grows holds up to twice its size at the server's peak.
    let expected = (before.len() + after.len()) * EXPECTED_DIAGNOSTIC_BYTES + hints.len();
    let mut frame = framing::DiagnosticsFrame::new(uri, expected);
    before.into_iter().for_each(|it| frame.push(&diagnostic(&at, uri, it)));
    frame.push_run(&hints);
    after.into_iter().for_each(|it| frame.push(&diagnostic(&at, uri, it)));
    frame.finish(Some(analysis.version))
}

/// What a finding takes in a publish, about: a range, a code, a message of a line or two, the source.
const EXPECTED_DIAGNOSTIC_BYTES: usize = 384;

/// A document was opened or edited: one pipeline per version, in the background. Its analysis is built once and
/// feeds the registry work (its dependencies), the baselines (its publish repository) and its diagnostics.
pub fn document_changed(backend: &Backend, uri: Uri) {
    let Some(version) = backend.session.current_version(&uri) else {
        return;
    };
    let backend = backend.clone();
    tokio::spawn(async move {
        match pipeline_analysis(&backend, &uri, version).await {
            // A newer version has its own pipeline; this one's registry, baseline and diagnostics would be stale.
            Err(_) => return,
            Ok(Some(analysis)) if analysis.version != version => return,
            Ok(Some(analysis)) => {
                deps::document_changed(&backend.ctx(), uri.as_str(), &analysis);
                let path = uri.to_file_path().map(|it| it.into_owned());
                lens::document_changed(&backend.ctx(), path.as_deref(), &analysis);
                let (session, current) = (backend.session.clone(), uri.clone());
                let is_current = move || session.current_version(&current) == Some(version);
                workspace::document_changed(&backend.ctx(), path, &analysis, is_current).await;
            }
            Ok(None) => {}
        }
        if !backend.session.client().pull_diagnostics {
            publish_diagnostics(&backend, uri, version).await;
        }
        backend.session.idle.finished();
    });
}

/// The one reader of what the providers learn: it decides what the client is asked to fetch again, and shows how
/// far dependency resolutions have come. Progress is shown in order, before the refresh that follows it; a client
/// slow to accept a progress token delays the refreshes, never the resolutions.
pub async fn on_learned(backend: Backend, mut news: UnboundedReceiver<Learned>) {
    let mut shown = HashMap::new();
    let mut indexing = HashMap::new();
    while let Some(learned) = news.recv().await {
        match learned {
            Learned::Registry | Learned::Baseline => refresh_from_network(&backend),
            Learned::Policies => {
                // The policy layer is part of validation: the analyses that asked are made again.
                backend.session.invalidate_all();
                refresh_from_network(&backend);
            }
            Learned::Progress(step) => show_progress(&backend, &mut shown, step).await,
            // Without a workspace folder the index is the open documents, each answered as it is edited.
            Learned::Workspace if backend.session.workspace_folders().is_empty() => {}
            // The impact findings and used-by lenses of every open contract may have changed with another one;
            // inlay hints show nothing of other contracts.
            Learned::Workspace => refresh_views(&backend, false),
            Learned::Indexing(step) => show_indexing(&backend, &mut indexing, step).await,
        }
    }
}

async fn show_indexing(
    backend: &Backend,
    shown: &mut HashMap<u64, OngoingProgress<Unbounded, NotCancellable>>,
    step: Indexing,
) {
    match step {
        Indexing::Begin { generation } => {
            if !backend.session.client().work_done_progress {
                return;
            }
            let token = ProgressToken::String(workspace::PROGRESS_TOKEN.to_owned());
            if let Err(err) = backend.client.create_work_done_progress(token.clone()).await {
                tracing::debug!("the client refused a progress token: {err}");
                return;
            }
            shown.insert(generation, backend.client.progress(token, "Indexing contracts").begin().await);
        }
        Indexing::End { generation, n_contracts } => {
            if let Some(progress) = shown.remove(&generation) {
                let message = match n_contracts {
                    Some(n) => format!("{n} contracts"),
                    None => "failed".to_owned(),
                };
                progress.finish_with_message(message).await;
            }
        }
    }
}

async fn show_progress(
    backend: &Backend,
    shown: &mut HashMap<u64, OngoingProgress<Bounded, NotCancellable>>,
    step: Progress,
) {
    match step {
        Progress::Begin { id, n_total } => {
            if !backend.session.client().work_done_progress {
                return;
            }
            let token = ProgressToken::String(format!("pacto/dependencies/{id}"));
            if let Err(err) = backend.client.create_work_done_progress(token.clone()).await {
                tracing::debug!("the client refused a progress token: {err}");
                return;
            }
            let progress = backend
                .client
                .progress(token, "Resolving dependencies")
                .with_percentage(0)
                .with_message(format!("0/{n_total}"))
                .begin()
                .await;
            shown.insert(id, progress);
        }
        Progress::Report { id, n_done, n_total } => {
            if let Some(progress) = shown.get(&id) {
                let percentage = (n_done * 100 / n_total) as u32;
                progress.report_with_message(format!("{n_done}/{n_total}"), percentage).await;
            }
        }
        Progress::End { id } => {
            if let Some(progress) = shown.remove(&id) {
                progress.finish().await;
            }
        }
    }
}

/// The network answered: every open document's diagnostics, inlay hints and lenses are brought up to date.
fn refresh_from_network(backend: &Backend) {
    refresh_views(backend, true);
}

/// Asks the client to fetch again what it shows of every open document: lenses, inlay hints too
/// when `inlay_hints`, and the diagnostics (re-published or pulled again).
pub fn refresh_views(backend: &Backend, inlay_hints: bool) {
    let support = backend.session.client();
    let client = backend.client.clone();
    let inlay = inlay_hints && support.inlay_hint_refresh;
    let lens = support.code_lens_refresh;
    tokio::spawn(async move {
        if inlay {
            if let Err(err) = client.inlay_hint_refresh().await {
                tracing::debug!("the client refused an inlay hint refresh: {err}");
            }
        }
        if lens {
            if let Err(err) = client.code_lens_refresh().await {
                tracing::debug!("the client refused a code lens refresh: {err}");
            }
        }
    });
    refresh_diagnostics(backend);
}

/// Re-publishes (push clients) or asks the client to pull again (pull clients).
pub fn refresh_diagnostics(backend: &Backend) {
    if backend.session.client().pull_diagnostics {
        if !backend.session.client().diagnostic_refresh {
            return;
        }
        let client = backend.client.clone();
        tokio::spawn(async move {
            if let Err(err) = client.workspace_diagnostic_refresh().await {
                tracing::warn!("the client refused a diagnostics refresh: {err}");
            }
        });
        return;
    }
    let uris: Vec<Uri> = backend.session.documents.iter().map(|it| it.key().clone()).collect();
    for uri in uris {
        schedule_diagnostics(backend, uri);
    }
}

/// Settings from `didChangeConfiguration`'s payload when it carries the `pacto` section, else asked of
/// the client with `workspace/configuration`; then whatever depends on them is redone.
pub async fn load_settings(backend: &Backend, pushed: Option<LSPAny>) {
    let pushed = pushed.and_then(|it| it.get("pacto").cloned()).filter(|it| !it.is_null());
    let section = match pushed {
        Some(section) => Some(section),
        None if backend.session.client().configuration => {
            let item = ConfigurationItem { scope_uri: None, section: Some("pacto".into()) };
            match backend.client.configuration(vec![item]).await {
                Ok(mut values) if !values.is_empty() => Some(values.swap_remove(0)),
                Ok(_) => None,
                Err(err) => {
                    tracing::warn!("the client did not answer workspace/configuration: {err}");
                    None
                }
            }
        }
        None => None,
    };
    let Some(section) = section.filter(|it| !it.is_null()) else {
        return;
    };
    let (settings, warnings) = backend.session.read_settings(&section);
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    if *backend.session.settings() == settings {
        return;
    }
    backend.session.set_settings(settings);
    // What the registry and the baselines knew depended on the settings; the analyses did not.
    backend.session.deps.reset();
    backend.session.lens.reset();
    backend.session.policy_refs.reset();
    // Where contracts are published can come from the settings: the index is read again.
    if backend.session.workspace.is_started() {
        workspace::start(&backend.ctx());
    }
    let uris: Vec<Uri> = backend.session.documents.iter().map(|it| it.key().clone()).collect();
    for uri in uris {
        document_changed(backend, uri);
    }
    refresh_from_network(backend);
}

pub async fn register_file_watcher(backend: &Backend) {
    if !backend.session.client().watch_files {
        return;
    }
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher { glob_pattern: GlobPattern::String("**/*".into()), kind: None }],
    };
    let registration = Registration {
        id: "pacto-watch-bundle-files".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(err) = backend.client.register_capability(vec![registration]).await {
        tracing::warn!("the client refused the file watcher: {err}");
    }
}

/// A closed document is indexed from disk again: its unsaved edits are gone with it.
pub fn document_closed(backend: &Backend, uri: &Uri) {
    if let Some(path) = uri.to_file_path() {
        workspace::document_closed(&backend.ctx(), path.into_owned());
    }
}

/// `workspace/didChangeWatchedFiles`: the index reads the changed contracts again, and every open contract is
/// checked again (a file it refers to may be among them).
pub fn watched_files_changed(backend: &Backend, events: Vec<FileEvent>) {
    let changes = events.into_iter().filter_map(|it| {
        let change = match it.typ {
            FileChangeType::DELETED => workspace::FileChange::Deleted,
            _ => workspace::FileChange::Changed,
        };
        Some((it.uri.to_file_path()?.into_owned(), change))
    });
    workspace::files_changed(&backend.ctx(), changes.collect());
    files_changed(backend);
}

/// A referenced file appeared or disappeared: every open contract is checked again.
fn files_changed(backend: &Backend) {
    backend.session.invalidate_all();
    refresh_diagnostics(backend);
}

/// What the providers already know, for a feature to read.
fn position_params(backend: &Backend, params: &TextDocumentPositionParams) -> (Uri, Position, Encoding) {
    (params.text_document.uri.clone(), params.position, backend.session.encoding())
}

pub async fn hover(backend: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let (uri, position, encoding) = position_params(backend, &params.text_document_position_params);
    let Some(analysis) = analysis_for_line(backend, &uri, position.line).await? else {
        return Ok(None);
    };
    let session = backend.session.clone();
    run_blocking("hover", move || {
        let rope = &analysis.rope;
        let offset = proto::offset(rope, encoding, position);
        let info = hover::hover(&analysis, &Known::of(&session), offset);
        info.map(|it| Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: it.markdown }),
            range: Some(proto::range(rope, encoding, it.span)),
        })
    })
    .await
}

pub async fn completion(backend: &Backend, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let (uri, position, encoding) = position_params(backend, &params.text_document_position);
    let Some(analysis) = analysis_for_line(backend, &uri, position.line).await? else {
        return Ok(None);
    };
    let ctx = backend.ctx();
    run_blocking("completion", move || {
        let rope = &analysis.rope;
        let offset = proto::offset(rope, encoding, position);
        let session = &ctx.session;
        let repositories = deps::referenced_repositories(session);
        let found = completion::completion(&analysis, &Known::of(session), offset, &repositories);
        let mut items: Vec<CompletionItem> =
            found.entries.into_iter().map(|it| completion_item(rope, encoding, it)).collect();
        let Some(registry) = found.registry else {
            return Some(CompletionResponse::Array(items));
        };
        if let Some(reference) = registry.list_tags {
            deps::request_tags(&ctx, reference);
        }
        if let Some(key) = registry.resolve {
            deps::request_resolution(&ctx, key);
        }
        items.extend(registry.items.into_iter().map(|it| registry_item(rope, encoding, it)));
        Some(CompletionResponse::List(CompletionList { is_incomplete: registry.incomplete, items }))
    })
    .await
}

pub async fn definition(backend: &Backend, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
    let (uri, position, encoding) = position_params(backend, &params.text_document_position_params);
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    let session = backend.session.clone();
    run_blocking("definition", move || {
        let rope = &analysis.rope;
        let offset = proto::offset(rope, encoding, position);
        let sources = match uri.to_file_path() {
            Some(path) => workspace::definition::sources(
                &session.workspace.read(),
                &analysis,
                &workspace::canonical(&path),
                offset,
            ),
            None => Vec::new(),
        };
        let location = |target: Target| match target {
            Target::Here(span) => Some(Location { uri: uri.clone(), range: proto::range(rope, encoding, span) }),
            Target::File(path) => Some(Location { uri: Uri::from_file_path(path)?, range: Range::default() }),
        };
        match definition::definition(&analysis, &Known::of(&session), offset, sources)? {
            Definition::One(target) => Some(GotoDefinitionResponse::Scalar(location(target)?)),
            Definition::Files(files) => {
                let locations = files.into_iter().filter_map(|it| location(Target::File(it)));
                Some(GotoDefinitionResponse::Array(locations.collect()))
            }
        }
    })
    .await
}

pub async fn document_symbol(
    backend: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    let encoding = backend.session.encoding();
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    run_blocking("documentSymbol", move || {
        let rope = &analysis.rope;
        let root = analysis.root()?;
        let symbols = symbols::symbols(root).into_iter().map(|it| document_symbol_of(rope, encoding, it)).collect();
        Some(DocumentSymbolResponse::Nested(symbols))
    })
    .await
}

pub async fn pull_diagnostics(
    backend: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let encoding = backend.session.encoding();
    let items = match analysis(backend, &uri).await? {
        None => Vec::new(),
        Some(analysis) => {
            let (task_uri, session, task_analysis) = (uri.clone(), backend.session.clone(), analysis.clone());
            let items =
                run_blocking("diagnostic", move || all_diagnostics(&session, &task_uri, &task_analysis, encoding));
            let items = items.await?;
            if migrate::hints_carried(&backend.session, uri.as_str(), &analysis) {
                recompute_migration_hints(backend, uri.clone(), analysis);
            }
            items
        }
    };
    Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
    })))
}

pub async fn references(backend: &Backend, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let (uri, position, encoding) = position_params(backend, &params.text_document_position);
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    let session = backend.session.clone();
    let include_declaration = params.context.include_declaration;
    run_blocking("references", move || {
        let rope = &analysis.rope;
        let offset = proto::offset(rope, encoding, position);
        let buffer = || {
            let path = workspace::canonical(&uri.to_file_path()?);
            Some(workspace::buffer_entry(&session, &path, &analysis))
        };
        let location = |span| Location { uri: uri.clone(), range: proto::range(rope, encoding, span) };
        Some(match references::find(&analysis, &Known::of(&session), buffer, offset)? {
            references::Found::Names(spans) => spans.into_iter().map(location).collect(),
            references::Found::Service { declaration, dependents } => {
                let sites = dependents.into_iter().filter_map(|it| proto::line_location(&it.path, it.line));
                include_declaration.then(|| location(declaration)).into_iter().chain(sites).collect()
            }
        })
    })
    .await
}

pub async fn workspace_symbol(
    backend: &Backend,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let session = backend.session.clone();
    run_blocking("workspaceSymbol", move || {
        let found = workspace::symbols::symbols(&session.workspace.read(), &params.query);
        let symbols = found.into_iter().filter_map(|it| {
            Some(WorkspaceSymbol {
                name: it.name,
                kind: match it.kind {
                    workspace::symbols::Kind::Service => SymbolKind::MODULE,
                    workspace::symbols::Kind::Interface => SymbolKind::INTERFACE,
                },
                tags: None,
                container_name: it.container,
                location: OneOf::Left(proto::line_location(&it.path, it.line)?),
                data: None,
            })
        });
        Some(WorkspaceSymbolResponse::Nested(symbols.collect()))
    })
    .await
}

pub async fn prepare_rename(
    backend: &Backend,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let (uri, position, encoding) = position_params(backend, &params);
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    run_blocking("prepareRename", move || {
        let rope = &analysis.rope;
        let offset = proto::offset(rope, encoding, position);
        if workspace::references::service_at(&analysis, offset).is_some() {
            return Err(service_not_renamed());
        }
        let span = rename::prepare_rename(&analysis, offset);
        Ok(span.map(|span| PrepareRenameResponse::Range(proto::range(rope, encoding, span))))
    })
    .await?
}

/// Renaming a service would have to follow it into its dependents, which name it by where it is
/// (an `oci://` repository or a path), never by `service.name`: there is nothing there to rename.
fn service_not_renamed() -> Error {
    Error {
        // LSP's RequestFailed: the request was valid, the server declines it (and says why).
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: workspace::references::NOT_RENAMED.into(),
        data: None,
    }
}

pub async fn rename(backend: &Backend, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let (uri, position, encoding) = position_params(backend, &params.text_document_position);
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    let new_name = params.new_name;
    let edits = run_blocking("rename", move || {
        let rope = &analysis.rope;
        let offset = proto::offset(rope, encoding, position);
        if workspace::references::service_at(&analysis, offset).is_some() {
            return Err(workspace::references::NOT_RENAMED.to_owned());
        }
        rename::rename(&analysis, offset, &new_name).map(|edits| {
            edits
                .into_iter()
                .map(|(span, new_text)| TextEdit { range: proto::range(rope, encoding, span), new_text })
                .collect::<Vec<_>>()
        })
    })
    .await?
    .map_err(|message| match message.as_str() {
        workspace::references::NOT_RENAMED => service_not_renamed(),
        _ => Error::invalid_params(message),
    })?;
    Ok(Some(WorkspaceEdit { changes: Some([(uri, edits)].into_iter().collect()), ..Default::default() }))
}

pub async fn folding_range(backend: &Backend, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let Some(analysis) = analysis(backend, &params.text_document.uri).await? else {
        return Ok(None);
    };
    run_blocking("foldingRange", move || {
        let ranges = structure::folding_ranges(&analysis)
            .into_iter()
            .map(|(start, end)| FoldingRange {
                start_line: start as u32,
                end_line: end as u32,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            })
            .collect();
        Some(ranges)
    })
    .await
}

pub async fn selection_range(backend: &Backend, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
    let encoding = backend.session.encoding();
    let Some(analysis) = analysis(backend, &params.text_document.uri).await? else {
        return Ok(None);
    };
    let positions = params.positions;
    run_blocking("selectionRange", move || {
        let rope = &analysis.rope;
        let ranges = positions
            .into_iter()
            .map(|position| {
                let offset = proto::offset(rope, encoding, position);
                let mut chain: Option<SelectionRange> = None;
                for span in structure::selection_spans(&analysis, offset).into_iter().rev() {
                    chain =
                        Some(SelectionRange { range: proto::range(rope, encoding, span), parent: chain.map(Box::new) });
                }
                chain.unwrap_or(SelectionRange { range: Range::new(position, position), parent: None })
            })
            .collect();
        Some(ranges)
    })
    .await
}

pub async fn document_link(backend: &Backend, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
    let encoding = backend.session.encoding();
    let Some(analysis) = analysis(backend, &params.text_document.uri).await? else {
        return Ok(None);
    };
    run_blocking("documentLink", move || {
        let rope = &analysis.rope;
        let links = links::links(&analysis)
            .into_iter()
            .filter_map(|(span, path)| {
                Some(DocumentLink {
                    range: proto::range(rope, encoding, span),
                    target: Some(Uri::from_file_path(path)?),
                    tooltip: None,
                    data: None,
                })
            })
            .collect();
        Some(links)
    })
    .await
}

pub async fn code_action(backend: &Backend, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let encoding = backend.session.encoding();
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    let range = params.range;
    let session = backend.session.clone();
    run_blocking("codeAction", move || {
        let rope = &analysis.rope;
        let span = pacto_core::syntax::Span::new(
            proto::offset(rope, encoding, range.start),
            proto::offset(rope, encoding, range.end),
        );
        let path = uri.to_file_path();
        let document = code_action::Document {
            key: uri.as_str(),
            repository: lens::repository(&session, &analysis, path.as_deref()),
        };
        let found = code_action::actions(&analysis, &Known::of(&session), &document, span);
        let actions = found.contract.into_iter().map(|fix| {
            let diagnostics: Vec<Diagnostic> = analysis
                .validation
                .diagnostics
                .iter()
                .filter(|it| it.span == fix.fixes && it.code == fix.code)
                .map(|it| proto::diagnostic(&analysis.place(encoding), &uri, it))
                .collect();
            proto::quick_fix(rope, encoding, &uri, fix.title, fix.edits, diagnostics, fix.preferred)
        });
        let mut actions: Vec<CodeActionOrCommand> = actions.collect();
        actions.extend(registry_actions(&session, &uri, &analysis, found.registry, encoding));
        actions.extend(found.bump.map(|it| bump_action(&uri, &analysis, &it, encoding)));
        if let Some(migration) = found.migration {
            actions.extend(migration_action(&uri, &analysis, migration, encoding));
        }
        if analysis.validation.errors().next().is_none() && path.is_some() {
            actions.push(generate::preview_action(&uri));
        }
        Some(actions)
    })
    .await
}

pub async fn inlay_hint(backend: &Backend, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let uri = params.text_document.uri;
    let encoding = backend.session.encoding();
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    let session = backend.session.clone();
    run_blocking("inlayHint", move || {
        let rope = &analysis.rope;
        let range = params.range;
        let within = Span::new(proto::offset(rope, encoding, range.start), proto::offset(rope, encoding, range.end));
        let hints = inlay_hint::inlay_hints(&analysis, &Known::of(&session), within)
            .into_iter()
            .map(|it| InlayHint {
                position: proto::position(rope, encoding, it.offset),
                label: InlayHintLabel::String(it.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(it.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Some(hints)
    })
    .await
}

pub async fn code_lens(backend: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some(analysis) = analysis(backend, &uri).await? else {
        return Ok(None);
    };
    // Idempotent: a lens asked for before any edit (a restored editor) still starts the fetches.
    lens::document_changed(&backend.ctx(), uri.to_file_path().as_deref(), &analysis);
    let session = backend.session.clone();
    let encoding = session.encoding();
    run_blocking("codeLens", move || {
        let rope = &analysis.rope;
        let path = uri.to_file_path();
        let document = code_lens::Document {
            key: uri.as_str(),
            path: path.as_deref(),
            repository: lens::repository(&session, &analysis, path.as_deref()),
            n_dependents: path.as_deref().and_then(|it| workspace::n_dependents(&session, it, &analysis)),
        };
        let lenses = code_lens::code_lenses(&analysis, &Known::of(&session), &document).into_iter().map(|it| {
            let against = match it.against {
                code_lens::Against::Published => DiffAgainst::Published,
                code_lens::Against::Head => DiffAgainst::Head,
            };
            CodeLens {
                range: proto::range(rope, encoding, it.span),
                command: Some(lsp_ext::command::<ShowDiff>(it.title, &(uri.clone(), against))),
                data: None,
            }
        });
        let mut out: Vec<CodeLens> = lenses.collect();
        if let Some(it) = path.as_deref().and_then(|it| workspace::used_by(&session, it, &analysis)) {
            let locations: Vec<Location> =
                it.sites.iter().filter_map(|site| proto::line_location(&site.path, site.line)).collect();
            let position = proto::range(rope, encoding, it.at).start;
            out.push(CodeLens {
                range: proto::range(rope, encoding, it.span),
                command: Some(lsp_ext::command::<ShowReferences>(it.title, &(uri.clone(), position, locations))),
                data: None,
            });
        }
        Some(out)
    })
    .await
}
