//! Dependency features on `$0` fixtures once the registry has answered, through a `fixture::RegistryView` that
//! holds what the resolutions of `testing/dependencies.rs`'s `billing` world would have stored: the same tags, the
//! same pushed contract, the same failures, so that both suites expect the same answers (digests and ages aside).

use expect_test::expect;
use pacto_core::syntax::Span;
use pacto_oci::resolver::Failure;

use super::actions::Fixes;
use super::{actions, completion, diagnostics, hover, inlay};
use crate::fixture::{Registry, RegistryView, fixture};

/// The billing fixture the real-registry tests push, at `version`.
fn billing(version: &str) -> String {
    include_str!("../../../../tests/data/lsp-deps/billing/pacto.yaml")
        .replace("version: 1.0.0", &format!("version: {version}"))
}

/// The registry as `testing/dependencies.rs`'s `app` leaves it after its seven resolutions, and one of a pin that is
/// already the newest within its compatibility.
fn world() -> Registry {
    let billing_ref = "oci://r.example/acme/billing";
    RegistryView::new()
        .repository(billing_ref, &["1.0.0", "1.1.0", "2.0.0", "2.1.0", "3.0.0-rc.1", "latest"])
        .resolved("oci://r.example/acme/billing:2.0.0", "^2.0.0", "2.0.0", &billing("2.0.0"))
        .resolved(billing_ref, "~1.0.0", "1.0.0", &billing("1.0.0"))
        .resolved("oci://r.example/acme/billing:1.1.0", "^2.0.0", "1.1.0", &billing("1.1.0"))
        .resolved("oci://r.example/acme/billing:1.0.0", "", "1.0.0", &billing("1.0.0"))
        .resolved("oci://r.example/acme/billing:2.1.0", "^2.0.0", "2.1.0", &billing("2.1.0"))
        .failed(
            "oci://r.example/acme/billing:9.9.9",
            "^9.0.0",
            Failure::TagNotFound { reference: "r.example/acme/billing:9.9.9".to_owned() },
        )
        .failed(
            "oci://r.example/acme/missing:1.0.0",
            "^1.0.0",
            Failure::RepositoryNotFound { repository: "r.example/acme/missing".to_owned() },
        )
        .failed(
            billing_ref,
            "^5.0.0",
            Failure::NoVersionSatisfies {
                repository: "r.example/acme/billing".to_owned(),
                constraint: "^5.0.0".to_owned(),
            },
        )
        .state()
}

/// Digests are of the contract text here, of the manifest there, so both suites show them redacted; ages as there
/// too, since a slow run makes them more than zero.
fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("From the registry, ") {
        let (before, after) = rest.split_at(at + "From the registry, ".len());
        out.push_str(before);
        let ago = after.find(" ago.").unwrap_or(0);
        out.push_str(if ago > 0 { "N s" } else { "" });
        rest = &after[ago..];
    }
    out.push_str(rest);
    for version in ["1.0.0", "1.1.0", "2.0.0", "2.1.0"] {
        let digest = pacto_oci::Digest::of(billing(version).as_bytes());
        out = out.replace(&digest.to_string(), &format!("sha256:<{version}>"));
        out = out.replace(&hover::short_digest(&digest), &format!("sha256:<{version}>"));
    }
    out
}

#[test]
fn hover_once_resolved() {
    let registry = world();
    let cases = [
        // The tag, the short digest, where it came from, the contract's summary.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/bil$0ling:2.0.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#"
                3:10-3:44
                **`oci://r.example/acme/billing:2.0.0`**

                → `2.0.0` · `sha256:<2.0.0>`

                From the registry, N s ago.

                **billing** 2.0.0 · owner `team/billing`

                - interfaces: `api` http port 8080, `invoices` event
                - runtime: service, stateless
                - dependencies: 1
            "#]],
        ),
        // A tag-less ref: the highest tag within its compatibility.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/bil$0ling\n    compatibility: \"~1.0.0\"\n",
            expect![[r#"
                3:10-3:38
                **`oci://r.example/acme/billing`**

                → `1.0.0` · `sha256:<1.0.0>` (highest tag within `~1.0.0`)

                From the registry, N s ago.

                **billing** 1.0.0 · owner `team/billing`

                - interfaces: `api` http port 8080, `invoices` event
                - runtime: service, stateless
                - dependencies: 1
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/miss$0ing:1.0.0\n    compatibility: \"^1.0.0\"\n",
            expect![[r#"
                3:10-3:44
                **`oci://r.example/acme/missing:1.0.0`**

                Not resolved: repository not found: r.example/acme/missing
            "#]],
        ),
        // The constraint in words and the published versions that satisfy it.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:2.0.0\n    compatibility: \"^2.0$0.0\"\n",
            expect![[r#"
                4:20-4:28
                **`^2.0.0`**: ≥ 2.0.0 and < 3.0.0

                Published versions that satisfy it, highest first: `2.1.0`, `2.0.0`
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing\n    compatibility: ^5.0$0.0\n",
            expect![[r#"
                4:20-4:26
                **`^5.0.0`**: ≥ 5.0.0 and < 6.0.0

                No published version satisfies it.
            "#]],
        ),
    ];
    for (text, expect) in cases {
        let it = fixture(text);
        let actual = match hover::hover(&it.analysis, &registry.state, it.offset) {
            Some(info) => format!("{}\n{}\n", it.span(info.span), info.markdown),
            None => "none\n".to_owned(),
        };
        expect.assert_eq(&redact(&actual));
    }
}

#[test]
fn completion_once_the_tags_are_known() {
    let registry = world();
    let cases = [
        // Satisfying first, then other releases, then pre-releases, then tags that are not versions.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:$0\n    compatibility: \"^1.0.0\"\n",
            expect![[r#"
                incomplete=false list_tags=false
                1.1.0 [000000] satisfies ^1.0.0 3:39-3:39
                1.0.0 [000001] satisfies ^1.0.0 3:39-3:39
                2.1.0 [100002] release 3:39-3:39
                2.0.0 [100003] release 3:39-3:39
                3.0.0-rc.1 [200004] pre-release 3:39-3:39
                latest [300005] not a version 3:39-3:39
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:2.0.0@$0\n",
            expect![[r#"
                incomplete=false list_tags=false
                sha256:<2.0.0> [0] manifest digest of 2.0.0 3:45-3:45
            "#]],
        ),
        // Constraints from the newest release, pre-releases aside.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing\n    compatibility: $0\n",
            expect![[r#"
                incomplete=false list_tags=false
                ^2.1.0 [0] 2.1.0 and later releases of major 2 4:20-4:20
                ~2.1.0 [1] 2.1.0 and later patches of 2.1 4:20-4:20
            "#]],
        ),
    ];
    for (text, expect) in cases {
        let it = fixture(text);
        let actual = match completion::completion(it.text(), it.offset, &registry.state, &Default::default()) {
            None => "none\n".to_owned(),
            Some(found) => {
                let head = format!("incomplete={} list_tags={}\n", found.incomplete, found.list_tags.is_some());
                head + &super::tests::item_lines(&it, &found.items)
            }
        };
        expect.assert_eq(&redact(&actual));
    }
}

#[test]
fn findings_once_resolved() {
    let registry = world();
    let cases = [
        // Already the newest within its compatibility.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:2.1.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#""#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:2.0.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#"
                3:10-3:44 DEPENDENCY_UPDATE_AVAILABLE: 2.1.0 is published and satisfies "^2.0.0"
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:1.1.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#"
                3:10-3:44 DEPENDENCY_TAG_OUTSIDE_COMPATIBILITY: tag 1.1.0 does not satisfy compatibility "^2.0.0"
                3:10-3:44 DEPENDENCY_UPDATE_AVAILABLE: 2.1.0 is published and satisfies "^2.0.0"
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:1.0.0\n",
            expect![[r#"
                3:10-3:44 DEPENDENCY_UPDATE_AVAILABLE: 1.1.0 is published and satisfies "^1.0.0"
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:9.9.9\n    compatibility: \"^9.0.0\"\n",
            expect![[r#"
                3:10-3:44 DEPENDENCY_NOT_FOUND: tag not found: r.example/acme/billing:9.9.9
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/missing:1.0.0\n    compatibility: \"^1.0.0\"\n",
            expect![[r#"
                3:10-3:44 DEPENDENCY_NOT_FOUND: repository not found: r.example/acme/missing
            "#]],
        ),
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing\n    compatibility: ^5.0.0\n",
            expect![[r#"
                4:20-4:26 DEPENDENCY_NO_MATCHING_VERSION: no published version of r.example/acme/billing satisfies "^5.0.0"
            "#]],
        ),
    ];
    for (text, expect) in cases {
        let it = fixture(text);
        let actual: String = diagnostics::findings(&it.analysis, &registry.state)
            .into_iter()
            .map(|finding| format!("{} {}: {}\n", it.span(finding.span), finding.code.as_str(), finding.message))
            .collect();
        expect.assert_eq(&actual);
    }
}

#[test]
fn inlay_hints_once_resolved() {
    let registry = world();
    let cases = [(
        "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/billing:2.0.0\n    compatibility: \"^2.0.0\"\n  - ref: oci://r.example/acme/billing\n    compatibility: \"~1.0.0\"\n  - ref: oci://r.example/acme/missing:1.0.0\n    compatibility: \"^1.0.0\"\n",
        expect![[r#"
                3:44-3:44 → 2.0.0 · sha256:<2.0.0> | From the registry, N s ago.
                5:38-5:38 → 1.0.0 · sha256:<1.0.0> | From the registry, N s ago.
            "#]],
    )];
    for (text, expect) in cases {
        let it = fixture(text);
        let actual: String = inlay::hints(&it.analysis, &registry.state, Span::new(0, it.text().len()))
            .into_iter()
            .map(|hint| format!("{} {} | {}\n", it.span(Span::new(hint.offset, hint.offset)), hint.label, hint.tooltip))
            .collect();
        expect.assert_eq(&redact(&actual));
    }
}

#[test]
fn code_actions_once_resolved() {
    let registry = world();
    let cases = [
        // Pin it, update it.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/bil$0ling:2.0.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#"
                Pin 2.0.0 to its digest: 3:10-3:44 "oci://r.example/acme/billing:2.0.0@sha256:<2.0.0>" fixes ["TAG_NOT_DIGEST"]
                Update to 2.1.0: 3:10-3:44 "oci://r.example/acme/billing:2.1.0" fixes ["DEPENDENCY_UPDATE_AVAILABLE"]
            "#]],
        ),
        // Outside its compatibility: also set compatibility.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/bil$0ling:1.1.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#"
                Pin 1.1.0 to its digest: 3:10-3:44 "oci://r.example/acme/billing:1.1.0@sha256:<1.1.0>" fixes ["TAG_NOT_DIGEST"]
                Update to 2.1.0: 3:10-3:44 "oci://r.example/acme/billing:2.1.0" fixes ["DEPENDENCY_UPDATE_AVAILABLE"]
                Set compatibility to ^1.1.0: 4:21-4:27 "^1.1.0" fixes ["DEPENDENCY_TAG_OUTSIDE_COMPATIBILITY"]
            "#]],
        ),
        // Already the newest within its compatibility: nothing to update to.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/bil$0ling:2.1.0\n    compatibility: \"^2.0.0\"\n",
            expect![[r#"
                Pin 2.1.0 to its digest: 3:10-3:44 "oci://r.example/acme/billing:2.1.0@sha256:<2.1.0>" fixes ["TAG_NOT_DIGEST"]
            "#]],
        ),
        // No compatibility: add the key.
        (
            "pactoVersion: \"1.0\"\ndependencies:\n  - ref: oci://r.example/acme/bil$0ling:1.0.0\n",
            expect![[r#"
                Pin 1.0.0 to its digest: 3:10-3:44 "oci://r.example/acme/billing:1.0.0@sha256:<1.0.0>" fixes ["TAG_NOT_DIGEST"]
                Update to 1.1.0: 3:10-3:44 "oci://r.example/acme/billing:1.1.0" fixes ["DEPENDENCY_UPDATE_AVAILABLE"]
                Set compatibility to ^1.0.0: 3:44-3:44 "\n    compatibility: \"^1.0.0\"" fixes []
            "#]],
        ),
    ];
    for (text, expect) in cases {
        let it = fixture(text);
        let findings = diagnostics::findings(&it.analysis, &registry.state);
        // As the handler attaches them: a fix names a finding only when that finding is there.
        let fixed = |fixes: Option<Fixes>| -> Vec<&str> {
            match fixes {
                Some(Fixes::Registry(code, span)) => {
                    findings.iter().filter(|it| it.code == code && it.span == span).map(|it| it.code.as_str()).collect()
                }
                Some(Fixes::Contract(code, span)) => (it.analysis.validation.diagnostics.iter())
                    .filter(|it| it.code == code && it.span == span)
                    .map(|it| it.code.as_str())
                    .collect(),
                None => Vec::new(),
            }
        };
        let actual: String = actions::actions(&it.analysis, &registry.state, it.range)
            .into_iter()
            .map(|action| {
                let edits: Vec<String> =
                    action.edits.iter().map(|(span, new)| format!("{} {new:?}", it.span(*span))).collect();
                format!("{}: {} fixes {:?}\n", action.title, edits.join(", "), fixed(action.fixes))
            })
            .collect();
        expect.assert_eq(&redact(&actual));
    }
}
