//! The Pacto language server: documents, scheduling and LSP features over the pure core.

mod analysis;
#[cfg(test)]
mod arrows;
mod commands;
mod cursor;
mod deps;
mod document;
mod features;
#[cfg(test)]
mod fixture;
mod framing;
mod generate;
mod handlers;
mod idle;
mod learned;
mod lens;
mod logging;
mod lsp_ext;
mod pool;
mod proto;
mod schema_docs;
mod server;
mod session;
pub mod settings;
#[cfg(test)]
mod testing;
mod workspace;

/// A quick fix as the editor offers it: for `pacto mcp`'s `pacto_validate` and `pacto_fix`.
pub use features::code_action::Fix as QuickFix;

/// Every quick fix the language server offers for `text` (the file at `path`, whose directory
/// is the bundle), computed as for an editor's whole-document request, with no session.
pub fn quick_fixes(text: &str, path: Option<&std::path::Path>) -> Vec<QuickFix> {
    let analysis = analysis::Analysis::new(ropey::Rope::from_str(text), 0, path);
    features::code_action::code_actions(&analysis, pacto_core::syntax::Span::new(0, text.len()))
}

/// The pure lens computation, public for `benches/lens.rs` only.
#[doc(hidden)]
pub use lens::compute as lens_compute;

use std::sync::Arc;

use tower_lsp_server::ls_types::request::Request as _;
use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client sends `exit` or closes stdin. Logs go to
/// stderr (stdout is the protocol) and, from warnings up, to the client as `window/logMessage`,
/// at `log_level` (`error`…`trace`) or `$PACTO_LOG`.
pub fn run_stdio(log_level: Option<&str>) -> std::io::Result<()> {
    let level = log_level
        .map(str::to_owned)
        .or_else(|| std::env::var("PACTO_LOG").ok().filter(|it| !it.is_empty()))
        .unwrap_or_else(|| "warn".into());
    let log_messages = logging::init(&level);
    limit_malloc_arenas();
    // Analyses run on the blocking pool; a small pool keeps the memory of a large document from
    // being multiplied by idle threads' caches (the replay benchmark measures peak RSS).
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).max_blocking_threads(4).enable_all().build()?;
    runtime.block_on(async {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let frames = framing::spawn_reader(std::io::stdin());
        tokio::spawn(framing::pump(frames, client_end));
        let (output, diagnostics) = framing::spawn_writer(std::io::stdout());
        let mut builder = service(pacto_oci::Env::process(), diagnostics, |client| {
            tokio::spawn(logging::forward(log_messages, client.clone()));
        });
        if std::env::var_os("PACTO_LSP_TEST_HOOKS").is_some() {
            builder = builder.custom_method(lsp_ext::TestPanic::METHOD, server::Backend::test_panic);
        }
        let (service, socket) = builder.finish();
        Server::new(server_end, output, socket).serve(service).await;
    });
    // The stdin thread may still be blocked in a read: leave without waiting for it.
    runtime.shutdown_background();
    generate::remove_previews();
    Ok(())
}

/// The service `run_stdio` serves; the in-crate tests (`testing/`) build the same one, each with its own `env`.
fn service(
    env: pacto_oci::Env,
    frames: framing::FrameSender,
    on_client: impl FnOnce(&tower_lsp_server::Client),
) -> tower_lsp_server::LspServiceBuilder<server::Backend> {
    LspService::build(|client| {
        on_client(&client);
        let (learned, news) = tokio::sync::mpsc::unbounded_channel();
        let backend = server::Backend { client, session: Arc::new(session::Session::with_env(env)), frames, learned };
        tokio::spawn(handlers::on_learned(backend.clone(), news));
        backend
    })
    .custom_method(lsp_ext::DiffDocument::METHOD, server::Backend::diff_document)
}

/// glibc gives every thread that allocates its own malloc arena and keeps their pages: with
/// analyses moving between blocking threads, peak RSS grew by half over what is in use.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: `mallopt` only sets an allocator tunable; called before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
