//! One version's tree, contract and diagnostics: immutable, shared through `Arc`.

use std::path::{Path, PathBuf};

use std::borrow::Cow;
use std::sync::OnceLock;

use pacto_core::contract::Dependency;
use pacto_core::syntax::{FieldPath, find};
use pacto_core::validate::{Config, Format, MemoDirBundle, Mode, Validation, validate_with};
use ropey::Rope;

use crate::deps;

pub struct Analysis {
    pub version: i32,
    /// The text twice: the rope for positions (chunks shared with the document), the string
    /// for the core, built once per version.
    pub rope: Rope,
    pub text: String,
    pub validation: Validation,
    /// The bundle directory (the document's directory), when the document is a file.
    pub bundle_dir: Option<PathBuf>,
    /// The bundle's files as this version's validation saw them; the migration asks the same.
    pub(crate) files: Option<MemoDirBundle>,
    /// The `oci://` policy refs the validation asked for, to be fetched if they are not known.
    pub policy_refs: Vec<String>,
    /// The migration to 2.0 of a valid 1.0 version, computed once on first use (it parses and validates the text
    /// again): every publish of the version, including the re-publishes when the registry answers, and every code
    /// action share it (issue #15).
    pub(crate) migration: OnceLock<Option<(pacto_core::syntax::Span, pacto_core::migrate::Migration)>>,
}

impl Analysis {
    /// An analysis that knows no `oci://` policy bundle (a contract read outside the session).
    pub fn new(rope: Rope, version: i32, path: Option<&Path>) -> Analysis {
        Analysis::with_policies(rope, version, path, None)
    }

    /// The policy layer follows local refs next to the contract, and `oci://` ones through what
    /// `policies` already holds. An unsaved buffer has no directory to read from, so no resolver:
    /// its ref policies are only warned about, as `pacto pack` does.
    pub fn with_policies(
        rope: Rope,
        version: i32,
        path: Option<&Path>,
        policies: Option<&deps::policy_refs::State>,
    ) -> Analysis {
        let text = rope.to_string();
        let bundle_dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let files = bundle_dir.as_ref().map(|root| MemoDirBundle::new(root.clone()));
        let resolver = bundle_dir.clone().map(|root| deps::policy_refs::EditorResolver::new(root, policies));
        let config = Config {
            mode: Mode::Everything,
            bundle: files.as_ref().map(|it| it as _),
            resolver: resolver.as_ref().map(|it| it as _),
            readiness_at: None,
        };
        let validation = validate_with(&text, &config);
        let policy_refs = resolver.map(|it| it.into_asked()).unwrap_or_default();
        Analysis { version, rope, text, validation, bundle_dir, files, policy_refs, migration: OnceLock::new() }
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
