//! Publishes never wait on the registry (issue #15): a contract with many `oci://` dependencies on a registry that
//! never answers, or that refuses every connection, gets the diagnostics of each version from its local analysis at
//! once, in process; the registry's findings follow when they land.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::testing::Client;

/// Dependencies of the contract: far more than the resolutions the server runs at once.
const N_DEPENDENCIES: usize = 100;
/// Edits made one after the other, each awaited.
const N_EDITS: i64 = 5;
/// How long a publish may take after its edit: far below the registry timeout the server is given (30 s), far above
/// what the analysis of this contract costs even in a debug build on a loaded machine.
const PUBLISH_WITHIN: Duration = Duration::from_secs(3);

/// A contract with `N_DEPENDENCIES` digest-pinned dependencies on `registry` and one local finding that names `tag`.
fn contract(registry: &str, tag: &str) -> String {
    let mut text = format!("pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: {tag}\ndependencies:\n");
    for idx in 0..N_DEPENDENCIES {
        let digest = format!("{idx:064x}");
        text.push_str(&format!("  - ref: oci://{registry}/acme/dep-{idx}:1.0.0@sha256:{digest}\n"));
        text.push_str("    compatibility: \"^1.0.0\"\n");
    }
    text
}

/// Each diagnostic as `line:character CODE message`, the registry's address replaced by `REGISTRY`.
fn render(diagnostics: &[Value], registry: &str) -> Vec<String> {
    diagnostics
        .iter()
        .map(|it| {
            let start = &it["range"]["start"];
            let message = it["message"].as_str().unwrap_or_default().replace(registry, "REGISTRY");
            format!("{}:{} {} {message}", start["line"], start["character"], it["code"].as_str().unwrap_or_default())
        })
        .collect()
}

fn local_finding(tag: &str) -> String {
    format!("3:11 INVALID_SEMVER service version \"{tag}\" is not valid semver: invalid semantic version")
}

/// What the server says of dependency `idx` once a connection to its registry was refused.
fn refused_finding(idx: usize) -> String {
    let cause = "error sending request for url (https://REGISTRY/v2/): client error (Connect): tcp connect error: \
                 Connection refused (os error 111)";
    format!("{}:9 REGISTRY_UNREACHABLE registry REGISTRY unreachable: {cause}", 5 + 2 * idx)
}

/// The server for `registry`'s world: the registry timeout set long, in the settings and in the environment.
fn server(home: &std::path::Path) -> Client {
    let settings = json!({"pacto": {"registry": {"timeoutSeconds": 30}}});
    let capabilities = json!({"window": {"workDoneProgress": true}});
    Client::start_at_home(home, "cache", None, capabilities, settings, &[("PACTO_REGISTRY_TIMEOUT", "30")])
}

/// Opens the contract, then edits it `N_EDITS` times: every version's publish comes within `PUBLISH_WITHIN` of its
/// edit, with exactly its own local finding first, then only registry findings `landed` accepts (those that landed by
/// then). Returns the URI and the last version.
fn edit_and_expect_publishes(
    client: &mut Client,
    home: &std::path::Path,
    registry: &str,
    landed: impl Fn(&str) -> bool,
) -> (String, i64) {
    let check = |version: i64, published: &[Value], tag: &str| {
        let rendered = render(published, registry);
        assert_eq!(rendered.first(), Some(&local_finding(tag)), "version {version}: {rendered:#?}");
        assert!(rendered[1..].iter().all(|it| landed(it)), "version {version}: {rendered:#?}");
    };
    let started = Instant::now();
    let uri = client.open_path(&home.join("app/pacto.yaml"), &contract(registry, "bad-1"));
    let published = client.diagnostics(&uri, 1);
    assert!(started.elapsed() < PUBLISH_WITHIN, "version 1 published after {:?}", started.elapsed());
    check(1, &published, "bad-1");
    for version in 2..=N_EDITS + 1 {
        let tag = format!("bad-{version}");
        let started = Instant::now();
        client.change(&uri, version, &contract(registry, &tag));
        let published = client.diagnostics(&uri, version);
        assert!(started.elapsed() < PUBLISH_WITHIN, "version {version} published after {:?}", started.elapsed());
        check(version, &published, &tag);
    }
    (uri, N_EDITS + 1)
}

#[test]
fn a_registry_that_never_answers_delays_no_publish() {
    // Accepts connections (the kernel's backlog) and never reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let registry = silent.local_addr().unwrap().to_string();
    let home = tempfile::tempdir().unwrap();
    let mut client = server(home.path());
    // Nothing lands: every resolution waits for the registry's answer until the timeout.
    edit_and_expect_publishes(&mut client, home.path(), &registry, |_| false);
    // Still answering requests while every resolution waits on the registry.
    assert!(client.is_alive());
    drop(silent);
    client.shutdown();
}

#[test]
fn a_registry_that_refuses_connections_delays_no_publish_and_its_findings_follow() {
    // A port nothing listens on: every connection is refused at once.
    let registry = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let home = tempfile::tempdir().unwrap();
    let mut client = server(home.path());
    let all_refused: Vec<String> = (0..N_DEPENDENCIES).map(refused_finding).collect();
    let (uri, last) = edit_and_expect_publishes(&mut client, home.path(), &registry, |it| {
        all_refused.iter().any(|refused| refused == it)
    });
    // The failures land: the last version is published again (once per batch) until all of them are there.
    let mut expected = vec![local_finding(&format!("bad-{last}"))];
    expected.extend(all_refused.iter().cloned());
    let rendered = loop {
        let rendered = render(&client.diagnostics(&uri, last), &registry);
        if rendered.len() == expected.len() {
            break rendered;
        }
    };
    assert_eq!(rendered, expected);
    client.shutdown();
}
