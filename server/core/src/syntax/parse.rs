//! Text to [`Node`] tree: never fails; a syntax error becomes data and the rest is recovered.
//!
//! saphyr-parser gives events with character-indexed spans. We convert them to byte offsets,
//! resolve scalars, expand aliases and merge keys as yaml.v3 does (spec §2.2), and bound depth
//! and alias expansion. On a syntax error the offending line is blanked (offsets stay the same)
//! and parsing goes on from the last saved parser state that had not read that line yet, so one
//! typo does not hide the rest of the contract and no error costs a parse of the whole text.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::hash::RandomState;
use std::rc::Rc;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScanError, Tag};

use super::input::{BlankableInput, Source};
use super::key_index::KeyIndex;
use super::limits::Limits;
use super::line_index::LineIndex;
use super::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, Span};

/// What the YAML layer found wrong; every error has the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub kind: SyntaxErrorKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The scanner or parser rejected the text.
    Syntax,
    DuplicateKey,
    /// A key that is a mapping or a sequence.
    ComplexKey,
    /// A `<<` whose value is not a mapping or a list of mappings.
    BadMerge,
    /// A core tag (`!!int`) on a value it cannot describe.
    BadTag,
    /// Unknown anchor behind an alias.
    UnknownAlias,
    /// A named limit was crossed; nothing after this point was read.
    Limit,
}

/// The result of parsing: the first document's root (absent for an empty or hopeless text),
/// every error, and the byte ranges that were blanked to recover.
#[derive(Clone, Debug)]
pub struct Parse {
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
    pub recovered: Vec<Span>,
    /// Start of a second document: ignored entirely, as by the reference.
    pub extra_document: Option<Span>,
    /// The text names an anchor, so a part of the tree may be a copy of another: an edit is never re-parsed
    /// alone there (see [`super::incremental`]).
    pub anchored: bool,
}

pub fn parse(text: &str) -> Parse {
    parse_with_limits(text, &Limits::DEFAULT)
}

pub fn parse_with_limits(text: &str, limits: &Limits) -> Parse {
    // Most texts parse without a fatal error: building the tree straight from the parser is a
    // third cheaper than keeping the events and checkpoints recovery needs.
    let mut builder = Builder::new(text, limits);
    if builder.run().is_ok() {
        let anchored = !builder.anchors.is_empty();
        let Builder { root, errors, extra_document, .. } = builder;
        return Recovery::default().finish(root, errors, extra_document, anchored);
    }
    // Aliases make the builder's expansion limit depend on the tree so far, which a resumed
    // parse does not replay: those rare documents take the slower path of a parse per error.
    let line_index = LineIndex::new(text);
    resume(text, limits, &line_index).unwrap_or_else(|| reparse(text, limits, &line_index))
}

/// A fresh byte budget between two saved parser states; a larger one makes each resume re-read
/// more, a smaller one saves states more often (each save copies the parser's stacks).
const CHECKPOINT_BYTES: usize = 4096;

/// A saved state never costs more than one byte of text in sixteen: a save copies the parser's
/// stacks (as deep as the nesting) and its anchor table.
const CHECKPOINT_COST_FACTOR: usize = 16;

/// A parser state saved during [`resume`], with how much of the event log it had produced.
struct Checkpoint {
    parser: Parser<'static, BlankableInput>,
    /// Nothing at or after this byte had been read: the state holds for any text that agrees
    /// with this one before it.
    seen: usize,
    n_events: usize,
    depth: usize,
    documents: usize,
    n_anchors: usize,
}

/// An event for the tree builder, with its byte span.
struct Logged {
    event: Event<'static>,
    span: Span,
}

/// How one reading of the text ended.
enum Read {
    /// The end of the stream or of the first document.
    Done,
    /// The error that stopped the parser, or a crossed limit.
    Fatal(SyntaxError),
    /// An alias, which this path does not handle.
    Alias,
}

/// The events of the first document, read once: after an error the offending line is blanked
/// and reading resumes from the last checkpoint that had not read it, with the same result as
/// parsing the blanked text again from the start. The tree is built once, from the final events.
/// None when the document uses an alias.
pub(super) fn resume(text: &str, limits: &Limits, line_index: &LineIndex) -> Option<Parse> {
    let source = Source::new(text);
    let mut current = text.to_owned();
    let mut chars = CharToByte::new(text);
    let mut parser = Parser::new(BlankableInput::new(Rc::clone(&source)));
    let mut reader = Reader { log: Vec::new(), checkpoints: Vec::new(), depth: 0, documents: 0, n_anchors: 0 };
    reader.save(&parser, &source);
    let mut recovery = Recovery::default();
    let failed = loop {
        let fatal = match reader.read(&mut parser, &source, &current, &chars, limits) {
            Read::Alias => return None,
            Read::Done => break false,
            Read::Fatal(fatal) => fatal,
        };
        let Some(span) = recovery.blank_after(fatal, &mut current, line_index, limits) else {
            break true;
        };
        source.replace(&current);
        chars.refresh_from(&current, span.start);
        parser = reader.rewind(&source, span.start);
    };
    drop(parser);
    let Reader { log, checkpoints, .. } = reader;
    drop(checkpoints);
    drop(source);
    let mut builder = Builder::new(&current, limits);
    for Logged { event, span } in log {
        // The reader stopped before any event the builder refuses, so this never fails; a
        // second document's start is the last event logged.
        match builder.event(event, span) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                debug_assert!(false, "the reader let through an event the builder refuses: {err:?}");
                break;
            }
        }
    }
    if failed {
        builder.close_all();
    }
    let anchored = !builder.anchors.is_empty();
    let Builder { root, errors: soft_errors, extra_document, .. } = builder;
    Some(recovery.finish(root, soft_errors, extra_document, anchored))
}

/// The parser's events so far, and the states saved on the way.
struct Reader {
    log: Vec<Logged>,
    checkpoints: Vec<Checkpoint>,
    /// Open collections, as the builder's stack will hold them.
    depth: usize,
    documents: usize,
    n_anchors: usize,
}

impl Reader {
    /// Reads events into the log until the end of the first document or an error, stopping
    /// where the builder would stop (a second document, the nesting limit).
    fn read(
        &mut self,
        parser: &mut Parser<'static, BlankableInput>,
        source: &Source,
        text: &str,
        chars: &CharToByte,
        limits: &Limits,
    ) -> Read {
        loop {
            let (event, raw_span) = match parser.next_event() {
                None => return Read::Done,
                Some(Ok(it)) => it,
                Some(Err(err)) => return Read::Fatal(scan_error(text, chars, &err)),
            };
            let span = chars.span(text, raw_span);
            if self.log.len() % crate::cancel::CHECK_EVERY == 0 && crate::cancel::requested() {
                // Stops like a crossed limit: no recovery, the tree closed where reading stopped.
                let message = "the analysis was cancelled".to_owned();
                return Read::Fatal(SyntaxError { span, kind: SyntaxErrorKind::Limit, message });
            }
            match &event {
                Event::StreamEnd => return Read::Done,
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
                Event::Alias(_) => return Read::Alias,
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        self.log.push(Logged { event, span });
                        return Read::Done;
                    }
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    if let Err(limit) = check_depth(text, limits, self.depth, span) {
                        return Read::Fatal(limit);
                    }
                    self.depth += 1;
                    self.n_anchors += usize::from(*anchor != 0);
                }
                Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
                Event::Scalar(_, _, anchor, _) => self.n_anchors += usize::from(*anchor != 0),
            }
            self.log.push(Logged { event, span });
            let last = self.checkpoints.last().map_or(0, |it| it.seen);
            let budget = CHECKPOINT_BYTES.max(CHECKPOINT_COST_FACTOR * (self.depth + self.n_anchors));
            if source.seen() >= last + budget {
                self.save(parser, source);
            }
        }
    }

    fn save(&mut self, parser: &Parser<'static, BlankableInput>, source: &Source) {
        self.checkpoints.push(Checkpoint {
            parser: parser.clone(),
            seen: source.seen(),
            n_events: self.log.len(),
            depth: self.depth,
            documents: self.documents,
            n_anchors: self.n_anchors,
        });
    }

    /// The parser as it was at the last checkpoint that had read nothing at or after `changed`;
    /// the log and counters go back with it, and later checkpoints are dropped.
    fn rewind(&mut self, source: &Source, changed: usize) -> Parser<'static, BlankableInput> {
        // The first checkpoint had read nothing, so one always qualifies.
        let keep = self.checkpoints.partition_point(|it| it.seen <= changed).max(1);
        self.checkpoints.truncate(keep);
        let checkpoint = &self.checkpoints[keep - 1];
        source.set_seen(checkpoint.seen);
        self.log.truncate(checkpoint.n_events);
        self.depth = checkpoint.depth;
        self.documents = checkpoint.documents;
        self.n_anchors = checkpoint.n_anchors;
        checkpoint.parser.clone()
    }
}

/// The original recovery, for documents with aliases: on each error, blank the line and parse
/// the whole text again (at most [`Limits::max_recovery_attempts`] times).
pub(super) fn reparse(text: &str, limits: &Limits, line_index: &LineIndex) -> Parse {
    let mut work: Cow<'_, str> = Cow::Borrowed(text);
    let mut recovery = Recovery::default();
    loop {
        let mut builder = Builder::new(&work, limits);
        let outcome = builder.run();
        // Only documents with an alias come this way.
        let anchored = true;
        let Builder { root, errors: soft_errors, extra_document, .. } = builder;
        let blanked = match outcome {
            Ok(()) => None,
            Err(fatal) => recovery.blank_after(fatal, work.to_mut(), line_index, limits),
        };
        if blanked.is_none() {
            return recovery.finish(root, soft_errors, extra_document, anchored);
        }
    }
}

/// The errors and the blanked lines of one recovering parse, for both ways of resuming.
#[derive(Default)]
struct Recovery {
    errors: Vec<SyntaxError>,
    recovered: Vec<Span>,
    attempts: usize,
}

impl Recovery {
    /// Keeps `fatal` and blanks its line of `text` for one more try: the span blanked, or `None`
    /// when the error is a crossed limit, the attempts are spent or there is no line to blank.
    fn blank_after(
        &mut self,
        fatal: SyntaxError,
        text: &mut String,
        line_index: &LineIndex,
        limits: &Limits,
    ) -> Option<Span> {
        let is_limit = fatal.kind == SyntaxErrorKind::Limit;
        let offset = fatal.span.start;
        self.errors.push(fatal);
        self.attempts += 1;
        if is_limit || self.attempts > limits.max_recovery_attempts {
            return None;
        }
        let span = blank_line(text, line_index, offset)?;
        self.recovered.push(span);
        Some(span)
    }

    /// The parse of the last attempt, with every error met on the way, in document order.
    fn finish(
        self,
        root: Option<Node>,
        soft_errors: Vec<SyntaxError>,
        extra_document: Option<Span>,
        anchored: bool,
    ) -> Parse {
        let mut errors = self.errors;
        errors.extend(soft_errors);
        errors.sort_by_key(|it| it.span.start);
        errors.dedup();
        Parse { root, errors, recovered: self.recovered, extra_document, anchored }
    }
}

/// Replaces the content of the line holding `offset` (or, when that line is blank, the nearest
/// non-blank line before it) with spaces. Returns the blanked span, or None when nothing is left.
fn blank_line(text: &mut String, index: &LineIndex, offset: usize) -> Option<Span> {
    let mut line = index.line_of(offset);
    while text[index.line_range(text, line)].trim().is_empty() {
        line = line.checked_sub(1)?;
    }
    let indent = |text: &str, line: usize| {
        let content = &text[index.line_range(text, line)];
        (content.len() - content.trim_start_matches([' ', '\t']).len(), content.trim().is_empty())
    };
    let (own_indent, _) = indent(text, line);
    // The lines indented under the bad one are its children: parsed without their parent they
    // would only repeat the error, one line further down each time.
    let mut last = line;
    for next in line + 1..index.line_count() {
        match indent(text, next) {
            (_, true) => {}
            (child, false) if child > own_indent => last = next,
            _ => break,
        }
    }
    let start = index.line_start(line);
    let end = index.line_range(text, last).end;
    let blanked: String = text[start..end]
        .chars()
        .map(|it| if it == '\n' || it == '\r' { it.to_string() } else { " ".repeat(it.len_utf8()) })
        .collect();
    text.replace_range(start..end, &blanked);
    Some(Span::new(start, end))
}

/// Character indices (saphyr's currency) to byte offsets, with a checkpoint every 256 characters.
struct CharToByte {
    ascii: bool,
    checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 256;

impl CharToByte {
    fn new(text: &str) -> CharToByte {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices().step_by(CHECKPOINT_EVERY).map(|(byte, _)| byte).collect()
        };
        CharToByte { ascii, checkpoints }
    }

    /// After `text` changed at and after byte `from` (never before): the checkpoints past it
    /// are counted again. A text that was ASCII stays so: blanking writes spaces.
    fn refresh_from(&mut self, text: &str, from: usize) {
        if self.ascii {
            return;
        }
        let keep = self.checkpoints.partition_point(|&byte| byte <= from).max(1);
        self.checkpoints.truncate(keep);
        let start = self.checkpoints[keep - 1];
        let rest = text[start..].char_indices().step_by(CHECKPOINT_EVERY).skip(1);
        self.checkpoints.extend(rest.map(|(byte, _)| start + byte));
    }

    fn byte(&self, text: &str, char_idx: usize) -> usize {
        if self.ascii {
            return char_idx.min(text.len());
        }
        let Some(&start) = self.checkpoints.get(char_idx / CHECKPOINT_EVERY) else {
            return text.len();
        };
        let skip = char_idx % CHECKPOINT_EVERY;
        text[start..].char_indices().nth(skip).map_or(text.len(), |(byte, _)| start + byte)
    }

    fn span(&self, text: &str, span: saphyr_parser::Span) -> Span {
        let start = self.byte(text, span.start.index());
        let end = self.byte(text, span.end.index()).max(start);
        Span::new(start, end)
    }
}

fn scan_error(text: &str, chars: &CharToByte, err: &ScanError) -> SyntaxError {
    let offset = chars.byte(text, err.marker().index());
    SyntaxError {
        span: Span::new(offset, next_char_end(text, offset)),
        kind: SyntaxErrorKind::Syntax,
        message: err.info().to_owned(),
    }
}

/// The nesting limit, checked before a collection opens at `depth` open collections.
fn check_depth(text: &str, limits: &Limits, depth: usize, span: Span) -> Result<(), SyntaxError> {
    if depth >= limits.max_nesting_depth {
        return Err(SyntaxError {
            span: Span::new(span.start, next_char_end(text, span.start)),
            kind: SyntaxErrorKind::Limit,
            message: format!("nesting deeper than {} levels is not allowed", limits.max_nesting_depth),
        });
    }
    Ok(())
}

/// Mappings with more entries than this find duplicate keys through a hash index, not by
/// comparing with every earlier key (quadratic in a large `metadata` block).
const INDEXED_MAPPING_LEN: usize = 16;

enum Frame {
    Mapping {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        merges: Vec<Node>,
        key: Option<Node>,
        /// Built once the mapping has more than [`INDEXED_MAPPING_LEN`] entries.
        index: Option<KeyIndex>,
    },
    Sequence {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
}

struct Builder<'t> {
    text: &'t str,
    limits: &'t Limits,
    /// Lines of the text, counted at the first duplicate key: most texts have none, and the
    /// caller counts them again for its own positions.
    line_index: OnceCell<LineIndex>,
    /// One hasher for every [`KeyIndex`] of the document: each new one costs a lookup of the
    /// thread's keys.
    key_hasher: RandomState,
    stack: Vec<Frame>,
    /// Completed anchored nodes with their node counts, for bounded alias expansion.
    anchors: HashMap<usize, (Node, usize)>,
    expanded: usize,
    root: Option<Node>,
    errors: Vec<SyntaxError>,
    extra_document: Option<Span>,
    documents: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, limits: &'t Limits) -> Builder<'t> {
        Builder {
            text,
            limits,
            line_index: OnceCell::new(),
            key_hasher: RandomState::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            root: None,
            errors: Vec::new(),
            extra_document: None,
            documents: 0,
        }
    }

    /// Runs the parser to the end of the first document; the error is the one that stopped it.
    /// What was read before an error is kept: open collections are closed where they stand.
    fn run(&mut self) -> Result<(), SyntaxError> {
        let outcome = self.read_events();
        if outcome.is_err() {
            self.close_all();
        }
        outcome
    }

    fn read_events(&mut self) -> Result<(), SyntaxError> {
        let chars = CharToByte::new(self.text);
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let (event, raw_span) = match parser.next_event() {
                None => return Ok(()),
                Some(Ok(it)) => it,
                Some(Err(err)) => return Err(scan_error(self.text, &chars, &err)),
            };
            let span = chars.span(self.text, raw_span);
            if !self.event(event, span)? {
                return Ok(());
            }
        }
    }

    /// Adds one event to the tree; false when reading should stop (the end, a second document).
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, SyntaxError> {
        match event {
            Event::StreamEnd => return Ok(false),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    // Documents after the first are ignored entirely (spec §2.2), errors included.
                    self.extra_document = Some(span);
                    return Ok(false);
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::Scalar(value, style, anchor, tag) => {
                let node = self.scalar(value, style, tag.as_deref(), span);
                self.record_anchor(anchor, &node);
                self.push_node(node);
            }
            Event::Alias(anchor) => {
                let node = self.alias(anchor, span)?;
                self.push_node(node);
            }
            Event::MappingStart(anchor, _) => {
                check_depth(self.text, self.limits, self.stack.len(), span)?;
                self.stack.push(Frame::Mapping {
                    start: span.start,
                    anchor,
                    entries: Vec::new(),
                    merges: Vec::new(),
                    key: None,
                    index: None,
                });
            }
            Event::SequenceStart(anchor, _) => {
                check_depth(self.text, self.limits, self.stack.len(), span)?;
                self.stack.push(Frame::Sequence { start: span.start, anchor, items: Vec::new() });
            }
            Event::MappingEnd | Event::SequenceEnd => self.close_top(span.end),
        }
        Ok(true)
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: saphyr_parser::ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Node {
        let style = match style {
            saphyr_parser::ScalarStyle::Plain => ScalarStyle::Plain,
            saphyr_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            saphyr_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            saphyr_parser::ScalarStyle::Literal => ScalarStyle::Literal,
            saphyr_parser::ScalarStyle::Folded => ScalarStyle::Folded,
        };
        // An exact copy: saphyr 0.3 scans every plain scalar into a buffer of at least its 128-byte lookahead
        // (`scan_plain_scalar`), which the scanner's next scalar reuses.
        let text: Arc<str> = Arc::from(&*value);
        let resolved = match tag {
            Some(tag) if tag.is_yaml_core_schema() => match self.tagged(&text, &tag.suffix) {
                Some(value) => value,
                None => {
                    self.errors.push(SyntaxError {
                        span,
                        kind: SyntaxErrorKind::BadTag,
                        message: format!(
                            "cannot decode {} `{}` as a !!{}",
                            resolve_plain(&text).tag_name(),
                            text,
                            tag.suffix
                        ),
                    });
                    ScalarValue::String
                }
            },
            // A local tag (`!thing`) keeps the text as a string, as yaml.v3 does.
            Some(_) => ScalarValue::String,
            None if style == ScalarStyle::Plain => resolve_plain(&text),
            None => ScalarValue::String,
        };
        Node { span, kind: NodeKind::Scalar(Scalar { text, style, value: resolved }) }
    }

    fn tagged(&self, text: &str, suffix: &str) -> Option<ScalarValue> {
        let plain = resolve_plain(text);
        match suffix {
            "str" | "binary" | "timestamp" => Some(ScalarValue::String),
            "null" => matches!(plain, ScalarValue::Null).then_some(ScalarValue::Null),
            "bool" => matches!(plain, ScalarValue::Bool(_)).then_some(plain),
            "int" => matches!(plain, ScalarValue::Int(_) | ScalarValue::Uint(_)).then_some(plain),
            "float" => match plain {
                ScalarValue::Int(it) => Some(ScalarValue::Float(it as f64)),
                ScalarValue::Uint(it) => Some(ScalarValue::Float(it as f64)),
                ScalarValue::Float(_) => Some(plain),
                _ => None,
            },
            _ => Some(plain),
        }
    }

    fn record_anchor(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), count_nodes(node)));
        }
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<Node, SyntaxError> {
        let Some((node, count)) = self.anchors.get(&anchor) else {
            // saphyr rejects unknown anchors itself; this keeps the builder total.
            self.errors.push(SyntaxError {
                span,
                kind: SyntaxErrorKind::UnknownAlias,
                message: "unknown anchor".to_owned(),
            });
            return Ok(null_node(span));
        };
        self.expanded += count;
        if self.expanded > self.limits.max_alias_expansions {
            return Err(SyntaxError {
                span,
                kind: SyntaxErrorKind::Limit,
                message: format!(
                    "aliases expand to more than {} nodes; refusing to expand further",
                    self.limits.max_alias_expansions
                ),
            });
        }
        // The copy answers to the alias for its own position; inner nodes keep the anchor's spans.
        let mut copy = node.clone();
        copy.span = span;
        Ok(copy)
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { key, .. }) if key.is_none() => *key = Some(node),
            Some(Frame::Mapping { .. }) => {
                let Some(Frame::Mapping { key, entries, merges, index, .. }) = self.stack.last_mut() else {
                    return;
                };
                let key = key.take().expect("checked above");
                if is_merge_key(&key) {
                    merges.push(node);
                    return;
                }
                if !matches!(key.kind, NodeKind::Scalar(_)) {
                    let span = key.span;
                    self.errors.push(SyntaxError {
                        span,
                        kind: SyntaxErrorKind::ComplexKey,
                        message: "mapping keys must be scalars".to_owned(),
                    });
                    return;
                }
                let name = key.scalar_text().unwrap_or_default();
                let first = match index {
                    Some(index) => index.find(&self.key_hasher, entries, name),
                    None => entries.iter().position(|it| it.key.scalar_text() == Some(name)),
                };
                if let Some(first) = first {
                    let first_line = self
                        .line_index
                        .get_or_init(|| LineIndex::new(self.text))
                        .line_of(entries[first].key.span.start)
                        + 1;
                    let error = SyntaxError {
                        span: key.span,
                        kind: SyntaxErrorKind::DuplicateKey,
                        message: format!(
                            "mapping key {} already defined at line {first_line}",
                            crate::gofmt::quote(name)
                        ),
                    };
                    self.errors.push(error);
                    return;
                }
                match index {
                    Some(index) => index.insert(&self.key_hasher, name, entries.len()),
                    None if entries.len() >= INDEXED_MAPPING_LEN => {
                        let mut built = KeyIndex::new(&self.key_hasher, entries);
                        built.insert(&self.key_hasher, name, entries.len());
                        *index = Some(built);
                    }
                    None => {}
                }
                entries.push(Entry { key, value: node, merged: false });
            }
        }
    }

    fn close_top(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Mapping { start, anchor, mut entries, merges, key, .. } => {
                if let Some(key) = key {
                    // A key without a value (cut short by an error): keep it, its value is null.
                    let value = null_node(Span::empty(key.span.end));
                    entries.push(Entry { key, value, merged: false });
                }
                let span =
                    collection_span(self.text, start, end, entries.iter().map(|it| it.value.span.cover(it.key.span)));
                for merge in merges {
                    self.merge_into(&mut entries, merge);
                }
                // The tree lives as long as its version is shown: a doubled vector's spare room (three entries of
                // eight for a five-key mapping) was a sixth of a big contract's tree.
                entries.shrink_to_fit();
                (Node { span, kind: NodeKind::Mapping(entries.into()) }, anchor)
            }
            Frame::Sequence { start, anchor, mut items } => {
                let span = collection_span(self.text, start, end, items.iter().map(|it| it.span));
                items.shrink_to_fit();
                (Node { span, kind: NodeKind::Sequence(items.into()) }, anchor)
            }
        };
        self.record_anchor(anchor, &node);
        self.push_node(node);
    }

    /// yaml.v3 merge semantics: keys written in the mapping win; among merged maps the first wins.
    fn merge_into(&mut self, entries: &mut Vec<Entry>, merge: Node) {
        let sources: Vec<Node> = match merge.kind {
            NodeKind::Mapping(_) => vec![merge],
            NodeKind::Sequence(items) if items.iter().all(|it| it.as_mapping().is_some()) => items.to_vec(),
            _ => {
                self.errors.push(SyntaxError {
                    span: merge.span,
                    kind: SyntaxErrorKind::BadMerge,
                    message: "map merge requires map or sequence of maps as the value".to_owned(),
                });
                return;
            }
        };
        let mut names: HashSet<Option<String>> =
            entries.iter().map(|it| it.key.scalar_text().map(str::to_owned)).collect();
        for source in sources {
            let NodeKind::Mapping(source_entries) = source.kind else {
                continue;
            };
            for entry in &source_entries {
                if names.insert(entry.key.scalar_text().map(str::to_owned)) {
                    entries.push(Entry { merged: true, ..entry.clone() });
                }
            }
        }
    }

    /// Closes every open collection after a fatal error, so what was read survives.
    fn close_all(&mut self) {
        let end = self.text.len();
        while !self.stack.is_empty() {
            self.close_top(end);
        }
    }
}

/// Block collections end where the next token starts (often lines later, past comments), so
/// their last child is the better end; flow collections end at their closing bracket.
fn collection_span(text: &str, start: usize, end: usize, children: impl Iterator<Item = Span>) -> Span {
    let flow = matches!(text.as_bytes().get(start), Some(b'{' | b'['));
    let mut span = Span::new(start, start);
    for child in children {
        span = span.cover(child);
    }
    if flow {
        span.end = span.end.max(end);
    }
    span
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text.get(offset..).and_then(|rest| rest.chars().next()).map_or(offset, |ch| offset + ch.len_utf8())
}

fn null_node(span: Span) -> Node {
    Node {
        span,
        kind: NodeKind::Scalar(Scalar { text: Arc::from(""), style: ScalarStyle::Plain, value: ScalarValue::Null }),
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar(Scalar { text, style: ScalarStyle::Plain, .. }) if &**text == "<<")
}

fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(it) = stack.pop() {
        count += 1;
        match &it.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => stack.extend(items),
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    stack.push(&entry.key);
                    stack.push(&entry.value);
                }
            }
        }
    }
    count
}

/// Resolves a plain scalar as yaml.v3 does for untyped values (YAML 1.2 core schema).
pub fn resolve_plain(text: &str) -> ScalarValue {
    // Every non-string form below starts with one of these bytes; most keys and values start
    // with another and need no closer look (it was a few percent of a big parse).
    if let Some(first) = text.as_bytes().first() {
        if !matches!(first, b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F') {
            return ScalarValue::String;
        }
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
        "true" | "True" | "TRUE" => return ScalarValue::Bool(true),
        "false" | "False" | "FALSE" => return ScalarValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ScalarValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return ScalarValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return ScalarValue::Float(f64::NAN),
        _ => {}
    }
    // yaml.v3 tries a signed 64-bit int, then an unsigned one, and only then a float.
    if let Some(int) = parse_int(text) {
        if let Ok(int) = i64::try_from(int) {
            return ScalarValue::Int(int);
        }
        if let Ok(uint) = u64::try_from(int) {
            return ScalarValue::Uint(uint);
        }
    }
    if is_float(text) {
        if let Ok(float) = text.replace('_', "").parse::<f64>() {
            return ScalarValue::Float(float);
        }
    }
    ScalarValue::String
}

/// The value of an integer literal (decimal, `0x`, `0o`, `0b`, signed); `None` past `i128`.
fn parse_int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(rest) = digits.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = digits.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = digits.strip_prefix("0b") {
        (2, rest)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|it| it.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], Some(&mantissa[at + 1..])),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.chars().all(|it| it.is_ascii_digit());
    let mantissa_ok = match frac_part {
        Some(frac) => digits(int_part) && digits(frac) && !(int_part.is_empty() && frac.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let exponent_ok = match exponent {
        Some(exp) => {
            let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
            !exp.is_empty() && digits(exp)
        }
        None => true,
    };
    mantissa_ok && exponent_ok
}

/// The root of `text` parsed alone, when it parses cleanly: no error, no anchor, one document.
pub(super) fn clean_root(text: &str, limits: &Limits) -> Option<Node> {
    let mut builder = Builder::new(text, limits);
    builder.run().ok()?;
    let clean = builder.errors.is_empty() && builder.anchors.is_empty() && builder.extra_document.is_none();
    clean.then_some(builder.root).flatten()
}
