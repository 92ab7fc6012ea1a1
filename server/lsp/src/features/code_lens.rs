//! Code lenses: the contract against its published version (or how to name its repository) and, when the file
//! differs from it, against git HEAD; with breaking changes, how many services of the workspace depend on it.
//! The baselines are what `lens/` has fetched; nothing here waits for them.

use std::sync::Arc;

use pacto_core::diff::Classification;
use pacto_core::syntax::Span;
use tower_lsp_server::ls_types::Uri;

pub use crate::lens::compute::Against;

use crate::analysis::Analysis;
use crate::lens::compute::{self, Side};
use crate::lens::{self, Published, RESOLVING, SET_REPOSITORY};
use crate::session::Session;

/// One lens: its title, and which diff its command shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub span: Span,
    pub title: String,
    pub against: Against,
}

// FIXME: this still reads the session and the document's URI (the comparisons are kept per URI, the publish
// repository comes from the settings and the workspace folders, the dependents from the workspace index); a
// `Known` with those in it would make the lens as pure as the other features.
pub fn code_lenses(analysis: &Analysis, session: &Session, uri: &Uri) -> Vec<Lens> {
    let span = compute::lens_span(analysis.root());
    let lens = |title: String, against: Against| Lens { span, title, against };
    let path = uri.to_file_path();
    let published = match lens::repository(session, analysis, path.as_deref()) {
        None => SET_REPOSITORY.to_owned(),
        Some(repository) => match session.lens.published(&repository) {
            None => RESOLVING.to_owned(),
            Some(Published::Unavailable(cause)) => format!("published version unavailable: {cause}"),
            Some(Published::Ready(side)) => title(session, uri, analysis, &side, Against::Published),
        },
    };
    let mut out = vec![lens(published, Against::Published)];
    if let Some(side) = path.as_deref().and_then(|it| session.lens.head(it)) {
        // Only a file that differs from HEAD: an unmodified one has nothing to say.
        if side.text != analysis.text {
            out.push(lens(title(session, uri, analysis, &side, Against::Head), Against::Head));
        }
    }
    out
}

/// The counts against `side`, or why a pair of formats is not compared; with breaking changes against
/// the published version, how many services of the workspace depend on this one (issue #18).
fn title(session: &Session, uri: &Uri, analysis: &Analysis, side: &Arc<Side>, against: Against) -> String {
    let comparison = lens::comparison(session, uri, analysis, side, against);
    let title = compute::lens_title(&side.label, &comparison.result);
    let breaking = comparison.result.changes.iter().any(|it| it.classification == Classification::Breaking);
    if against != Against::Published || !breaking {
        return title;
    }
    match crate::workspace::n_dependents(session, uri, analysis) {
        Some(1) => format!("{title} · 1 dependent affected"),
        Some(n) if n > 1 => format!("{title} · {n} dependents affected"),
        _ => title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenses_on_both_formats() {
        let session = Session::default();
        let uri: Uri = "file:///bundle/pacto.yaml".parse().unwrap();
        let analysis = |text: &str| Analysis::new(ropey::Rope::from_str(text), 1, None);
        let v1 = analysis("pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\n");
        let titles: Vec<String> = code_lenses(&v1, &session, &uri).into_iter().map(|it| it.title).collect();
        assert_eq!(titles, [SET_REPOSITORY]);
        // A 2.0 document has the same lens; without a baseline, no diff diagnostics.
        let v2 = analysis("pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\n");
        let titles: Vec<String> = code_lenses(&v2, &session, &uri).into_iter().map(|it| it.title).collect();
        assert_eq!(titles, [SET_REPOSITORY]);
        assert_eq!(lens::diagnostics(&session, &uri, &v2, crate::proto::Encoding::Utf16), Vec::new());
    }
}
