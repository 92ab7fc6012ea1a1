//! Dependencies in the editor (issue #7) against a real registry on 127.0.0.1, in process: hover, completion, inlay
//! hints, diagnostics, code actions and definition with exact expectations; a registry stopped mid-session; a registry
//! that never answers; one behind basic auth; a local ref. Each server has its own scratch HOME and cache
//! (`Client::start_at_home`).

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use pacto_testkit::registry::home::Home;
use pacto_testkit::registry::{Mode, PASSWORD, Registry, USER};
use serde_json::{Value, json};

use crate::testing::{Client, copy_dir, diagnostic_lines, range_text, uri_of};

/// Versions of `billing` pushed to the registry; `latest` is pushed too, with 2.1.0's content.
const BILLING_VERSIONS: &[&str] = &["1.0.0", "1.1.0", "2.0.0", "2.1.0", "3.0.0-rc.1"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/lsp-deps").join(name)
}

/// A registry with the fixture services pushed, a scratch home (cache and config) for the server, and
/// each pushed tag's digest.
struct World {
    registry: Registry,
    home: Home,
    digests: Vec<(String, String)>,
}

impl World {
    fn addr(&self) -> &str {
        &self.registry.addr
    }

    fn digest(&self, tag: &str) -> &str {
        &self.digests.iter().find(|(it, _)| it == tag).unwrap().1
    }

    /// The server with its cache in this world's home; `settings` go in `initializationOptions`.
    fn server(&self, settings: Value, envs: &[(&str, &str)]) -> Client {
        let capabilities = json!({
            "window": {"workDoneProgress": true},
            "workspace": {"inlayHint": {"refreshSupport": true}}
        });
        // Not the cache the pushes filled: the server's first answers come from the registry.
        Client::start_at_home(self.home.path(), "server-cache", None, capabilities, json!({ "pacto": settings }), envs)
    }

    /// Replaces the registry address, the pushed digests (and their short forms) and ages ("3 s ago", which
    /// depend on the machine's speed) with names.
    fn redact(&self, text: &str) -> String {
        let mut out = text.replace(self.addr(), "REGISTRY");
        for (tag, digest) in &self.digests {
            out = out.replace(&digest[7..], &format!("<{tag}>")).replace(&digest[7..19], &format!("<{tag}>"));
        }
        redact_ages(&out)
    }
}

/// Pushes `service` from its fixture at `version` (the fixture's `version: 1.0.0` rewritten) as `tag`.
fn push(home: &Home, registry: &str, service: &str, version: &str, tag: &str, envs: &[(&str, &str)]) -> String {
    let dir = home.path().join(format!("push-{service}-{tag}"));
    copy_dir(&fixture(service), &dir);
    let contract = fs::read_to_string(dir.join("pacto.yaml")).unwrap();
    fs::write(dir.join("pacto.yaml"), contract.replace("version: 1.0.0", &format!("version: {version}"))).unwrap();
    let target = format!("oci://{registry}/acme/{service}:{tag}");
    pacto_testkit::registry::push(&dir, &target, envs, Some(&home.path().join("cache/pacto")))
}

fn billing_world() -> World {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let mut digests = Vec::new();
    for version in BILLING_VERSIONS {
        digests.push((version.to_string(), push(&home, &registry.addr, "billing", version, version, &[])));
    }
    push(&home, &registry.addr, "billing", "2.1.0", "latest", &[]);
    World { registry, home, digests }
}

/// Opens `text` as `app/pacto.yaml` in the world's home and waits until its dependencies are resolved
/// (the end of the `$/progress` the server reports while resolving).
fn open(client: &mut Client, world: &World, text: &str) -> String {
    let uri = client.open_path(&world.home.path().join("app/pacto.yaml"), text);
    wait_resolved(client);
    uri
}

fn wait_resolved(client: &mut Client) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let message = client.wait_for(|it| it["method"] == "$/progress");
        let kind = message["params"]["value"]["kind"].as_str().unwrap_or_default().to_owned();
        seen.push(message);
        if kind == "end" {
            return seen;
        }
    }
}

fn at(text: &str, needle: &str, delta: usize) -> Value {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text")) + delta;
    crate::testing::position_of(text, offset)
}

fn hover(client: &mut Client, uri: &str, position: Value) -> String {
    let result = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position}));
    if result.is_null() {
        return "null".to_owned();
    }
    let text = format!("{}\n{}", range_text(&result["range"]), result["contents"]["value"].as_str().unwrap());
    redact_ages(&text)
}

fn pulled_diagnostics(client: &mut Client, uri: &str) -> String {
    let result = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    diagnostic_lines(result["items"].as_array().unwrap())
}

fn completion(client: &mut Client, uri: &str, position: Value) -> (bool, Vec<Value>) {
    let result = client.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": position}));
    match result.get("items") {
        Some(items) => (result["isIncomplete"].as_bool().unwrap(), items.as_array().unwrap().clone()),
        None => (false, result.as_array().cloned().unwrap_or_default()),
    }
}

/// `label sortText range → newText` per item, in the order of their sort texts.
fn render_items(items: &[Value]) -> String {
    let mut items = items.to_vec();
    items.sort_by_key(|it| it["sortText"].as_str().unwrap_or(it["label"].as_str().unwrap()).to_owned());
    items
        .iter()
        .map(|it| {
            let edit = &it["textEdit"];
            format!(
                "{} [{}] {} {} → {}\n",
                it["label"].as_str().unwrap(),
                it["sortText"].as_str().unwrap_or("-"),
                it["detail"].as_str().unwrap_or("-"),
                range_text(&edit["range"]),
                edit["newText"].as_str().unwrap()
            )
        })
        .collect()
}

fn check(world: &World, actual: &str, expect: Expect) {
    expect.assert_eq(&world.redact(actual));
}

/// `app` depends on `billing` seven ways: pinned inside and outside its compatibility, tag-less, a
/// missing tag, a missing repository, a compatibility nothing satisfies, and no compatibility at all.
fn app(addr: &str) -> String {
    format!(
        "pactoVersion: \"1.0\"
service:
  name: app
  version: 1.0.0
dependencies:
  - ref: oci://{addr}/acme/billing:2.0.0
    compatibility: \"^2.0.0\"
  - ref: oci://{addr}/acme/billing
    compatibility: \"~1.0.0\"
  - ref: oci://{addr}/acme/billing:1.1.0
    compatibility: \"^2.0.0\"
  - ref: oci://{addr}/acme/billing:9.9.9
    compatibility: \"^9.0.0\"
  - ref: oci://{addr}/acme/missing:1.0.0
    compatibility: \"^1.0.0\"
  - ref: oci://{addr}/acme/billing
    compatibility: ^5.0.0
  - ref: oci://{addr}/acme/billing:1.0.0
runtime:
  workload: job
  state:
    type: stateless
    persistence: {{scope: local, durability: ephemeral}}
    dataCriticality: low
"
    )
}

#[test]
fn dependencies_resolved_against_the_registry() {
    let world = billing_world();
    let mut client = world.server(json!({}), &[]);
    let text = app(world.addr());
    let uri = client.open_path(&world.home.path().join("app/pacto.yaml"), &text);
    let progress = wait_resolved(&mut client);
    assert_eq!(progress[0]["params"]["value"]["kind"], "begin");
    assert_eq!(progress[0]["params"]["value"]["title"], "Resolving dependencies");
    assert_eq!(progress[0]["params"]["value"]["message"], "0/7");
    assert_eq!(progress.last().unwrap()["params"]["value"]["kind"], "end");

    // Hover on a pinned ref: the tag, the short digest, where it came from, the contract's summary.
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "billing:2.0.0", 0)),
        expect![[r#"
            6:10-6:50
            **`oci://REGISTRY/acme/billing:2.0.0`**

            → `2.0.0` · `sha256:<2.0.0>`

            From the registry, N s ago.

            **billing** 2.0.0 · owner `team/billing`

            - interfaces: `api` http port 8080, `invoices` event
            - runtime: service, stateless
            - dependencies: 1"#]],
    );
    // A tag-less ref: the highest tag within its compatibility.
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "billing\n    compatibility: \"~", 0)),
        expect![[r#"
            8:10-8:44
            **`oci://REGISTRY/acme/billing`**

            → `1.0.0` · `sha256:<1.0.0>` (highest tag within `~1.0.0`)

            From the registry, N s ago.

            **billing** 1.0.0 · owner `team/billing`

            - interfaces: `api` http port 8080, `invoices` event
            - runtime: service, stateless
            - dependencies: 1"#]],
    );
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "missing", 0)),
        expect![[r#"
            14:10-14:50
            **`oci://REGISTRY/acme/missing:1.0.0`**

            Not resolved: repository not found: REGISTRY/acme/missing"#]],
    );
    // Hover on compatibility: the constraint in words and the versions that satisfy it.
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "\"^2.0.0\"", 1)),
        expect![[r#"
            7:20-7:28
            **`^2.0.0`**: ≥ 2.0.0 and < 3.0.0

            Published versions that satisfy it, highest first: `2.1.0`, `2.0.0`"#]],
    );
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "^5.0.0", 1)),
        expect![[r#"
            17:20-17:26
            **`^5.0.0`**: ≥ 5.0.0 and < 6.0.0

            No published version satisfies it."#]],
    );

    // Inlay hints after each resolved ref.
    check(
        &world,
        &hint_tooltips(&mut client, &uri),
        expect![[r#"
            6:50 → 2.0.0 · sha256:<2.0.0> | From the registry, N s ago.
            8:44 → 1.0.0 · sha256:<1.0.0> | From the registry, N s ago.
            10:50 → 1.1.0 · sha256:<1.1.0> | From the registry, N s ago.
            18:50 → 1.0.0 · sha256:<1.0.0> | From the registry, N s ago.
        "#]],
    );

    // Diagnostics: the contract's own, then the registry's (never errors).
    check(
        &world,
        &pulled_diagnostics(&mut client, &uri),
        expect![[r#"
            6:10-6:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:2.0.0" uses a tag instead of a digest; digest pinning is recommended
            10:10-10:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:1.1.0" uses a tag instead of a digest; digest pinning is recommended
            12:10-12:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:9.9.9" uses a tag instead of a digest; digest pinning is recommended
            14:10-14:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/missing:1.0.0" uses a tag instead of a digest; digest pinning is recommended
            18:5-18:8 1 SCHEMA_VIOLATION: at '/dependencies/6': missing property 'compatibility'
            18:10-18:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:1.0.0" uses a tag instead of a digest; digest pinning is recommended
            6:10-6:50 4 DEPENDENCY_UPDATE_AVAILABLE: 2.1.0 is published and satisfies "^2.0.0"
            10:10-10:50 2 DEPENDENCY_TAG_OUTSIDE_COMPATIBILITY: tag 1.1.0 does not satisfy compatibility "^2.0.0"
            10:10-10:50 4 DEPENDENCY_UPDATE_AVAILABLE: 2.1.0 is published and satisfies "^2.0.0"
            12:10-12:50 2 DEPENDENCY_NOT_FOUND: tag not found: REGISTRY/acme/billing:9.9.9
            14:10-14:50 2 DEPENDENCY_NOT_FOUND: repository not found: REGISTRY/acme/missing
            17:20-17:26 2 DEPENDENCY_NO_MATCHING_VERSION: no published version of REGISTRY/acme/billing satisfies "^5.0.0"
            18:10-18:50 4 DEPENDENCY_UPDATE_AVAILABLE: 1.1.0 is published and satisfies "^1.0.0"
        "#]],
    );

    // Code actions on the first ref: pin it, update it; on the one outside its compatibility, also set
    // compatibility; on the last (no compatibility), add the key.
    for needle in ["billing:2.0.0", "billing:1.1.0", "billing:1.0.0"] {
        let position = at(&text, needle, 0);
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
        );
        let rendered: String = actions
            .as_array()
            .unwrap()
            .iter()
            .filter(|it| it["kind"] == "quickfix")
            .map(|it| {
                let edits = &it["edit"]["changes"][&uri];
                let edits: Vec<String> = edits
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|edit| format!("{} {:?}", range_text(&edit["range"]), edit["newText"].as_str().unwrap()))
                    .collect();
                let fixes: Vec<&str> =
                    it["diagnostics"].as_array().into_iter().flatten().map(|it| it["code"].as_str().unwrap()).collect();
                format!("{}: {} fixes {fixes:?}\n", it["title"].as_str().unwrap(), edits.join(", "))
            })
            .collect();
        let expected = match needle {
            "billing:2.0.0" => expect![[r#"
                Pin 2.0.0 to its digest: 6:10-6:50 "oci://REGISTRY/acme/billing:2.0.0@sha256:<2.0.0>" fixes ["TAG_NOT_DIGEST"]
                Update to 2.1.0: 6:10-6:50 "oci://REGISTRY/acme/billing:2.1.0" fixes ["DEPENDENCY_UPDATE_AVAILABLE"]
            "#]],
            "billing:1.1.0" => expect![[r#"
                Pin 1.1.0 to its digest: 10:10-10:50 "oci://REGISTRY/acme/billing:1.1.0@sha256:<1.1.0>" fixes ["TAG_NOT_DIGEST"]
                Update to 2.1.0: 10:10-10:50 "oci://REGISTRY/acme/billing:2.1.0" fixes ["DEPENDENCY_UPDATE_AVAILABLE"]
                Set compatibility to ^1.1.0: 11:21-11:27 "^1.1.0" fixes ["DEPENDENCY_TAG_OUTSIDE_COMPATIBILITY"]
            "#]],
            _ => expect![[r#"
                Pin 1.0.0 to its digest: 18:10-18:50 "oci://REGISTRY/acme/billing:1.0.0@sha256:<1.0.0>" fixes ["TAG_NOT_DIGEST"]
                Update to 1.1.0: 18:10-18:50 "oci://REGISTRY/acme/billing:1.1.0" fixes ["DEPENDENCY_UPDATE_AVAILABLE"]
                Set compatibility to ^1.0.0: 18:50-18:50 "\n    compatibility: \"^1.0.0\"" fixes []
            "#]],
        };
        check(&world, &rendered, expected);
    }

    // Go to definition: the bundle extracted read-only under the cache.
    let definition = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": at(&text, "billing:2.0.0", 0)}),
    );
    let hex = &world.digest("2.0.0")[7..];
    let expected = world.home.path().join("server-cache/pacto/bundles").join(hex).join("pacto.yaml");
    assert_eq!(definition["uri"], uri_of(&expected));
    assert!(fs::read_to_string(&expected).unwrap().contains("  version: 2.0.0\n"));
    assert!(fs::metadata(&expected).unwrap().permissions().readonly());
    assert!(fs::metadata(expected.parent().unwrap().join("interfaces/openapi.yaml")).unwrap().permissions().readonly());

    client.shutdown();
}

#[test]
fn completion_of_tags_digests_repositories_and_constraints() {
    let world = billing_world();
    let mut client = world.server(json!({}), &[]);
    let text = app(world.addr());
    let uri = open(&mut client, &world, &text);

    // Tags after `repo:`, while the line is not valid YAML: satisfying first, then other releases, then
    // pre-releases, then tags that are not versions.
    let typing =
        insert(&text, &format!("  - ref: oci://{}/acme/billing:\n    compatibility: \"^1.0.0\"\n", world.addr()));
    client.change(&uri, 2, &typing);
    let (incomplete, items) = completion(&mut client, &uri, at(&typing, "billing:\n", 8));
    assert!(!incomplete);
    check(
        &world,
        &render_items(&items),
        expect![[r#"
        1.1.0 [000000] satisfies ^1.0.0 19:45-19:45 → 1.1.0
        1.0.0 [000001] satisfies ^1.0.0 19:45-19:45 → 1.0.0
        2.1.0 [100002] release 19:45-19:45 → 2.1.0
        2.0.0 [100003] release 19:45-19:45 → 2.0.0
        3.0.0-rc.1 [200004] pre-release 19:45-19:45 → 3.0.0-rc.1
        latest [300005] not a version 19:45-19:45 → latest
    "#]],
    );

    // Digests after `tag@`.
    let typing = insert(&text, &format!("  - ref: oci://{}/acme/billing:2.0.0@\n", world.addr()));
    client.change(&uri, 3, &typing);
    let (_, items) = completion(&mut client, &uri, at(&typing, "2.0.0@\n", 6));
    check(
        &world,
        &render_items(&items),
        expect![[r#"
        sha256:<2.0.0> [0] manifest digest of 2.0.0 19:51-19:51 → sha256:<2.0.0>
    "#]],
    );

    // Repositories referenced in the open documents.
    let typing = insert(&text, "  - ref: oci://\n");
    client.change(&uri, 4, &typing);
    let (_, items) = completion(&mut client, &uri, at(&typing, "ref: oci://\n", 11));
    let ours: Vec<Value> = items.into_iter().filter(|it| it["detail"] == "referenced in the workspace").collect();
    check(
        &world,
        &render_items(&ours),
        expect![[r#"
        oci://REGISTRY/acme/billing [00000] referenced in the workspace 19:10-19:16 → oci://REGISTRY/acme/billing
        oci://REGISTRY/acme/missing [00001] referenced in the workspace 19:10-19:16 → oci://REGISTRY/acme/missing
    "#]],
    );

    // Constraints from the newest release, pre-releases aside.
    let typing = insert(&text, &format!("  - ref: oci://{}/acme/billing\n    compatibility: \n", world.addr()));
    client.change(&uri, 5, &typing);
    let (_, items) = completion(&mut client, &uri, at(&typing, "compatibility: \n", 15));
    check(
        &world,
        &render_items(&items),
        expect![[r#"
        ^2.1.0 [0] 2.1.0 and later releases of major 2 20:20-20:20 → ^2.1.0
        ~2.1.0 [1] 2.1.0 and later patches of 2.1 20:20-20:20 → ~2.1.0
    "#]],
    );
    client.shutdown();
}

#[test]
fn a_stopped_registry_answers_from_the_cache_and_says_so() {
    let mut world = billing_world();
    // A time to live of zero: every edit asks the registry again.
    let mut client = world.server(json!({"cache": {"tagTtlSeconds": 0}}), &[]);
    let text = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: oci://{}/acme/billing\n    compatibility: \"^2.0.0\"\n",
        world.addr()
    );
    let uri = open(&mut client, &world, &text);
    let position = at(&text, "billing", 0);
    assert!(hover(&mut client, &uri, position.clone()).contains("\n\nFrom the registry, N s ago.\n\n"));

    world.registry.stop();
    let edited = format!("{text}# edited\n");
    client.change(&uri, 2, &edited);
    wait_resolved(&mut client);
    let answer = hover(&mut client, &uri, position);
    check(
        &world,
        &answer,
        expect![[r#"
            6:10-6:44
            **`oci://REGISTRY/acme/billing`**

            → `2.1.0` · `sha256:<2.1.0>` (highest tag within `^2.0.0`)

            Cached N s ago · registry REGISTRY unreachable: connection refused.

            **billing** 2.1.0 · owner `team/billing`

            - interfaces: `api` http port 8080, `invoices` event
            - runtime: service, stateless
            - dependencies: 1"#]],
    );
    check(
        &world,
        &pulled_diagnostics(&mut client, &uri),
        expect![[r#"
        6:10-6:44 3 REGISTRY_UNREACHABLE: registry REGISTRY unreachable: error sending request for url (http://REGISTRY/v2/acme/billing/tags/list?n=1000): client error (Connect): tcp connect error: Connection refused (os error 111); answered from the cache
    "#]],
    );
    client.shutdown();
}

#[test]
fn a_registry_gone_within_the_time_to_live_marks_what_it_answered_before_as_cached() {
    // Issue #13: within the default time to live nothing asks the registry again, but once any request to it
    // fails, hover and the inlay hint's tooltip say the data is cached, since when, and why the registry is gone.
    let mut world = billing_world();
    let mut client = world.server(json!({}), &[]);
    let text = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: oci://{}/acme/billing:2.0.0\n    compatibility: \"^2.0.0\"\n",
        world.addr()
    );
    let uri = open(&mut client, &world, &text);
    let position = at(&text, "billing", 0);
    let origin = |answer: &str| answer.split("\n\n").nth(2).unwrap_or_default().to_owned();
    check(&world, &origin(&hover(&mut client, &uri, position.clone())), expect!["From the registry, N s ago."]);
    check(
        &world,
        &hint_tooltips(&mut client, &uri),
        expect![[r#"
        6:50 → 2.0.0 · sha256:<2.0.0> | From the registry, N s ago.
    "#]],
    );

    world.registry.stop();
    // A ref nothing resolved yet: its resolution finds the registry gone.
    let edited = format!("{text}  - ref: oci://{}/acme/billing:1.0.0\n    compatibility: \"^1.0.0\"\n", world.addr());
    client.change(&uri, 2, &edited);
    wait_resolved(&mut client);
    check(
        &world,
        &origin(&hover(&mut client, &uri, position)),
        expect!["Cached N s ago · registry REGISTRY unreachable: connection refused."],
    );
    check(
        &world,
        &hint_tooltips(&mut client, &uri),
        expect![[r#"
        6:50 → 2.0.0 · sha256:<2.0.0> | Cached N s ago · registry REGISTRY unreachable: connection refused.
    "#]],
    );
    client.shutdown();
}

/// `line:character label | tooltip` of each inlay hint in the first 30 lines.
fn hint_tooltips(client: &mut Client, uri: &str) -> String {
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 30, "character": 0}}}),
    );
    hints
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            let (line, character) =
                (it["position"]["line"].as_u64().unwrap(), it["position"]["character"].as_u64().unwrap());
            let tooltip = it["tooltip"].as_str().unwrap_or("-");
            format!("{}:{} {} | {}\n", line + 1, character + 1, it["label"].as_str().unwrap(), tooltip)
        })
        .collect()
}

/// `lines` added at the end of `dependencies`, just before `runtime:`.
fn insert(text: &str, lines: &str) -> String {
    text.replacen("runtime:\n", &format!("{lines}runtime:\n"), 1)
}

/// "3 s ago", "2 min ago" → "N s ago": ages depend on the machine's speed.
fn redact_ages(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" ago") {
        let before = &rest[..at];
        let unit_at = before.rfind(' ').map_or(0, |it| it + 1);
        let number = before[..unit_at.saturating_sub(1)].rsplit(' ').next().unwrap_or("");
        let unit = &before[unit_at..];
        if ["s", "min", "h", "d"].contains(&unit) && !number.is_empty() && number.chars().all(|it| it.is_ascii_digit())
        {
            out.push_str(&before[..unit_at - 1 - number.len()]);
            out.push_str("N s ago");
        } else {
            out.push_str(&rest[..at + 4]);
        }
        rest = &rest[at + 4..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_registry_that_never_answers_does_not_delay_hover_or_completion() {
    // Accepts connections (the kernel's backlog) and never reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let home = Home::new();
    let capabilities = json!({"window": {"workDoneProgress": true}});
    let settings = json!({"pacto": {"registry": {"timeoutSeconds": 60}}});
    let mut client = Client::start_at_home(home.path(), "cache", None, capabilities, settings, &[]);
    let text = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: oci://{addr}/acme/slow:1.0.0\n  - ref: oci://{addr}/acme/slow:\n"
    );
    let uri = client.open_path(&home.path().join("app/pacto.yaml"), &text);
    let answer = hover(&mut client, &uri, at(&text, "slow:1.0.0", 0)).replace(&addr, "SILENT");
    expect![[r#"
        6:10-6:47
        **`oci://SILENT/acme/slow:1.0.0`**

        resolving…"#]]
    .assert_eq(&answer);
    let (incomplete, items) = completion(&mut client, &uri, at(&text, "slow:\n", 5));
    assert!(incomplete);
    assert_eq!(items, Vec::<Value>::new());
    drop(silent);
    client.shutdown();
}

#[test]
fn a_private_registry_needs_credentials() {
    let registry = Registry::start(Mode::Auth);
    let home = Home::new();
    let credentials = [("PACTO_REGISTRY_USERNAME", USER), ("PACTO_REGISTRY_PASSWORD", PASSWORD)];
    let digest = push(&home, &registry.addr, "ledger", "1.2.0", "1.2.0", &credentials);
    let world = World { registry, home, digests: vec![("1.2.0".into(), digest)] };
    let text = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: oci://{}/acme/ledger\n    compatibility: \"^1.0.0\"\n",
        world.addr()
    );

    let mut anonymous = world.server(json!({}), &[]);
    let uri = open(&mut anonymous, &world, &text);
    check(
        &world,
        &pulled_diagnostics(&mut anonymous, &uri),
        expect![[r#"
        6:10-6:43 3 REGISTRY_UNAUTHORIZED: registry REGISTRY requires credentials and none were found (HTTP 401)
    "#]],
    );
    anonymous.shutdown();

    let mut client = world.server(json!({}), &credentials);
    let uri = open(&mut client, &world, &text);
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "ledger", 0)),
        expect![[r#"
            6:10-6:43
            **`oci://REGISTRY/acme/ledger`**

            → `1.2.0` · `sha256:<1.2.0>` (highest tag within `^1.0.0`)

            From the registry, N s ago.

            **ledger** 1.2.0 · owner `team/ledger`

            - interfaces: `rpc` grpc port 9090
            - runtime: service, stateful
            - dependencies: 0"#]],
    );
    check(&world, &pulled_diagnostics(&mut client, &uri), expect![""]);
    client.shutdown();
}

#[test]
fn going_offline_re_resolves_from_the_cache_only() {
    let world = billing_world();
    let mut client = world.server(json!({}), &[]);
    let text = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: oci://{addr}/acme/billing:2.0.0\n    compatibility: \"^2.0.0\"\n  - ref: oci://{addr}/acme/billing\n    compatibility: \"^2.0.0\"\n",
        addr = world.addr()
    );
    let uri = open(&mut client, &world, &text);
    assert!(hover(&mut client, &uri, at(&text, "billing:2.0.0", 0)).contains("\n\nFrom the registry, N s ago.\n\n"));

    // New settings: what was known is dropped and resolved again, without the network.
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"pacto": {"offline": true}}}));
    wait_resolved(&mut client);
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "billing:2.0.0", 0)),
        expect![[r#"
            6:10-6:50
            **`oci://REGISTRY/acme/billing:2.0.0`**

            → `2.0.0` · `sha256:<2.0.0>`

            From the cache, stored N s ago.

            **billing** 2.0.0 · owner `team/billing`

            - interfaces: `api` http port 8080, `invoices` event
            - runtime: service, stateless
            - dependencies: 1"#]],
    );
    // Both refs resolve from the cache (the tag list was kept there too); one never fetched cannot.
    let edited = format!("{text}  - ref: oci://{}/acme/billing:1.0.0\n    compatibility: \"^1.0.0\"\n", world.addr());
    client.change(&uri, 2, &edited);
    wait_resolved(&mut client);
    check(
        &world,
        &pulled_diagnostics(&mut client, &uri),
        expect![[r#"
        6:10-6:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:2.0.0" uses a tag instead of a digest; digest pinning is recommended
        10:10-10:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:1.0.0" uses a tag instead of a digest; digest pinning is recommended
        6:10-6:50 4 DEPENDENCY_UPDATE_AVAILABLE: 2.1.0 is published and satisfies "^2.0.0"
        10:10-10:50 3 DEPENDENCY_NOT_CACHED: not in the cache (offline): REGISTRY/acme/billing:1.0.0
    "#]],
    );
    client.shutdown();
}

/// A 2.0 contract names its dependencies and writes `required` (pacto-v2.md §1.2); its `ref` and
/// `compatibility` are read as in 1.0, so hover, inlay hints, registry findings and their fixes are the same.
#[test]
fn dependencies_of_a_2_0_contract_resolve_like_those_of_1_0() {
    let world = billing_world();
    let mut client = world.server(json!({}), &[]);
    let addr = world.addr();
    let text = format!(
        "pactoVersion: \"2.0\"
service:
  name: app
  version: 1.0.0
dependencies:
  - name: billing
    ref: oci://{addr}/acme/billing:1.1.0
    required: true
    compatibility: \"^2.0.0\"
  - name: billing-next
    ref: oci://{addr}/acme/billing
    required: false
    compatibility: \"~1.0.0\"
"
    );
    let uri = open(&mut client, &world, &text);
    check(
        &world,
        &hover(&mut client, &uri, at(&text, "billing:1.1.0", 0)),
        expect![[r#"
            7:10-7:50
            **`oci://REGISTRY/acme/billing:1.1.0`**

            → `1.1.0` · `sha256:<1.1.0>`

            From the registry, N s ago.

            **billing** 1.1.0 · owner `team/billing`

            - interfaces: `api` http port 8080, `invoices` event
            - runtime: service, stateless
            - dependencies: 1"#]],
    );
    check(
        &world,
        &hint_tooltips(&mut client, &uri),
        expect![[r#"
        7:50 → 1.1.0 · sha256:<1.1.0> | From the registry, N s ago.
        11:44 → 1.0.0 · sha256:<1.0.0> | From the registry, N s ago.
    "#]],
    );
    check(
        &world,
        &pulled_diagnostics(&mut client, &uri),
        expect![[r#"
        7:10-7:50 2 TAG_NOT_DIGEST: dependency "oci://REGISTRY/acme/billing:1.1.0" uses a tag instead of a digest; digest pinning is recommended
        7:10-7:50 2 DEPENDENCY_TAG_OUTSIDE_COMPATIBILITY: tag 1.1.0 does not satisfy compatibility "^2.0.0"
        7:10-7:50 4 DEPENDENCY_UPDATE_AVAILABLE: 2.1.0 is published and satisfies "^2.0.0"
    "#]],
    );
    let position = at(&text, "billing:1.1.0", 0);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = actions.as_array().unwrap().iter().filter_map(|it| it["title"].as_str()).collect();
    check(
        &world,
        &titles.join("\n"),
        expect![[r#"
        Pin 1.1.0 to its digest
        Update to 2.1.0
        Set compatibility to ^1.1.0
        Preview generated manifests (kubernetes)"#]],
    );
    // Tag completion reads the text, whatever the format.
    let typed = text.replace("billing:1.1.0", "billing:");
    client.change(&uri, 2, &typed);
    let (_, items) = completion(&mut client, &uri, at(&typed, "billing:\n", 8));
    check(
        &world,
        &render_items(&items),
        expect![[r#"
        2.1.0 [000000] satisfies ^2.0.0 7:45-7:45 → 2.1.0
        2.0.0 [000001] satisfies ^2.0.0 7:45-7:45 → 2.0.0
        1.1.0 [100002] release 7:45-7:45 → 1.1.0
        1.0.0 [100003] release 7:45-7:45 → 1.0.0
        3.0.0-rc.1 [200004] pre-release 7:45-7:45 → 3.0.0-rc.1
        latest [300005] not a version 7:45-7:45 → latest
    "#]],
    );
    client.shutdown();
}

#[test]
fn hover_on_a_local_ref_summarises_its_contract() {
    let home = tempfile::tempdir().unwrap();
    copy_dir(&fixture("ledger"), &home.path().join("ledger"));
    let text = "pactoVersion: \"1.0\"\nservice:\n  name: app\n  version: 1.0.0\ndependencies:\n  - ref: ../ledger\n    compatibility: \"^1.0.0\"\n  - ref: file://../nowhere\n    compatibility: \"^1.0.0\"\n";
    let path = home.path().join("app/pacto.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut client = Client::start_default();
    client.open(&uri, text);
    let root = home.path().canonicalize().unwrap().display().to_string();
    let answer = |client: &mut Client, needle| {
        hover(client, &uri, at(text, needle, 0))
            .replace(&root, "HOME")
            .replace(&home.path().display().to_string(), "HOME")
    };
    expect![[r#"
        6:10-6:19
        **`../ledger`**

        Local bundle: `HOME/ledger/pacto.yaml`

        **ledger** 1.0.0 · owner `team/ledger`

        - interfaces: `rpc` grpc port 9090
        - runtime: service, stateful
        - dependencies: 0"#]]
    .assert_eq(&answer(&mut client, "../ledger"));
    expect![[r#"
        8:10-8:27
        **`file://../nowhere`**

        No readable `pacto.yaml` at `HOME/nowhere/pacto.yaml`."#]]
    .assert_eq(&answer(&mut client, "file://"));
    client.shutdown();
}
