//! Layer 2 rules of format 2.0 that read the bundle (pacto-v2.md §3.3 rules 7–13 and 15): files
//! that must exist as regular files, spec and schema syntax, references, configuration values.
//! Without a bundle view the file and content rules are skipped, as the reference skips them.

use std::cell::RefCell;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use jsonschema::Validator;
use serde_json::Value;

use crate::contract::oci_ref::{self, DependencyRef};
use crate::contract::text;
use crate::diagnostic::Code;
use crate::gofmt::quote as go_quote;
use crate::syntax::{self, FieldPath, LineIndex, SyntaxErrorKind};
use crate::validate::{BundleFiles, json, structural};

use super::crossfield::{Ctx, RuleSet, item_path};
use super::json_syntax::go_json_error;
use super::model::Contract;
use super::strict_ref;

pub(super) fn check(ctx: &mut Ctx<'_>, contract: &Contract, bundle: Option<&dyn BundleFiles>, cache: &SchemaCache) {
    if let Some(bundle) = bundle {
        // Rule 7, then rule 8: a missing file is never reported again by a content rule.
        for (idx, interface) in contract.interfaces.iter().enumerate() {
            let path = item_path("interfaces", idx).key("ref");
            file_not_found(ctx, bundle, text(&interface.reference), path, "interface spec");
        }
        for (idx, interface) in contract.interfaces.iter().enumerate() {
            let file = text(&interface.reference);
            if let Some(problem) = bundle.read(file).and_then(|bytes| spec_syntax_memo(file, &bytes)) {
                ctx.error(
                    Code::InvalidInterfaceSpec,
                    item_path("interfaces", idx).key("ref"),
                    format!("interface spec file {} is not valid {problem}", go_quote(file)),
                );
            }
        }
        // Rules 9 and 10.
        for (idx, configuration) in contract.configurations.iter().enumerate() {
            let path = item_path("configurations", idx).key("schema");
            file_not_found(ctx, bundle, text(&configuration.schema), path, "configuration schema");
        }
        let schemas = contract.configurations.iter().map(|it| text(&it.schema));
        schema_files(
            ctx,
            bundle,
            cache,
            "configurations",
            schemas,
            (Code::InvalidConfigJson, Code::InvalidConfigSchema),
        );
    }
    // Rule 11.
    for (idx, configuration) in contract.configurations.iter().enumerate() {
        let path = item_path("configurations", idx).key("ref");
        oci_reference(ctx, text(&configuration.reference), path, Code::InvalidConfigRef);
    }
    // Rule 12: per policy, the file and then the reference.
    for (idx, policy) in contract.policies.iter().enumerate() {
        if let Some(bundle) = bundle {
            let path = item_path("policies", idx).key("schema");
            file_not_found(ctx, bundle, text(&policy.schema), path, "policy schema");
        }
        oci_reference(ctx, text(&policy.reference), item_path("policies", idx).key("ref"), Code::InvalidPolicyRef);
    }
    // Rule 13.
    if let Some(bundle) = bundle {
        let schemas = contract.policies.iter().map(|it| text(&it.schema));
        schema_files(ctx, bundle, cache, "policies", schemas, (Code::InvalidPolicyJson, Code::InvalidPolicySchema));
    }
}

/// Rules 7, 9 and 12 (its file half): a file the contract names must be a regular file of the bundle; `what`
/// says which file in the message.
fn file_not_found(ctx: &mut Ctx<'_>, bundle: &dyn BundleFiles, file: &str, path: FieldPath, what: &str) {
    if !file.is_empty() && !bundle.is_file(file) {
        ctx.error(Code::FileNotFound, path, format!("{what} file {} not found in bundle", go_quote(file)));
    }
}

/// Rules 15a and 15b.
pub(super) fn config_values(
    ctx: &mut Ctx<'_>,
    contract: &Contract,
    bundle: Option<&dyn BundleFiles>,
    cache: &SchemaCache,
    rules: RuleSet,
) {
    for (idx, configuration) in contract.configurations.iter().enumerate() {
        if !configuration.has_values {
            continue;
        }
        let path = item_path("configurations", idx).key("values");
        let schema = text(&configuration.schema);
        if schema.is_empty() && text(&configuration.reference).is_empty() {
            if rules.include_schema_shadowed {
                ctx.error(
                    Code::ValuesWithoutSchema,
                    path,
                    "configuration values require a configuration schema to validate against".to_owned(),
                );
            }
            continue;
        }
        // A referenced schema is not fetched: its values are checked where it is resolved.
        let Some(compiled) = bundle.filter(|_| !schema.is_empty()).and_then(|it| cache.get(it, schema)) else {
            continue;
        };
        // Broken schema files were reported by rule 10.
        let Ok(validator) = compiled else {
            continue;
        };
        let Some(values) = syntax::find(ctx.root, &path).and_then(|node| json::to_json(node).ok()) else {
            continue;
        };
        let leaves = structural::leaves(&validator, &values);
        if leaves.is_empty() {
            continue;
        }
        let details: Vec<String> = leaves.iter().map(|it| format!("- at '{}': {}", it.pointer, it.detail)).collect();
        ctx.error(
            Code::ConfigValuesValidationFailed,
            path,
            format!(
                "configuration values do not match schema: jsonschema validation failed with 'mem:///config-schema.json#'\n{}",
                details.join("\n")
            ),
        );
    }
}

/// The root bundle's schema files, each read and compiled once per validation: rules 10, 13
/// and 15b and the policy layer would otherwise compile the same file two or three times,
/// which is most of the time a 2.0 validation takes.
#[derive(Default)]
pub struct SchemaCache {
    entries: RefCell<Vec<(String, Option<Compiled>)>>,
}

/// A schema file compiled, or why it could not be.
pub type Compiled = Result<Arc<Validator>, SchemaProblem>;

impl SchemaCache {
    /// `None` when the file cannot be read.
    pub fn get(&self, bundle: &dyn BundleFiles, file: &str) -> Option<Compiled> {
        if let Some((_, compiled)) = self.entries.borrow().iter().find(|it| it.0 == file) {
            return compiled.clone();
        }
        let compiled = bundle.read(file).map(|bytes| compile_shared(&bytes));
        self.entries.borrow_mut().push((file.to_owned(), compiled.clone()));
        compiled
    }
}

/// A user JSON Schema (configuration or policy) compiled; the error text when it is not JSON or
/// does not compile (an unresolvable `$ref` included: no remote schema is ever fetched).
pub fn compile_schema(bytes: &[u8]) -> Result<Validator, SchemaProblem> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| SchemaProblem::NotJson)?;
    jsonschema::validator_for(&value).map_err(|err| SchemaProblem::NotSchema(err.to_string()))
}

/// Entries kept by each content memo below; the oldest goes first. Without a bound, an editor
/// session rewriting a schema file would keep every version it ever saw.
pub const MAX_MEMO_ENTRIES: usize = 64;

/// A file's content as a memo key: a hash of the bytes (with what reads them) and their length.
type ContentKey = (u64, usize);

/// Compiled schemas by content, across validations: the editor validates on every keystroke, and
/// recompiling unchanged schema files was a large part of a 2.0 edit's time (bench/lsp_replay.py
/// on bench/data/v2-60). Keyed by the bytes, so an edited file is never answered from a stale entry.
static COMPILED: Mutex<Vec<(ContentKey, Compiled)>> = Mutex::new(Vec::new());
/// Spec syntax verdicts by extension and content, for the same reason.
static SPEC_VERDICTS: Mutex<Vec<(ContentKey, Option<String>)>> = Mutex::new(Vec::new());

fn content_key(salt: &str, bytes: &[u8]) -> ContentKey {
    let mut hasher = DefaultHasher::new();
    salt.hash(&mut hasher);
    bytes.hash(&mut hasher);
    (hasher.finish(), bytes.len())
}

fn memoized<T: Clone>(memo: &Mutex<Vec<(ContentKey, T)>>, key: ContentKey, make: impl FnOnce() -> T) -> T {
    let lock = || memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, it)) = lock().iter().find(|it| it.0 == key) {
        return it.clone();
    }
    let made = make();
    let mut entries = lock();
    if entries.len() >= MAX_MEMO_ENTRIES {
        entries.remove(0);
    }
    entries.push((key, made.clone()));
    made
}

/// [`compile_schema`], shared by every validation that reads the same bytes.
pub fn compile_shared(bytes: &[u8]) -> Compiled {
    memoized(&COMPILED, content_key("schema", bytes), || compile_schema(bytes).map(Arc::new))
}

fn spec_syntax_memo(file: &str, bytes: &[u8]) -> Option<String> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let extension = name.rfind('.').map(|at| name[at..].to_ascii_lowercase()).unwrap_or_default();
    memoized(&SPEC_VERDICTS, content_key(&extension, bytes), || spec_syntax(file, bytes))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaProblem {
    NotJson,
    NotSchema(String),
}

/// Rules 10 and 13: the schema file of each item of `section`, in order; `codes` are the findings for a file
/// that is not JSON and for one that is not a JSON Schema.
fn schema_files<'a>(
    ctx: &mut Ctx<'_>,
    bundle: &dyn BundleFiles,
    cache: &SchemaCache,
    section: &'static str,
    files: impl Iterator<Item = &'a str>,
    codes: (Code, Code),
) {
    for (idx, file) in files.enumerate() {
        schema_file(ctx, bundle, cache, file, item_path(section, idx).key("schema"), codes.0, codes.1);
    }
}

fn schema_file(
    ctx: &mut Ctx<'_>,
    bundle: &dyn BundleFiles,
    cache: &SchemaCache,
    file: &str,
    path: FieldPath,
    not_json: Code,
    not_schema: Code,
) {
    if file.is_empty() {
        return;
    }
    let Some(compiled) = cache.get(bundle, file) else {
        return;
    };
    match compiled {
        Ok(_) => {}
        Err(SchemaProblem::NotJson) => {
            ctx.error(not_json, path, format!("file {} is not valid JSON", go_quote(file)));
        }
        Err(SchemaProblem::NotSchema(err)) => {
            ctx.error(not_schema, path, format!("file {} is not a valid JSON Schema: {err}", go_quote(file)));
        }
    }
}

/// Rules 11 and 12: an `oci://` reference must parse; local ones are not checked.
fn oci_reference(ctx: &mut Ctx<'_>, reference: &str, path: FieldPath, code: Code) {
    let DependencyRef::Oci(location) = oci_ref::classify(reference) else {
        return;
    };
    if reference.is_empty() {
        return;
    }
    if let Err(err) = strict_ref::parse(&location) {
        ctx.error(code, path, format!("invalid OCI reference {}: {err}", go_quote(&location)));
    }
}

/// Rule 8: `YAML: <error>` or `JSON: <error>` for a spec file that does not parse; other
/// extensions (a `.proto`) carry no format this layer can check.
pub(crate) fn spec_syntax(file: &str, bytes: &[u8]) -> Option<String> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let extension = name.rfind('.').map(|at| name[at..].to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        ".yaml" | ".yml" => {
            let text = String::from_utf8_lossy(bytes);
            let parse = syntax::parse(&text);
            let first = parse.errors.first()?;
            let message = match first.kind {
                SyntaxErrorKind::Limit => format!("yaml: {}", first.message),
                _ => {
                    let line = LineIndex::new(&text).line_col(&text, first.span.start).line;
                    format!("yaml: line {line}: {}", first.message)
                }
            };
            Some(format!("YAML: {message}"))
        }
        ".json" => go_json_error(bytes).map(|err| format!("JSON: {err}")),
        _ => None,
    }
}

#[cfg(test)]
mod memo_tests {
    use super::*;

    #[test]
    fn memo_at_limit_keeps_the_newest_entries() {
        let memo: Mutex<Vec<(ContentKey, usize)>> = Mutex::new(Vec::new());
        for idx in 0..=MAX_MEMO_ENTRIES {
            assert_eq!(memoized(&memo, content_key("t", &idx.to_le_bytes()), || idx), idx);
        }
        let entries = memo.lock().unwrap();
        assert_eq!(entries.len(), MAX_MEMO_ENTRIES);
        assert_eq!(entries.first().map(|it| it.1), Some(1));
        drop(entries);
        // A known content is answered from the memo, not made again.
        assert_eq!(memoized(&memo, content_key("t", &5usize.to_le_bytes()), || usize::MAX), 5);
    }

    #[test]
    fn spec_verdicts_follow_the_content_and_the_extension() {
        assert_eq!(spec_syntax_memo("a.yaml", b"openapi: 3.0.0\n"), None);
        assert_eq!(spec_syntax_memo("a.json", b"openapi: 3.0.0\n").map(|it| it.starts_with("JSON: ")), Some(true));
        assert_eq!(spec_syntax_memo("b.yaml", b"a: [\n").map(|it| it.starts_with("YAML: ")), Some(true));
    }
}
