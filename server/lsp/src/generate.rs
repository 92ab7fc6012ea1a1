//! `pacto.generate`: a generator plugin run on the contract's bundle by this very binary's
//! `pacto generate`, so the editor gets exactly the CLI's discovery, validation, timeout and path
//! checks. The files come back in the answer; with `open`, they are also written to a preview
//! directory and shown with `window/showDocument`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::lsp_ext::{self, Generate, GenerateParams, GenerateResult, GeneratedFile, request_failed};
use crate::server::Backend;

/// The plugin's time limit, as `pacto generate --timeout`.
pub const GENERATE_TIMEOUT_SECONDS: u64 = 60;
/// Generated files beyond this total are not sent to the editor: a preview is for reading.
pub const MAX_PREVIEW_BYTES: u64 = 16 << 20;
/// Where an editor user sets what the plugin asks for: its message names each option as a CLI
/// `--option`, which an editor user does not type.
pub const OPTIONS_HINT: &str = "; in the editor, set them in the setting `pacto.generate.options`, for example \
{ \"image\": \"ghcr.io/acme/api:1.0.0\", \"port.api\": \"8080\", \"replicas\": \"2\" }";

// The plugin's wording is matched because it is all that reaches here: a plugin answers a fault with stderr and
// a non-zero status (the reference's protocol, which other plugins follow too), and `pacto generate` prints that
// text and exits 1 for every failure, as the reference does. A typed signal would need a new exit code or field
// on both, which scripts and other plugins would see.
fn with_settings_hint(message: String) -> String {
    if message.contains("missing option(s)") || message.contains("invalid option(s)") {
        format!("{message}{OPTIONS_HINT}")
    } else {
        message
    }
}

/// The action offered on a contract: the manifests the Kubernetes plugin would write, opened read-only.
pub fn preview_action(uri: &Uri) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: "Preview generated manifests (kubernetes)".into(),
        kind: Some(CodeActionKind::SOURCE),
        command: Some(lsp_ext::command::<Generate>(
            "Preview generated manifests (kubernetes)".into(),
            &(GenerateParams { uri: uri.clone(), plugin: "kubernetes".into(), options: None, open: Some(true) },),
        )),
        ..Default::default()
    })
}

pub async fn generate(backend: &Backend, args: GenerateParams) -> Result<GenerateResult> {
    let valid_name = |it: &str| !it.is_empty() && it.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !valid_name(&args.plugin) || args.plugin.starts_with('.') {
        return Err(Error::invalid_params(format!("`{}` is not a plugin name", args.plugin)));
    }
    let Some(file) = args.uri.to_file_path().map(|it| it.into_owned()) else {
        return Err(Error::invalid_params("the contract must be a file on disk"));
    };
    let Some(bundle) = file.parent().map(Path::to_path_buf) else {
        return Err(Error::invalid_params("the contract must be a file on disk"));
    };
    let exe = std::env::current_exe().map_err(|err| request_failed(format!("cannot find the pacto binary: {err}")))?;
    let out = preview_dir();
    let mut command = tokio::process::Command::new(exe);
    command
        .arg("generate")
        .arg(&args.plugin)
        .arg(&bundle)
        .arg("-o")
        .arg(&out)
        .arg("--timeout")
        .arg(GENERATE_TIMEOUT_SECONDS.to_string())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    // The settings' options first, the request's own over them.
    let mut options = backend.session.settings().generate_options.clone();
    options.extend(args.options.clone().unwrap_or_default());
    for (key, value) in &options {
        command.arg("--option").arg(format!("{key}={value}"));
    }
    let output = command.output().await.map_err(|err| request_failed(format!("cannot run pacto generate: {err}")))?;
    if !output.status.success() {
        let _ = std::fs::remove_dir_all(&out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.trim().trim_start_matches("Error: ").to_owned();
        return Err(request_failed(if message.is_empty() {
            format!("pacto generate failed: {}", output.status)
        } else {
            with_settings_hint(message)
        }));
    }
    let files = read_files(&out);
    let mut message = summary(&String::from_utf8_lossy(&output.stdout));
    let unsaved =
        backend.session.documents.get(&args.uri).is_some_and(|document| {
            std::fs::read_to_string(&file).map_or(true, |saved| document.rope != saved.as_str())
        });
    if unsaved {
        message.push_str(" (from the saved file: unsaved changes are not included)");
    }
    let files = match files {
        Ok(files) => files,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&out);
            return Err(request_failed(err));
        }
    };
    if args.open.unwrap_or(false) {
        for (index, (path, _)) in files.iter().enumerate() {
            let Some(uri) = Uri::from_file_path(out.join(path)) else { continue };
            let params = ShowDocumentParams { uri, external: None, take_focus: Some(index == 0), selection: None };
            if let Err(err) = backend.client.show_document(params).await {
                tracing::warn!("the client did not open a generated file: {err}");
            }
        }
    } else {
        let _ = std::fs::remove_dir_all(&out);
    }
    let files = files.into_iter().map(|(path, content)| GeneratedFile { path, content }).collect();
    Ok(GenerateResult { files, message })
}

/// `pacto generate`'s result lines without the (temporary) output directory: "Generated 4 file(s)
/// using kubernetes: Kubernetes manifests for payments-api@2.1.0".
fn summary(stdout: &str) -> String {
    let mut generated = String::new();
    let mut message = None;
    for line in stdout.lines() {
        if let Some(it) = line.strip_prefix("Message: ") {
            message = Some(it.trim());
        } else if line.starts_with("Generated ") {
            generated = line.trim().to_owned();
        }
    }
    match message {
        Some(message) if !message.is_empty() => format!("{generated}: {message}"),
        _ => generated,
    }
}

/// This server's previews: kept while it runs, for the editor to show, removed by [`remove_previews`].
fn previews_root() -> PathBuf {
    std::env::temp_dir().join(format!("pacto-preview-{}", std::process::id()))
}

/// A new directory per run under [`previews_root`].
fn preview_dir() -> PathBuf {
    static RUN: AtomicU64 = AtomicU64::new(0);
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    previews_root().join(run.to_string())
}

/// Called when the server exits: previews are not the user's files and must not pile up in the temp dir.
pub fn remove_previews() {
    let _ = std::fs::remove_dir_all(previews_root());
}

/// Every file under `root`, by relative path in order, as text.
fn read_files(root: &Path) -> std::result::Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                total += entry.metadata().map_or(0, |it| it.len());
                if total > MAX_PREVIEW_BYTES {
                    return Err(format!(
                        "the generated files exceed {} MiB: open them from disk",
                        MAX_PREVIEW_BYTES >> 20
                    ));
                }
                let bytes = std::fs::read(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
                let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
                files.push((relative, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    files.sort();
    Ok(files)
}
