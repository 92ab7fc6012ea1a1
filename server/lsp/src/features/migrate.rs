//! Migration to 2.0 in the editor (pacto-v2.md §7): on a valid 1.0 contract, an information hint on
//! `pactoVersion`, the migration's report items as hints on the lines they concern, and the
//! "Migrate to Pacto 2.0" action, which rewrites the file and creates the placeholder specs.
//! The mapping itself is `pacto_core::migrate`, the same as `pacto migrate`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pacto_core::migrate::{Migration, NoteKind, migrate_validated};
use pacto_core::syntax::Span;
use pacto_core::validate::Format;

use crate::analysis::Analysis;
use crate::session::Session;

/// The `source` of the migration's diagnostics, so editors can tell them from findings.
pub const SOURCE: &str = "pacto-migrate";
/// The code of the hint on `pactoVersion`.
pub const HINT_CODE: &str = "MIGRATION_AVAILABLE";
pub const ACTION_TITLE: &str = "Migrate to Pacto 2.0";
/// Contracts above this size get the hint on `pactoVersion` alone, without computing the migration: on a 5 MB
/// contract it takes seconds (a second parse and validation, then the mapping) and its thousands of report items
/// would bury the findings (issue #15). The action still computes it when asked for.
pub const MAX_HINTED_MIGRATION_BYTES: usize = 1024 * 1024;
/// A keystroke does not wait for the migration (on the 5,000-line contract it was a third of each edit's work, on the
/// 67-line example half of it, issue #15): the version is published with the hints last computed, moved with the
/// text and without those on lines the edits touched ([`Carried`]), and the migration is computed again once the
/// document has been still for [`HINTS_RECOMPUTED_AFTER`]. A document is opened with its own hints, computed at
/// once, below this size; from it, with the hint on `pactoVersion` alone until it is still.
pub const HINT_ALONE_ON_OPEN_FROM_BYTES: usize = 64 * 1024;
/// How long a document stays unedited before its migration hints are computed again.
pub const HINTS_RECOMPUTED_AFTER: Duration = Duration::from_millis(300);

/// A hint about the migration, on a span of the 1.0 contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub span: Span,
    /// Information for the hint on `pactoVersion`; the report items are hints.
    pub information: bool,
    pub code: &'static str,
    /// Shared: a big contract's hundreds of hints are carried from version to version, copied on each keystroke.
    pub message: Arc<str>,
}

/// The migration as one edit of the contract and the files to create beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The `pactoVersion` key the action is offered on.
    pub on: Span,
    /// The smallest edit turning the 1.0 text into the 2.0 one.
    pub edit: (Span, String),
    pub files: Vec<(PathBuf, String)>,
    /// The information hint the action resolves.
    pub hint: Hint,
}

/// The hints of a valid 1.0 contract: the one on `pactoVersion`, then one per report item.
pub fn hints(analysis: &Analysis) -> Vec<Hint> {
    if analysis.text.len() > MAX_HINTED_MIGRATION_BYTES {
        return hint_alone(analysis);
    }
    match migration(analysis) {
        Some((on, migration)) => hints_of(*on, migration),
        None => Vec::new(),
    }
}

/// Hints computed for one text, kept by the session to stand in for a newer version's until those are computed.
#[derive(Debug)]
pub struct Carried {
    pub version: i32,
    text: String,
    hints: Vec<Hint>,
}

impl Carried {
    /// The hints moved into `text`: those above the first changed line stay, those below the last one move with the
    /// text, those on a changed line are left out (they may no longer hold: a hint on a key quotes its value).
    fn moved_to(&self, text: &str) -> Vec<Hint> {
        let (old, new) = changed_region(&self.text, text);
        let line_start = self.text[..old.start].rfind('\n').map_or(0, |it| it + 1);
        let line_end = self.text[old.end..].find('\n').map_or(self.text.len(), |it| old.end + it);
        let (old, new) = (Span::new(line_start, line_end), Span::new(line_start, new.end + (line_end - old.end)));
        let moved = |span: Span| {
            if span.end <= old.start {
                Some(span)
            } else if span.start >= old.end {
                Some(Span::new(span.start - old.end + new.end, span.end - old.end + new.end))
            } else {
                None
            }
        };
        self.hints.iter().filter_map(|it| Some(Hint { span: moved(it.span)?, ..it.clone() })).collect()
    }
}

/// Whether the hints published for `analysis` stand in for its own, which are still to be computed: those of an
/// earlier version moved into it, or on a big document just opened, the hint on `pactoVersion` alone (see
/// [`HINT_ALONE_ON_OPEN_FROM_BYTES`]).
pub fn hints_carried(session: &Session, document: &str, analysis: &Analysis) -> bool {
    // A client that pulls but cannot be told to pull again would keep the carried hints.
    let told_of_changes = !session.client().pull_diagnostics || session.client().diagnostic_refresh;
    let size = analysis.text.len();
    told_of_changes
        && session.settings().migration_hint
        && size <= MAX_HINTED_MIGRATION_BYTES
        && analysis.migration.get().is_none()
        && migratable(analysis).is_some()
        && (size >= HINT_ALONE_ON_OPEN_FROM_BYTES || session.carried_hints(document).is_some())
}

/// The hints of `analysis` for a publish: its own, or those of an earlier version moved into this one.
fn hints_for_publish(session: &Session, document: &str, analysis: &Analysis) -> Vec<Hint> {
    if !hints_carried(session, document, analysis) {
        return compute_hints(session, document, analysis);
    }
    let Some(carried) = session.carried_hints(document) else {
        // A big document just opened: the opening does not wait for the migration either.
        return hint_alone(analysis);
    };
    let hints = carried.moved_to(&analysis.text);
    // The next version is compared with this one's text, so edits far apart leave the hints between them.
    session.carry_hints(
        document,
        Carried { version: analysis.version, text: analysis.text.clone(), hints: hints.clone() },
    );
    hints
}

/// The hints of `analysis` itself (its migration computed now if it was not yet), kept by the session for the next
/// versions.
pub fn compute_hints(session: &Session, document: &str, analysis: &Analysis) -> Vec<Hint> {
    let hints = hints(analysis);
    if analysis.migration.get().is_some_and(Option::is_some) {
        session.carry_hints(
            document,
            Carried { version: analysis.version, text: analysis.text.clone(), hints: hints.clone() },
        );
    }
    hints
}

/// The hint on `pactoVersion` without the migration's figures, which are not computed.
fn hint_alone(analysis: &Analysis) -> Vec<Hint> {
    let message = format!(
        "Format 1.0: Pacto 2.0 is the current format. The code action \"{ACTION_TITLE}\" rewrites this contract."
    );
    let hint = |on| Hint { span: on, information: true, code: HINT_CODE, message: message.into() };
    migratable(analysis).map(hint).into_iter().collect()
}

fn hints_of(on: Span, migration: &Migration) -> Vec<Hint> {
    let report = &migration.report;
    let n_items = report.notes.len();
    let mut message = format!(
        "Format 1.0: Pacto 2.0 is the current format. The code action \"{ACTION_TITLE}\" rewrites this contract ({n_items} item(s) to review)"
    );
    if !migration.files.is_empty() {
        message.push_str(&format!(" and creates {} placeholder file(s)", migration.files.len()));
    }
    if !report.is_valid() {
        message.push_str("; the result would not validate as 2.0 yet");
    }
    message.push('.');
    let mut out = vec![Hint { span: on, information: true, code: HINT_CODE, message: message.into() }];
    for note in &report.notes {
        let message = format!("Migration to 2.0 ({}): {}", note.kind, note.message);
        out.push(Hint { span: note.span, information: false, code: note_code(note.kind), message: message.into() });
    }
    out
}

/// The action when `range` touches the `pactoVersion` entry of a valid 1.0 contract.
pub fn action(analysis: &Analysis, range: Span) -> Option<Action> {
    let entry = analysis.root()?.entry("pactoVersion")?;
    let whole = entry.key.span.cover(entry.value.span);
    if range.start > whole.end || range.end < whole.start {
        return None;
    }
    let (on, migration) = migration(analysis)?;
    let on = *on;
    let dir = analysis.bundle_dir.clone().unwrap_or_default();
    let files = migration.files.iter().map(|it| (dir.join(&it.path), it.content.clone())).collect();
    let hint = hints_of(on, migration).swap_remove(0);
    Some(Action { on, edit: smallest_edit(&analysis.text, &migration.text), files, hint })
}

fn note_code(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Dropped => "MIGRATION_DROPPED",
        NoteKind::Invented => "MIGRATION_INVENTED",
        NoteKind::Review => "MIGRATION_REVIEW",
        NoteKind::Placeholder => "MIGRATION_PLACEHOLDER",
    }
}

/// The migration of a valid 1.0 contract whose `pactoVersion` is `"1.0"`, and the version key's span: computed once
/// per version.
fn migration(analysis: &Analysis) -> Option<&(Span, Migration)> {
    analysis.migration.get_or_init(|| compute_migration(analysis)).as_ref()
}

fn compute_migration(analysis: &Analysis) -> Option<(Span, Migration)> {
    let on = migratable(analysis)?;
    let migration = migrate_validated(&analysis.text, analysis.root()?, analysis.files.as_deref().map(|it| it as _));
    Some((on, migration))
}

/// The `pactoVersion` key of a valid 1.0 contract whose `pactoVersion` is `"1.0"`.
fn migratable(analysis: &Analysis) -> Option<Span> {
    let validation = &analysis.validation;
    if validation.format != Format::V1 || !validation.is_valid() {
        return None;
    }
    let entry = analysis.root()?.entry("pactoVersion")?;
    (&*entry.value.as_scalar()?.text == "1.0").then_some(entry.key.span)
}

/// One edit covering what differs between `old` and `new` (common prefix and suffix kept), so
/// the cursor and folds outside the changed lines stay where they are.
fn smallest_edit(old: &str, new: &str) -> (Span, String) {
    let (in_old, in_new) = changed_region(old, new);
    (in_old, new[in_new.start..in_new.end].to_owned())
}

/// What differs between `old` and `new`, as a span of each: the rest is their common prefix and suffix.
fn changed_region(old: &str, new: &str) -> (Span, Span) {
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    (Span::new(prefix, old.len() - suffix), Span::new(prefix, new.len() - suffix))
}

/// The hints to publish with a version, unless `pacto.migration.hint` is off.
pub fn hints_to_publish(session: &Session, document: &str, analysis: &Analysis) -> Vec<Hint> {
    if !session.settings().migration_hint {
        return Vec::new();
    }
    hints_for_publish(session, document, analysis)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{Expect, expect};

    use super::{action, hints};
    use crate::fixture::fixture;

    fn check_hints(text: &str, expect: Expect) {
        let it = fixture(text);
        let mut out = String::new();
        for hint in hints(&it.analysis) {
            let level = if hint.information { "information" } else { "hint" };
            let _ = writeln!(out, "{} {level} {}: {}", it.span(hint.span), hint.code, hint.message);
        }
        expect.assert_eq(&out);
    }

    fn check_action(text: &str, expect: Expect) {
        let it = fixture(text);
        let out = match action(&it.analysis, it.range) {
            None => "no action\n".to_owned(),
            Some(action) => {
                let (span, with) = &action.edit;
                let mut out = format!("on {}\nreplace {}:\n{with}\n", it.span(action.on), it.span(*span));
                for (path, content) in &action.files {
                    let _ = write!(out, "--- create {}\n{content}", it.relative(path));
                }
                out
            }
        };
        expect.assert_eq(&out);
    }

    const CONTRACT: &str = r#"
pactoVersion: "1.0"
service:
  name: svc
  version: 1.0.0
interfaces:
  - name: api
    type: http
    port: 8080
"#;

    #[test]
    fn migrate_hints_on_a_valid_1_0_contract() {
        check_hints(
            CONTRACT,
            expect![[r#"
                1:1-1:13 information MIGRATION_AVAILABLE: Format 1.0: Pacto 2.0 is the current format. The code action "Migrate to Pacto 2.0" rewrites this contract (2 item(s) to review) and creates 1 placeholder file(s).
                6:5-6:9 hint MIGRATION_PLACEHOLDER: Migration to 2.0 (placeholder): the http interface "api" has no contract and 2.0 needs a spec file: wrote a placeholder OpenAPI 3.1 document "interfaces/api.yaml" and referenced it; describe the interface there
                8:5-8:9 hint MIGRATION_DROPPED: Migration to 2.0 (dropped): 8080: no 2.0 field; ports belong in deployment manifests
            "#]],
        );
    }

    #[test]
    fn migrate_hint_alone_on_a_contract_too_big_to_migrate_on_each_edit() {
        let padding = "# padding\n".repeat(super::MAX_HINTED_MIGRATION_BYTES / 10 + 1);
        let it = fixture(&format!("{CONTRACT}{padding}"));
        let hints = hints(&it.analysis);
        assert!(it.analysis.migration.get().is_none(), "the migration was not computed");
        let rendered: Vec<String> =
            hints.iter().map(|it| format!("{:?} {} {}", it.span, it.code, it.message)).collect();
        assert_eq!(
            rendered,
            [
                "0..12 MIGRATION_AVAILABLE Format 1.0: Pacto 2.0 is the current format. The code action \"Migrate to Pacto 2.0\" rewrites this contract."
            ]
        );
    }

    #[test]
    fn migrate_carried_hints_move_with_the_text_and_leave_the_changed_lines() {
        let it = fixture(CONTRACT);
        let carried = super::Carried { version: 1, text: it.text().to_owned(), hints: hints(&it.analysis) };
        let spans = |text: &str| -> Vec<String> {
            let moved = carried.moved_to(text);
            moved.iter().map(|hint| format!("{} {}", crate::fixture::render_span(text, hint.span), hint.code)).collect()
        };
        // A line inserted above `service`: the hints below move down one line.
        let inserted = it.text().replace("service:\n", "# owned by payments\nservice:\n");
        assert_eq!(
            spans(&inserted),
            ["1:1-1:13 MIGRATION_AVAILABLE", "7:5-7:9 MIGRATION_PLACEHOLDER", "9:5-9:9 MIGRATION_DROPPED"]
        );
        // A line inserted right above the port's: the text cannot tell it from an edit of that line, whose hint goes.
        let above_port = it.text().replace("    port: 8080\n", "    # the public API\n    port: 8080\n");
        assert_eq!(spans(&above_port), ["1:1-1:13 MIGRATION_AVAILABLE", "6:5-6:9 MIGRATION_PLACEHOLDER"]);
        // An edit on the port's line: its hint goes (it may no longer hold), the others stay.
        let edited = it.text().replace("port: 8080", "port: 8081");
        assert_eq!(spans(&edited), ["1:1-1:13 MIGRATION_AVAILABLE", "6:5-6:9 MIGRATION_PLACEHOLDER"]);
        // The same text: every hint, unmoved.
        assert_eq!(spans(it.text()).len(), 3);
    }

    #[test]
    fn migrate_is_computed_once_per_version() {
        let it = fixture(CONTRACT);
        assert!(it.analysis.migration.get().is_none(), "nothing is computed before it is asked for");
        let first = hints(&it.analysis);
        let computed = it.analysis.migration.get().and_then(Option::as_ref).map(|(_, it)| it as *const _);
        assert!(computed.is_some());
        // The second publish (a registry refresh) and the code action read the same migration.
        assert_eq!(hints(&it.analysis), first);
        assert!(action(&it.analysis, it.analysis.root().unwrap().entry("pactoVersion").unwrap().key.span).is_some());
        let after = it.analysis.migration.get().and_then(Option::as_ref).map(|(_, it)| it as *const _);
        assert_eq!(after, computed);
    }

    #[test]
    fn migrate_no_hint_on_invalid_or_2_0_contracts() {
        check_hints("pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: two\n", expect![[""]]);
        check_hints("pactoVersion: \"2.0\"\nservice:\n  name: svc\n  version: 1.0.0\n", expect![[""]]);
    }

    #[test]
    fn migrate_action_on_pacto_version() {
        check_action(
            &CONTRACT.replacen("pactoVersion", "pacto$0Version", 1),
            expect![[r#"
            on 1:1-1:13
            replace 1:16-8:15:
            2.0"
            service:
              name: svc
              version: 1.0.0
            interfaces:
              - name: api
                type: openapi
                ref: interfaces/api.yaml
            --- create interfaces/api.yaml
            # Placeholder written by `pacto migrate`: the 1.0 contract had no usable spec for this interface.
            # Describe its endpoints, then remove this comment.
            openapi: 3.1.0
            info:
              title: api
              version: 1.0.0
            paths: {}
        "#]],
        );
    }

    #[test]
    fn migrate_no_action_elsewhere() {
        check_action(
            &CONTRACT.replacen("name: svc", "name: s$0vc", 1),
            expect![[r#"
            no action
        "#]],
        );
    }
}
