//! The full diff as a Markdown document (spec §3.11's shape): served by `pacto/diffDocument` behind a
//! `pacto-diff:` URI, or written to a file for clients that cannot show virtual documents; and
//! `pacto.showDiff`, which opens it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pacto_core::diff::render::markdown;
use pacto_core::diff::{DiffNode, GraphDiff, Report};
use ropey::Rope;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::analysis::Analysis;
use crate::handlers;
use crate::lens::compute::{self, Against, Side};
use crate::lens::{Published, comparison, ensure_head, ensure_published, head, publish, repository};
use crate::lsp_ext::{DiffAgainst, DiffDocumentParams, DiffDocumentResult};
use crate::server::Backend;

/// The scheme of the virtual documents the VS Code extension serves through `pacto/diffDocument`.
pub const DIFF_SCHEME: &str = "pacto-diff";
/// `pacto-diff:<contract path>.diff.md`: the `.md` makes an editor show it as Markdown.
const DIFF_SUFFIX: &str = ".diff.md";

/// `pacto.showDiff [uri, "published" | "head"]`.
pub async fn show_diff(backend: &Backend, uri: Uri, against: DiffAgainst) -> Result<()> {
    let against = Against::from(against);
    let diff = match diff_of(backend, &uri, against).await? {
        Ok(diff) => diff,
        Err(explanation) => {
            // The user asked: say why there is no diff, as a message rather than an error.
            let client = backend.client.clone();
            tokio::spawn(async move { client.show_message(MessageType::INFO, explanation).await });
            return Ok(());
        }
    };
    let target = if backend.session.client().virtual_documents {
        virtual_uri(&uri, against)?
    } else {
        let settings = backend.session.settings();
        let dir = match settings.cache() {
            Some(cache) => cache.root().join("diffs"),
            None => std::env::temp_dir().join("pacto-diffs"),
        };
        let written = handlers::run_blocking("showDiff", move || write_diff(&dir, &uri, &diff.title, &diff.markdown))
            .await?
            .map_err(|err| Error::invalid_params(format!("the diff could not be written: {err}")))?;
        Uri::from_file_path(&written).ok_or_else(|| Error::invalid_params("the diff file has no file URI"))?
    };
    // Not awaited: a client may answer our request only after we answered its command.
    let client = backend.client.clone();
    tokio::spawn(async move {
        let params = ShowDocumentParams { uri: target, external: Some(false), take_focus: Some(true), selection: None };
        if let Err(err) = client.show_document(params).await {
            tracing::debug!("the client did not show the diff: {err}");
        }
    });
    Ok(())
}

/// `pacto/diffDocument { uri, against }` → `{ title, markdown }`.
pub async fn diff_document(backend: &Backend, params: DiffDocumentParams) -> Result<DiffDocumentResult> {
    let (uri, against) = (params.uri, Against::from(params.against));
    let diff = match diff_of(backend, &uri, against).await? {
        Ok(diff) => diff,
        // A virtual document is shown whatever it holds: it explains what is missing.
        Err(explanation) => {
            let name = uri.to_file_path().and_then(|it| it.file_name().map(|it| it.to_string_lossy().into_owned()));
            Diff {
                title: format!("{} diff", name.as_deref().unwrap_or("pacto.yaml")),
                markdown: format!("{explanation}\n"),
            }
        }
    };
    Ok(DiffDocumentResult { title: diff.title, markdown: diff.markdown })
}

impl From<DiffAgainst> for Against {
    fn from(against: DiffAgainst) -> Against {
        match against {
            DiffAgainst::Published => Against::Published,
            DiffAgainst::Head => Against::Head,
        }
    }
}

/// `pacto-diff:<path of the contract>.diff.md?against=<side>`.
fn virtual_uri(uri: &Uri, against: Against) -> Result<Uri> {
    let text = format!("{DIFF_SCHEME}:{}{DIFF_SUFFIX}?against={}", uri.path().as_str(), against.as_str());
    text.parse().map_err(|_| Error::invalid_params(format!("cannot name a diff document for {}", uri.as_str())))
}

struct Diff {
    title: String,
    markdown: String,
}

/// The diff of the document (open, else read from disk) against its baseline, or why there is none.
async fn diff_of(backend: &Backend, uri: &Uri, against: Against) -> Result<std::result::Result<Diff, String>> {
    let analysis = match handlers::analysis(backend, uri).await? {
        Some(analysis) => analysis,
        None => match uri.to_file_path().map(|it| it.into_owned()) {
            Some(path) => match handlers::run_blocking("diffDocument", move || read_analysis(&path)).await? {
                Some(analysis) => Arc::new(analysis),
                None => return Ok(Err(format!("pacto: {} cannot be read", uri.as_str()))),
            },
            None => return Ok(Err(format!("pacto: {} is not a file", uri.as_str()))),
        },
    };
    let path = uri.to_file_path().map(|it| it.into_owned());
    let side = match against {
        Against::Published => match repository(&backend.session, &analysis, path.as_deref()) {
            None => return Ok(Err(publish::HOW_TO_SET.to_owned())),
            Some(repository) => match settled_published(backend, &repository).await {
                Some(Published::Ready(side)) => side,
                Some(Published::Unavailable(cause)) => {
                    return Ok(Err(format!("pacto: published version unavailable: {cause}")));
                }
                None => {
                    return Ok(Err(format!("pacto: the published version in {repository} is still being resolved")));
                }
            },
        },
        Against::Head => match settled_head(backend, path.as_deref()).await {
            Some(side) => side,
            None => {
                return Ok(Err(format!(
                    "pacto: no committed version of {} to compare with (not in a git repository, not committed, \
                     or git is not installed)",
                    path.as_deref().unwrap_or(Path::new(uri.path().as_str())).display()
                )));
            }
        },
    };
    let session = backend.session.clone();
    let uri = uri.clone();
    let diff =
        handlers::run_blocking("diffDocument", move || render(&session, &uri, &analysis, &side, against)).await?;
    Ok(Ok(diff))
}

/// How often a request the user made waits on a baseline being read.
const SETTLE_POLL: Duration = Duration::from_millis(20);

/// The user asked for this diff: a baseline still being read is waited for (within the registry's
/// timeout), rather than answered "not yet" because the file was opened a moment ago.
async fn settled_published(backend: &Backend, repository: &str) -> Option<Published> {
    ensure_published(&backend.ctx(), repository);
    let deadline = Instant::now() + backend.session.settings().timeout * 2 + Duration::from_secs(1);
    loop {
        let known = backend.session.lens.published(repository);
        if known.is_some() || Instant::now() >= deadline {
            return known;
        }
        tokio::time::sleep(SETTLE_POLL).await;
    }
}

/// As [`settled_published`], for the file at git HEAD.
async fn settled_head(backend: &Backend, path: Option<&Path>) -> Option<Arc<Side>> {
    let path = path?;
    ensure_head(&backend.ctx(), path);
    let deadline = Instant::now() + head::GIT_TIMEOUT + Duration::from_secs(1);
    while !backend.session.lens.head_checked(path) && Instant::now() < deadline {
        tokio::time::sleep(SETTLE_POLL).await;
    }
    backend.session.lens.head(path)
}

fn render(
    session: &crate::session::Session,
    uri: &Uri,
    analysis: &Analysis,
    side: &Arc<Side>,
    against: Against,
) -> Diff {
    let comparison = comparison(&session.lens, uri.as_str(), analysis, side, against);
    let (name, version) = match analysis.v2() {
        Some(v2) => (&v2.service.name, &v2.service.version),
        None => {
            let service = &analysis.validation.decoded.contract.service;
            (&service.name, &service.version)
        }
    };
    // Dependency graphs are not resolved for the editor's diff: the report holds the contracts' own changes.
    let graph = GraphDiff {
        root: DiffNode {
            name: pacto_core::contract::text(name).to_owned(),
            version: pacto_core::contract::text(version).to_owned(),
            change: None,
            children: Vec::new(),
        },
        changes: Vec::new(),
    };
    let report = Report {
        classification: comparison.result.classification,
        root: comparison.result.clone(),
        dependencies: Vec::new(),
        graph,
    };
    let path = uri.to_file_path();
    Diff {
        title: compute::document_title(path.as_deref(), &side.label),
        markdown: markdown(&report, comparison.bump.as_ref()),
    }
}

fn read_analysis(path: &Path) -> Option<Analysis> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > pacto_core::syntax::limits::MAX_CONTRACT_BYTES as u64 {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    Some(Analysis::new(Rope::from_str(&text), 0, Some(path)))
}

/// `<dir>/<hash of the contract's path>/<title>.md`, replaced whole (temp file and rename).
fn write_diff(dir: &Path, uri: &Uri, title: &str, markdown: &str) -> std::io::Result<PathBuf> {
    let key = pacto_oci::Digest::of(uri.as_str().as_bytes());
    let dir = dir.join(&key.hex()[..16]);
    fs::create_dir_all(&dir)?;
    let name: String = title.chars().map(|it| if it == '/' || it == '\\' { '_' } else { it }).collect();
    let path = dir.join(format!("{name}.md"));
    let temp = dir.join(format!(".{name}.md.tmp"));
    fs::write(&temp, markdown)?;
    fs::rename(&temp, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_uri_names_the_contract_path_and_side() {
        let uri: Uri = "file:///work/my%20api/pacto.yaml".parse().unwrap();
        assert_eq!(
            virtual_uri(&uri, Against::Published).unwrap().as_str(),
            "pacto-diff:/work/my%20api/pacto.yaml.diff.md?against=published"
        );
        assert_eq!(
            virtual_uri(&uri, Against::Head).unwrap().as_str(),
            "pacto-diff:/work/my%20api/pacto.yaml.diff.md?against=head"
        );
    }

    #[test]
    fn head_label_is_the_lens_label() {
        assert_eq!(compute::document_title(Some(Path::new("/a/pacto.yaml")), head::LABEL), "pacto.yaml vs git HEAD");
    }
}
