//! A 1.0 contract against a 2.0 one (pacto-v2.md §8.2): the 1.0 side is migrated in memory with
//! `pacto migrate`'s mapping and compared as 2.0, so a faithful migration shows only real changes;
//! its `pactoVersion` stays the one written (`pactoVersion` modified, NON_BREAKING), and the 1.0
//! fields the mapping drops (image, ports, scaling, lifecycle, probe timing) are listed beside the
//! diff as information, never as changes.

use pacto_core::contract::Spanned;
use pacto_core::migrate::{MigrateError, NoteKind, migrate};
use pacto_core::syntax::{LineIndex, parse};
use pacto_core::v2::document::{parse_document, projection};
use pacto_core::validate::DirBundle;
use serde_json::{Value, json};

use super::Side;

/// What the migration of one side left out.
pub(super) struct Migrated {
    /// `old` or `new`.
    pub side: &'static str,
    /// `(1.0 path, why)` per dropped field, in the order of the 1.0 text.
    pub dropped: Vec<(String, String)>,
}

/// Migrates the 1.0 side of a mixed pair in place; `None` when both sides share a format.
pub(super) fn align(old: &mut Side, new: &mut Side) -> Result<Option<Migrated>, String> {
    let (side, name) = match (old.contract.v2.is_some(), new.contract.v2.is_some()) {
        (false, true) => (old, "old"),
        (true, false) => (new, "new"),
        _ => return Ok(None),
    };
    let bundle = DirBundle { root: side.files.root.clone() };
    let migration = migrate(&side.text, Some(&bundle)).map_err(|err| match err {
        MigrateError::Invalid { .. } => {
            format!("{name} contract: cannot compare a 1.0 contract with a 2.0 one: {err}; run pacto validate on it")
        }
        MigrateError::AlreadyV2 { .. } => format!("{name} contract: {err}"),
    })?;
    let parsed = parse(&migration.text);
    let mut document = parse_document(&migration.text, &LineIndex::new(&migration.text), &parsed)
        .map_err(|it| format!("{name} contract: its migration to 2.0 does not parse: {}", it.message))?;
    // The version written, where it was written: the pair differs in format, and says so.
    let version = side.contract.pacto_version.clone();
    document.contract.pacto_version = version.map(|it| Spanned { value: it.value, span: it.span });
    side.contract = projection(document);
    side.files.extra = migration.files.iter().map(|it| (it.path.clone(), it.content.clone())).collect();
    let dropped = (migration.report.notes.iter())
        .filter(|it| it.kind == NoteKind::Dropped)
        .map(|it| (it.path.to_string(), it.message.clone()))
        .collect();
    Ok(Some(Migrated { side: name, dropped }))
}

/// The text (and Markdown) section after the diff.
pub(super) fn text(migrated: &Migrated) -> String {
    if migrated.dropped.is_empty() {
        return format!("\nThe {} contract was compared as migrated to 2.0; nothing was left out.\n", migrated.side);
    }
    let mut out = format!(
        "\nNot carried over by the migration of the {} contract to 2.0 (informational, {}):\n",
        migrated.side,
        migrated.dropped.len()
    );
    for (path, message) in &migrated.dropped {
        out.push_str(&format!("  - {path}: {message}\n"));
    }
    out
}

/// `"migration"` in the JSON report.
pub(super) fn json(migrated: &Migrated) -> Value {
    let dropped: Vec<Value> =
        migrated.dropped.iter().map(|(path, message)| json!({"path": path, "message": message})).collect();
    json!({"side": migrated.side, "dropped": dropped})
}
