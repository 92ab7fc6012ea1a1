//! Version constraints with Masterminds/semver v3.4.0's grammar and semantics (spec §2.9): hyphen
//! ranges, `||` groups, AND by whitespace or commas, wildcards and the pre-release rule.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use super::version::Version;

/// Longest constraint whose hyphen ranges are rewritten with the reference's own
/// replace-the-first-occurrence pass when that pass can land somewhere other than the range it
/// found. That pass is quadratic, so a longer text would stall every keystroke in the editor;
/// beyond this the range is replaced where it was found instead. Both results are rejected
/// (a `-` follows whitespace in each, see `rewrite_hyphen_ranges`), so at worst the quoted
/// segment of the error differs.
pub(crate) const MAX_LITERAL_REWRITE_BYTES: usize = 16 * 1024;

/// A parsed constraint: OR groups of comparisons that must all hold.
#[derive(Clone, Debug)]
pub struct Constraint {
    text: String,
    groups: Vec<Group>,
}

/// Why a constraint was rejected; `Display` is the reference's text for each case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintError {
    /// `improper constraint: <segment>`: an OR group (after hyphen ranges were rewritten) that
    /// is not a list of comparisons. The segment is printed as is, unquoted and untrimmed.
    Improper { segment: String },
    /// `constraint parser error`: a comparison the grammar accepts but whose version the version
    /// parser rejects (`1|2`, `1x`, `99999999999999999999`, `1.0.0-01`). `segment` holds that
    /// comparison; the reference does not print it.
    Unparsable { segment: String },
}

impl Constraint {
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        let rewritten = rewrite_hyphen_ranges(text);
        let mut groups = Vec::new();
        // Each group is checked against the grammar before its comparisons are converted, and
        // groups are handled in order: the first failure of either kind is the one reported.
        for segment in rewritten.split("||") {
            let Some(raw_comparisons) = split_comparisons(segment) else {
                return Err(ConstraintError::Improper { segment: segment.to_owned() });
            };
            let comparisons = raw_comparisons.into_iter().map(Comparison::from_raw).collect::<Result<Vec<_>, _>>()?;
            let admits_prereleases = comparisons.iter().any(|it| it.bound.is_prerelease());
            groups.push(Group { comparisons, admits_prereleases });
        }
        Ok(Constraint { text: text.to_owned(), groups })
    }

    pub fn matches(&self, version: &Version) -> bool {
        self.groups.iter().any(|group| group.matches(version))
    }

    /// Like pacto's `Range.Contains`: a text that is not a version matches nothing.
    pub fn matches_str(&self, version: &str) -> bool {
        Version::parse(version).is_ok_and(|it| self.matches(&it))
    }

    /// The text this constraint was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl ConstraintError {
    /// The offending OR group (`Improper`) or comparison (`Unparsable`).
    pub fn segment(&self) -> &str {
        match self {
            ConstraintError::Improper { segment } | ConstraintError::Unparsable { segment } => segment,
        }
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstraintError::Improper { segment } => write!(f, "improper constraint: {segment}"),
            ConstraintError::Unparsable { .. } => f.write_str("constraint parser error"),
        }
    }
}

impl std::error::Error for ConstraintError {}

#[derive(Clone, Debug)]
struct Group {
    comparisons: Vec<Comparison>,
    /// Pre-release versions can satisfy this group only when one of its comparisons names a
    /// pre-release; the reference decides this per group, not per comparison.
    admits_prereleases: bool,
}

impl Group {
    fn matches(&self, version: &Version) -> bool {
        if version.is_prerelease() && !self.admits_prereleases {
            return false;
        }
        self.comparisons.iter().all(|it| it.matches(version))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// No operator or `=`.
    Equal,
    NotEqual,
    Greater,
    Less,
    /// `>=` or `=>`.
    GreaterOrEqual,
    /// `<=` or `=<`.
    LessOrEqual,
    /// `~` or `~>`.
    Tilde,
    Caret,
}

impl Op {
    fn from_text(text: &str) -> Option<Op> {
        let op = match text {
            "" | "=" => Op::Equal,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterOrEqual,
            "<=" | "=<" => Op::LessOrEqual,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            _ => return None,
        };
        Some(op)
    }
}

/// The first part of a comparison's version that was missing or a wildcard (`x`, `X`, `*`);
/// that part and the ones after it were filled with zeros in the bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wildcard {
    None,
    Major,
    Minor,
    Patch,
}

#[derive(Clone, Debug)]
struct Comparison {
    op: Op,
    bound: Version,
    wildcard: Wildcard,
}

/// One comparison as written in its group: the operator and the version text after it.
struct RawComparison<'a> {
    text: &'a str,
    op: Op,
    version: &'a str,
}

impl Comparison {
    fn from_raw(raw: RawComparison<'_>) -> Result<Comparison, ConstraintError> {
        let unparsable = || ConstraintError::Unparsable { segment: raw.text.to_owned() };
        let pattern =
            VersionPattern::read(raw.version).filter(|it| it.len == raw.version.len()).ok_or_else(unparsable)?;
        let prerelease = pattern.prerelease.map(|it| format!("-{it}")).unwrap_or_default();
        let major = pattern.major;
        // Filling with zeros drops the build metadata and keeps the pre-release, as the reference
        // does. The zero-filled text goes through the ordinary version parser, so a part such as
        // `1x` or `|` (which the grammar lets through) fails here.
        let (bound_text, wildcard): (Cow<'_, str>, Wildcard) = match (pattern.minor, pattern.patch) {
            _ if is_wildcard(major) => (format!("0.0.0{prerelease}").into(), Wildcard::Major),
            (None, _) => (format!("{major}.0.0{prerelease}").into(), Wildcard::Minor),
            (Some(minor), _) if is_wildcard(minor) => (format!("{major}.0.0{prerelease}").into(), Wildcard::Minor),
            (Some(minor), None) => (format!("{major}.{minor}.0{prerelease}").into(), Wildcard::Patch),
            (Some(minor), Some(patch)) if is_wildcard(patch) => {
                (format!("{major}.{minor}.0{prerelease}").into(), Wildcard::Patch)
            }
            (Some(_), Some(_)) => (raw.version.into(), Wildcard::None),
        };
        let bound = Version::parse(&bound_text).map_err(|_| unparsable())?;
        Ok(Comparison { op: raw.op, bound, wildcard })
    }

    /// The group has already refused pre-release versions it does not admit.
    fn matches(&self, version: &Version) -> bool {
        match self.op {
            Op::Equal if self.wildcard == Wildcard::None => version == &self.bound,
            // A partial or wildcard version behaves like `~` over the missing parts.
            Op::Equal => self.tilde(version),
            Op::NotEqual => self.not_equal(version),
            Op::Greater => self.greater(version),
            Op::Less => version < &self.bound,
            Op::GreaterOrEqual => version >= &self.bound,
            Op::LessOrEqual => self.less_or_equal(version),
            Op::Tilde => self.tilde(version),
            Op::Caret => self.caret(version),
        }
    }

    fn not_equal(&self, version: &Version) -> bool {
        let bound = &self.bound;
        match self.wildcard {
            Wildcard::None => version != bound,
            _ if version.major() != bound.major() => true,
            // `!=1.x` excludes the whole 1.* range.
            Wildcard::Minor => false,
            _ if version.minor() != bound.minor() => true,
            // `!=1.2.x` excludes 1.2.*, except that a pre-release differing from the bound's
            // pre-release (including a release against `!=1.2.x-beta`) is not excluded.
            Wildcard::Patch => version.prerelease() != bound.prerelease(),
            // `!=*` reaches here: it excludes exactly what `!=0.0.0` excludes.
            Wildcard::Major => version != bound,
        }
    }

    fn greater(&self, version: &Version) -> bool {
        let bound = &self.bound;
        match self.wildcard {
            // With a wildcard major the bound is 0.0.0, where the plain comparison is the same.
            Wildcard::None | Wildcard::Major => version > bound,
            _ if version.major() != bound.major() => version.major() > bound.major(),
            // `>1` means a later major, `>1.2` a later minor of the same major.
            Wildcard::Minor => false,
            Wildcard::Patch => version.minor() > bound.minor(),
        }
    }

    fn less_or_equal(&self, version: &Version) -> bool {
        let bound = &self.bound;
        if self.wildcard == Wildcard::None {
            return version <= bound;
        }
        // `<=1.2` admits all of 1.2.*, `<=1` all of 1.*. `<=*` (bound 0.0.0 without a minor
        // wildcard) therefore admits only 0.0.*, as in the reference.
        if version.major() != bound.major() {
            return version.major() < bound.major();
        }
        self.wildcard == Wildcard::Minor || version.minor() <= bound.minor()
    }

    fn tilde(&self, version: &Version) -> bool {
        let bound = &self.bound;
        if version < bound {
            return false;
        }
        // `~0.0.0` and `~*` admit everything at or above the bound; `~0` does not (it keeps
        // major 0), because its minor is a wildcard.
        let zero_core = (bound.major(), bound.minor(), bound.patch()) == (0, 0, 0);
        if zero_core && matches!(self.wildcard, Wildcard::None | Wildcard::Major) {
            return true;
        }
        version.major() == bound.major() && (self.wildcard == Wildcard::Minor || version.minor() == bound.minor())
    }

    fn caret(&self, version: &Version) -> bool {
        let bound = &self.bound;
        if version < bound {
            return false;
        }
        if bound.major() > 0 || self.wildcard == Wildcard::Minor {
            return version.major() == bound.major();
        }
        if version.major() > 0 {
            return false;
        }
        if bound.minor() > 0 || self.wildcard == Wildcard::Patch {
            return version.minor() == bound.minor();
        }
        if version.minor() > 0 {
            return false;
        }
        // Bound 0.0.z: only that patch. `^*` lands here too (its bound is 0.0.0 with neither a
        // minor nor a patch wildcard), which is why it admits only 0.0.0 in v3.4.0.
        version.patch() == bound.patch()
    }
}

fn is_wildcard(part: &str) -> bool {
    matches!(part, "x" | "X" | "*")
}

/// Whitespace as Go's regexp `\s` has it: no vertical tab, nothing beyond ASCII.
fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_op_byte(byte: u8) -> bool {
    matches!(byte, b'=' | b'!' | b'<' | b'>' | b'~' | b'^')
}

/// A version part in a constraint: digits or wildcards, in any mix. The reference's character
/// class also admits `|`, which only the version parser later rejects.
fn is_part_byte(byte: u8) -> bool {
    byte.is_ascii_digit() || matches!(byte, b'x' | b'X' | b'*' | b'|')
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-'
}

fn skip_while(bytes: &[u8], mut idx: usize, pred: impl Fn(u8) -> bool) -> usize {
    while idx < bytes.len() && pred(bytes[idx]) {
        idx += 1;
    }
    idx
}

/// The version-ish of the constraint grammar:
/// `v?P+(\.P+)?(\.P+)?(-IDS)?(\+IDS)?` with P a part byte and IDS dot-separated identifiers.
struct VersionPattern<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    prerelease: Option<&'a str>,
    /// Bytes of the input the pattern covers.
    len: usize,
}

impl<'a> VersionPattern<'a> {
    /// The longest-by-preference prefix of `text` the pattern matches, each part taken greedily
    /// as the reference's backtracking regexp would. No shorter choice for a part can let more of
    /// the pattern match, so comparing `len` with the text length also answers "is this whole
    /// text a version-ish".
    fn read(text: &'a str) -> Option<VersionPattern<'a>> {
        let bytes = text.as_bytes();
        let start = usize::from(bytes.first() == Some(&b'v'));
        let major_end = skip_while(bytes, start, is_part_byte);
        if major_end == start {
            return None;
        }
        let mut idx = major_end;
        let minor = dotted_part(text, &mut idx);
        let patch = dotted_part(text, &mut idx);
        let prerelease = identifier_list(text, &mut idx, b'-');
        identifier_list(text, &mut idx, b'+');
        Some(VersionPattern { major: &text[start..major_end], minor, patch, prerelease, len: idx })
    }
}

fn dotted_part<'a>(text: &'a str, idx: &mut usize) -> Option<&'a str> {
    let bytes = text.as_bytes();
    if bytes.get(*idx) != Some(&b'.') || !bytes.get(*idx + 1).is_some_and(|&b| is_part_byte(b)) {
        return None;
    }
    let start = *idx + 1;
    let end = skip_while(bytes, start, is_part_byte);
    *idx = end;
    Some(&text[start..end])
}

/// `<lead>ID(\.ID)*`, taking as many identifiers as follow.
fn identifier_list<'a>(text: &'a str, idx: &mut usize, lead: u8) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let starts_identifier = |at: usize| bytes.get(at).is_some_and(|&b| is_identifier_byte(b));
    if bytes.get(*idx) != Some(&lead) || !starts_identifier(*idx + 1) {
        return None;
    }
    let start = *idx + 1;
    let mut end = skip_while(bytes, start, is_identifier_byte);
    while bytes.get(end) == Some(&b'.') && starts_identifier(end + 1) {
        end = skip_while(bytes, end + 1, is_identifier_byte);
    }
    *idx = end;
    Some(&text[start..end])
}

/// Splits one OR group into its comparisons, or `None` when the group is not
/// `\s* OP \s* VER \s* ((\s+ | ,\s*) OP \s* VER \s*)*` (the reference's group check).
///
/// Operators and versions share no byte, and neither contains whitespace or a comma, so the
/// operator is the whole run of operator bytes and the version the whole run up to the next
/// whitespace or comma.
fn split_comparisons(group: &str) -> Option<Vec<RawComparison<'_>>> {
    let bytes = group.as_bytes();
    let mut comparisons = Vec::new();
    let mut idx = skip_while(bytes, 0, is_space);
    loop {
        let start = idx;
        let op_end = skip_while(bytes, idx, is_op_byte);
        let op = Op::from_text(&group[idx..op_end])?;
        let version_start = skip_while(bytes, op_end, is_space);
        let version_end = skip_while(bytes, version_start, |b| !is_space(b) && b != b',');
        let version = &group[version_start..version_end];
        if VersionPattern::read(version).is_none_or(|it| it.len != version.len()) {
            return None;
        }
        comparisons.push(RawComparison { text: &group[start..version_end], op, version });
        idx = skip_while(bytes, version_end, is_space);
        if idx == bytes.len() {
            return Some(comparisons);
        }
        // The version stopped at whitespace or a comma; after the whitespace at most one comma
        // may follow before the next comparison.
        if bytes[idx] == b',' {
            idx = skip_while(bytes, idx + 1, is_space);
        }
    }
}

/// One `A - B` found by the reference's range pattern `\s*(VER)\s+-\s+(VER)\s*`.
struct HyphenRange {
    /// The whole match, surrounding whitespace included.
    span: Range<usize>,
    from: Range<usize>,
    to: Range<usize>,
}

/// Rewrites each `A - B` to `>= A, <= B ` the way the reference does: all matches are found in
/// the original text, then each match's text replaces its *first occurrence* in the text
/// rewritten so far.
///
/// That occurrence is the match itself unless some match is directly followed by `-` and
/// whitespace (`1 - 2 - 3 2 - 3`): only then can an earlier replacement's `<= B ` join the
/// following `- ...` into an earlier copy of a later match, and only the literal pass reproduces
/// the reference. Replacing in place then leaves that `-` after whitespace, where no comparison
/// can start, so the text is rejected; the literal pass's text is rejected too in every case we
/// know of (see `misplaced_rewrites_are_rejected`).
fn rewrite_hyphen_ranges(text: &str) -> Cow<'_, str> {
    let ranges = find_hyphen_ranges(text);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let can_misplace = ranges
        .iter()
        .any(|it| bytes.get(it.span.end) == Some(&b'-') && bytes.get(it.span.end + 1).is_some_and(|&b| is_space(b)));
    if can_misplace && text.len() <= MAX_LITERAL_REWRITE_BYTES {
        Cow::Owned(rewrite_first_occurrences(text, &ranges))
    } else {
        Cow::Owned(rewrite_in_place(text, &ranges))
    }
}

fn range_replacement(text: &str, range: &HyphenRange) -> String {
    format!(">= {}, <= {} ", &text[range.from.clone()], &text[range.to.clone()])
}

fn rewrite_first_occurrences(text: &str, ranges: &[HyphenRange]) -> String {
    let mut res = text.to_owned();
    for range in ranges {
        let needle = &text[range.span.clone()];
        if let Some(at) = res.find(needle) {
            res.replace_range(at..at + needle.len(), &range_replacement(text, range));
        }
    }
    res
}

fn rewrite_in_place(text: &str, ranges: &[HyphenRange]) -> String {
    let mut res = String::with_capacity(text.len() + 8 * ranges.len());
    let mut copied = 0;
    for range in ranges {
        res.push_str(&text[copied..range.span.start]);
        res.push_str(&range_replacement(text, range));
        copied = range.span.end;
    }
    res.push_str(&text[copied..]);
    res
}

/// The successive leftmost matches of `\s*(VER)\s+-\s+(VER)\s*`, in linear time.
///
/// The first version must end right before whitespace, so it is a suffix of a whitespace-free
/// word, and the leftmost match uses the longest suffix that is a version-ish (the whole word
/// lets the match start at the whitespace before it). The second version and the whitespace
/// runs are taken greedily, as nothing after them can fail.
fn find_hyphen_ranges(text: &str) -> Vec<HyphenRange> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut idx = 0;
    while idx < bytes.len() {
        let space_start = idx;
        let word_start = skip_while(bytes, idx, is_space);
        let word_end = skip_while(bytes, word_start, |b| !is_space(b));
        idx = word_end;
        if word_start == word_end {
            break;
        }
        let Some((to, end)) = hyphen_range_tail(text, word_end) else {
            continue;
        };
        let Some(offset) = first_version_suffix(&bytes[word_start..word_end]) else {
            continue;
        };
        let from = word_start + offset..word_end;
        let start = if offset == 0 { space_start } else { from.start };
        ranges.push(HyphenRange { span: start..end, from, to });
        idx = end;
    }
    ranges
}

/// After a word ending at `word_end`: `\s+-\s+(VER)\s*`, giving the version's span and the end of
/// the match.
fn hyphen_range_tail(text: &str, word_end: usize) -> Option<(Range<usize>, usize)> {
    let bytes = text.as_bytes();
    let dash = skip_while(bytes, word_end, is_space);
    if dash == word_end || bytes.get(dash) != Some(&b'-') {
        return None;
    }
    let version_start = skip_while(bytes, dash + 1, is_space);
    if version_start == dash + 1 {
        return None;
    }
    let pattern = VersionPattern::read(&text[version_start..])?;
    let version_end = version_start + pattern.len;
    Some((version_start..version_end, skip_while(bytes, version_end, is_space)))
}

/// The smallest offset at which the rest of `word` is a whole version-ish.
///
/// Checking each suffix from the front would be quadratic in the word's length, so this runs the
/// grammar backwards once: for every offset it records which tail of the pattern the rest of the
/// word matches.
fn first_version_suffix(word: &[u8]) -> Option<usize> {
    let len = word.len();
    let at = |idx: usize| word.get(idx).copied();
    let is = |idx: usize, pred: fn(u8) -> bool| at(idx).is_some_and(pred);
    // Each vector says, for an offset (len + 2 entries so idx + 2 stays in bounds), whether the
    // rest of the word matches:
    let mut build_ids = vec![false; len + 2]; // ID(\.ID)*
    let mut build = vec![false; len + 2]; // (\+ID(\.ID)*)?
    let mut pre_ids = vec![false; len + 2]; // ID(\.ID)* then build
    let mut pre = vec![false; len + 2]; // (-ID(\.ID)*)? then build
    let mut patch_rest = vec![false; len + 2]; // P* completing a patch, then pre
    let mut patch = vec![false; len + 2]; // (\.P+)? then pre
    let mut minor_rest = vec![false; len + 2]; // P* completing a minor, then patch
    let mut minor = vec![false; len + 2]; // (\.P+)? then patch
    let mut major = vec![false; len + 2]; // P+ then minor
    build[len] = true;
    pre[len] = true;
    patch[len] = true;
    minor[len] = true;
    let mut first = None;
    for idx in (0..len).rev() {
        let dot_then = |next: &[bool]| at(idx) == Some(b'.') && next[idx + 1];
        build_ids[idx] = is(idx, is_identifier_byte)
            && (idx + 1 == len || build_ids[idx + 1] || (at(idx + 1) == Some(b'.') && build_ids[idx + 2]));
        build[idx] = at(idx) == Some(b'+') && build_ids[idx + 1];
        pre_ids[idx] = is(idx, is_identifier_byte)
            && (pre_ids[idx + 1] || build[idx + 1] || (at(idx + 1) == Some(b'.') && pre_ids[idx + 2]));
        pre[idx] = build[idx] || (at(idx) == Some(b'-') && pre_ids[idx + 1]);
        patch_rest[idx] = is(idx, is_part_byte) && (patch_rest[idx + 1] || pre[idx + 1]);
        patch[idx] = pre[idx] || dot_then(&patch_rest);
        minor_rest[idx] = is(idx, is_part_byte) && (minor_rest[idx + 1] || patch[idx + 1]);
        minor[idx] = patch[idx] || dot_then(&minor_rest);
        major[idx] = is(idx, is_part_byte) && (major[idx + 1] || minor[idx + 1]);
        if major[idx] || (at(idx) == Some(b'v') && major[idx + 1]) {
            first = Some(idx);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraint(text: &str) -> Constraint {
        Constraint::parse(text).unwrap_or_else(|err| panic!("{text:?} rejected: {err}"))
    }

    /// Runs `(constraint, version, expected)` rows; every version must itself be valid so that a
    /// `false` cannot come from a parse failure.
    fn check_table(rows: &[(&str, &str, bool)]) {
        let mut failures = Vec::new();
        for &(text, version, expected) in rows {
            let version = Version::parse(version).unwrap_or_else(|err| panic!("{version:?}: {err}"));
            if constraint(text).matches(&version) != expected {
                failures.push(format!("{text:?} vs {version}: expected {expected}"));
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    fn parse_error(text: &str) -> ConstraintError {
        match Constraint::parse(text) {
            Ok(_) => panic!("{text:?} accepted"),
            Err(err) => err,
        }
    }

    #[test]
    fn operators_with_full_partial_and_wildcard_versions() {
        check_table(&[
            // No operator and `=`: exact when complete, `~` over the wildcard otherwise.
            ("1.2.3", "1.2.3", true),
            ("1.2.3", "1.2.4", false),
            ("=1.2.3", "1.2.3", true),
            ("= 1.2.3", "1.2.2", false),
            ("v1.2.3", "1.2.3", true),
            ("1.2.3+build", "1.2.3", true),
            ("1.2", "1.2.0", true),
            ("1.2", "1.2.9", true),
            ("1.2", "1.3.0", false),
            ("1.2", "1.1.9", false),
            ("1.2.x", "1.2.7", true),
            ("1.2.X", "1.3.0", false),
            ("1.2.*", "1.2.0", true),
            ("1", "1.0.0", true),
            ("1", "1.9.9", true),
            ("1", "2.0.0", false),
            ("1", "0.9.9", false),
            ("1.x", "1.4.0", true),
            ("1.x.x", "2.0.0", false),
            ("*", "0.0.0", true),
            ("*", "99.1.2", true),
            ("x", "3.0.0", true),
            ("X.1.2", "3.0.0", true),
            // `!=`: with a wildcard the whole range is excluded.
            ("!=1.2.3", "1.2.3", false),
            ("!=1.2.3", "1.2.4", true),
            ("!=1.2.x", "1.2.0", false),
            ("!=1.2.x", "1.2.9", false),
            ("!=1.2.x", "1.3.0", true),
            ("!=1.2.x", "2.2.0", true),
            ("!=1.2", "1.2.5", false),
            ("!=1.x", "1.5.0", false),
            ("!=1.x", "2.0.0", true),
            ("!=1", "0.1.0", true),
            // `>`: a partial version means the next minor or major.
            (">1.2.3", "1.2.4", true),
            (">1.2.3", "1.2.3", false),
            (">1", "1.9.9", false),
            (">1", "2.0.0", true),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            (">1.x", "1.5.0", false),
            (">1.2.x", "1.3.0", true),
            // `>=` and `=>`: against the zero-filled version.
            (">=1.2", "1.2.0", true),
            (">=1.2", "1.1.9", false),
            ("=>1.2.3", "1.2.3", true),
            ("=> 1.2.3", "1.2.2", false),
            (">=1.x", "1.0.0", true),
            // `<`: against the zero-filled version.
            ("<1.2", "1.1.9", true),
            ("<1.2", "1.2.0", false),
            ("<1.2.3", "1.2.2", true),
            ("<1.x", "0.9.9", true),
            ("<1.x", "1.0.0", false),
            // `<=` and `=<`: a partial version admits all of it.
            ("<=1.2.3", "1.2.3", true),
            ("<=1.2.3", "1.2.4", false),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            ("<=1", "1.9.9", true),
            ("<=1", "2.0.0", false),
            ("=<1.2", "1.2.3", true),
            ("=< 1.2", "0.1.0", true),
            ("<=1.2.x", "1.2.500", true),
            // `~` and `~>`.
            ("~1.2.3", "1.2.3", true),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1.2.3", "1.2.2", false),
            ("~1.2", "1.2.0", true),
            ("~1.2", "1.3.0", false),
            ("~1", "1.0.0", true),
            ("~1", "1.9.0", true),
            ("~1", "2.0.0", false),
            ("~1.x", "1.9.0", true),
            ("~0", "0.9.9", true),
            ("~0", "1.0.0", false),
            ("~0.0.0", "5.0.0", true),
            ("~*", "5.0.0", true),
            ("~>1.2", "1.2.3", true),
            ("~> 1.2", "1.3.0", false),
            // `^`.
            ("^1.2.3", "1.2.3", true),
            ("^1.2.3", "1.9.9", true),
            ("^1.2.3", "2.0.0", false),
            ("^1.2.3", "1.2.2", false),
            ("^1.2", "1.2.0", true),
            ("^1.x", "1.5.0", true),
            ("^1.x", "2.0.0", false),
            ("^0.2.3", "0.2.3", true),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.2", "0.2.9", true),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0", "0.9.9", true),
            ("^0", "1.0.0", false),
            ("^0.0", "0.0.9", true),
            ("^0.0", "0.1.0", false),
            ("^0.x", "0.5.0", true),
            ("^0.0.x", "0.0.5", true),
            ("^0.0.x", "0.1.0", false),
        ]);
    }

    #[test]
    fn caret_star_matches_only_zero() {
        // Quirk verified against v3.4.0 (spec §2.9, quirk 40): not "any version".
        check_table(&[("^*", "0.0.0", true), ("^*", "0.0.1", false), ("^*", "0.1.0", false), ("^*", "1.0.0", false)]);
    }

    #[test]
    fn wildcard_major_with_other_operators() {
        // Behaviour of v3.4.0 read from its code: the bound is 0.0.0 with no minor or patch
        // wildcard, so these are far from "any version".
        check_table(&[
            (">*", "0.0.1", true),
            (">*", "0.0.0", false),
            ("<*", "0.0.0", false),
            (">=*", "0.0.0", true),
            ("<=*", "0.0.5", true),
            ("<=*", "0.1.0", false),
            ("<=*", "1.0.0", false),
            ("!=*", "0.0.0", false),
            ("!=*", "1.0.0", true),
        ]);
    }

    #[test]
    fn verified_truth_table() {
        // Spec §2.9 "Verified truth table".
        check_table(&[
            (">= 1.0.0, < 2.0.0", "1.2.3", true),
            (">= 1.0.0, < 2.0.0", "2.0.0", false),
            (">=1.0.0 <2.0.0", "1.2.3", true),
            (">=1.0.0 <2.0.0", "2.0.0", false),
            ("^1.0.0 || ^2.0.0", "1.5.0", true),
            ("^1.0.0 || ^2.0.0", "2.0.0", true),
            ("^1.0.0 || ^2.0.0", "0.0.5", false),
            ("1.2 - 1.4.5", "1.3.0", true),
            ("1.2 - 1.4.5", "1.5.0", false),
            ("~> 1.2", "1.2.3", true),
            ("~> 1.2", "1.3.0", false),
            ("v1.2.3", "1.2.3", true),
            ("=1.2", "1.2.3", true),
            ("=1.2", "1.3.0", false),
            ("<=1.2", "1.2.3", true),
            ("<=1.2", "1.3.0", false),
        ]);
    }

    #[test]
    fn and_by_commas_and_whitespace() {
        check_table(&[
            (">= 2.0.0, < 4.0.0", "2.0.0", true),
            (">= 2.0.0, < 4.0.0", "3.9.9", true),
            (">= 2.0.0, < 4.0.0", "4.0.0", false),
            (">= 2.0.0, < 4.0.0", "1.9.9", false),
            (">=2.0.0,<4.0.0", "3.0.0", true),
            (">=2.0.0 , <4.0.0", "4.0.1", false),
            (">=2.0.0\t<4.0.0", "3.0.0", true),
            (">=1.1 <2 !=1.2.3", "1.2.3", false),
            (">=1.1 <2 !=1.2.3", "1.2.4", true),
            (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
        ]);
    }

    #[test]
    fn prerelease_versions_need_a_prerelease_in_their_group() {
        check_table(&[
            // Spec §2.9 examples.
            (">=1.2.3-beta", "1.2.4-beta.1", true),
            ("^1.2.3-0", "1.2.4-beta.1", true),
            ("*", "1.2.3-alpha", false),
            // Without a pre-release in the group, no pre-release version matches.
            (">=1.0.0", "1.2.0-beta", false),
            ("^1.0.0", "1.0.1-rc.1", false),
            ("~1.1", "1.1.1-alpha", false),
            // One comparison with a pre-release admits them for its whole group...
            (">=1.0.0-0 <2.0.0", "1.5.0-rc.1", true),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
            ("*-0", "1.2.3-alpha.1", true),
            // ...but not for other groups.
            ("<2.0.0 || >=3.0.0-0", "1.5.0-rc.1", false),
            (">=1.0.0 || >=1.0.0-0", "1.2.0-beta", true),
            // Ordering still applies: alpha sorts before beta.
            ("~1.1.1-beta", "1.1.1-alpha", false),
            (">0.0.0-0", "0.0.0-alpha", true),
            // Releases are unaffected by the rule.
            (">=1.2.3-beta", "1.2.3", true),
        ]);
    }

    #[test]
    fn hyphen_ranges_need_whitespace_around_the_dash() {
        check_table(&[
            ("1.2 - 1.4.5", "1.2.0", true),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("1.2 - 1.4.5", "1.1.9", false),
            // The upper bound is `<=`, so a partial one admits all of it.
            ("1 - 2", "2.9.9", true),
            ("1 - 2", "3.0.0", false),
            ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0 || 3 - 4", "3.5.0", true),
            // `1.2-1.4` is the version 1.2 with pre-release 1.4, used as `~1.2.0-1.4`.
            ("1.2-1.4", "1.3.0", false),
            ("1.2-1.4", "1.2.0-1.4", true),
            ("1.2-1.4", "1.2.5", true),
            ("1.1-3", "4.3.2", false),
        ]);
        assert_eq!(parse_error("1.2 -1.4").to_string(), "improper constraint: 1.2 -1.4");
        assert_eq!(parse_error("1.2- 1.4").to_string(), "improper constraint: 1.2- 1.4");
    }

    #[test]
    fn parse_errors_carry_reference_text() {
        // (input, Display, segment())
        let cases = [
            // Spec §2.9: empty, whitespace only, non-matching text.
            ("latest", "improper constraint: latest", "latest"),
            ("not-a-range", "improper constraint: not-a-range", "not-a-range"),
            (">=", "improper constraint: >=", ">="),
            ("", "improper constraint: ", ""),
            ("   ", "improper constraint:    ", "   "),
            // The segment is the untrimmed OR group, after hyphen ranges were rewritten.
            ("1.0 || latest", "improper constraint:  latest", " latest"),
            ("^1.0.0 ||", "improper constraint: ", ""),
            (">=1.2 - 1.4", "improper constraint: >=>= 1.2, <= 1.4 ", ">=>= 1.2, <= 1.4 "),
            ("1 - 2 - 3", "improper constraint: >= 1, <= 2 - 3", ">= 1, <= 2 - 3"),
            (">= 1.0.0,", "improper constraint: >= 1.0.0,", ">= 1.0.0,"),
            ("1.0,,2.0", "improper constraint: 1.0,,2.0", "1.0,,2.0"),
            (", 1.0", "improper constraint: , 1.0", ", 1.0"),
            ("12.3.4.1234", "improper constraint: 12.3.4.1234", "12.3.4.1234"),
            ("12.3.34~ 1.2.3", "improper constraint: 12.3.34~ 1.2.3", "12.3.34~ 1.2.3"),
            ("BAR >= 1.2.3", "improper constraint: BAR >= 1.2.3", "BAR >= 1.2.3"),
            (">>1", "improper constraint: >>1", ">>1"),
            ("> =1", "improper constraint: > =1", "> =1"),
            ("=1.0>2.0", "improper constraint: =1.0>2.0", "=1.0>2.0"),
            ("not-valid-%%", "improper constraint: not-valid-%%", "not-valid-%%"),
            // Go's `\s` has no vertical tab.
            ("\u{b}1.0", "improper constraint: \u{b}1.0", "\u{b}1.0"),
            // The grammar accepts these, the version parser does not.
            ("1|2", "constraint parser error", "1|2"),
            ("1 | 2", "constraint parser error", "|"),
            ("1x", "constraint parser error", "1x"),
            ("99999999999999999999", "constraint parser error", "99999999999999999999"),
            (">= 1.2.3-01", "constraint parser error", ">= 1.2.3-01"),
            // Groups fail in order, each one fully checked before its versions are read.
            ("1|2 || latest", "constraint parser error", "1|2"),
            ("latest || 1|2", "improper constraint: latest ", "latest "),
            ("1|2 latest", "improper constraint: 1|2 latest", "1|2 latest"),
        ];
        for (input, display, segment) in cases {
            let err = parse_error(input);
            assert_eq!((err.to_string().as_str(), err.segment()), (display, segment), "{input:?}");
        }
    }

    #[test]
    fn wildcards_after_a_wildcard_are_not_read() {
        // The reference zero-fills from the first wildcard on, so what follows it is ignored
        // even when the version parser would refuse it.
        check_table(&[("*.1|.x", "2.0.0", true), ("1.x.1|", "1.5.0", true)]);
    }

    #[test]
    fn pacto_parse_range_table() {
        // Spec §8.2 `ParseRange`.
        for accepted in ["^2.0.0", "~1.0.0", "1.2.3", ">= 1.0.0, < 2.0.0"] {
            assert_eq!(constraint(accepted).as_str(), accepted);
        }
        for rejected in ["not-a-range", ""] {
            assert_eq!(parse_error(rejected).segment(), rejected);
        }
        assert_eq!(constraint("^2.0.0").to_string(), "^2.0.0");
    }

    #[test]
    fn pacto_contains_table() {
        // Spec §8.2 `Contains`, through the text entry point like the reference.
        let rows = [
            ("^2.0.0", "2.0.0", true),
            ("^2.0.0", "2.1.0", true),
            ("^2.0.0", "2.99.99", true),
            ("^2.0.0", "3.0.0", false),
            ("^2.0.0", "1.9.9", false),
            ("~1.2.0", "1.2.0", true),
            ("~1.2.0", "1.2.5", true),
            ("~1.2.0", "1.3.0", false),
            (">= 1.0.0, < 2.0.0", "1.5.0", true),
            (">= 1.0.0, < 2.0.0", "2.0.0", false),
            ("^1.0.0", "not-a-version", false),
            ("^1.0.0", "v1.0.0", true),
            ("^1.0.0", "1", true),
            ("^1.0.0", " 1.0.0", false),
        ];
        for (text, version, expected) in rows {
            assert_eq!(constraint(text).matches_str(version), expected, "{text:?} vs {version:?}");
        }
    }

    #[test]
    fn rewrite_matches_reference() {
        let cases = [
            // The reference's own rewrite table.
            ("2 - 3", ">= 2, <= 3 "),
            ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
            ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
            ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
            ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
            // Surrounding whitespace belongs to the match.
            ("  1 - 2  ", ">= 1, <= 2 "),
            ("a\t1\t-\t2\tb", "a>= 1, <= 2 b"),
            // The first version may start inside a word; the second may stop inside one.
            ("1.2.3.4 - 5", "1.>= 2.3.4, <= 5 "),
            (">=1.2 - 1.4", ">=>= 1.2, <= 1.4 "),
            ("1 - 2abc", ">= 1, <= 2 abc"),
            ("v1.2-beta - v2.0+b", ">= v1.2-beta, <= v2.0+b "),
            ("1||2 - 3", ">= 1||2, <= 3 "),
            // Not ranges.
            ("1.2-1.4", "1.2-1.4"),
            ("1.2 -1.4", "1.2 -1.4"),
            ("1 -- 2", "1 -- 2"),
            ("1 - ", "1 - "),
            // A range followed by `-` and whitespace: the second match's text is replaced where it
            // first occurs, which is inside the first replacement.
            ("1 - 2 - 3 2 - 3", ">= 1, <=>= 2, <= 3  2 - 3"),
            ("1 - 2 -x", ">= 1, <= 2 -x"),
        ];
        for (input, expected) in cases {
            assert_eq!(rewrite_hyphen_ranges(input), expected, "{input:?}");
        }
    }

    /// A text of exactly `len` bytes where replacing the first occurrence and replacing in place
    /// give different results.
    fn misplacing_rewrite_input(len: usize) -> String {
        let tail = " 1 - 2 - 3 2 - 3";
        format!("{}{tail}", "a".repeat(len - tail.len()))
    }

    #[test]
    fn literal_rewrite_at_limit_passes() {
        let input = misplacing_rewrite_input(MAX_LITERAL_REWRITE_BYTES);
        let padding = "a".repeat(MAX_LITERAL_REWRITE_BYTES - 16);
        let expected = format!("{padding}>= 1, <=>= 2, <= 3  2 - 3");
        assert_eq!(rewrite_hyphen_ranges(&input), expected);
        assert_eq!(parse_error(&input).segment(), expected);
    }

    #[test]
    fn literal_rewrite_over_limit_refused() {
        let input = misplacing_rewrite_input(MAX_LITERAL_REWRITE_BYTES + 1);
        let padding = "a".repeat(MAX_LITERAL_REWRITE_BYTES + 1 - 16);
        // In place: still rejected, only the quoted segment differs from the reference's.
        let expected = format!("{padding}>= 1, <= 2 - 3>= 2, <= 3 ");
        assert_eq!(rewrite_hyphen_ranges(&input), expected);
        assert_eq!(parse_error(&input).to_string(), format!("improper constraint: {expected}"));
    }

    #[test]
    fn long_inputs_stay_linear() {
        // Quadratic scans would take minutes on these; each finishes in milliseconds.
        let many_ranges = "1 - 2 ".repeat(50_000);
        let rewritten = rewrite_hyphen_ranges(&many_ranges);
        assert_eq!(rewritten, ">= 1, <= 2 ".repeat(50_000));
        assert!(constraint(&many_ranges).matches_str("1.5.0"));
        let long_word = format!("{}a - 1", "1".repeat(1_000_000));
        assert_eq!(rewrite_hyphen_ranges(&long_word), long_word);
    }

    /// One byte of each kind the grammar tells apart: part and identifier (`1`), part only (`|`),
    /// identifier only (`a`), the separators, `v` and whitespace.
    const ALPHABET: &[u8] = b"1.-+va| ";

    /// Every string over `ALPHABET` up to `max_len` bytes.
    fn all_strings(max_len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max_len {
            layer = layer
                .iter()
                .flat_map(|prefix| ALPHABET.iter().map(move |&b| format!("{prefix}{}", b as char)))
                .collect();
            all.extend(layer.iter().cloned());
        }
        all
    }

    fn is_whole_pattern(text: &str) -> bool {
        VersionPattern::read(text).is_some_and(|it| it.len == text.len())
    }

    #[test]
    fn suffix_search_agrees_with_forward_reader() {
        for text in all_strings(6).iter().filter(|it| !it.contains(' ')) {
            let expected = (0..text.len()).find(|&idx| is_whole_pattern(&text[idx..]));
            assert_eq!(first_version_suffix(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn range_finder_agrees_with_brute_force() {
        // The brute force tries every start and every end of the first version, as a
        // backtracking matcher would; the finder must pick the same leftmost matches.
        fn leftmost_from(text: &str, pos: usize) -> Option<(Range<usize>, Range<usize>, Range<usize>)> {
            let bytes = text.as_bytes();
            for start in pos..text.len() {
                let from_start = skip_while(bytes, start, is_space);
                for from_end in from_start + 1..=text.len() {
                    if !is_whole_pattern(&text[from_start..from_end]) {
                        continue;
                    }
                    if let Some((to, end)) = hyphen_range_tail(text, from_end) {
                        return Some((start..end, from_start..from_end, to));
                    }
                }
            }
            None
        }
        fn brute_force(text: &str) -> Vec<(Range<usize>, Range<usize>, Range<usize>)> {
            let mut found = Vec::new();
            let mut pos = 0;
            while let Some(it) = leftmost_from(text, pos) {
                pos = it.0.end;
                found.push(it);
            }
            found
        }
        for text in all_strings(7).iter().filter(|it| it.contains(" - ")) {
            let found: Vec<_> = find_hyphen_ranges(text).into_iter().map(|it| (it.span, it.from, it.to)).collect();
            assert_eq!(found, brute_force(text), "{text:?}");
        }
    }

    /// Texts built from pieces that make hyphen ranges, stray dashes, `||` and junk likely.
    fn random_texts(count: usize) -> Vec<String> {
        const PIECES: &[&str] =
            &["1", "2", "12", "1.2", "x", "v", "a", "-", " - ", " ", "  ", "|", "||", ",", ".", "-b"];
        // A fixed xorshift sequence keeps the test deterministic.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let n_pieces = 1 + next() % 12;
                (0..n_pieces).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect()
            })
            .collect()
    }

    #[test]
    fn in_place_rewrite_equals_literal_unless_a_dash_follows() {
        let mut n_checked = 0;
        for text in random_texts(200_000) {
            let ranges = find_hyphen_ranges(&text);
            let bytes = text.as_bytes();
            let dash_follows = ranges.iter().any(|it| {
                bytes.get(it.span.end) == Some(&b'-') && bytes.get(it.span.end + 1).is_some_and(|&b| is_space(b))
            });
            if !ranges.is_empty() && !dash_follows {
                n_checked += 1;
                let literal = rewrite_first_occurrences(&text, &ranges);
                assert_eq!(rewrite_in_place(&text, &ranges), literal, "{text:?}");
            }
        }
        assert!(n_checked > 10_000, "only {n_checked} texts had ranges");
    }

    /// Texts shaped like `A - B - D ... B' - D`, where a later range `B' - D` (B' a suffix of B)
    /// can be found inside the rewrite of the first one.
    fn misplacing_texts() -> Vec<String> {
        const VERSIONS: &[&str] = &["1", "12", "1||2", "x", "1.2", "v1", "2-b", "1|"];
        const SEPARATORS: &[&str] = &[" ", "  ", " || ", ", ", "||", " 1 - 2 "];
        const TAILS: &[&str] = &["", " ", " 3", " || 1", "||2 - 3", " - 4", ",1"];
        let mut texts = Vec::new();
        for a in VERSIONS {
            for b in VERSIONS {
                for d in VERSIONS {
                    for sep in SEPARATORS {
                        for tail in TAILS {
                            for cut in 0..b.len() {
                                // A proper suffix starts the later range inside a word.
                                let lead = if cut == 0 { "" } else { "z" };
                                let suffix = &b[cut..];
                                texts.push(format!("{a} - {b} - {d}{sep}{lead}{suffix} - {d}{tail}"));
                            }
                        }
                    }
                }
            }
        }
        texts
    }

    #[test]
    fn misplaced_rewrites_are_rejected() {
        let mut n_misplaced = 0;
        for text in misplacing_texts().into_iter().chain(random_texts(200_000)) {
            let ranges = find_hyphen_ranges(&text);
            let literal = rewrite_first_occurrences(&text, &ranges);
            if literal != rewrite_in_place(&text, &ranges) {
                n_misplaced += 1;
                assert!(Constraint::parse(&text).is_err(), "{text:?} -> {literal:?}");
            }
        }
        assert!(n_misplaced > 1_000, "only {n_misplaced} misplaced rewrites");
    }
}
