//! Code lenses: the contract against its published version (or how to name its repository) and, when the file
//! differs from it, against git HEAD; with breaking changes, how many services of the workspace depend on it.
//! The baselines are what `lens/` has fetched; nothing here waits for them.

use std::path::Path;
use std::sync::Arc;

use pacto_core::diff::Classification;
use pacto_core::syntax::Span;

pub use crate::lens::compute::Against;

use super::Known;
use crate::analysis::Analysis;
use crate::lens::compute::{self, Side};
use crate::lens::{self, Published, RESOLVING, SET_REPOSITORY};

/// One lens: its title, and which diff its command shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub span: Span,
    pub title: String,
    pub against: Against,
}

/// The document the lenses are for, as the handler found it.
pub struct Document<'a> {
    /// Its URI as text: the comparisons are kept under it.
    pub key: &'a str,
    pub path: Option<&'a Path>,
    /// Where it is published (`lens::repository`): from its text, the settings, or where it was pulled from.
    pub repository: Option<String>,
    /// How many services of the workspace depend on it (issue #18); `None` outside a workspace.
    pub n_dependents: Option<usize>,
}

pub fn code_lenses(analysis: &Analysis, known: &Known<'_>, document: &Document<'_>) -> Vec<Lens> {
    let span = compute::lens_span(analysis.root());
    let lens = |title: String, against: Against| Lens { span, title, against };
    let published = match &document.repository {
        None => SET_REPOSITORY.to_owned(),
        Some(repository) => match known.baselines.published(repository) {
            None => RESOLVING.to_owned(),
            Some(Published::Unavailable(cause)) => format!("published version unavailable: {cause}"),
            Some(Published::Ready(side)) => title(analysis, known, document, &side, Against::Published),
        },
    };
    let mut out = vec![lens(published, Against::Published)];
    if let Some(side) = document.path.and_then(|it| known.baselines.head(it)) {
        // Only a file that differs from HEAD: an unmodified one has nothing to say.
        if side.text != analysis.text {
            out.push(lens(title(analysis, known, document, &side, Against::Head), Against::Head));
        }
    }
    out
}

/// The counts against `side`, or why a pair of formats is not compared; with breaking changes against
/// the published version, how many services of the workspace depend on this one.
fn title(
    analysis: &Analysis,
    known: &Known<'_>,
    document: &Document<'_>,
    side: &Arc<Side>,
    against: Against,
) -> String {
    let comparison = lens::comparison(known.baselines, document.key, analysis, side, against);
    let title = compute::lens_title(&side.label, &comparison.result);
    let breaking = comparison.result.changes.iter().any(|it| it.classification == Classification::Breaking);
    if against != Against::Published || !breaking {
        return title;
    }
    match document.n_dependents {
        Some(1) => format!("{title} · 1 dependent affected"),
        Some(n) if n > 1 => format!("{title} · {n} dependents affected"),
        _ => title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::session::Session;

    #[test]
    fn lenses_on_both_formats() {
        let session = Session::default();
        let known = Known::of(&session);
        let path = Path::new("/bundle/pacto.yaml");
        let document = |analysis: &Analysis| Document {
            key: "file:///bundle/pacto.yaml",
            path: Some(path),
            repository: lens::repository(&session, analysis, Some(path)),
            n_dependents: None,
        };
        let analysis = |text: &str| Analysis::new(ropey::Rope::from_str(text), 1, None);
        let v1 = analysis("pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\n");
        let titles: Vec<String> = code_lenses(&v1, &known, &document(&v1)).into_iter().map(|it| it.title).collect();
        assert_eq!(titles, [SET_REPOSITORY]);
        // A 2.0 document has the same lens; without a baseline, no diff diagnostics.
        let v2 = analysis("pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\n");
        let titles: Vec<String> = code_lenses(&v2, &known, &document(&v2)).into_iter().map(|it| it.title).collect();
        assert_eq!(titles, [SET_REPOSITORY]);
        let repository = lens::repository(&session, &v2, Some(path));
        assert_eq!(
            lens::diagnostics(&session.lens, "file:///bundle/pacto.yaml", repository.as_deref(), &v2),
            Vec::new()
        );
    }
}
