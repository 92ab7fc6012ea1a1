//! `oci://` policy refs of 2.0 contracts in the language server (issue #14): fetched off the request
//! path through the registry resolver and its cache, enforced once they land, and a registry failure
//! said in the finding; against a real registry on 127.0.0.1, in process.

use std::fs;
use std::path::Path;

use expect_test::expect;
use pacto_testkit::registry::home::Home;
use pacto_testkit::registry::{Mode, Registry, push};
use serde_json::{Value, json};

use crate::testing::{Client, diagnostic_lines, range_text, uri_of};

fn start(home: &Path) -> Client {
    Client::start_at_home(home, "cache", None, json!({}), json!({}), &[("PACTO_OFFLINE", "")])
}

/// `svc/pacto.yaml`: a 2.0 contract of a job, with one policy by `reference`.
fn contract(reference: &str) -> String {
    format!(
        "pactoVersion: \"2.0\"\nservice:\n  name: svc\n  version: 1.0.0\nworkload: job\npolicies:\n  - name: org\n    ref: \"{reference}\"\n"
    )
}

/// The first diagnostics published for `uri` whose codes include `code`.
fn diagnostics_with(client: &mut Client, uri: &str, code: &str) -> String {
    let message = client.wait_for(|it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == uri
            && it["params"]["diagnostics"].as_array().is_some_and(|all| all.iter().any(|d| d["code"] == code))
    });
    diagnostic_lines(message["params"]["diagnostics"].as_array().map_or(&[], Vec::as_slice))
}

#[test]
fn oci_policy_ref_is_fetched_then_enforced_on_the_offending_node() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let provider = home.path().join("src/org-policy");
    fs::create_dir_all(provider.join("policy")).unwrap();
    fs::write(provider.join("pacto.yaml"), "pactoVersion: \"2.0\"\nservice: {name: org-policy, version: 1.0.0}\n")
        .unwrap();
    fs::write(provider.join("policy/schema.json"), r#"{"properties": {"workload": {"const": "service"}}}"#).unwrap();
    let repository = format!("oci://{}/acme/org-policy", registry.addr);
    push(&provider, &repository, &[], Some(&home.path().join("cache/pacto")));
    let dir = home.path().join("svc");
    fs::create_dir_all(&dir).unwrap();
    let text = contract(&format!("{repository}:1.0.0"));
    fs::write(dir.join("pacto.yaml"), &text).unwrap();
    let mut client = start(home.path());
    let uri = uri_of(&dir.join("pacto.yaml"));
    client.open(&uri, &text);
    expect![[r#"
        5:11-5:14 1 POLICY_VIOLATION: policy policies["org"]: at '/workload': value must be 'service'
    "#]]
    .assert_eq(&diagnostics_with(&mut client, &uri, "POLICY_VIOLATION"));
    // Hover on the ref says what was pulled.
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 7, "character": 12}}));
    let markdown = hover["contents"]["value"].as_str().unwrap();
    let expected = format!("**`{repository}:1.0.0`**\n\nPolicy bundle `sha256:");
    assert!(markdown.starts_with(&expected), "{markdown}");
    assert!(markdown.ends_with("`, enforced on this contract."), "{markdown}");
    // An edit that satisfies it: answered from what was fetched, no finding left.
    client.change(&uri, 2, &text.replace("job", "service"));
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn oci_policy_ref_with_the_registry_down_says_why() {
    let home = Home::new();
    let dir = home.path().join("svc");
    fs::create_dir_all(&dir).unwrap();
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    let text = contract("oci://127.0.0.1:9/acme/org-policy:1.0.0");
    fs::write(dir.join("pacto.yaml"), &text).unwrap();
    let mut client = start(home.path());
    let uri = uri_of(&dir.join("pacto.yaml"));
    client.open(&uri, &text);
    let message = client.wait_for(|it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == uri
            && it["params"]["diagnostics"].as_array().is_some_and(|all| {
                all.iter().any(|d| d["message"].as_str().is_some_and(|m| !m.contains("not fetched yet")))
            })
    });
    let diagnostics = message["params"]["diagnostics"].as_array().unwrap();
    expect![[r#"7:5-7:9 1 POLICY_REF_UNRESOLVED: policy policies["org"]: failed to resolve ref "oci://127.0.0.1:9/acme/org-policy:1.0.0": registry unreachable for 127.0.0.1:9/acme/org-policy:1.0.0: error sending request for url (https://127.0.0.1:9/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)"#]].assert_eq(&format!(
        "{} {} {}: {}",
        range_text(&diagnostics[0]["range"]),
        diagnostics[0]["severity"],
        diagnostics[0]["code"].as_str().unwrap(),
        diagnostics[0]["message"].as_str().unwrap()
    ));
    assert_eq!(diagnostics.len(), 1);
    client.shutdown();
}
