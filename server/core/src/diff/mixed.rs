//! A 1.0 contract against a 2.0 one (pacto-v2.md §8.2): the 1.0 side is migrated in memory with
//! `pacto migrate`'s mapping and compared as 2.0, so a faithful migration shows only real changes.
//! Its `pactoVersion` stays the one written (`pactoVersion` modified, NON_BREAKING: the pair differs
//! in format and says so), and the 1.0 fields the mapping drops (image, ports, scaling, lifecycle,
//! probe timing) are listed beside the changes as information, never as changes.
//!
//! Self-contained, so the CLI's root pair, its dependency pairs and the editor's lenses all align
//! a pair the same way. The 1.0 text comes from the side's bundle (`pacto.yaml`, as `pacto diff`
//! and a pulled bundle have it); when the bundle does not hold the text the model was decoded from
//! (an editor buffer with unsaved edits), the model's JSON form stands in for it, which loses only
//! the free-form `metadata` (its span is all the model keeps).

use serde_json::Value;

use crate::contract::{Contract, Spanned, from_tree, json_form};
use crate::migrate::{MigrateError, NewFile, NoteKind, migrate_unchecked};
use crate::syntax::{LineIndex, parse};
use crate::v2::document::{parse_document, projection};
use crate::validate::BundleFiles;

use super::{BundleReader, CONTRACT_FILE};

/// Which side of a pair was migrated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairSide {
    Old,
    New,
}

impl PairSide {
    pub fn as_str(self) -> &'static str {
        match self {
            PairSide::Old => "old",
            PairSide::New => "new",
        }
    }
}

/// One 1.0 field the migration has no 2.0 home for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The 1.0 path (`service.image`, `interfaces[0].port`).
    pub path: String,
    pub message: String,
}

/// How the 1.0 side of a mixed pair was aligned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alignment {
    pub side: PairSide,
    /// In the order of the 1.0 text.
    pub dropped: Vec<Dropped>,
    /// Why the 1.0 side could not be migrated (then nothing was compared), worded to follow
    /// `old contract: ` or `new contract: `.
    pub failure: Option<String>,
}

/// The pair's 1.0 side migrated: the 2.0 projection and the placeholder files it references.
pub(super) struct Aligned {
    pub contract: Contract,
    pub files: Vec<NewFile>,
}

/// Migrates the 1.0 side of a mixed pair; `None` when both sides share a format.
pub(super) fn align(
    old: &Contract,
    new: &Contract,
    old_files: &dyn BundleReader,
    new_files: &dyn BundleReader,
) -> Option<(Alignment, Option<Aligned>)> {
    let (side, contract, files) = match (old.v2.is_some(), new.v2.is_some()) {
        (false, true) => (PairSide::Old, old, old_files),
        (true, false) => (PairSide::New, new, new_files),
        _ => return None,
    };
    let text = source_text(contract, files);
    let bundle = ReaderFiles(files);
    let migration = match migrate_unchecked(&text, Some(&bundle)) {
        Ok(it) => it,
        Err(err) => {
            let failure = match err {
                MigrateError::Invalid { .. } => {
                    format!("cannot compare a 1.0 contract with a 2.0 one: {err}; run pacto validate on it")
                }
                MigrateError::AlreadyV2 { .. } => err.to_string(),
            };
            return Some((Alignment { side, dropped: Vec::new(), failure: Some(failure) }, None));
        }
    };
    let parsed = parse(&migration.text);
    let mut document = match parse_document(&migration.text, &LineIndex::new(&migration.text), &parsed) {
        Ok(it) => it,
        Err(it) => {
            let failure = format!("its migration to 2.0 does not parse: {}", it.message);
            return Some((Alignment { side, dropped: Vec::new(), failure: Some(failure) }, None));
        }
    };
    // The version written, where it was written: the pair differs in format, and says so.
    document.contract.pacto_version =
        contract.pacto_version.clone().map(|it| Spanned { value: it.value, span: it.span });
    let dropped = (migration.report.notes.iter())
        .filter(|it| it.kind == NoteKind::Dropped)
        .map(|it| Dropped { path: it.path.to_string(), message: it.message.clone() })
        .collect();
    let aligned = Aligned { contract: projection(document), files: migration.files };
    Some((Alignment { side, dropped, failure: None }, Some(aligned)))
}

/// The text `contract` was decoded from: the bundle's `pacto.yaml` when it decodes to the same
/// model, else the model's JSON form (valid YAML) without its null members.
fn source_text(contract: &Contract, files: &dyn BundleReader) -> String {
    if let Some(text) = files.read(CONTRACT_FILE) {
        if from_tree(parse(&text).root.as_ref()).contract == *contract {
            return text;
        }
    }
    let mut json = json_form::to_json(contract, None);
    drop_nulls(&mut json);
    // Go's form writes `replicas: n` as `replicas, min: n, max: n`, which 1.0 refuses (one mode).
    if let Some(scaling) = json.get_mut("scaling").and_then(Value::as_object_mut) {
        if scaling.contains_key("replicas") {
            scaling.retain(|key, _| key == "replicas");
        }
    }
    json.to_string()
}

/// Go's JSON form writes absent lists as `null`, which 1.0 validation would reject.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, it| !it.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// A side's files after its migration: the placeholder specs first, then the bundle's own.
pub(super) struct WithPlaceholders<'a> {
    pub base: &'a dyn BundleReader,
    pub files: &'a [NewFile],
}

impl BundleReader for WithPlaceholders<'_> {
    fn read(&self, path: &str) -> Option<String> {
        match self.files.iter().find(|it| it.path == path) {
            Some(file) => Some(file.content.clone()),
            None => self.base.read(path),
        }
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let mut names = self.base.list(dir);
        let prefix = format!("{dir}/");
        let planned = self.files.iter().filter_map(|it| it.path.strip_prefix(&prefix)).filter(|it| !it.contains('/'));
        for name in planned {
            if !names.iter().any(|it| it == name) {
                names.push(name.to_owned());
            }
        }
        names.sort();
        names
    }
}

/// The diff's reader seen as validation's bundle: what the migration asks of the 1.0 bundle
/// (does an interface file exist, is it an OpenAPI document).
struct ReaderFiles<'a>(&'a dyn BundleReader);

impl BundleFiles for ReaderFiles<'_> {
    /// 1.0 counts a directory as found: one with files is found here.
    fn contains(&self, path: &str) -> bool {
        self.0.read(path).is_some() || !self.0.list(path).is_empty()
    }

    fn is_file(&self, path: &str) -> bool {
        self.0.read(path).is_some()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.0.read(path).map(String::into_bytes)
    }
}

#[cfg(test)]
mod tests;
