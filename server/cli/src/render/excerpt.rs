//! A source excerpt under a finding: `file:line:column`, the lines, a caret under the span.

use std::io::IsTerminal;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use pacto_core::syntax::{LineIndex, Span};

/// Lines around the span shown at most; a finding on a huge block shows its start.
const MAX_EXCERPT_LINES: usize = 6;

pub fn render(file: &str, text: &str, index: &LineIndex, span: Span, warning: bool) -> String {
    let start_line = index.line_of(span.start);
    let end_line = index.line_of(span.end.max(span.start)).min(start_line + MAX_EXCERPT_LINES - 1);
    let window_start = index.line_start(start_line);
    let window_end = index.line_range(text, end_line).end;
    let source = &text[window_start..window_end];
    let mut local = (span.start - window_start)..(span.end.min(window_end).max(span.start) - window_start);
    if local.is_empty() && local.start < source.len() {
        // An empty span (a missing value) still gets a caret on the character it points at.
        let width = source[local.start..].chars().next().map_or(0, char::len_utf8);
        local.end = local.start + width;
    }
    let level = if warning { Level::WARNING } else { Level::ERROR };
    let report = &[Group::with_level(level).element(
        Snippet::source(source)
            .line_start(start_line + 1)
            .path(file)
            .fold(false)
            .annotation(AnnotationKind::Primary.span(local)),
    )];
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let renderer = if colour { Renderer::styled() } else { Renderer::plain() };
    renderer.render(report).to_string()
}
