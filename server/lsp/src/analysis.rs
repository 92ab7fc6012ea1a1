//! One version's tree, contract and diagnostics: immutable, shared through `Arc`.

use std::path::{Path, PathBuf};

use pacto_core::validate::{DirBundle, Mode, Validation, validate};
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
}

impl Analysis {
    pub fn new(rope: Rope, version: i32, path: Option<&Path>) -> Analysis {
        let text = rope.to_string();
        let bundle_dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let bundle = bundle_dir.as_ref().map(|root| DirBundle { root: root.clone() });
        let validation = validate(&text, bundle.as_ref().map(|it| it as _), Mode::Everything);
        Analysis { version, rope, text, validation, bundle_dir }
    }

    pub fn root(&self) -> Option<&pacto_core::syntax::Node> {
        self.validation.parse.root.as_ref()
    }
}
