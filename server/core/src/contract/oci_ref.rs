//! Pacto's own lax OCI reference parser (spec §2.8) and the dependency ref schemes (spec §4.1).
//!
//! Validation uses this parser; talking to a registry uses the stricter Docker-style one (§5.7).

use std::fmt;

/// `registry/repository[:tag][@digest]`, split without validating any part.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OciRef {
    pub registry: String,
    pub repository: String,
    /// Empty when absent; also empty for `repo:` (a tag separator with nothing after it).
    pub tag: String,
    /// Empty when absent; never checked (`sha256:abc` and `repo@` are both accepted).
    pub digest: String,
}

/// Why a reference was rejected; `Display` is the reference's text for each case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OciRefError {
    Empty,
    /// No `/` left once the digest and tag were taken off; holds what was left.
    MissingRepository {
        remaining: String,
    },
    EmptyRegistry,
    EmptyRepository,
}

/// A dependency's `ref`, by scheme (spec §4.1). Only the exact lower-case prefixes count.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DependencyRef {
    /// `oci://<rest>`: holds `<rest>`.
    Oci(String),
    /// `file://<path>` (holds `<path>`, so `file:///abs` gives `/abs`) or any other text, held
    /// as is. No URL decoding, no host part.
    Local(String),
}

impl OciRef {
    /// Splits a reference written without its `oci://` prefix.
    pub fn parse(text: &str) -> Result<OciRef, OciRefError> {
        if text.is_empty() {
            return Err(OciRefError::Empty);
        }
        // The digest starts at the first `@`, so an `@` inside a digest stays in it.
        let (rest, digest) = text.split_once('@').unwrap_or((text, ""));
        // A `:` is a tag separator only after the last `/`; before it, it is a registry port.
        let (rest, tag) = match rest.rfind(':') {
            Some(colon) if Some(colon) > rest.rfind('/') => (&rest[..colon], &rest[colon + 1..]),
            _ => (rest, ""),
        };
        let Some((registry, repository)) = rest.split_once('/') else {
            return Err(OciRefError::MissingRepository { remaining: rest.to_owned() });
        };
        if registry.is_empty() {
            return Err(OciRefError::EmptyRegistry);
        }
        if repository.is_empty() {
            return Err(OciRefError::EmptyRepository);
        }
        Ok(OciRef {
            registry: registry.to_owned(),
            repository: repository.to_owned(),
            tag: tag.to_owned(),
            digest: digest.to_owned(),
        })
    }
}

/// Same as [`OciRef::parse`].
pub fn parse(text: &str) -> Result<OciRef, OciRefError> {
    OciRef::parse(text)
}

impl fmt::Display for OciRef {
    /// `registry/repository`, then `@digest` if there is one, else `:tag` if there is one: a
    /// reference with both prints only its digest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if !self.digest.is_empty() {
            write!(f, "@{}", self.digest)
        } else if !self.tag.is_empty() {
            write!(f, ":{}", self.tag)
        } else {
            Ok(())
        }
    }
}

impl fmt::Display for OciRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OciRefError::Empty => f.write_str("empty OCI reference"),
            OciRefError::MissingRepository { remaining } => {
                write!(f, "invalid OCI reference: missing repository in {}", crate::gofmt::GoQuoted(remaining))
            }
            OciRefError::EmptyRegistry => f.write_str("invalid OCI reference: empty registry"),
            OciRefError::EmptyRepository => f.write_str("invalid OCI reference: empty repository"),
        }
    }
}

impl std::error::Error for OciRefError {}

impl DependencyRef {
    pub fn classify(raw: &str) -> DependencyRef {
        if let Some(rest) = raw.strip_prefix("oci://") {
            DependencyRef::Oci(rest.to_owned())
        } else {
            DependencyRef::Local(raw.strip_prefix("file://").unwrap_or(raw).to_owned())
        }
    }

    /// The registry reference or the filesystem path, without its scheme.
    pub fn location(&self) -> &str {
        match self {
            DependencyRef::Oci(location) | DependencyRef::Local(location) => location,
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self, DependencyRef::Local(_))
    }
}

/// Same as [`DependencyRef::classify`].
pub fn classify(raw: &str) -> DependencyRef {
    DependencyRef::classify(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_lax_references() {
        // (input, registry, repository, tag, digest, Display)
        let cases = [
            // Spec §2.8 examples.
            ("ghcr.io/acme/svc:1.0.0", "ghcr.io", "acme/svc", "1.0.0", "", "ghcr.io/acme/svc:1.0.0"),
            ("ghcr.io/acme/svc@sha256:abc", "ghcr.io", "acme/svc", "", "sha256:abc", "ghcr.io/acme/svc@sha256:abc"),
            (
                "ghcr.io/acme/svc:1.0.0@sha256:abc",
                "ghcr.io",
                "acme/svc",
                "1.0.0",
                "sha256:abc",
                "ghcr.io/acme/svc@sha256:abc",
            ),
            ("ghcr.io/acme/svc", "ghcr.io", "acme/svc", "", "", "ghcr.io/acme/svc"),
            ("localhost:5000/repo", "localhost:5000", "repo", "", "", "localhost:5000/repo"),
            // The reference's `ParseOCIReference` table.
            (
                "ghcr.io/acme/service-pacto:1.0.0",
                "ghcr.io",
                "acme/service-pacto",
                "1.0.0",
                "",
                "ghcr.io/acme/service-pacto:1.0.0",
            ),
            (
                "ghcr.io/acme/service-pacto@sha256:abc123",
                "ghcr.io",
                "acme/service-pacto",
                "",
                "sha256:abc123",
                "ghcr.io/acme/service-pacto@sha256:abc123",
            ),
            // Lax edges: empty tag, empty digest, `@` kept inside the digest, port and tag.
            ("ghcr.io/acme/svc:", "ghcr.io", "acme/svc", "", "", "ghcr.io/acme/svc"),
            ("ghcr.io/acme/svc@", "ghcr.io", "acme/svc", "", "", "ghcr.io/acme/svc"),
            ("r/repo@a@b", "r", "repo", "", "a@b", "r/repo@a@b"),
            ("localhost:5000/repo:v1", "localhost:5000", "repo", "v1", "", "localhost:5000/repo:v1"),
            ("r//x", "r", "/x", "", "", "r//x"),
        ];
        for (input, registry, repository, tag, digest, display) in cases {
            let parsed = OciRef::parse(input).unwrap_or_else(|err| panic!("{input:?}: {err}"));
            let got =
                (parsed.registry.as_str(), parsed.repository.as_str(), parsed.tag.as_str(), parsed.digest.as_str());
            assert_eq!(got, (registry, repository, tag, digest), "{input:?}");
            assert_eq!(parsed.to_string(), display, "{input:?}");
            assert_eq!(parse(input), Ok(parsed));
        }
    }

    #[test]
    fn parse_rejects_with_reference_text() {
        let cases = [
            ("", "empty OCI reference"),
            ("ghcr.io", "invalid OCI reference: missing repository in \"ghcr.io\""),
            ("postgres:16", "invalid OCI reference: missing repository in \"postgres\""),
            ("nginx:latest@sha256:abc", "invalid OCI reference: missing repository in \"nginx\""),
            ("@sha256:abc", "invalid OCI reference: missing repository in \"\""),
            ("/repo:1.0.0", "invalid OCI reference: empty registry"),
            ("ghcr.io/:1.0.0", "invalid OCI reference: empty repository"),
            ("/", "invalid OCI reference: empty registry"),
        ];
        for (input, message) in cases {
            let err = OciRef::parse(input).unwrap_err();
            assert_eq!(err.to_string(), message, "{input:?}");
        }
    }

    #[test]
    fn missing_repository_is_quoted_like_go() {
        let err = OciRefError::MissingRepository { remaining: "say \"hi\"".to_owned() };
        assert_eq!(err.to_string(), r#"invalid OCI reference: missing repository in "say \"hi\"""#);
    }

    #[test]
    fn display_prefers_digest_over_tag() {
        // The reference's `String()` table, plus a reference with both.
        let with = |tag: &str, digest: &str| OciRef {
            registry: "ghcr.io".to_owned(),
            repository: "acme/svc".to_owned(),
            tag: tag.to_owned(),
            digest: digest.to_owned(),
        };
        assert_eq!(with("1.0.0", "").to_string(), "ghcr.io/acme/svc:1.0.0");
        assert_eq!(with("", "sha256:abc").to_string(), "ghcr.io/acme/svc@sha256:abc");
        assert_eq!(with("", "").to_string(), "ghcr.io/acme/svc");
        assert_eq!(with("1.0.0", "sha256:abc").to_string(), "ghcr.io/acme/svc@sha256:abc");
    }

    #[test]
    fn classify_by_scheme() {
        let oci = |it: &str| DependencyRef::Oci(it.to_owned());
        let local = |it: &str| DependencyRef::Local(it.to_owned());
        let cases = [
            // The reference's `ParseDependencyRef` table.
            ("oci://ghcr.io/acme/svc:1.0.0", oci("ghcr.io/acme/svc:1.0.0")),
            ("oci://registry.io/repo", oci("registry.io/repo")),
            ("file:///abs/path/to/svc", local("/abs/path/to/svc")),
            ("file://./relative/path", local("./relative/path")),
            ("../dep-svc", local("../dep-svc")),
            ("./dep-svc", local("./dep-svc")),
            ("my-service", local("my-service")),
            ("/abs/path/to/svc", local("/abs/path/to/svc")),
            // Only the exact lower-case prefixes are schemes; nothing is decoded.
            ("OCI://ghcr.io/a/b", local("OCI://ghcr.io/a/b")),
            ("File:///x", local("File:///x")),
            ("file://host/a%20b", local("host/a%20b")),
            ("oci://", oci("")),
            ("file://", local("")),
            ("oci://file://x", oci("file://x")),
        ];
        for (raw, expected) in cases {
            let got = DependencyRef::classify(raw);
            assert_eq!(got.is_local(), matches!(expected, DependencyRef::Local(_)), "{raw:?}");
            assert_eq!(got.location(), expected.location(), "{raw:?}");
            assert_eq!(classify(raw), expected, "{raw:?}");
        }
    }
}
