//! Migration to 2.0 in the editor (pacto-v2.md §7): on a valid 1.0 contract, an information hint on
//! `pactoVersion`, the migration's report items as hints on the lines they concern, and the
//! "Migrate to Pacto 2.0" action, which rewrites the file and creates the placeholder specs.
//! The mapping itself is `pacto_core::migrate`, the same as `pacto migrate`.

use std::path::PathBuf;

use pacto_core::migrate::{Migration, NoteKind, migrate_validated};
use pacto_core::syntax::Span;
use pacto_core::validate::Format;
use ropey::Rope;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions, Diagnostic, DiagnosticSeverity,
    DocumentChangeOperation, DocumentChanges, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position,
    Range, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::analysis::Analysis;
use crate::proto::{self, Encoding};
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

/// A hint about the migration, on a span of the 1.0 contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub span: Span,
    /// Information for the hint on `pactoVersion`; the report items are hints.
    pub information: bool,
    pub code: &'static str,
    pub message: String,
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
        let message = format!(
            "Format 1.0: Pacto 2.0 is the current format. The code action \"{ACTION_TITLE}\" rewrites this contract."
        );
        let hint = |on| Hint { span: on, information: true, code: HINT_CODE, message };
        return migratable(analysis).map(hint).into_iter().collect();
    }
    match migration(analysis) {
        Some((on, migration)) => hints_of(*on, migration),
        None => Vec::new(),
    }
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
    let mut out = vec![Hint { span: on, information: true, code: HINT_CODE, message }];
    for note in &report.notes {
        let message = format!("Migration to 2.0 ({}): {}", note.kind, note.message);
        out.push(Hint { span: note.span, information: false, code: note_code(note.kind), message });
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
    (entry.value.as_scalar()?.text == "1.0").then_some(entry.key.span)
}

/// One edit covering what differs between `old` and `new` (common prefix and suffix kept), so
/// the cursor and folds outside the changed lines stay where they are.
fn smallest_edit(old: &str, new: &str) -> (Span, String) {
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    (Span::new(prefix, old.len() - suffix), new[prefix..new.len() - suffix].to_owned())
}

/// The hints as LSP diagnostics, unless `pacto.migration.hint` is off.
pub fn diagnostics(session: &Session, uri: &Uri, analysis: &Analysis, encoding: Encoding) -> Vec<Diagnostic> {
    if !session.settings().migration_hint {
        return Vec::new();
    }
    let _ = uri;
    hints(analysis).into_iter().map(|it| diagnostic(&analysis.rope, encoding, it)).collect()
}

fn diagnostic(rope: &Rope, encoding: Encoding, hint: Hint) -> Diagnostic {
    Diagnostic {
        range: proto::range(rope, encoding, hint.span),
        severity: Some(if hint.information { DiagnosticSeverity::INFORMATION } else { DiagnosticSeverity::HINT }),
        code: Some(NumberOrString::String(hint.code.to_owned())),
        source: Some(SOURCE.to_owned()),
        message: hint.message,
        ..Default::default()
    }
}

/// The action as a workspace edit: each placeholder created (never over an existing file) and
/// filled, then the contract rewritten at the version the action was computed for.
pub fn code_actions(uri: &Uri, analysis: &Analysis, range: Span, encoding: Encoding) -> Vec<CodeActionOrCommand> {
    let Some(action) = action(analysis, range) else {
        return Vec::new();
    };
    let rope = &analysis.rope;
    let mut operations = Vec::new();
    for (path, content) in action.files {
        let Some(file_uri) = Uri::from_file_path(&path) else {
            return Vec::new();
        };
        let options = CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(false) };
        operations.push(DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
            uri: file_uri.clone(),
            options: Some(options),
            annotation_id: None,
        })));
        let start = Position::new(0, 0);
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri: file_uri, version: None },
            edits: vec![OneOf::Left(TextEdit { range: Range::new(start, start), new_text: content })],
        }));
    }
    let (span, new_text) = action.edit;
    operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version: Some(analysis.version) },
        edits: vec![OneOf::Left(TextEdit { range: proto::range(rope, encoding, span), new_text })],
    }));
    let hint = diagnostic(rope, encoding, action.hint);
    vec![CodeActionOrCommand::CodeAction(CodeAction {
        title: ACTION_TITLE.to_owned(),
        kind: Some(CodeActionKind::REFACTOR_REWRITE),
        diagnostics: Some(vec![hint]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..Default::default()
        }),
        ..Default::default()
    })]
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
