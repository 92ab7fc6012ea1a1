//! One version's tree, contract and diagnostics: immutable, shared through `Arc`.

use std::path::{Path, PathBuf};

use std::borrow::Cow;
use std::sync::OnceLock;

use pacto_core::contract::Dependency;
use pacto_core::syntax::{FieldPath, find};
use pacto_core::validate::{DirBundle, Format, Mode, Validation, validate};
use ropey::Rope;

pub struct Analysis {
    pub version: i32,
    /// The text twice: the rope for positions (chunks shared with the document), the string
    /// for the core, built once per version.
    pub rope: Rope,
    pub text: String,
    pub validation: Validation,
    /// The bundle directory (the document's directory), when the document is a file.
    pub bundle_dir: Option<PathBuf>,
    /// The migration to 2.0 of a valid 1.0 version, computed once on first use (it parses and validates the text
    /// again): every publish of the version, including the re-publishes when the registry answers, and every code
    /// action share it (issue #15).
    pub(crate) migration: OnceLock<Option<(pacto_core::syntax::Span, pacto_core::migrate::Migration)>>,
}

impl Analysis {
    pub fn new(rope: Rope, version: i32, path: Option<&Path>) -> Analysis {
        let text = rope.to_string();
        let bundle_dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let bundle = bundle_dir.as_ref().map(|root| DirBundle { root: root.clone() });
        let validation = validate(&text, bundle.as_ref().map(|it| it as _), Mode::Everything);
        Analysis { version, rope, text, validation, bundle_dir, migration: OnceLock::new() }
    }

    pub fn root(&self) -> Option<&pacto_core::syntax::Node> {
        self.validation.parse.root.as_ref()
    }

    pub fn format(&self) -> Format {
        self.validation.format
    }

    /// The 2.0 model, for a 2.0 document.
    pub fn v2(&self) -> Option<&pacto_core::v2::Contract> {
        self.validation.v2.as_ref().map(|it| &it.contract)
    }

    /// The dependencies in the 1.0 shape, whatever the format: both formats write `ref`,
    /// `required` and `compatibility` the same way (pacto-v2.md §1.2), so the registry features
    /// (hover, tags, hints, pins) serve both from one list.
    pub fn dependencies(&self) -> Cow<'_, [Dependency]> {
        let Some(contract) = self.v2() else {
            return Cow::Borrowed(self.validation.decoded.contract.dependencies.as_deref().unwrap_or_default());
        };
        let items = self.root().and_then(|root| find(root, &FieldPath::root().key("dependencies")));
        let items = items.and_then(|it| it.as_sequence()).unwrap_or_default();
        let dependencies = contract.dependencies.iter().enumerate().map(|(idx, it)| Dependency {
            span: items.get(idx).map(|item| item.span).unwrap_or_default(),
            reference: it.reference.clone(),
            required: it.required.clone(),
            compatibility: it.compatibility.clone(),
            name: it.name.clone(),
        });
        Cow::Owned(dependencies.collect())
    }
}
