//! Field paths (`interfaces[1].port`): typed segments, both reference spellings, and lookup in a tree.

use std::fmt;

use super::tree::{Node, Span};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the document root; empty for the root itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

/// The two spellings the reference uses: layer 1 joins JSON pointer tokens with dots
/// (`interfaces.0.port`), everything else indexes with brackets (`interfaces[0].port`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    Dotted,
    Bracketed,
}

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath::default()
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    pub fn key(mut self, key: &str) -> FieldPath {
        self.segments.push(Segment::Key(key.to_owned()));
        self
    }

    pub fn index(mut self, idx: usize) -> FieldPath {
        self.segments.push(Segment::Index(idx));
        self
    }

    pub fn push(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    pub fn parent(&self) -> Option<FieldPath> {
        let (_, rest) = self.segments.split_last()?;
        Some(FieldPath { segments: rest.to_vec() })
    }

    /// The keys without the list indexes: `interfaces[2].port` is `["interfaces", "port"]`, the
    /// shape rules and the schema are written against.
    pub fn keys(&self) -> Vec<&str> {
        self.segments
            .iter()
            .filter_map(|it| match it {
                Segment::Key(key) => Some(key.as_str()),
                Segment::Index(_) => None,
            })
            .collect()
    }

    pub fn last_key(&self) -> Option<&str> {
        match self.segments.last()? {
            Segment::Key(key) => Some(key),
            Segment::Index(_) => None,
        }
    }

    /// Parses either spelling: `interfaces[1].port` or `interfaces.1.port`.
    pub fn parse(text: &str) -> FieldPath {
        let mut path = FieldPath::root();
        for part in text.split('.').filter(|it| !it.is_empty()) {
            let (name, mut rest) = match part.find('[') {
                Some(open) => (&part[..open], &part[open..]),
                None => (part, ""),
            };
            if !name.is_empty() {
                match name.parse::<usize>() {
                    Ok(idx) if rest.is_empty() => path.segments.push(Segment::Index(idx)),
                    _ => path.segments.push(Segment::Key(name.to_owned())),
                }
            }
            while let Some(close) = rest.find(']') {
                if let Ok(idx) = rest[1..close].parse() {
                    path.segments.push(Segment::Index(idx));
                }
                rest = &rest[close + 1..];
            }
        }
        path
    }

    pub fn render(&self, style: PathStyle) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match (segment, style) {
                (Segment::Key(key), _) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                (Segment::Index(idx), PathStyle::Bracketed) => {
                    out.push_str(&format!("[{idx}]"));
                }
                (Segment::Index(idx), PathStyle::Dotted) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&idx.to_string());
                }
            }
        }
        out
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(PathStyle::Bracketed))
    }
}

/// The node at `path`, if every segment exists.
pub fn find<'a>(root: &'a Node, path: &FieldPath) -> Option<&'a Node> {
    let mut node = root;
    for segment in path.segments() {
        node = match segment {
            Segment::Key(key) => node.get(key)?,
            Segment::Index(idx) => node.as_sequence()?.get(*idx)?,
        };
    }
    Some(node)
}

/// Where a path points in a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The value's span, or for a missing field the span of the nearest existing ancestor's key.
    pub span: Span,
    /// The key's span when the path ends at a mapping entry.
    pub key_span: Option<Span>,
    pub found: bool,
}

/// Finds the node at `path`. A missing field points at the key of its parent object (the
/// smallest precise place to report it), the root at an empty span at 0.
pub fn locate(root: &Node, path: &FieldPath) -> Location {
    let mut node = root;
    let mut key_span: Option<Span> = None;
    for segment in path.segments() {
        let next = match segment {
            Segment::Key(key) => node.entry(key).map(|it| (&it.value, Some(it.key.span))),
            Segment::Index(idx) => node.as_sequence().and_then(|it| it.get(*idx)).map(|it| (it, None)),
        };
        match next {
            Some((child, child_key)) => {
                node = child;
                key_span = child_key.or(Some(child.head_span()));
            }
            None => {
                return Location { span: key_span.unwrap_or_else(|| root_span(root)), key_span, found: false };
            }
        }
    }
    Location {
        span: if path.is_root() { root_span(root) } else { node.span },
        key_span: if path.is_root() { None } else { key_span },
        found: true,
    }
}

/// The root object is reported on its first key: a whole-document range would paint every line.
fn root_span(root: &Node) -> Span {
    match root.as_mapping().and_then(|it| it.first()) {
        Some(first) => first.key.span,
        None => Span::empty(root.span.start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parses_and_renders_both_styles() {
        for text in ["interfaces[1].port", "interfaces.1.port"] {
            let path = FieldPath::parse(text);
            assert_eq!(path.render(PathStyle::Bracketed), "interfaces[1].port");
            assert_eq!(path.render(PathStyle::Dotted), "interfaces.1.port");
        }
        assert_eq!(FieldPath::parse("").render(PathStyle::Dotted), "");
        assert_eq!(FieldPath::parse("a[0][2].b").render(PathStyle::Bracketed), "a[0][2].b");
    }
}
