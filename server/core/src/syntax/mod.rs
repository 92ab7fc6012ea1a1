//! YAML text to a tree whose every key and value carries its byte span (error tolerant).

pub mod incremental;
mod input;
mod key_index;
pub mod limits;
pub mod line_index;
pub mod parse;
pub mod path;
pub mod tree;

pub use incremental::reparse_edited;
pub use limits::Limits;
pub use line_index::{LineCol, LineIndex};
pub use parse::{Parse, SyntaxError, SyntaxErrorKind, parse, parse_with_limits};
pub use path::{FieldPath, Location, PathStyle, Segment, find, locate};
pub use tree::{Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, Span};
#[cfg(test)]
mod tests;
