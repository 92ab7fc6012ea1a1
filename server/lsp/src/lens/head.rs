//! The contract as committed at git HEAD, read with the `git` executable (no library: the user's git,
//! with the user's configuration, is the one that knows the repository). No git, no repository, no
//! commit or an untracked file all mean no HEAD lens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use pacto_core::syntax::{limits::MAX_CONTRACT_BYTES, parse};
use pacto_core::validate::bundle::valid_path;

use super::compute::{MemFiles, Side, contract_of, referenced_files};

/// How often an edited file looks at HEAD again (a commit or a checkout moves it).
pub const RECHECK_AFTER: Duration = Duration::from_secs(5);
/// A git that has not answered by then (a huge repository, a hung credential prompt) is given up on.
pub const GIT_TIMEOUT: Duration = Duration::from_secs(5);
/// The label of the HEAD side in lenses and titles.
pub const LABEL: &str = "git HEAD";

pub enum Head {
    /// HEAD is still the commit already read.
    Same,
    None,
    At(String, Arc<Side>),
}

/// The file at HEAD, with the bundle files its contract references (OpenAPI specs, the configuration
/// schema) and its SBOMs, read now so that every later comparison stays in memory.
pub async fn read_head(path: &Path, known_commit: Option<&str>) -> Head {
    let Some(dir) = path.parent() else { return Head::None };
    let Some(out) = git(dir, &["rev-parse", "--show-toplevel", "HEAD"]).await else { return Head::None };
    let out = String::from_utf8_lossy(&out).into_owned();
    let mut lines = out.lines();
    let (Some(top), Some(commit)) = (lines.next(), lines.next()) else { return Head::None };
    if known_commit == Some(commit) {
        return Head::Same;
    }
    let Some(bundle_dir) = relative_dir(Path::new(top), dir) else { return Head::None };
    let name = path.file_name().map(|it| it.to_string_lossy().into_owned()).unwrap_or_default();
    let top = Path::new(top);
    let Some(text) = show(top, commit, &join(&bundle_dir, &name)).await else { return Head::None };
    let contract = contract_of(parse(&text).root.as_ref());
    let mut wanted: Vec<String> =
        referenced_files(&contract).into_iter().filter(|it| valid_path(it) && it != ".").collect();
    if let Some(listing) =
        git(top, &["ls-tree", "--name-only", commit, "--", &format!("{}/", join(&bundle_dir, "sbom"))]).await
    {
        let listing = String::from_utf8_lossy(&listing).into_owned();
        let names = listing.lines().filter_map(|it| it.rsplit('/').next()).map(|it| format!("sbom/{it}"));
        wanted.extend(names.filter(|it| it.ends_with(".spdx.json") || it.ends_with(".cdx.json")));
    }
    let mut files = BTreeMap::new();
    for rel in wanted {
        if let Some(content) = show(top, commit, &join(&bundle_dir, &rel)).await {
            files.insert(rel, content);
        }
    }
    Head::At(commit.to_owned(), Arc::new(Side::new(LABEL.to_owned(), text, Box::new(MemFiles(files)), None)))
}

/// The directory relative to the repository's top, slash-separated (`""` at the top). Both sides are
/// canonicalized: git prints the real path, the editor may hold one through a link (`/tmp` on macOS).
fn relative_dir(top: &Path, dir: &Path) -> Option<String> {
    let top = top.canonicalize().ok()?;
    let dir = dir.canonicalize().ok()?;
    let rel: PathBuf = dir.strip_prefix(&top).ok()?.to_path_buf();
    Some(rel.components().map(|it| it.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_owned() } else { format!("{dir}/{name}") }
}

/// A file's text at a commit; `None` when it is not in it, too large, or not UTF-8.
async fn show(top: &Path, commit: &str, rel: &str) -> Option<String> {
    let bytes = git(top, &["show", &format!("{commit}:{rel}")]).await?;
    if bytes.len() > MAX_CONTRACT_BYTES {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Runs git in `dir` and returns its output when it succeeded in time.
async fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let child = tokio::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Never a prompt, never a lock on the index: the user's own git may be running.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    let output = tokio::time::timeout(GIT_TIMEOUT, child.wait_with_output()).await.ok()?.ok()?;
    output.status.success().then_some(output.stdout)
}
