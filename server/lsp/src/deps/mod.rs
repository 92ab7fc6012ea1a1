//! Dependencies resolved against their registries (issue #7): state shared by hover, completion,
//! inlay hints, diagnostics, code actions and definition on `dependencies[]`, refreshed off the
//! request path so that nothing waits for the network; what lands is said on the `Learned` channel. The
//! features take an analysis, an offset and the [`State`].

pub mod actions;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod hover;
pub mod inlay;
pub mod policy_refs;
#[cfg(test)]
mod registry_tests;
pub(crate) mod resolve;
#[cfg(test)]
mod tests;
mod words;

use std::collections::BTreeSet;

use pacto_core::contract::oci_ref::{DependencyRef, OciRef, classify};
use pacto_core::contract::{Dependency, text};
use pacto_core::syntax::Span;
use pacto_oci::Reference;

use resolve::Key;
pub use resolve::{State, request_resolution, request_tags};

use crate::analysis::Analysis;
use crate::learned::Ctx;
use crate::session::Session;

/// A new version was analysed: start resolving what it references (never awaited by the caller). `document` is
/// its URI's text.
pub fn document_changed(ctx: &Ctx, document: &str, analysis: &Analysis) {
    resolve::document_changed(ctx, document, analysis);
    policy_refs::document_changed(ctx, analysis);
}

/// Which field of which dependency is under the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Ref,
    Compatibility,
}

pub struct At {
    pub field: Field,
    /// The value under the cursor.
    pub span: Span,
    pub reference: String,
    pub compatibility: String,
    /// Set for `oci://` refs only.
    pub key: Option<Key>,
}

pub fn at(analysis: &Analysis, offset: usize) -> Option<At> {
    let dependencies = analysis.dependencies();
    for dependency in dependencies.iter() {
        let fields = [(Field::Ref, &dependency.reference), (Field::Compatibility, &dependency.compatibility)];
        for (field, value) in fields {
            let Some(value) = value.as_ref().filter(|it| it.span.touches(offset) && !it.span.is_empty()) else {
                continue;
            };
            return Some(At {
                field,
                span: value.span,
                reference: text(&dependency.reference).to_owned(),
                compatibility: text(&dependency.compatibility).to_owned(),
                key: dependency_key(dependency),
            });
        }
    }
    None
}

/// The key a dependency is resolved under, for `oci://` refs.
pub fn dependency_key(dependency: &Dependency) -> Option<Key> {
    let reference = text(&dependency.reference);
    matches!(classify(reference), DependencyRef::Oci(_))
        .then(|| Key { reference: reference.to_owned(), compatibility: text(&dependency.compatibility).to_owned() })
}

/// The registry reference of an `oci://` ref, tag and digest included.
pub fn reference_of(raw: &str) -> Option<Reference> {
    let location = raw.strip_prefix("oci://")?;
    let lax = OciRef::parse(location).ok()?;
    Reference::parse(&format!("{}/{}", lax.registry, lax.repository)).ok()
}

/// The tag written in an `oci://` ref, if any.
pub fn written_tag(raw: &str) -> Option<String> {
    let lax = OciRef::parse(raw.strip_prefix("oci://")?).ok()?;
    (!lax.tag.is_empty()).then_some(lax.tag)
}

/// Whether an `oci://` ref names neither a tag nor a digest (spec §4.3).
pub fn is_tag_less(raw: &str) -> bool {
    raw.strip_prefix("oci://").is_some_and(|it| !pacto_core::semver::has_explicit_tag(it))
}

/// A scalar's span without its quotes: what an edit of its value replaces.
pub fn value_span(text: &str, span: Span) -> Span {
    let raw = text.get(span.start..span.end).unwrap_or_default();
    let quoted =
        raw.len() >= 2 && (raw.starts_with('"') && raw.ends_with('"') || raw.starts_with('\'') && raw.ends_with('\''));
    if quoted { Span::new(span.start + 1, span.end - 1) } else { span }
}

/// `oci://registry/repository` of every `oci://` ref in the open documents, for completion.
pub fn referenced_repositories(session: &Session) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for document in session.documents.iter() {
        for line in document.rope.lines() {
            let line = line.to_string();
            let Some(at) = line.find("oci://") else {
                continue;
            };
            let raw: String =
                line[at..].chars().take_while(|it| !it.is_whitespace() && !"\"'#,]}".contains(*it)).collect();
            let Some(lax) = raw.strip_prefix("oci://").and_then(|it| OciRef::parse(it).ok()) else {
                continue;
            };
            out.insert(format!("oci://{}/{}", lax.registry, lax.repository));
        }
    }
    out.extend(session.deps.workspace_repositories());
    out
}
