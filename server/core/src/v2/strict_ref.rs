//! The 2.0 OCI reference parser (pacto-v2.md §3.6): 1.0's lax split, then the tag grammar and the
//! digest format, which 1.0 never checked (`oci://ghcr.io/a/b@sha256:abc` is valid only in 1.0).

use std::fmt;

use crate::contract::oci_ref::{OciRef, OciRefError};
use crate::gofmt::GoQuoted;

/// The longest tag the OCI distribution grammar allows.
pub const MAX_TAG_LEN: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrictRefError {
    Lax(OciRefError),
    MalformedTag(String),
    MalformedDigest(String),
}

impl fmt::Display for StrictRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrictRefError::Lax(err) => err.fmt(f),
            StrictRefError::MalformedTag(tag) => write!(f, "invalid OCI reference: malformed tag {}", GoQuoted(tag)),
            StrictRefError::MalformedDigest(digest) => write!(
                f,
                "invalid OCI reference: malformed digest {} (want sha256:<64 hex> or sha512:<128 hex>)",
                GoQuoted(digest)
            ),
        }
    }
}

/// Parses a reference written without its `oci://` prefix.
pub fn parse(text: &str) -> Result<OciRef, StrictRefError> {
    let parsed = OciRef::parse(text).map_err(StrictRefError::Lax)?;
    if !parsed.tag.is_empty() && !valid_tag(&parsed.tag) {
        return Err(StrictRefError::MalformedTag(parsed.tag));
    }
    if !parsed.digest.is_empty() && !valid_digest(&parsed.digest) {
        return Err(StrictRefError::MalformedDigest(parsed.digest));
    }
    Ok(parsed)
}

/// `^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$`
fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    let first_ok = bytes.first().is_some_and(|it| it.is_ascii_alphanumeric() || *it == b'_');
    first_ok
        && bytes.len() <= MAX_TAG_LEN
        && bytes[1..].iter().all(|it| it.is_ascii_alphanumeric() || matches!(it, b'.' | b'_' | b'-'))
}

/// `sha256:` and 64, or `sha512:` and 128, lowercase hex digits.
fn valid_digest(digest: &str) -> bool {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("", ""));
    let want = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == want && hex.bytes().all(|it| matches!(it, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests_are_checked() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert!(parse(&format!("ghcr.io/a/b:1.0.0@{digest}")).is_ok());
        assert!(parse("ghcr.io/a/b").is_ok());
        assert!(parse(&format!("ghcr.io/a/b:{}", "t".repeat(MAX_TAG_LEN))).is_ok());
        assert_eq!(
            parse(&format!("ghcr.io/a/b:{}", "t".repeat(MAX_TAG_LEN + 1))).unwrap_err(),
            StrictRefError::MalformedTag("t".repeat(MAX_TAG_LEN + 1))
        );
        assert_eq!(
            parse("ghcr.io/a/b@sha256:abc").unwrap_err().to_string(),
            "invalid OCI reference: malformed digest \"sha256:abc\" (want sha256:<64 hex> or sha512:<128 hex>)"
        );
        assert_eq!(parse("ghcr.io/a/b:.x").unwrap_err().to_string(), "invalid OCI reference: malformed tag \".x\"");
        assert_eq!(parse("nginx").unwrap_err().to_string(), "invalid OCI reference: missing repository in \"nginx\"");
    }
}
