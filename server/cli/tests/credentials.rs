//! The GitHub CLI as the last source of credentials: a fake `gh` first on PATH, ghcr.io reached through
//! a fake registry acting as its HTTP proxy, so the test sees what a real ghcr.io would be sent.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{stderr, stdout};
use pacto_testkit::registry::fake::{FakeRegistry, Reply, example_routes};
use pacto_testkit::registry::home::{Home, files_below, ok};

const TOKEN: &str = "gho_faketoken123";
/// `x-access-token:gho_faketoken123` in base64: what GitHub's registry takes with a token.
const BASIC: &str = "Basic eC1hY2Nlc3MtdG9rZW46Z2hvX2Zha2V0b2tlbjEyMw==";

/// Installs a `gh` in `<home>/bin` that logs each call to `<home>/gh-calls` and prints the token.
fn fake_gh(home: &Home) -> String {
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!("#!/bin/sh\necho \"$@\" >> \"{}\"\necho {TOKEN}\n", home.path().join("gh-calls").display());
    std::fs::write(home.path().join("gh.sh"), script).unwrap();
    // `install` writes the executable, so no file this process holds open for writing is ever run.
    let status = std::process::Command::new("install")
        .arg("-m755")
        .arg(home.path().join("gh.sh"))
        .arg(bin.join("gh"))
        .status()
        .unwrap();
    assert!(status.success());
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

fn gh_calls(home: &Path) -> String {
    std::fs::read_to_string(home.join("gh-calls")).unwrap_or_default()
}

#[test]
fn credentials_ghcr_gets_the_github_cli_token_and_no_other_registry_does() {
    // One fake answers both as ghcr.io (requests through it as a proxy carry absolute URLs) and,
    // outside the proxy, as itself; both ask for credentials with a basic challenge on /v2/, and both serve the example.
    let (routes, _) = example_routes("acme/svc", "1.0.0");
    let mut all: HashMap<String, Reply> =
        routes.iter().map(|(key, reply)| (key.replacen(' ', " http://ghcr.io", 1), reply.clone())).collect();
    all.extend(routes);
    all.insert("GET http://ghcr.io/v2/".into(), Reply::Challenge("Basic realm=\"ghcr\""));
    all.insert("GET /v2/".into(), Reply::Challenge("Basic realm=\"local\""));
    let fake = FakeRegistry::start(all);
    let home = Home::new();
    let path = fake_gh(&home);
    let proxy = format!("http://{}", fake.addr);
    let run = |reference: &str, out: &str| {
        home.command(&["-v", "pull", reference, "-o", out, "--no-cache"], &[])
            .env("PATH", &path)
            .env("HTTP_PROXY", &proxy)
            .env("PACTO_INSECURE_REGISTRIES", "ghcr.io")
            .env("NO_PROXY", "127.0.0.1")
            .env_remove("no_proxy")
            .env_remove("http_proxy")
            .output()
            .unwrap()
    };

    let output = run("oci://ghcr.io/acme/svc:1.0.0", "from-ghcr");
    assert_eq!(ok(&output), "Pulled payments-api@2.1.0 -> from-ghcr/\n");
    assert_eq!(files_below(&home.path().join("from-ghcr")), files_below(&common::example()));
    assert_eq!(gh_calls(home.path()), "auth token\n");
    let sent: Vec<(String, Option<String>)> = fake.authorizations();
    assert_eq!(sent[0], ("GET http://ghcr.io/v2/".to_owned(), None));
    assert!(sent.len() > 1 && sent[1..].iter().all(|(_, it)| it.as_deref() == Some(BASIC)), "{sent:#?}");
    // Never shown, not even in verbose logs.
    let shown = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!shown.contains(TOKEN) && !shown.contains(&BASIC[6..]), "{shown}");

    let n_seen = sent.len();
    let output = run(&format!("oci://{}/acme/svc:1.0.0", fake.addr), "from-local");
    assert_eq!(ok(&output), "Pulled payments-api@2.1.0 -> from-local/\n");
    // gh was not asked again, and the local registry got no credentials at all.
    assert_eq!(gh_calls(home.path()), "auth token\n");
    let sent = fake.authorizations();
    assert!(sent.len() > n_seen, "{sent:#?}");
    assert!(sent[n_seen..].iter().all(|(request, it)| !request.contains("ghcr.io") && it.is_none()), "{sent:#?}");
}
