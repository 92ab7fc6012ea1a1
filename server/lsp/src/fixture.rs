//! Test fixtures for the features: a contract with `$0` markers (one marks the cursor, two a range) and, after
//! `//- path` lines, the other files of its bundle, written to a scratch directory so that features reading the
//! bundle (file paths, links, local dependencies) see real files. Spans render as `line:col-line:col`, 1-based,
//! columns in bytes.

use std::path::{Path, PathBuf};

use pacto_core::syntax::Span;
use ropey::Rope;

use crate::analysis::Analysis;

pub const CURSOR: &str = "$0";

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
