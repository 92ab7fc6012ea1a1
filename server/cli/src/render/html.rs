//! The documentation Markdown as one HTML page for `pacto doc --serve`: rendered here with
//! pulldown-cmark, headings given the ids the table of contents links to, Mermaid blocks left
//! for the bundled Mermaid script (served beside the page) to draw in the browser.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::render::doc::anchor;

/// Where the page finds its assets; the server answers exactly these paths.
pub const STYLE_PATH: &str = "/style.css";
pub const MERMAID_PATH: &str = "/mermaid.min.js";
pub const INIT_PATH: &str = "/init.js";

/// A small readable stylesheet; a file rather than inline so the page's CSP can stay strict.
pub const STYLE: &str = include_str!("html/style.css");

/// Starts Mermaid on the page's diagrams; a file because the CSP allows no inline script.
pub const INIT: &str = include_str!("html/init.js");

/// Mermaid's minified browser build, vendored from its npm package (`vendor/mermaid/update`).
pub const MERMAID: &[u8] = include_bytes!("../../../../vendor/mermaid/mermaid.min.js");

/// The whole page: `title` (the service name) and the Markdown body.
pub fn page(title: &str, markdown: &str) -> String {
    let mut body = String::new();
    pulldown_cmark::html::push_html(
        &mut body,
        transform(Parser::new_ext(markdown, options()).map(sanitized)).into_iter(),
    );
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <link rel=\"stylesheet\" href=\"{STYLE_PATH}\">\n<script src=\"{MERMAID_PATH}\" defer></script>\n\
         <script src=\"{INIT_PATH}\" defer></script>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Gives each heading its anchor as id and turns ```` ```mermaid ```` blocks into
/// `<pre class="mermaid">`, which Mermaid replaces with the drawn diagram.
fn transform<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut heading: Option<(Event<'a>, Vec<Event<'a>>, String)> = None;
    let mut mermaid: Option<String> = None;
    for event in events {
        if let Some(source) = mermaid.as_mut() {
            match event {
                Event::Text(text) => source.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let source = mermaid.take().unwrap_or_default();
                    out.push(Event::Html(CowStr::from(format!("<pre class=\"mermaid\">{}</pre>\n", escape(&source)))));
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, inner, text)) = heading.as_mut() {
            match &event {
                Event::Text(it) | Event::Code(it) => text.push_str(it),
                Event::End(TagEnd::Heading(_)) => {
                    let Some((Event::Start(Tag::Heading { level, id, classes, attrs }), inner, text)) = heading.take()
                    else {
                        continue;
                    };
                    let id = id.or_else(|| Some(CowStr::from(anchor(&text))));
                    out.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
                    out.extend(inner);
                    out.push(event);
                    continue;
                }
                _ => {}
            }
            inner.push(event);
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref lang))) if lang.as_ref() == "mermaid" => {
                mermaid = Some(String::new());
            }
            Event::Start(Tag::Heading { .. }) => heading = Some((event, Vec::new(), String::new())),
            _ => out.push(event),
        }
    }
    out
}

/// Markup written in the Markdown, restricted to [`ALLOWED_TAGS`].
fn sanitized(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(html) => Event::Html(CowStr::from(sanitize(&html))),
        Event::InlineHtml(html) => Event::InlineHtml(CowStr::from(sanitize(&html))),
        other => other,
    }
}

/// The tags the documentation's own Markdown writes (dependency sections, diagram labels); any other
/// markup, such as HTML inside a contract's description, is shown as text. The page's CSP would stop a
/// script anyway, but not a form or an image.
const ALLOWED_TAGS: &[&str] = &["details", "summary", "h3", "h4", "h5", "code", "br"];

fn sanitize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match tail.find('>') {
            Some(end) if allowed_tag(&tail[..=end]) => {
                out.push_str(&tail[..=end]);
                rest = &tail[end + 1..];
            }
            _ => {
                out.push_str("&lt;");
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `<name>`, `</name>`, `<name/>` or `<name id="…">` with a plain id, for an allowed name.
fn allowed_tag(tag: &str) -> bool {
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/').trim();
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let (name, attributes) = inner.split_once(' ').unwrap_or((inner, ""));
    let plain_id = |value: &str| value.chars().all(|it| it.is_ascii_alphanumeric() || it == '-' || it == '_');
    let attributes_ok = attributes.trim().is_empty()
        || attributes.trim().strip_prefix("id=\"").and_then(|it| it.strip_suffix('"')).is_some_and(plain_id);
    ALLOWED_TAGS.contains(&name) && attributes_ok
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_from_a_contract_is_shown_as_text_and_the_documents_own_kept() {
        let markdown = "A <b>bold</b> <script>alert(1)</script> <img src=x onerror=y> claim.\n\n\
                        <details id=\"dep-a\"><summary><h3>1.1. a <code>v1</code></h3></summary>\n\n\
                        <h4 id=\"dep-a-runtime\">Runtime</h4>\n\n<form action=x>\n\n</details>\n";
        let html = page("svc", markdown);
        assert!(html.contains("A &lt;b>bold&lt;/b> &lt;script>alert(1)&lt;/script> &lt;img src=x onerror=y> claim."));
        assert!(html.contains("<details id=\"dep-a\"><summary><h3>1.1. a <code>v1</code></h3></summary>"));
        assert!(html.contains("<h4 id=\"dep-a-runtime\">Runtime</h4>"));
        assert!(html.contains("&lt;form action=x>"));
        assert!(!html.contains("<script>alert") && !html.contains("<img") && !html.contains("<form"));
    }

    #[test]
    fn headings_get_the_anchors_the_table_of_contents_uses() {
        let html = page("svc", "## 2.1. HTTP Interface: `rest-api`\n\n[x](#21-http-interface-rest-api)\n");
        assert!(html.contains("<h2 id=\"21-http-interface-rest-api\">2.1. HTTP Interface: <code>rest-api</code></h2>"));
    }

    #[test]
    fn mermaid_blocks_become_pre_elements_with_escaped_source() {
        let html = page("svc", "```mermaid\ngraph TB\n    a[\"x<br/>y\"] --> b\n```\n\n```yaml\nk: v\n```\n");
        assert!(html.contains("<pre class=\"mermaid\">graph TB\n    a[&quot;x&lt;br/&gt;y&quot;] --&gt; b\n</pre>\n"));
        assert!(html.contains("<pre><code class=\"language-yaml\">k: v\n</code></pre>"));
    }

    #[test]
    fn tables_render_and_the_title_is_escaped() {
        let html = page("<a&b>", "| A | B |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<title>&lt;a&amp;b&gt;</title>"));
        assert!(html.contains("<table>"));
        assert!(html.contains("<td>1</td>"));
    }
}
