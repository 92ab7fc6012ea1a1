//! The syntax tree: every YAML node with the byte span of its text, keys included.

use std::fmt;
use std::sync::Arc;

/// A half-open byte range `[start, end)` into the document text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub const fn empty(offset: usize) -> Span {
        Span { start: offset, end: offset }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` is inside the span; the end counts, so a cursor just after a word is on it.
    pub fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// How a scalar was written; only plain scalars are resolved to null, booleans and numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The resolved value of a scalar (YAML 1.2 core schema, as yaml.v3 resolves untyped scalars).
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` that fits 64 unsigned bits: yaml.v3 still resolves it as `!!int` (as a
    /// `uint64`), so an int field refuses it at parse time rather than as a float.
    Uint(u64),
    Float(f64),
    String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's content after unquoting and folding. Shared: the tree an edit builds from the previous one
    /// copies no text.
    pub text: Arc<str>,
    pub style: ScalarStyle,
    pub value: ScalarValue,
}

impl ScalarValue {
    /// The YAML tag name of the resolved kind, as yaml.v3 prints it in messages (`!!str`).
    pub fn tag_name(&self) -> &'static str {
        match self {
            ScalarValue::Null => "!!null",
            ScalarValue::Bool(_) => "!!bool",
            ScalarValue::Int(_) | ScalarValue::Uint(_) => "!!int",
            ScalarValue::Float(_) => "!!float",
            ScalarValue::String => "!!str",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// True when the entry came from a `<<` merge key rather than being written in this mapping.
    pub merged: bool,
}

/// A collection's children are shared: the tree of an edited version keeps the unmoved blocks of the previous
/// one's without copying them.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Mapping(Children<Entry>),
    Sequence(Children<Node>),
}

/// The children of a collection, read as a slice, shared by the trees that hold them. A vector behind the count,
/// not a slice beside it: the parser's vector is kept, not copied.
#[derive(Debug, PartialEq)]
pub struct Children<T: Child>(Arc<Vec<T>>);

/// What a collection holds: a node (of a sequence) or an entry (of a mapping).
pub trait Child {
    /// Moves the children of the collections directly in `self` to `out`, leaving them empty.
    fn take_children(&mut self, out: &mut Vec<Taken>);
}

/// Children taken out of a tree being freed.
pub enum Taken {
    Nodes(Vec<Node>),
    Entries(Vec<Entry>),
}

impl Child for Node {
    fn take_children(&mut self, out: &mut Vec<Taken>) {
        match &mut self.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Mapping(children) => {
                out.extend(Arc::get_mut(&mut children.0).map(|it| Taken::Entries(std::mem::take(it))))
            }
            NodeKind::Sequence(children) => {
                out.extend(Arc::get_mut(&mut children.0).map(|it| Taken::Nodes(std::mem::take(it))))
            }
        }
    }
}

impl Child for Entry {
    fn take_children(&mut self, out: &mut Vec<Taken>) {
        self.key.take_children(out);
        self.value.take_children(out);
    }
}

/// The last holder frees the tree below level by level from a list: a recursive drop of a document nested
/// [`super::limits::MAX_NESTING_DEPTH`] levels deep took more stack than a thread has.
impl<T: Child> Drop for Children<T> {
    fn drop(&mut self) {
        let Some(items) = Arc::get_mut(&mut self.0) else {
            return;
        };
        let mut pending = Vec::new();
        items.iter_mut().for_each(|it| it.take_children(&mut pending));
        while let Some(taken) = pending.pop() {
            match taken {
                Taken::Nodes(mut nodes) => nodes.iter_mut().for_each(|it| it.take_children(&mut pending)),
                Taken::Entries(mut entries) => entries.iter_mut().for_each(|it| it.take_children(&mut pending)),
            }
        }
    }
}

impl<T: Child> Clone for Children<T> {
    fn clone(&self) -> Self {
        Children(self.0.clone())
    }
}

impl<T: Child> std::ops::Deref for Children<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T: Child> IntoIterator for &'a Children<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Child> From<Vec<T>> for Children<T> {
    fn from(items: Vec<T>) -> Self {
        Children(Arc::new(items))
    }
}

impl<T: Child> FromIterator<T> for Children<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Children(Arc::new(items.into_iter().collect()))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

impl Node {
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The text of a scalar, whatever its resolved kind (`8080` gives `"8080"`).
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|it| &*it.text)
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(Scalar { value: ScalarValue::Null, .. }))
    }

    /// The entry of a mapping whose key is the string `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().find(|it| it.key.scalar_text() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|it| &it.value)
    }

    /// The first scalar written in the node: where a finding about a whole block is shown, so
    /// it marks one line rather than every line of the block.
    pub fn head_span(&self) -> Span {
        let mut node = self;
        loop {
            let next = match &node.kind {
                NodeKind::Scalar(_) => return node.span,
                NodeKind::Mapping(entries) => entries.iter().find(|it| !it.merged).map(|it| &it.key),
                NodeKind::Sequence(items) => items.first(),
            };
            match next {
                Some(child) => node = child,
                None => return Span::new(node.span.start, node.span.start.min(node.span.end)),
            }
        }
    }

    /// A short name for the node's kind, in the words of the YAML tags (`!!map`, `!!seq`, `!!str`).
    pub fn tag_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(scalar) => scalar.value.tag_name(),
            NodeKind::Mapping(_) => "!!map",
            NodeKind::Sequence(_) => "!!seq",
        }
    }
}
