//! Tag-less OCI resolution (spec §4.3): whether a reference already names a tag or digest, and
//! which listed tag is the highest semver match.

use super::constraint::Constraint;
use super::version::Version;

/// True when `reference` carries a digest (an `@` anywhere) or a tag (a `:` after the last `/`),
/// so `localhost:5000/repo` has none and `localhost:5000/repo:v1` has one. This is both the
/// reference's `HasExplicitTag` and its `hasTagOrDigest`, which agree on every input.
pub fn has_explicit_tag(reference: &str) -> bool {
    // `None < Some(_)`, so a reference without `/` has a tag exactly when it has a `:`.
    reference.contains('@') || reference.rfind(':') > reference.rfind('/')
}

/// The tag with the highest semver precedence among those that parse as versions (`latest` and
/// `main` are skipped) and satisfy `constraint`, returned as listed (`v2.0.0` stays `v2.0.0`).
///
/// Without a constraint, pre-releases compete like any other version (`2.0.0-beta` beats
/// `1.9.0`); with one, the constraint's pre-release rule applies. The caller maps an empty
/// constraint text to `None` and words the errors for an invalid constraint or no result.
///
/// Among tags of equal precedence (`1.0.0` and `v1.0.0`, or ones differing only in build
/// metadata) the last one listed wins, which is what the reference's sort gives for up to 12
/// versions (it insertion-sorts those); for longer lists its order among equals is not defined.
pub fn best_tag<'a>(tags: impl IntoIterator<Item = &'a str>, constraint: Option<&Constraint>) -> Option<&'a str> {
    let mut best: Option<(Version, &'a str)> = None;
    for tag in tags {
        let Ok(version) = Version::parse(tag) else {
            continue;
        };
        if constraint.is_some_and(|it| !it.matches(&version)) {
            continue;
        }
        if best.as_ref().is_none_or(|(best_version, _)| version >= *best_version) {
            best = Some((version, tag));
        }
    }
    best.map(|(_, tag)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_explicit_tag_table() {
        let cases = [
            // The reference's `HasExplicitTag` table.
            ("ghcr.io/foo/bar:v1", true),
            ("ghcr.io/foo/bar:1.0.0", true),
            ("ghcr.io/foo/bar", false),
            ("ghcr.io/foo/bar@sha256:abc123", true),
            ("localhost:5000/repo", false),
            ("localhost:5000/repo:v1", true),
            // Its `hasTagOrDigest` table (spec §8.2).
            ("ghcr.io/acme/svc", false),
            ("ghcr.io/acme/svc:1.0", true),
            ("ghcr.io/acme/svc@sha256:abc", true),
            ("myrepo", false),
            ("myrepo:latest", true),
            // Edges: an `@` anywhere counts, an empty tag still counts.
            ("ghcr.io/acme/svc:", true),
            ("host@x/repo", true),
            ("", false),
        ];
        for (reference, expected) in cases {
            assert_eq!(has_explicit_tag(reference), expected, "{reference:?}");
        }
    }

    #[test]
    fn best_tag_table() {
        // (tags, constraint, chosen tag); the first nine rows are the reference's `BestTag` table.
        let cases: &[(&[&str], Option<&str>, Option<&str>)] = &[
            (&["1.0.0", "2.0.0", "3.0.0"], None, Some("3.0.0")),
            (&["1.0.0", "2.0.0", "3.0.0"], Some("^2.0.0"), Some("2.0.0")),
            (&["1.0.0", "1.1.0", "1.2.0", "2.0.0"], Some("^1.0.0"), Some("1.2.0")),
            (&["v1.0.0", "v2.0.0"], None, Some("v2.0.0")),
            (&["latest", "main", "1.0.0", "2.0.0", "bad"], None, Some("2.0.0")),
            (&["latest", "main"], None, None),
            (&[], None, None),
            (&["1.0.0", "2.0.0"], Some("^3.0.0"), None),
            // Partial tags are versions too, and come back as listed.
            (&["1.2", "1.1.9"], None, Some("1.2")),
            (&["1.10.0", "1.9.0", "1.2.0"], None, Some("1.10.0")),
            // Without a constraint pre-releases compete (spec §4.3, quirk 26)...
            (&["1.9.0", "2.0.0-beta"], None, Some("2.0.0-beta")),
            // ...with one they need a pre-release in the constraint.
            (&["1.9.0", "2.0.0-beta"], Some(">=1.0.0"), Some("1.9.0")),
            (&["1.9.0", "2.0.0-beta"], Some(">=1.0.0-0"), Some("2.0.0-beta")),
            (&["2.0.0-beta", "2.0.0"], None, Some("2.0.0")),
            // Equal precedence: the last one listed wins.
            (&["1.0.0", "v1.0.0"], None, Some("v1.0.0")),
            (&["v1.0.0", "1.0.0"], None, Some("1.0.0")),
            (&["1.0.0+b", "1.0.0+a"], None, Some("1.0.0+a")),
        ];
        for &(tags, constraint_text, expected) in cases {
            let constraint = constraint_text.map(|it| Constraint::parse(it).unwrap());
            let got = best_tag(tags.iter().copied(), constraint.as_ref());
            assert_eq!(got, expected, "{tags:?} with {constraint_text:?}");
        }
    }

    #[test]
    fn best_tag_invalid_constraint_is_the_callers_error() {
        // The reference's "invalid constraint" row: the constraint never reaches `best_tag`.
        let err = Constraint::parse("not-valid-%%").unwrap_err();
        assert_eq!(err.to_string(), "improper constraint: not-valid-%%");
    }
}
