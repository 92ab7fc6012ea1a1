//! Test fixtures for the features: a contract with `$0` markers (one marks the cursor, two a range) and, after
//! `//- path` lines, the other files of its bundle, written to a scratch directory so that features reading the
//! bundle (file paths, links, local dependencies) see real files. Spans render as `line:col-line:col`, 1-based,
//! columns in bytes. A contract whose dependency's ref holds the cursor, and the dependency's bundle:
//!
//! ```text
//! pactoVersion: "1.0"
//! dependencies:
//!   - ref: ../bil$0ling
//! //- billing/pacto.yaml
//! pactoVersion: "1.0"
//! ```
//!
//! What the registry answered is given apart, as a [`RegistryView`] whose [`RegistryView::state`] is the
//! `deps::State` the background resolutions would have left: the tag lists a repository gave
//! (`repository("oci://r.example/acme/billing", &["1.0.0", "2.1.0"])`), the version a dependency resolved to with
//! its bundle's `pacto.yaml` (`resolved("oci://r.example/acme/billing", "^2.0.0", "2.1.0", CONTRACT)`, keyed as the
//! contract writes the dependency), and resolutions that failed (`failed(ref, compatibility, Failure)`). Tags go
//! through the real resolver, offline, from a disk cache the view writes; nothing reaches a network.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pacto_core::syntax::Span;
use pacto_oci::Reference;
use pacto_oci::resolver::{Failure, Resolved, Resolver, ResolverOptions};
use ropey::Rope;

use crate::analysis::Analysis;
use crate::deps::resolve::{Found, Key, Outcome, State, summary};

pub const CURSOR: &str = "$0";

/// What the registry answered, as data; see the module comment.
#[derive(Default)]
pub struct RegistryView {
    /// `registry/repository` and its tags.
    repositories: Vec<(String, Vec<String>)>,
    outcomes: Vec<(Key, Result<Published, Failure>)>,
}

/// The tag a resolution chose and its bundle's `pacto.yaml`.
struct Published {
    tag: String,
    contract: String,
}

/// A view's state and the disk cache its tag lists were read from, kept for as long as the state is used.
pub struct Registry {
    pub state: State,
    _cache: tempfile::TempDir,
}

impl RegistryView {
    pub fn new() -> RegistryView {
        RegistryView::default()
    }

    pub fn repository(mut self, repository: &str, tags: &[&str]) -> RegistryView {
        let path = repository.strip_prefix("oci://").unwrap_or(repository).to_owned();
        self.repositories.push((path, tags.iter().map(|it| (*it).to_owned()).collect()));
        self
    }

    /// `reference` within `compatibility`, as the contract writes them, resolved to `tag`, whose bundle holds
    /// `contract`.
    pub fn resolved(mut self, reference: &str, compatibility: &str, tag: &str, contract: &str) -> RegistryView {
        let key = Key { reference: reference.to_owned(), compatibility: compatibility.to_owned() };
        self.outcomes.push((key, Ok(Published { tag: tag.to_owned(), contract: contract.to_owned() })));
        self
    }

    pub fn failed(mut self, reference: &str, compatibility: &str, failure: Failure) -> RegistryView {
        let key = Key { reference: reference.to_owned(), compatibility: compatibility.to_owned() };
        self.outcomes.push((key, Err(failure)));
        self
    }

    pub fn state(self) -> Registry {
        let dir = tempfile::tempdir().expect("a scratch cache");
        let cache = pacto_oci::Cache::new(dir.path().to_path_buf());
        let options = ResolverOptions {
            offline: true,
            tag_ttl: Duration::MAX,
            trust_stored_tags: true,
            limits: pacto_oci::Limits::DEFAULT,
        };
        let client = pacto_oci::Client::new(pacto_oci::transport::ClientOptions::DEFAULT);
        let resolver = Arc::new(Resolver::new(client, Some(cache.clone()), options));
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        for (path, tags) in &self.repositories {
            // The resolver's own key for a stored tag list: the only way in that is not the network.
            let digest = cache.put(&serde_json::to_vec(tags).expect("tags as JSON")).expect("a cached list");
            cache.put_tag(&format!("{path}#tags"), &digest).expect("a cached tag list");
            let reference = Reference::parse(path).expect("a repository");
            runtime.block_on(resolver.tags(&reference)).expect("the stored tags, read back");
        }
        let outcomes = self
            .outcomes
            .into_iter()
            .map(|(key, result)| {
                let result = result.map(|Published { tag, contract }| {
                    let location = key.reference.strip_prefix("oci://").unwrap_or(&key.reference);
                    let mut reference = Reference::parse(location).expect("an oci reference");
                    reference.tag = Some(tag.clone());
                    let mut bundle = pacto_oci::Bundle::new();
                    bundle.add_file("pacto.yaml", contract.clone().into_bytes(), false).expect("a bundle");
                    let tags = resolver.known_tags(&reference.repository_path());
                    let resolved = Resolved {
                        reference,
                        tag: Some(tag),
                        // Stands for the manifest's digest, which a bundle built here does not have.
                        digest: pacto_oci::Digest::of(contract.as_bytes()),
                        bundle: Arc::new(bundle),
                        source: pacto_oci::Source::Registry,
                        age: None,
                        tags,
                    };
                    Found { resolved, summary: summary(contract.as_bytes()) }
                });
                (key, Outcome { result, at: Instant::now() })
            })
            .collect();
        Registry { state: State::with_knowledge(Some(resolver), outcomes), _cache: dir }
    }
}

pub struct Fixture {
    pub analysis: Analysis,
    /// The first `$0` (0 when there is none).
    pub offset: usize,
    /// From the first `$0` to the second; the cursor alone when there is one.
    pub range: Span,
    /// Holds the bundle on disk for as long as the fixture lives.
    pub dir: tempfile::TempDir,
    /// The contract's file in the bundle.
    pub path: PathBuf,
}

impl Fixture {
    pub fn text(&self) -> &str {
        &self.analysis.text
    }

    pub fn bundle(&self) -> &Path {
        self.dir.path()
    }

    /// `span` as `line:col-line:col` in the contract.
    pub fn span(&self, span: Span) -> String {
        render_span(self.text(), span)
    }

    /// `path` relative to the bundle (`<bundle>/interfaces/api.yaml` → `interfaces/api.yaml`).
    pub fn relative(&self, path: &Path) -> String {
        let bundle = self.bundle().canonicalize().unwrap_or_else(|_| self.bundle().to_path_buf());
        let shown = path.strip_prefix(&bundle).or_else(|_| path.strip_prefix(self.bundle())).unwrap_or(path);
        shown.display().to_string()
    }
}

/// Builds the fixture: the contract is the section named `pacto.yaml`, or the text before any `//-` line.
pub fn fixture(text: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let mut contract_name = PathBuf::from("pacto.yaml");
    let mut contract = None;
    for (idx, (path, body)) in sections(text).into_iter().enumerate() {
        let is_contract = match &path {
            None => true,
            Some(path) => path.file_name().is_some_and(|it| it == "pacto.yaml" || it == "pacto.yml") || idx == 0,
        };
        if is_contract && contract.is_none() {
            if let Some(path) = path {
                contract_name = path;
            }
            contract = Some(body);
            continue;
        }
        let target = dir.path().join(path.expect("a file section has a path"));
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("bundle directories");
        std::fs::write(target, body).expect("a bundle file");
    }
    let contract = contract.unwrap_or_default();
    let markers: Vec<usize> = contract.match_indices(CURSOR).map(|(at, _)| at).collect();
    assert!(markers.len() <= 2, "at most two `$0` markers: {contract}");
    let offset = markers.first().copied().unwrap_or(0);
    let range = match markers.as_slice() {
        [start, end] => Span::new(*start, end - CURSOR.len()),
        _ => Span::new(offset, offset),
    };
    let text = contract.replace(CURSOR, "");
    let path = dir.path().join(&contract_name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("bundle directory");
    std::fs::write(&path, &text).expect("the contract");
    let analysis = Analysis::new(Rope::from_str(&text), 1, Some(&path));
    Fixture { analysis, offset, range, dir, path }
}

/// `(path, text)` of each section: the text before the first `//- path` line has no path. A fixture written as an
/// indented raw string is dedented by the indentation of its first non-empty line.
fn sections(text: &str) -> Vec<(Option<PathBuf>, String)> {
    let text = dedent(text);
    let mut out: Vec<(Option<PathBuf>, String)> = Vec::new();
    let mut current: (Option<PathBuf>, String) = (None, String::new());
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.trim_end().strip_prefix("//- ") {
            if current.0.is_some() || !current.1.trim().is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.0 = Some(PathBuf::from(path.trim()));
            continue;
        }
        current.1.push_str(line);
    }
    if current.0.is_some() || !current.1.is_empty() {
        out.push(current);
    }
    out
}

fn dedent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text.lines().find(|it| !it.trim().is_empty()).map_or(0, |it| it.len() - it.trim_start().len());
    text.split_inclusive('\n')
        .map(|line| if line.len() > indent { &line[indent..] } else { line.trim_start_matches(' ') })
        .collect()
}

/// `span` as `line:col-line:col`, 1-based, columns in bytes.
pub fn render_span(text: &str, span: Span) -> String {
    let (start_line, start_col) = line_col(text, span.start);
    let (end_line, end_col) = line_col(text, span.end);
    format!("{start_line}:{start_col}-{end_line}:{end_col}")
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = offset - before.rfind('\n').map_or(0, |it| it + 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_markers_sections_and_dedent() {
        let it = fixture(
            r#"
            pactoVersion: "1.0"
            service:
              name: $0demo$0
            //- interfaces/api.yaml
            openapi: 3.0.0
            "#,
        );
        assert_eq!(it.text(), "pactoVersion: \"1.0\"\nservice:\n  name: demo\n");
        assert_eq!(it.span(it.range), "3:9-3:13");
        assert_eq!(std::fs::read_to_string(it.bundle().join("interfaces/api.yaml")).unwrap(), "openapi: 3.0.0\n");
        assert_eq!(it.analysis.bundle_dir.as_deref(), Some(it.bundle()));
    }
}
