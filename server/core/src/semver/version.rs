//! Versions as Masterminds/semver v3.4.0's coercing `NewVersion` reads them (spec §2.9): the
//! accepted shapes, the exact error texts, canonical display and precedence order.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A semantic version read by the coercing parser: `1` and `1.2` are completed with zeros, and a
/// `v` prefix and leading zeros in the numeric core are accepted.
///
/// Equality, ordering and hashing follow semver precedence, so build metadata is ignored
/// (`1.0.0+a == 1.0.0+b`) while [`Version::original`] still tells the two apart.
#[derive(Clone, Debug)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    prerelease: String,
    build: String,
    original: String,
}

/// Why a version was rejected; `Display` is the reference's text for each case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// The text is not `v?N(.N)?(.N)?(-PRE)?(+BUILD)?` with non-empty identifiers.
    Invalid,
    /// A numeric pre-release identifier has a leading zero (`1.0.0-01`).
    SegmentStartsWithZero,
    /// A number of the core does not fit in 64 bits; `segment` holds its digits.
    SegmentOutOfRange { segment: String },
}

impl Version {
    /// Reads `text` exactly as given: no trimming, so `" 1.2.3"` is rejected.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let shape = Shape::read(text).ok_or(VersionError::Invalid)?;
        // The reference converts the numbers first and checks the pre-release afterwards, so an
        // overflowing core wins over a leading zero in the pre-release.
        let major = parse_core_number(shape.major)?;
        let minor = shape.minor.map_or(Ok(0), parse_core_number)?;
        let patch = shape.patch.map_or(Ok(0), parse_core_number)?;
        if shape.prerelease.split('.').any(is_zero_padded_number) {
            return Err(VersionError::SegmentStartsWithZero);
        }
        Ok(Version {
            major,
            minor,
            patch,
            prerelease: shape.prerelease.to_owned(),
            build: shape.build.to_owned(),
            original: text.to_owned(),
        })
    }

    pub fn major(&self) -> u64 {
        self.major
    }

    pub fn minor(&self) -> u64 {
        self.minor
    }

    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The pre-release without its `-`; empty for a release.
    pub fn prerelease(&self) -> &str {
        &self.prerelease
    }

    /// The build metadata without its `+`; empty when absent.
    pub fn build(&self) -> &str {
        &self.build
    }

    /// The text this version was parsed from, byte for byte (a chosen tag is reported this way).
    pub fn original(&self) -> &str {
        &self.original
    }

    pub fn is_prerelease(&self) -> bool {
        !self.prerelease.is_empty()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.prerelease.is_empty() {
            write!(f, "-{}", self.prerelease)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch)).then_with(|| {
            match (self.prerelease.is_empty(), other.prerelease.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.prerelease, &other.prerelease),
            }
        })
    }
}

impl Hash for Version {
    // Equal versions differ at most in build metadata and original text, so neither is hashed.
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.major, self.minor, self.patch, &self.prerelease).hash(state);
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::Invalid => f.write_str("invalid semantic version"),
            VersionError::SegmentStartsWithZero => f.write_str("version segment starts with 0"),
            // The reference wraps Go's `strconv.ParseUint` error; the segment is digits only, so
            // Go's `%q` quoting is plain double quotes.
            VersionError::SegmentOutOfRange { segment } => {
                write!(f, "error parsing version segment: strconv.ParseUint: parsing \"{segment}\": value out of range")
            }
        }
    }
}

impl std::error::Error for VersionError {}

/// The pieces of a version text that has the accepted shape, before any number is converted.
struct Shape<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    prerelease: &'a str,
    build: &'a str,
}

impl<'a> Shape<'a> {
    /// Recognises `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-IDS)?(\+IDS)?$`, IDS being dot-separated
    /// non-empty `[0-9A-Za-z-]+` identifiers. Each part can be read greedily: no shorter choice
    /// could let the rest of the pattern match.
    fn read(text: &'a str) -> Option<Shape<'a>> {
        let rest = text.strip_prefix('v').unwrap_or(text);
        let (major, mut rest) = split_digits(rest);
        if major.is_empty() {
            return None;
        }
        let mut minor = None;
        let mut patch = None;
        for slot in [&mut minor, &mut patch] {
            if let Some(after_dot) = rest.strip_prefix('.') {
                let (digits, after) = split_digits(after_dot);
                if digits.is_empty() {
                    return None;
                }
                *slot = Some(digits);
                rest = after;
            }
        }
        let (prerelease, rest) = match rest.strip_prefix('-') {
            Some(after_dash) => {
                let end = after_dash.find('+').unwrap_or(after_dash.len());
                let ids = &after_dash[..end];
                if !is_identifier_list(ids) {
                    return None;
                }
                (ids, &after_dash[end..])
            }
            None => ("", rest),
        };
        let build = match rest.strip_prefix('+') {
            Some(ids) if is_identifier_list(ids) => ids,
            Some(_) => return None,
            None if rest.is_empty() => "",
            None => return None,
        };
        Some(Shape { major, minor, patch, prerelease, build })
    }
}

fn split_digits(text: &str) -> (&str, &str) {
    let end = text.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(text.len());
    text.split_at(end)
}

fn is_identifier_list(text: &str) -> bool {
    text.split('.').all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn is_zero_padded_number(id: &str) -> bool {
    id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
}

fn parse_core_number(digits: &str) -> Result<u64, VersionError> {
    // `digits` is non-empty ASCII digits, so overflow is the only way this can fail.
    digits.parse().map_err(|_| VersionError::SegmentOutOfRange { segment: digits.to_owned() })
}

/// Precedence of two non-empty pre-releases, identifier by identifier; a missing identifier sorts
/// first, so `beta < beta.2`.
fn compare_prerelease(left: &str, right: &str) -> Ordering {
    let mut left_ids = left.split('.');
    let mut right_ids = right.split('.');
    loop {
        match (left_ids.next(), right_ids.next()) {
            (None, None) => return Ordering::Equal,
            (left_id, right_id) => {
                let order = compare_identifier(left_id.unwrap_or(""), right_id.unwrap_or(""));
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

fn compare_identifier(left: &str, right: &str) -> Ordering {
    if left == right {
        return Ordering::Equal;
    }
    if left.is_empty() {
        return Ordering::Less;
    }
    if right.is_empty() {
        return Ordering::Greater;
    }
    // Numeric means "parses as a u64", as in the reference: a numeric identifier too large for
    // 64 bits is compared as text, after every number.
    match (as_number(left), as_number(right)) {
        (Some(l), Some(r)) => l.cmp(&r).then_with(|| left.cmp(right)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => left.cmp(right),
    }
}

fn as_number(id: &str) -> Option<u64> {
    if id.bytes().all(|b| b.is_ascii_digit()) { id.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering::{self, Equal, Greater, Less};
    use std::collections::hash_map::DefaultHasher;

    use super::*;

    fn parse(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|err| panic!("{text:?} rejected: {err}"))
    }

    #[test]
    fn parse_accepts_coerced_shapes() {
        // (input, major, minor, patch, pre-release, build, Display)
        let cases: &[(&str, u64, u64, u64, &str, &str, &str)] = &[
            // Spec §2.9 "Accepted".
            ("1", 1, 0, 0, "", "", "1.0.0"),
            ("1.2", 1, 2, 0, "", "", "1.2.0"),
            ("v1.2.3", 1, 2, 3, "", "", "1.2.3"),
            ("01.02.03", 1, 2, 3, "", "", "1.2.3"),
            ("1.0.0+build.1", 1, 0, 0, "", "build.1", "1.0.0+build.1"),
            ("1.2.3-alpha.1", 1, 2, 3, "alpha.1", "", "1.2.3-alpha.1"),
            // Not a range: version 1.2 with pre-release 1.4 (§2.9, quirk 40).
            ("1.2-1.4", 1, 2, 0, "1.4", "", "1.2.0-1.4"),
            ("v1-rc.1+b-2.x", 1, 0, 0, "rc.1", "b-2.x", "1.0.0-rc.1+b-2.x"),
            // Leading zeros are refused only in numeric pre-release identifiers.
            ("1.2.3+test.01", 1, 2, 3, "", "test.01", "1.2.3+test.01"),
            ("1.2.3-alpha.-1", 1, 2, 3, "alpha.-1", "", "1.2.3-alpha.-1"),
            ("1.2.3-0", 1, 2, 3, "0", "", "1.2.3-0"),
            ("1.0.0--", 1, 0, 0, "-", "", "1.0.0--"),
            (
                "20221209-update-renovatejson-v4",
                20221209,
                0,
                0,
                "update-renovatejson-v4",
                "",
                "20221209.0.0-update-renovatejson-v4",
            ),
            ("0.0.0", 0, 0, 0, "", "", "0.0.0"),
            ("18446744073709551615.0.0", u64::MAX, 0, 0, "", "", "18446744073709551615.0.0"),
            ("000000000000000000000001.2.3", 1, 2, 3, "", "", "1.2.3"),
        ];
        for &(input, major, minor, patch, pre, build, display) in cases {
            let version = parse(input);
            let got = (version.major(), version.minor(), version.patch(), version.prerelease(), version.build());
            assert_eq!(got, (major, minor, patch, pre, build), "{input:?}");
            assert_eq!(version.to_string(), display, "{input:?}");
            assert_eq!(version.original(), input);
            assert_eq!(version.is_prerelease(), !pre.is_empty(), "{input:?}");
        }
    }

    #[test]
    fn parse_rejects_with_reference_text() {
        const INVALID: &str = "invalid semantic version";
        const LEADING_ZERO: &str = "version segment starts with 0";
        let cases = [
            // Spec §2.9 "Rejected".
            ("abc", INVALID),
            ("1.2.3.4", INVALID),
            (" 1.2.3", INVALID),
            ("1.0.0-", INVALID),
            ("1.0.0-01", LEADING_ZERO),
            ("1.0.0-a..b", INVALID),
            // More shapes outside the pattern.
            ("", INVALID),
            ("1.2.3 ", INVALID),
            ("\n1.2", INVALID),
            ("v", INVALID),
            ("V1.2.3", INVALID),
            ("vv1", INVALID),
            ("1.", INVALID),
            ("1.2.", INVALID),
            (".1", INVALID),
            ("1.2.beta", INVALID),
            ("1.x", INVALID),
            ("1.0.0+", INVALID),
            ("1.0.0-+b", INVALID),
            ("1.0.0-alpha.", INVALID),
            ("1.1.2+.123", INVALID),
            ("1.0.0-alpha_beta", INVALID),
            ("9.8.7+meta+meta", INVALID),
            ("1.0.0-é", INVALID),
            ("1.0.0-alpha.007", LEADING_ZERO),
            ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", LEADING_ZERO),
            (
                "18446744073709551616.0.0",
                "error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range",
            ),
            (
                "1.99999999999999999999",
                "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            ),
            // The core is converted before the pre-release is checked.
            (
                "1.2.99999999999999999999-01",
                "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            ),
        ];
        for (input, message) in cases {
            match Version::parse(input) {
                Ok(version) => panic!("{input:?} accepted as {version}"),
                Err(err) => assert_eq!(err.to_string(), message, "{input:?}"),
            }
        }
    }

    #[test]
    fn ordering_follows_precedence() {
        let cases: &[(&str, &str, Ordering)] = &[
            ("1.2.3", "1.5.1", Less),
            ("2.2.3", "1.5.1", Greater),
            ("1.3", "1.1.4", Greater),
            ("1.0.0-alpha", "1.0.0", Less),
            ("4.2-beta", "4.2", Less),
            // Build metadata and the spelling of the input are ignored.
            ("1.2+bar", "1.2+baz", Equal),
            ("v1.2.3", "01.2.3", Equal),
            ("1.2", "1.2.0", Equal),
            // Numeric identifiers compare as numbers and sort before alphanumeric ones.
            ("1.0.0-beta.2", "1.0.0-beta.11", Less),
            ("1.0.0-alpha.1", "1.0.0-alpha.beta", Less),
            ("1.0.0-1", "1.0.0-a", Less),
            // Alphanumeric identifiers compare as text (ASCII), so `beta2 > beta10`.
            ("1.0.0-beta2", "1.0.0-beta10", Greater),
            ("1.0.0-Z", "1.0.0-a", Less),
            ("1.0.0-beta.-2", "1.0.0-beta.5", Greater),
            // A missing identifier sorts first.
            ("1.0.0-beta", "1.0.0-beta.2", Less),
            // Reference quirk: a numeric identifier beyond 64 bits compares as text.
            ("1.0.0-99999999999999999999", "1.0.0-1", Greater),
            ("1.0.0-99999999999999999999", "1.0.0-a", Less),
        ];
        for &(left, right, expected) in cases {
            let (l, r) = (parse(left), parse(right));
            assert_eq!(l.cmp(&r), expected, "{left} vs {right}");
            assert_eq!(r.cmp(&l), expected.reverse(), "{right} vs {left}");
            assert_eq!(l.partial_cmp(&r), Some(expected), "{left} vs {right}");
            assert_eq!(l == r, expected == Equal, "{left} == {right}");
        }
    }

    #[test]
    fn ordering_sorts_the_semver_org_chain() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        let mut shuffled: Vec<Version> = chain.iter().rev().map(|it| parse(it)).collect();
        shuffled.swap(0, 5);
        shuffled.sort();
        let sorted: Vec<&str> = shuffled.iter().map(Version::original).collect();
        assert_eq!(sorted, chain);
    }

    #[test]
    fn hash_agrees_with_equality() {
        let hash = |version: &Version| {
            let mut hasher = DefaultHasher::new();
            version.hash(&mut hasher);
            hasher.finish()
        };
        let (with_build, plain) = (parse("v1.2+build.7"), parse("1.2.0"));
        assert_eq!(with_build, plain);
        assert_eq!(hash(&with_build), hash(&plain));
        assert_eq!((with_build.original(), with_build.build()), ("v1.2+build.7", "build.7"));
    }
}
