//! Docker-style references for network operations (spec §5.7, go-containerregistry's parser): registry,
//! repository, tag and digest, checked before any request is made.

use std::fmt;

use crate::digest::Digest;
use crate::error::RegistryError;

/// Docker Hub's registry host: what a reference without a registry, or naming `docker.io`, talks to.
pub const DOCKER_HUB: &str = "index.docker.io";

/// Repository names are 2 to 255 characters (go-containerregistry's bounds).
const REPOSITORY_LEN: std::ops::RangeInclusive<usize> = 2..=255;
/// Tags are 1 to 128 characters (OCI distribution spec).
const MAX_TAG_LEN: usize = 128;

/// A parsed network reference. `tag` and `digest` may both be set; the digest then wins when fetching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<Digest>,
}

impl Reference {
    /// Parses `[registry/]repository[:tag][@sha256:…]` (without `oci://`).
    pub fn parse(text: &str) -> Result<Reference, RegistryError> {
        let invalid = |reason: String| RegistryError::InvalidReference { reference: text.to_owned(), reason };
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(Digest::parse(digest).map_err(|err| invalid(err.to_string()))?)),
            None => (text, None),
        };
        // A tag is what follows the last colon, unless that colon is part of the registry's port.
        let (name, tag) = match rest.rfind(':') {
            Some(at) if !rest[at + 1..].contains('/') => (&rest[..at], Some(&rest[at + 1..])),
            _ => (rest, None),
        };
        if let Some(tag) = tag {
            let valid_chars = tag.chars().all(|it| it.is_ascii_alphanumeric() || "_.-".contains(it));
            if tag.is_empty() || tag.len() > MAX_TAG_LEN || !valid_chars || tag.starts_with(['.', '-']) {
                return Err(invalid(format!("invalid tag {tag:?}: expected [A-Za-z0-9_.-], 1 to 128 characters")));
            }
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) => (first.to_owned(), rest.to_owned()),
            Some(_) => (DOCKER_HUB.to_owned(), name.to_owned()),
            None => (DOCKER_HUB.to_owned(), format!("library/{name}")),
        };
        let registry = if registry == "docker.io" { DOCKER_HUB.to_owned() } else { registry };
        if registry.is_empty() || !registry.chars().all(|it| it.is_ascii_alphanumeric() || ".-:[]".contains(it)) {
            return Err(invalid(format!("invalid registry {registry:?}")));
        }
        let valid_repo =
            repository.chars().all(|it| it.is_ascii_lowercase() || it.is_ascii_digit() || "_./-".contains(it));
        if !REPOSITORY_LEN.contains(&repository.len())
            || !valid_repo
            || repository.starts_with(['/', '.', '_', '-'])
            || repository.ends_with('/')
            || repository.contains("//")
        {
            return Err(RegistryError::InvalidRepository {
                repository: repository.clone(),
                reason: "expected lowercase [a-z0-9_./-], 2 to 255 characters".to_owned(),
            });
        }
        Ok(Reference { registry, repository, tag: tag.map(str::to_owned), digest })
    }

    /// The same repository with another tag and no digest.
    pub fn with_tag(&self, tag: &str) -> Reference {
        Reference { tag: Some(tag.to_owned()), digest: None, ..self.clone() }
    }

    /// `registry/repository` without tag or digest.
    pub fn repository_path(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    pub(crate) fn to_oci(&self) -> oci_client::Reference {
        match (&self.tag, &self.digest) {
            (_, Some(digest)) => {
                oci_client::Reference::with_digest(self.registry.clone(), self.repository.clone(), digest.to_string())
            }
            (Some(tag), None) => {
                oci_client::Reference::with_tag(self.registry.clone(), self.repository.clone(), tag.clone())
            }
            // Docker's default; pacto resolves tag-less references before any fetch (spec §5.7).
            (None, None) => {
                oci_client::Reference::with_tag(self.registry.clone(), self.repository.clone(), "latest".to_owned())
            }
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Reference;

    fn parts(text: &str) -> (String, String, Option<String>, Option<String>) {
        let it = Reference::parse(text).unwrap();
        (it.registry, it.repository, it.tag, it.digest.map(|it| it.to_string()))
    }

    const DIGEST: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parse_splits_registry_repository_tag_and_digest() {
        assert_eq!(parts("ghcr.io/acme/svc:1.0.0"), ("ghcr.io".into(), "acme/svc".into(), Some("1.0.0".into()), None));
        assert_eq!(parts("localhost:5000/repo"), ("localhost:5000".into(), "repo".into(), None, None));
        assert_eq!(parts("127.0.0.1:5000/a/b:v2"), ("127.0.0.1:5000".into(), "a/b".into(), Some("v2".into()), None));
        assert_eq!(
            parts(&format!("ghcr.io/a/b:1@{DIGEST}")),
            ("ghcr.io".into(), "a/b".into(), Some("1".into()), Some(DIGEST.into()))
        );
    }

    #[test]
    fn parse_defaults_to_docker_hub_as_docker_does() {
        assert_eq!(
            parts("postgres:16"),
            ("index.docker.io".into(), "library/postgres".into(), Some("16".into()), None)
        );
        assert_eq!(parts("acme/svc"), ("index.docker.io".into(), "acme/svc".into(), None, None));
        assert_eq!(parts("docker.io/acme/svc"), ("index.docker.io".into(), "acme/svc".into(), None, None));
        // Only a dot or a colon makes the first component a registry (spec §5.7).
        assert_eq!(parts("localhost/svc"), ("index.docker.io".into(), "localhost/svc".into(), None, None));
    }

    #[test]
    fn parse_refuses_malformed_references() {
        let err = |text: &str| Reference::parse(text).unwrap_err().to_string();
        assert_eq!(
            err("ghcr.io/a/b:"),
            r#"invalid reference "ghcr.io/a/b:": invalid tag "": expected [A-Za-z0-9_.-], 1 to 128 characters"#
        );
        assert_eq!(
            err("ghcr.io/a/b@sha256:abc"),
            r#"invalid reference "ghcr.io/a/b@sha256:abc": invalid digest "sha256:abc": expected sha256:<64 lowercase hex digits>"#
        );
        assert_eq!(
            err("ghcr.io/Acme/svc"),
            r#"invalid repository "Acme/svc": expected lowercase [a-z0-9_./-], 2 to 255 characters"#
        );
        assert!(err(&format!("ghcr.io/a/b:{}", "x".repeat(129))).contains("invalid tag"));
        assert!(Reference::parse(&format!("ghcr.io/a/b:{}", "x".repeat(128))).is_ok());
    }

    #[test]
    fn display_round_trips() {
        for text in ["ghcr.io/acme/svc:1.0.0", "localhost:5000/repo", &format!("ghcr.io/a/b:1@{DIGEST}")] {
            assert_eq!(Reference::parse(text).unwrap().to_string(), text);
        }
    }
}
