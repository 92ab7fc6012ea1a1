//! The bundle files the migration reads and writes: what kind of document an interface file is,
//! the placeholder specs and schemas 2.0 needs where 1.0 had none, and the bundle as 2.0
//! validation sees it once those placeholders exist.

use crate::syntax;
use crate::validate::BundleFiles;

use super::NewFile;
use super::emit::scalar;

/// What an interface's 1.0 contract file holds, as far as the 2.0 type and rules care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum SpecKind {
    OpenApi,
    /// A `swagger: "2.0"` document (decision: kept as `openapi`, flagged).
    Swagger,
    AsyncApi,
    /// A regular file that 2.0 accepts but that names neither format at its top level.
    Other,
    /// Not a regular file of the bundle, or a YAML/JSON file 2.0 would reject (`INVALID_INTERFACE_SPEC`):
    /// why, in words.
    Unusable(String),
}

pub(super) fn spec_kind(bundle: Option<&dyn BundleFiles>, file: &str) -> SpecKind {
    let Some(bundle) = bundle else {
        // Without a bundle nothing can be read: trust the file, as validation without a bundle does.
        return SpecKind::Other;
    };
    if !bundle.is_file(file) {
        return SpecKind::Unusable("is not a regular file of the bundle, which 2.0 requires".to_owned());
    }
    let Some(bytes) = bundle.read(file) else {
        return SpecKind::Other;
    };
    if let Some(problem) = crate::v2::files::spec_syntax(file, &bytes) {
        return SpecKind::Unusable(format!("is not valid {problem}, which 2.0 rejects"));
    }
    let text = String::from_utf8_lossy(&bytes);
    let parse = syntax::parse(&text);
    let Some(root) = parse.root.filter(|_| parse.errors.is_empty()) else {
        return SpecKind::Other;
    };
    if root.get("openapi").is_some() {
        SpecKind::OpenApi
    } else if root.get("swagger").is_some() {
        SpecKind::Swagger
    } else if root.get("asyncapi").is_some() {
        SpecKind::AsyncApi
    } else {
        SpecKind::Other
    }
}

/// Why a configuration schema cannot serve 2.0 (`FILE_NOT_FOUND`, `INVALID_CONFIG_JSON`,
/// `INVALID_CONFIG_SCHEMA`), or `None` when it can.
pub(super) fn schema_problem(bundle: Option<&dyn BundleFiles>, file: &str) -> Option<&'static str> {
    let bundle = bundle?;
    if !bundle.is_file(file) {
        return Some("is not a regular file of the bundle (2.0 needs one)");
    }
    let bytes = bundle.read(file)?;
    match crate::v2::files::compile_schema(&bytes) {
        Ok(_) => None,
        Err(crate::v2::files::SchemaProblem::NotJson) => Some("is not JSON (2.0 reads configuration schemas as JSON)"),
        Err(crate::v2::files::SchemaProblem::NotSchema(_)) => Some("does not compile as a JSON Schema"),
    }
}

/// The interface kinds a placeholder can be written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Placeholder {
    OpenApi,
    AsyncApi,
    Proto,
    ConfigSchema,
}

impl Placeholder {
    fn extension(self) -> &'static str {
        match self {
            Placeholder::OpenApi | Placeholder::AsyncApi => "yaml",
            Placeholder::Proto => "proto",
            Placeholder::ConfigSchema => "schema.json",
        }
    }

    fn content(self, title: &str, version: &str) -> String {
        let note = "Placeholder written by `pacto migrate`: the 1.0 contract had no usable spec for this interface.";
        let (title, version) = (scalar(title), scalar(if version.is_empty() { "0.0.0" } else { version }));
        match self {
            Placeholder::OpenApi => format!(
                "# {note}\n# Describe its endpoints, then remove this comment.\nopenapi: 3.1.0\ninfo:\n  title: {title}\n  version: {version}\npaths: {{}}\n"
            ),
            Placeholder::AsyncApi => format!(
                "# {note}\n# Describe its channels and messages, then remove this comment.\nasyncapi: 3.0.0\ninfo:\n  title: {title}\n  version: {version}\nchannels: {{}}\n"
            ),
            Placeholder::Proto => {
                format!("// {note}\n// Describe its services, then remove this comment.\nsyntax = \"proto3\";\n")
            }
            Placeholder::ConfigSchema => concat!(
                "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n",
                "  \"$comment\": \"Placeholder written by pacto migrate: the 1.0 schema could not serve 2.0.\",\n",
                "  \"type\": \"object\"\n}\n"
            )
            .to_owned(),
        }
    }
}

/// Plans a placeholder file named after `stem` in `dir`, at a path neither the bundle nor an
/// earlier placeholder uses, and returns that path.
pub(super) fn add_placeholder(
    files: &mut Vec<NewFile>,
    bundle: Option<&dyn BundleFiles>,
    dir: &str,
    stem: &str,
    kind: Placeholder,
    version: &str,
) -> String {
    let safe: String = stem
        .chars()
        .map(|it| if it.is_ascii_alphanumeric() || matches!(it, '.' | '_' | '-') { it } else { '-' })
        .collect();
    let safe = safe.trim_matches(|it| it == '.' || it == '-');
    let safe = if safe.is_empty() { "interface" } else { safe };
    let taken = |path: &str| files.iter().any(|it| it.path == path) || bundle.is_some_and(|it| it.contains(path));
    let mut n = 1;
    let path = loop {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let path = format!("{dir}/{safe}{suffix}.{}", kind.extension());
        if !taken(&path) {
            break path;
        }
        n += 1;
    };
    files.push(NewFile { path: path.clone(), content: kind.content(stem, version) });
    path
}

/// The bundle with the planned files in it, for validating the result before anything is written.
pub(super) struct Overlay<'a> {
    pub base: Option<&'a dyn BundleFiles>,
    pub files: &'a [NewFile],
}

impl Overlay<'_> {
    fn planned(&self, path: &str) -> Option<&NewFile> {
        self.files.iter().find(|it| it.path == path)
    }
}

impl BundleFiles for Overlay<'_> {
    fn contains(&self, path: &str) -> bool {
        self.planned(path).is_some() || self.base.is_some_and(|it| it.contains(path))
    }

    fn is_file(&self, path: &str) -> bool {
        self.planned(path).is_some() || self.base.is_some_and(|it| it.is_file(path))
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        match self.planned(path) {
            Some(file) => Some(file.content.clone().into_bytes()),
            None => self.base?.read(path),
        }
    }
}
