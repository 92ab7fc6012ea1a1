//! The features' plain data made LSP values: byte spans become ranges in the client's encoding, and each source
//! gets its severities, codes and related places.

use std::sync::Arc;

use pacto_core::diff::BumpFinding;
use tower_lsp_server::ls_types::*;

use crate::analysis::Analysis;
use crate::features::completion::{CompletionEntry, EntryKind};
use crate::features::symbols::Symbol;
use crate::features::{diagnostics, migrate};
use crate::proto::{self, Encoding, Place};
use crate::session::Session;
use crate::{deps, lens, workspace};

pub fn diagnostic(at: &Place<'_>, uri: &Uri, it: diagnostics::Diagnostic<'_>) -> Diagnostic {
    match it {
        diagnostics::Diagnostic::Contract(it) => proto::diagnostic(at, uri, it),
        diagnostics::Diagnostic::Registry(it) => registry_diagnostic(at, &it),
        diagnostics::Diagnostic::Baseline(it) => proto::lens_diagnostic(at, &it),
        diagnostics::Diagnostic::Migration(it) => migration_hint(at, it),
        diagnostics::Diagnostic::Workspace(it) => workspace_diagnostic(at, it),
    }
}

fn registry_diagnostic(at: &Place<'_>, it: &deps::diagnostics::Finding) -> Diagnostic {
    Diagnostic {
        range: at.range(it.span),
        severity: Some(match it.code.level() {
            deps::diagnostics::Level::Warning => DiagnosticSeverity::WARNING,
            deps::diagnostics::Level::Information => DiagnosticSeverity::INFORMATION,
            deps::diagnostics::Level::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(it.code.as_str().to_owned())),
        source: Some("pacto".to_owned()),
        message: it.message.clone(),
        ..Default::default()
    }
}

/// The registry's actions, each with the finding it resolves: the registry's own, or the contract's.
pub fn registry_actions(
    session: &Session,
    uri: &Uri,
    analysis: &Analysis,
    actions: Vec<deps::actions::Action>,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let (rope, at) = (&analysis.rope, analysis.place(encoding));
    let findings = deps::diagnostics::findings(analysis, &session.deps);
    let fixed = |fixes: Option<deps::actions::Fixes>| -> Vec<Diagnostic> {
        match fixes {
            Some(deps::actions::Fixes::Registry(code, span)) => (findings.iter())
                .filter(|it| it.code == code && it.span == span)
                .map(|it| registry_diagnostic(&at, it))
                .collect(),
            Some(deps::actions::Fixes::Contract(code, span)) => (analysis.validation.diagnostics.iter())
                .filter(|it| it.code == code && it.span == span)
                .map(|it| proto::diagnostic(&at, uri, it))
                .collect(),
            None => Vec::new(),
        }
    };
    (actions.into_iter())
        .map(|it| proto::quick_fix(rope, encoding, uri, it.title, it.edits, fixed(it.fixes), false))
        .collect()
}

/// The bump quick fix, with the finding it resolves.
pub fn bump_action(uri: &Uri, analysis: &Analysis, finding: &BumpFinding, encoding: Encoding) -> CodeActionOrCommand {
    let rope = &analysis.rope;
    let fixes = vec![proto::lens_diagnostic(&analysis.place(encoding), &lens::compute::bump_diagnostic(finding))];
    let edits = vec![(finding.span, finding.suggested.clone())];
    proto::quick_fix(rope, encoding, uri, format!("Bump to {}", finding.suggested), edits, fixes, true)
}

fn migration_hint(at: &Place<'_>, hint: migrate::Hint) -> Diagnostic {
    Diagnostic {
        range: at.range(hint.span),
        severity: Some(if hint.information { DiagnosticSeverity::INFORMATION } else { DiagnosticSeverity::HINT }),
        code: Some(NumberOrString::String(hint.code.to_owned())),
        source: Some(migrate::SOURCE.to_owned()),
        message: hint.message.to_string(),
        ..Default::default()
    }
}

/// The migration hints of a publish as one serialized run: the one the document's last publish wrote when the hints
/// read the same (messages, codes, ranges in the client's encoding), else written now and kept for the next.
pub fn hints_run(session: &Session, uri: &Uri, at: &Place<'_>, hints: Vec<migrate::Hint>) -> Arc<[u8]> {
    // A version without hints (one that does not validate) keeps the run for the next that has them again.
    if hints.is_empty() {
        return Arc::from([]);
    }
    let seen: Vec<SerializedHint> = (hints.iter())
        .map(|it| SerializedHint {
            range: at.range(it.span),
            information: it.information,
            code: it.code,
            message: it.message.clone(),
        })
        .collect();
    if let Some(kept) = session.serialized_hints(uri).filter(|it| it.encoding == at.encoding() && it.hints == seen) {
        return kept.run.clone();
    }
    let run: Arc<[u8]> = crate::framing::serialized_run(hints.into_iter().map(|it| migration_hint(at, it))).into();
    session.keep_serialized_hints(uri, SerializedHints { encoding: at.encoding(), hints: seen, run: run.clone() });
    run
}

/// The migration hints a document's last publish wrote, and how.
pub struct SerializedHints {
    encoding: Encoding,
    hints: Vec<SerializedHint>,
    run: Arc<[u8]>,
}

#[derive(PartialEq)]
struct SerializedHint {
    range: Range,
    information: bool,
    code: &'static str,
    message: Arc<str>,
}

/// The migration as a workspace edit: each placeholder created (never over an existing file) and filled, then the
/// contract rewritten at the version the action was computed for.
pub fn migration_action(
    uri: &Uri,
    analysis: &Analysis,
    action: migrate::Action,
    encoding: Encoding,
) -> Option<CodeActionOrCommand> {
    let rope = &analysis.rope;
    let mut operations = Vec::new();
    for (path, content) in action.files {
        let file_uri = Uri::from_file_path(&path)?;
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
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: migrate::ACTION_TITLE.to_owned(),
        kind: Some(CodeActionKind::REFACTOR_REWRITE),
        diagnostics: Some(vec![migration_hint(&analysis.place(encoding), action.hint)]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..Default::default()
        }),
        ..Default::default()
    }))
}

fn workspace_diagnostic(at: &Place<'_>, it: workspace::Finding) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = (it.related.into_iter())
        .filter_map(|(site, message)| {
            Some(DiagnosticRelatedInformation { location: proto::line_location(&site.path, site.line)?, message })
        })
        .collect();
    Diagnostic {
        range: at.range(it.span),
        severity: Some(match it.level {
            workspace::Level::Hint => DiagnosticSeverity::HINT,
            workspace::Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(it.code.to_owned())),
        source: Some("pacto-workspace".to_owned()),
        message: it.message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// A tag, digest, repository or constraint: sorted and filtered as the registry part orders them.
pub fn registry_item(rope: &ropey::Rope, encoding: Encoding, it: deps::completion::Item) -> CompletionItem {
    CompletionItem {
        label: it.label.clone(),
        kind: Some(CompletionItemKind::VALUE),
        detail: Some(it.detail),
        sort_text: Some(it.sort_text),
        filter_text: Some(it.label.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: proto::range(rope, encoding, it.replace),
            new_text: it.label,
        })),
        ..Default::default()
    }
}

pub fn completion_item(rope: &ropey::Rope, encoding: Encoding, it: CompletionEntry) -> CompletionItem {
    CompletionItem {
        label: it.label,
        kind: Some(match it.kind {
            EntryKind::Field => CompletionItemKind::PROPERTY,
            EntryKind::Value => CompletionItemKind::ENUM_MEMBER,
            EntryKind::File => CompletionItemKind::FILE,
            EntryKind::Snippet => CompletionItemKind::SNIPPET,
        }),
        detail: it.detail,
        documentation: it
            .documentation
            .filter(|it| !it.is_empty())
            .map(|value| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value })),
        insert_text_format: Some(if it.snippet { InsertTextFormat::SNIPPET } else { InsertTextFormat::PLAIN_TEXT }),
        // Snippets carry their own indentation.
        insert_text_mode: Some(InsertTextMode::AS_IS),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: proto::range(rope, encoding, it.replace),
            new_text: it.insert,
        })),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the struct.
pub fn document_symbol_of(rope: &ropey::Rope, encoding: Encoding, it: Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: if it.name.is_empty() { "\"\"".to_owned() } else { it.name },
        detail: it.detail,
        kind: if it.is_list { SymbolKind::ARRAY } else { SymbolKind::FIELD },
        tags: None,
        deprecated: None,
        range: proto::range(rope, encoding, it.span),
        selection_range: proto::range(rope, encoding, it.selection),
        children: Some(it.children.into_iter().map(|child| document_symbol_of(rope, encoding, child)).collect()),
    }
}
