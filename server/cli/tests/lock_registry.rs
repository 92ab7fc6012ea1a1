//! Format 2.0 against the real loopback registry: `pacto lock` (create, up to date, check, update),
//! every `LOCK_*` code through `lock --check`, `validate`, `graph`, `diff` and `push`; `oci://`
//! policy refs (applied with their origin, failing closed on 404, 401, a registry down, a cycle);
//! reproducible 2.0 packs with `.pactoignore` and `pacto.lock` inside, pulled back whole.

mod common;

use std::fs;

use pacto_testkit::registry::home::{Home, failed, ok};
use pacto_testkit::registry::{Mode, Registry};

/// A 2.0 contract `name@version` with an owner (the policies below require one) and `extra` lines.
fn contract(name: &str, version: &str, extra: &str) -> String {
    format!("pactoVersion: \"2.0\"\nservice:\n  name: {name}\n  version: {version}\n  owner: {{team: core}}\n{extra}")
}

/// A `dependencies:` block; each item `(name, ref, compatibility)`, `<registry>` standing for the address.
fn deps(registry: &Registry, items: &[(&str, &str, &str)]) -> String {
    let mut out = "dependencies:\n".to_owned();
    for (name, reference, compatibility) in items {
        let reference = reference.replace("<registry>", &registry.addr);
        out.push_str(&format!(
            "  - {{name: {name}, ref: \"{reference}\", required: true, compatibility: \"{compatibility}\"}}\n"
        ));
    }
    out
}

/// Writes `files` (`pacto.yaml` first) into `<home>/<dir>/`.
fn write_bundle(home: &Home, dir: &str, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = home.path().join(dir).join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// Pushes `<home>/<dir>` as `acme/<repository>` (tagged with its version, or forced over `tag`);
/// returns the manifest digest.
fn push(home: &Home, registry: &Registry, dir: &str, repository: &str, force: bool) -> String {
    let target = format!("oci://{}/acme/{repository}", registry.addr);
    let mut args = vec!["push", target.as_str(), "-p", dir];
    if force {
        args.push("-f");
    }
    let out = ok(&home.pacto(&args, &[]));
    out.lines().find_map(|it| it.strip_prefix("Digest: ")).expect("push prints the digest").to_owned()
}

/// The policy every test publishes: `policy/schema.json` requiring an owner (no `policies[]`, so the
/// fixed schema path applies, pacto-v2.md §3.4).
const OWNER_SCHEMA: &str =
    r#"{"type": "object", "properties": {"service": {"type": "object", "required": ["owner"]}}}"#;

/// A policy provider 1.0.0 named `name` in `dir`: a contract and [`OWNER_SCHEMA`].
fn write_policy_provider(home: &Home, dir: &str, name: &str) {
    write_bundle(home, dir, &[("pacto.yaml", &contract(name, "1.0.0", "")), ("policy/schema.json", OWNER_SCHEMA)]);
}

fn publish_policy(home: &Home, registry: &Registry) -> String {
    write_policy_provider(home, "src/org-policy", "org-policy");
    push(home, registry, "src/org-policy", "org-policy", false)
}

/// `provider/` and `svc/`, whose policy is `provider` by a local ref, which publishing refuses.
fn write_local_policy_ref(home: &Home) {
    write_policy_provider(home, "provider", "provider");
    write_bundle(
        home,
        "svc",
        &[("pacto.yaml", &contract("svc", "1.0.0", "policies:\n  - {name: local, ref: ../provider}\n"))],
    );
}

/// ledger 1.0.0; payments 2.0.0 → ledger; the org policy; `orders/` (local) → payments (tag-less,
/// `^2.0.0`) and `../audit` (local), with the org policy by ref.
struct World {
    registry: Registry,
    home: Home,
    ledger: String,
    payments: String,
    policy: String,
}

fn world() -> World {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    write_bundle(&home, "src/ledger", &[("pacto.yaml", &contract("ledger", "1.0.0", ""))]);
    let ledger = push(&home, &registry, "src/ledger", "ledger", false);
    let payments_deps = deps(&registry, &[("ledger", "oci://<registry>/acme/ledger:1.0.0", "^1.0.0")]);
    write_bundle(&home, "src/payments", &[("pacto.yaml", &contract("payments", "2.0.0", &payments_deps))]);
    let payments = push(&home, &registry, "src/payments", "payments", false);
    let policy = publish_policy(&home, &registry);
    write_bundle(&home, "audit", &[("pacto.yaml", &contract("audit", "1.0.0", ""))]);
    write_orders(
        &home,
        &registry,
        &[("payments", "oci://<registry>/acme/payments", "^2.0.0"), ("audit", "../audit", "^1.0.0")],
    );
    World { registry, home, ledger, payments, policy }
}

fn write_orders(home: &Home, registry: &Registry, items: &[(&str, &str, &str)]) {
    let policies = format!("policies:\n  - {{name: org, ref: \"oci://{}/acme/org-policy:1.0.0\"}}\n", registry.addr);
    let extra = format!("{}{policies}", deps(registry, items));
    write_bundle(home, "orders", &[("pacto.yaml", &contract("orders", "1.0.0", &extra))]);
}

impl World {
    fn pacto(&self, args: &[&str]) -> std::process::Output {
        self.home.pacto(args, &[])
    }

    fn lock_text(&self) -> String {
        self.mask(&fs::read_to_string(self.home.path().join("orders/pacto.lock")).unwrap())
    }

    /// The registry's address and the known digests by name; other hashes as `<hash>`.
    fn mask(&self, text: &str) -> String {
        let mut out = text
            .replace(&self.registry.addr, "<registry>")
            .replace(&self.ledger, "<ledger>")
            .replace(&self.payments, "<payments>")
            .replace(&self.policy, "<policy>");
        while let Some(at) = out.find("sha256:") {
            out.replace_range(at..at + 71, "<hash>");
        }
        out
    }
}

#[test]
fn lock_writes_checks_and_keeps_pins_until_updated() {
    let w = world();
    assert_eq!(ok(&w.pacto(&["lock", "orders"])), "wrote orders/pacto.lock (3 dependencies, 1 references)\n");
    expect_test::expect![[r#"
        lockVersion: 3
        pacto:
          version: "0.1.0"
        root:
          name: "orders"
          version: "1.0.0"
        dependencies:
          - name: "audit"
            source: "local"
            path: "../audit"
            constraint: "^1.0.0"
            version: "1.0.0"
            contentHash: "<hash>"
          - name: "ledger"
            source: "oci"
            ref: "oci://<registry>/acme/ledger:1.0.0"
            constraint: "^1.0.0"
            version: "1.0.0"
            digest: "<ledger>"
          - name: "payments"
            source: "oci"
            ref: "oci://<registry>/acme/payments"
            constraint: "^2.0.0"
            version: "2.0.0"
            digest: "<payments>"
            dependsOn:
              - "ledger"
        references:
          - kind: "policy"
            name: "org"
            source: "oci"
            ref: "oci://<registry>/acme/org-policy:1.0.0"
            version: "1.0.0"
            digest: "<policy>"
    "#]]
    .assert_eq(&w.lock_text());
    let written = fs::read(w.home.path().join("orders/pacto.lock")).unwrap();
    assert_eq!(ok(&w.pacto(&["lock", "orders"])), "pacto.lock is up to date (3 dependencies, 1 references)\n");
    assert_eq!(
        ok(&w.pacto(&["lock", "--check", "--output-format", "json", "orders"])),
        "{\n  \"path\": \"orders/pacto.lock\",\n  \"dependencies\": 3,\n  \"references\": 1,\n  \"upToDate\": true\n}\n"
    );
    assert_eq!(fs::read(w.home.path().join("orders/pacto.lock")).unwrap(), written, "an up-to-date lock was rewritten");
    assert_eq!(ok(&w.pacto(&["validate", "orders"])), "orders is valid\n");

    // payments 2.0.0 is pushed again with other content: the tag moves, the lock does not follow.
    let payments_deps = deps(&w.registry, &[("ledger", "oci://<registry>/acme/ledger:1.0.0", "^1.0.0")]);
    let moved = contract("payments", "2.0.0", &format!("{payments_deps}workload: service\n"));
    write_bundle(&w.home, "src/payments", &[("pacto.yaml", &moved)]);
    let repushed = push(&w.home, &w.registry, "src/payments", "payments", true);
    let mismatch = format!(
        "LOCK_DIGEST_MISMATCH: payments locked at {} but resolves to {repushed}; run `pacto lock --update` to re-pin",
        w.payments
    );
    // Our own push refreshed the cached tag mapping, so the check sees the new digest.
    assert_eq!(failed(&w.pacto(&["lock", "--check", "orders"])), format!("{mismatch}\n"));
    let validate = w.pacto(&["validate", "--output-format", "json", "orders"]);
    assert_eq!(validate.status.code(), Some(1));
    assert_eq!(
        common::stdout(&validate),
        format!(
            "{{\n  \"Path\": \"orders\",\n  \"Valid\": false,\n  \"Errors\": [\n    {{\n      \"Path\": \"\",\n      \"Code\": \"LOCK_DIGEST_MISMATCH\",\n      \"Message\": {}\n    }}\n  ],\n  \"Warnings\": null\n}}\n",
            serde_json::to_string(mismatch.strip_prefix("LOCK_DIGEST_MISMATCH: ").unwrap()).unwrap()
        )
    );
    let text = w.pacto(&["validate", "orders"]);
    assert_eq!(common::stdout(&text), "orders is invalid\n");
    assert_eq!(
        common::stderr(&text),
        format!("  ERROR [LOCK_DIGEST_MISMATCH] : {}\nvalidation failed with 1 error(s)\n", &mismatch[22..])
    );
    assert_eq!(failed(&w.pacto(&["graph", "orders"])), format!("{mismatch}\n"));
    assert_eq!(failed(&w.pacto(&["diff", "orders", "orders"])), format!("{mismatch}\n"));
    let target = format!("oci://{}/acme/orders", w.registry.addr);
    // push checks its local dependencies before the lock (the stale-lock refusal is in the pack test).
    assert_eq!(
        failed(&w.pacto(&["push", &target, "-p", "orders"])),
        "local dependency detected: ../audit\nLocal dependencies are not allowed when publishing. All dependencies must use OCI references (oci://...)\n"
    );

    // Plain `pacto lock` keeps the old pin (a re-push stays drift); `--update-name` re-pins it.
    assert_eq!(ok(&w.pacto(&["lock", "orders"])), "pacto.lock is up to date (3 dependencies, 1 references)\n");
    assert_eq!(
        ok(&w.pacto(&["lock", "--update-name", "payments", "orders"])),
        "wrote orders/pacto.lock (3 dependencies, 1 references)\n"
    );
    assert!(fs::read_to_string(w.home.path().join("orders/pacto.lock")).unwrap().contains(&repushed));
    ok(&w.pacto(&["lock", "--check", "orders"]));

    // A local dependency's content changes: drift until `--update`.
    fs::write(w.home.path().join("audit/notes.md"), "new\n").unwrap();
    assert_eq!(
        failed(&w.pacto(&["lock", "--check", "orders"])),
        "LOCK_LOCAL_DRIFT: local dependency audit content changed since lock; run `pacto lock --update`\n"
    );
    assert_eq!(
        ok(&w.pacto(&["lock", "--update", "orders"])),
        "wrote orders/pacto.lock (3 dependencies, 1 references)\n"
    );
    assert_eq!(ok(&w.pacto(&["validate", "orders"])), "orders is valid\n");

    // The policy provider's tag moves: the reference is pinned like a dependency.
    let stricter = OWNER_SCHEMA.replace("\"type\": \"object\",", "\"type\": \"object\", \"required\": [\"service\"],");
    write_bundle(&w.home, "src/org-policy", &[("policy/schema.json", &stricter)]);
    let moved_policy = push(&w.home, &w.registry, "src/org-policy", "org-policy", true);
    assert_eq!(
        failed(&w.pacto(&["lock", "--check", "orders"])),
        format!(
            "LOCK_DIGEST_MISMATCH: policy/org locked at {} but resolves to {moved_policy}; run `pacto lock --update` to re-pin\n",
            w.policy
        )
    );
}

#[test]
fn lock_codes_stale_missing_conflict_unresolved_duplicate_error() {
    let w = world();
    assert_eq!(failed(&w.pacto(&["lock", "--check", "orders"])), "LOCK_MISSING: no pacto.lock found\n");
    ok(&w.pacto(&["lock", "orders"]));
    let lock_file = w.home.path().join("orders/pacto.lock");
    let locked = fs::read_to_string(&lock_file).unwrap();

    // One dependency fewer: the set changed.
    write_orders(&w.home, &w.registry, &[("payments", "oci://<registry>/acme/payments", "^2.0.0")]);
    let stale = "LOCK_STALE: dependency set changed; run `pacto lock`\n";
    assert_eq!(failed(&w.pacto(&["lock", "--check", "orders"])), stale);
    assert_eq!(
        common::stderr(&w.pacto(&["validate", "orders"])),
        "  ERROR [LOCK_STALE] : dependency set changed; run `pacto lock`\nvalidation failed with 1 error(s)\n"
    );
    // Same count, another service: a new dependency by name.
    write_bundle(&w.home, "audit2", &[("pacto.yaml", &contract("audit2", "1.0.0", ""))]);
    let renamed = [("payments", "oci://<registry>/acme/payments", "^2.0.0"), ("audit", "../audit2", "^1.0.0")];
    write_orders(&w.home, &w.registry, &renamed);
    assert_eq!(
        failed(&w.pacto(&["lock", "--check", "orders"])),
        "LOCK_STALE: new dependency audit2; run `pacto lock`\n"
    );

    // An old lock version is stale even when everything matches.
    write_orders(
        &w.home,
        &w.registry,
        &[("payments", "oci://<registry>/acme/payments", "^2.0.0"), ("audit", "../audit", "^1.0.0")],
    );
    fs::write(&lock_file, locked.replace("lockVersion: 3", "lockVersion: 2")).unwrap();
    assert_eq!(
        failed(&w.pacto(&["lock", "--check", "orders"])),
        "LOCK_STALE: lockVersion 2 is older than 3; run `pacto lock`\n"
    );
    // An unreadable lock is LOCK_ERROR in validate.
    fs::write(&lock_file, locked.replace("lockVersion: 3", "lockVersion: 9")).unwrap();
    assert_eq!(
        common::stderr(&w.pacto(&["validate", "orders"])),
        "  ERROR [LOCK_ERROR] : unsupported lockVersion 9 (want 1..3)\nvalidation failed with 1 error(s)\n"
    );
    fs::write(&lock_file, &locked).unwrap();

    // payments → ledger 1.0.0 while orders wants ledger 1.1.0: a conflict.
    write_bundle(&w.home, "src/ledger11", &[("pacto.yaml", &contract("ledger", "1.1.0", ""))]);
    push(&w.home, &w.registry, "src/ledger11", "ledger", false);
    let conflicting = [
        ("payments", "oci://<registry>/acme/payments", "^2.0.0"),
        ("ledger", "oci://<registry>/acme/ledger:1.1.0", "^1.0.0"),
    ];
    write_orders(&w.home, &w.registry, &conflicting);
    assert_eq!(failed(&w.pacto(&["lock", "orders"])), "LOCK_CONFLICT: ledger required at conflicting versions\n");
    assert_eq!(
        common::stderr(&w.pacto(&["validate", "orders"])),
        "  ERROR [LOCK_CONFLICT] : ledger required at conflicting versions\nvalidation failed with 1 error(s)\n"
    );

    // A repository that does not exist: unresolved, with the registry's answer.
    write_orders(&w.home, &w.registry, &[("gone", "oci://<registry>/acme/gone:1.0.0", "^1.0.0")]);
    assert_eq!(
        failed(&w.pacto(&["lock", "orders"])),
        format!(
            "LOCK_UNRESOLVED: cannot resolve oci://{0}/acme/gone:1.0.0: artifact not found: {0}/acme/gone:1.0.0\n",
            w.registry.addr
        )
    );
    assert_eq!(fs::read_to_string(&lock_file).unwrap(), locked, "a failed lock touched pacto.lock");

    // Two policies named alike: the closure cannot tell them apart.
    let twice = format!(
        "policies:\n  - {{name: org, ref: \"oci://{0}/acme/org-policy:1.0.0\"}}\n  - {{name: org, schema: p.json}}\n  - {{name: org, ref: \"oci://{0}/acme/org-policy:1.0.0\"}}\n",
        w.registry.addr
    );
    write_bundle(&w.home, "orders", &[("pacto.yaml", &contract("orders", "1.0.0", &twice))]);
    assert_eq!(
        failed(&w.pacto(&["lock", "orders"])),
        "LOCK_DUPLICATE_DECLARATION: policy \"org\" declared by the root contract more than once; names must be unique\n"
    );

    // A misspelt `--update-name` is an error, not a silent no-op; `.` names the file plainly.
    let original = [("payments", "oci://<registry>/acme/payments", "^2.0.0"), ("audit", "../audit", "^1.0.0")];
    write_orders(&w.home, &w.registry, &original);
    assert_eq!(
        failed(&w.pacto(&["lock", "--update-name", "paymnts", "orders"])),
        "--update-name paymnts: no dependency named paymnts in the closure\n"
    );
    let here = w.home.command(&["lock"], &[]).current_dir(w.home.path().join("orders")).output().unwrap();
    assert_eq!(ok(&here), "pacto.lock is up to date (3 dependencies, 1 references)\n");
    // A pacto.lock that is not a regular file is never opened (a FIFO would block).
    fs::remove_file(&lock_file).unwrap();
    fs::create_dir(&lock_file).unwrap();
    assert_eq!(
        common::stderr(&w.pacto(&["validate", "orders"])),
        "  ERROR [LOCK_ERROR] : failed to read pacto.lock: not a regular file\nvalidation failed with 1 error(s)\n"
    );
    fs::remove_dir(&lock_file).unwrap();
    assert_eq!(ok(&here_again(&w)), "wrote pacto.lock (3 dependencies, 1 references)\n");

    // Refusals before any work.
    assert_eq!(
        failed(&w.pacto(&["lock", "oci://r.io/acme/x:1.0.0"])),
        "pacto lock requires a local directory, not an OCI reference\n"
    );
    assert_eq!(failed(&w.pacto(&["lock", "payments-api"])), "pacto lock requires a pactoVersion \"2.0\" contract\n");
    assert!(!w.home.path().join("payments-api/pacto.lock").exists());
}

/// `pacto lock` run inside `orders/`.
fn here_again(w: &World) -> std::process::Output {
    w.home.command(&["lock"], &[]).current_dir(w.home.path().join("orders")).output().unwrap()
}

#[test]
fn lock_offline_down_and_unauthorized_name_the_cause() {
    let mut w = world();
    let out = failed(&w.home.pacto(&["lock", "--no-cache", "orders"], &[("PACTO_OFFLINE", "1")]));
    assert_eq!(
        out,
        format!(
            "LOCK_UNRESOLVED: cannot resolve oci://{0}/acme/payments: not fetched: oci://{0}/acme/payments (offline: PACTO_OFFLINE is set)\n",
            w.registry.addr
        )
    );
    // The registry goes away: with no cache, the edge is unresolved with the cause.
    w.registry.stop();
    let down = failed(&w.pacto(&["lock", "--no-cache", "orders"]));
    let payments = format!("{}/acme/payments", w.registry.addr);
    assert_eq!(
        down,
        format!(
            "LOCK_UNRESOLVED: cannot resolve oci://{payments}: registry unreachable for {payments}: error sending request for url (https://{}/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)\n",
            w.registry.addr
        )
    );
    // A registry that wants credentials we do not have.
    let auth = Registry::start(Mode::Auth);
    let guarded = format!("{}/acme/payments:2.0.0", auth.addr);
    write_orders(&w.home, &w.registry, &[("payments", &format!("oci://{guarded}"), "^2.0.0")]);
    assert_eq!(
        failed(&w.pacto(&["lock", "orders"])),
        format!(
            "LOCK_UNRESOLVED: cannot resolve oci://{guarded}: authentication failed for {guarded}: {} requires credentials and none were found (HTTP 401) \u{2014} run `pacto login` or check PACTO_REGISTRY_TOKEN\n",
            auth.addr
        )
    );
}

/// The policy of `orders` comes from the registry: an owner-less contract violates it, the finding names
/// the policy; a provider with its own `policies[]` shows the chain in the origin.
#[test]
fn policy_oci_ref_is_fetched_and_enforced_with_its_origin() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    publish_policy(&home, &registry);
    let policies = format!("policies:\n  - {{name: org, ref: \"oci://{}/acme/org-policy:1.0.0\"}}\n", registry.addr);
    let ownerless = format!("pactoVersion: \"2.0\"\nservice:\n  name: svc\n  version: 1.0.0\n{policies}");
    write_bundle(&home, "svc", &[("pacto.yaml", &ownerless)]);
    let out = home.pacto(&["validate", "svc"], &[]);
    assert_eq!(common::stdout(&out), "svc is invalid\n");
    assert_eq!(
        common::stderr(&out),
        "  ERROR [POLICY_VIOLATION] : policy policies[\"org\"]: at '/service': missing property 'owner'\n     --> svc/pacto.yaml:2:1\n      |\n    2 | service:\n      | ^^^^^^^\nvalidation failed with 1 error(s)\n"
    );
    // push enforces it too; pack only warns (it validates without a resolver).
    let target = format!("oci://{}/acme/svc", registry.addr);
    let push = failed(&home.pacto(&["push", &target, "-p", "svc"], &[]));
    assert!(push.starts_with("  ERROR [POLICY_VIOLATION] : policy policies[\"org\"]"), "{push}");
    assert!(push.ends_with("contract validation failed with 1 error(s)\n"), "{push}");
    assert_eq!(ok(&home.pacto(&["pack", "svc", "-o", "svc.tgz"], &[])), "Packed svc@1.0.0 -> svc.tgz\n");

    // A provider that declares its own policies: the origin is the chain.
    let nested = format!("policies:\n  - {{name: base, ref: \"oci://{}/acme/org-policy:1.0.0\"}}\n", registry.addr);
    write_bundle(&home, "src/platform", &[("pacto.yaml", &contract("platform", "1.0.0", &nested))]);
    ok(&home.pacto(&["push", &format!("oci://{}/acme/platform", registry.addr), "-p", "src/platform"], &[]));
    let via = format!("policies:\n  - {{name: platform, ref: \"oci://{}/acme/platform:1.0.0\"}}\n", registry.addr);
    write_bundle(
        &home,
        "svc2",
        &[("pacto.yaml", &format!("pactoVersion: \"2.0\"\nservice:\n  name: svc2\n  version: 1.0.0\n{via}"))],
    );
    let out = home.pacto(&["validate", "--output-format", "json", "svc2"], &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["Errors"][0]["Message"],
        format!(
            "policy oci://{}/acme/platform:1.0.0 \u{2192} policies[\"base\"]: at '/service': missing property 'owner'",
            registry.addr
        )
    );
    assert_eq!(report["Errors"][0]["Code"], "POLICY_VIOLATION");
}

/// 404, 401, a registry that is down, a cycle: each fails closed as `POLICY_REF_UNRESOLVED` (or
/// `POLICY_REF_CYCLE`) with the cause, never a silent pass.
#[test]
fn policy_oci_ref_fails_closed_on_404_401_down_and_cycles() {
    let mut registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let policy = |reference: &str| {
        format!(
            "pactoVersion: \"2.0\"\nservice:\n  name: svc\n  version: 1.0.0\npolicies:\n  - {{name: org, ref: \"{reference}\"}}\n"
        )
    };
    let message = |home: &Home, envs: &[(&str, &str)]| {
        let out = home.pacto(&["validate", "--output-format", "json", "svc"], envs);
        assert_eq!(out.status.code(), Some(1));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        format!(
            "{} {}",
            report["Errors"][0]["Code"].as_str().unwrap(),
            report["Errors"][0]["Message"].as_str().unwrap()
        )
    };
    let missing = format!("oci://{}/acme/nothing:1.0.0", registry.addr);
    write_bundle(&home, "svc", &[("pacto.yaml", &policy(&missing))]);
    assert_eq!(
        message(&home, &[]),
        format!(
            "POLICY_REF_UNRESOLVED policy policies[\"org\"]: failed to resolve ref \"{missing}\": artifact not found: {}/acme/nothing:1.0.0",
            registry.addr
        )
    );

    // A cycle: platform → base → platform, built by pushing base first against the old platform.
    write_policy_provider(&home, "src/platform", "platform");
    ok(&home.pacto(&["push", &format!("oci://{}/acme/platform", registry.addr), "-p", "src/platform"], &[]));
    let to = |repository: &str| {
        format!("policies:\n  - {{name: next, ref: \"oci://{}/acme/{repository}:1.0.0\"}}\n", registry.addr)
    };
    write_bundle(&home, "src/base", &[("pacto.yaml", &contract("base", "1.0.0", &to("platform")))]);
    ok(&home.pacto(&["push", &format!("oci://{}/acme/base", registry.addr), "-p", "src/base"], &[]));
    write_bundle(&home, "src/platform", &[("pacto.yaml", &contract("platform", "1.0.0", &to("base")))]);
    ok(&home.pacto(&["push", "-f", &format!("oci://{}/acme/platform", registry.addr), "-p", "src/platform"], &[]));
    let platform = format!("oci://{}/acme/platform:1.0.0", registry.addr);
    let base = format!("oci://{}/acme/base:1.0.0", registry.addr);
    write_bundle(&home, "svc", &[("pacto.yaml", &policy(&platform))]);
    assert_eq!(
        message(&home, &[]),
        format!(
            "POLICY_REF_CYCLE policy {platform} \u{2192} policies[\"next\"]: cycle detected resolving ref \"{base}\" (chain: [{platform} {base} {platform} {base}])"
        )
    );

    // The registry goes away: with no cache to stand in, the ref fails closed with the cause.
    write_bundle(&home, "svc", &[("pacto.yaml", &policy(&missing))]);
    registry.stop();
    let down = message(&home, &[("PACTO_NO_CACHE", "1")]);
    let target = missing.strip_prefix("oci://").unwrap();
    assert_eq!(
        down,
        format!(
            "POLICY_REF_UNRESOLVED policy policies[\"org\"]: failed to resolve ref \"{missing}\": registry unreachable for {target}: error sending request for url (https://{}/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)",
            registry.addr
        )
    );
    let offline = message(&home, &[("PACTO_OFFLINE", "1")]);
    assert_eq!(
        offline,
        format!(
            "POLICY_REF_UNRESOLVED policy policies[\"org\"]: failed to resolve ref \"{missing}\": not fetched: {missing} (offline: PACTO_OFFLINE is set)"
        )
    );

    // A registry that wants credentials we do not have.
    let auth = Registry::start(Mode::Auth);
    let guarded = format!("oci://{}/acme/org-policy:1.0.0", auth.addr);
    write_bundle(&home, "svc", &[("pacto.yaml", &policy(&guarded))]);
    let unauthorized = message(&home, &[]);
    let target = guarded.strip_prefix("oci://").unwrap();
    assert_eq!(
        unauthorized,
        format!(
            "POLICY_REF_UNRESOLVED policy policies[\"org\"]: failed to resolve ref \"{guarded}\": authentication failed for {target}: {} requires credentials and none were found (HTTP 401) \u{2014} run `pacto login` or check PACTO_REGISTRY_TOKEN",
            auth.addr
        )
    );
}

/// Two packs of one 2.0 bundle are the same bytes; `.pactoignore` leaves files out, `pacto.lock` travels;
/// the pushed bundle pulls back with exactly that file set.
#[test]
fn pack_v2_is_reproducible_honours_pactoignore_and_ships_the_lock() {
    let w = world();
    ok(&w.pacto(&["lock", "orders"]));
    write_bundle(
        &w.home,
        "orders",
        &[(".pactoignore", "notes/\n*.log\n"), ("notes/todo.md", "x\n"), ("debug.log", "x\n")],
    );
    assert_eq!(ok(&w.pacto(&["pack", "orders", "-o", "a.tar.gz"])), "Packed orders@1.0.0 -> a.tar.gz\n");
    // A different mtime on every file must not change a byte.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(w.home.path().join("orders/pacto.yaml"), fs::read(w.home.path().join("orders/pacto.yaml")).unwrap())
        .unwrap();
    ok(&w.pacto(&["pack", "orders", "-o", "b.tar.gz"]));
    let (a, b) = (fs::read(w.home.path().join("a.tar.gz")).unwrap(), fs::read(w.home.path().join("b.tar.gz")).unwrap());
    assert_eq!(pacto_oci::Digest::of(&a), pacto_oci::Digest::of(&b));
    let bundle = pacto_oci::Bundle::from_archive(a.as_slice(), &pacto_oci::Limits::DEFAULT).unwrap();
    let names: Vec<&str> = bundle.entries().map(|it| it.0).collect();
    assert_eq!(names, ["pacto.lock", "pacto.yaml"]);

    // Publishable: the policy ref is already oci://; the local dependency goes, the lock follows.
    write_orders(&w.home, &w.registry, &[("payments", "oci://<registry>/acme/payments", "^2.0.0")]);
    let target = format!("oci://{}/acme/orders", w.registry.addr);
    // The lock still pins audit: push refuses it before anything is sent.
    assert_eq!(
        failed(&w.pacto(&["push", &target, "-p", "orders"])),
        "LOCK_STALE: dependency set changed; run `pacto lock`\n"
    );
    ok(&w.pacto(&["lock", "orders"]));
    let pushed = ok(&w.pacto(&["push", &target, "-p", "orders"]));
    assert!(pushed.starts_with("Pushed orders@1.0.0 -> "), "{pushed}");
    let pulled = ok(&w.pacto(&["pull", &format!("{target}:1.0.0"), "-o", "back"]));
    assert_eq!(pulled, "Pulled orders@1.0.0 -> back/\n");
    let mut files: Vec<String> = fs::read_dir(w.home.path().join("back"))
        .unwrap()
        .map(|it| it.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["pacto.lock", "pacto.yaml"]);
    assert_eq!(
        fs::read(w.home.path().join("back/pacto.lock")).unwrap(),
        fs::read(w.home.path().join("orders/pacto.lock")).unwrap()
    );
    // Pulled bundles never check a lock (an OCI argument), but the local copy validates against it.
    assert_eq!(ok(&w.pacto(&["validate", "back"])), "back is valid\n");
}

/// Publishing refuses local configuration and policy refs (pacto-v2.md §6.6).
#[test]
fn push_v2_refuses_local_config_and_policy_refs() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    write_local_policy_ref(&home);
    let target = format!("oci://{}/acme/svc", registry.addr);
    assert_eq!(
        failed(&home.pacto(&["push", &target, "-p", "svc"], &[])),
        "local policy ref detected: ../provider (policies[0])\nLocal references are not allowed when publishing. Use an OCI reference (oci://...)\n"
    );
    write_bundle(
        &home,
        "svc",
        &[(
            "pacto.yaml",
            &contract("svc", "1.0.0", "configurations:\n  - {name: db, ref: ../provider, required: true}\n"),
        )],
    );
    assert_eq!(
        failed(&home.pacto(&["push", &target, "-p", "svc"], &[])),
        "local config ref detected: ../provider (configurations[\"db\"])\nLocal references are not allowed when publishing. Use an OCI reference (oci://...)\n"
    );
}

/// A pulled contract has no directory: its local policy refs fail closed, for `validate oci://…` as
/// inside a pulled provider. Such a bundle cannot come from `pacto push` (it refuses local refs), so it
/// is packed and stored with raw requests, as another tool might publish it.
#[test]
fn policy_local_ref_inside_a_pulled_bundle_fails_closed() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    write_local_policy_ref(&home);
    // pack validates without a resolver: the ref entry is only warned about.
    assert_eq!(ok(&home.pacto(&["pack", "svc", "-o", "svc.tgz"], &[])), "Packed svc@1.0.0 -> svc.tgz\n");
    let layer = fs::read(home.path().join("svc.tgz")).unwrap();
    pacto_testkit::registry::raw::push_image(&registry.addr, "acme/svc", "1.0.0", &[&layer]);
    let out = home.pacto(&["validate", &format!("oci://{}/acme/svc:1.0.0", registry.addr)], &[]);
    assert_eq!(out.status.code(), Some(1));
    let first = common::stderr(&out).lines().next().unwrap().to_owned();
    assert_eq!(
        first,
        "  ERROR [POLICY_REF_UNRESOLVED] : policy policies[\"local\"]: failed to resolve ref \"../provider\": local reference inside an OCI bundle cannot be resolved"
    );
    // The same bundle validated from its directory resolves the provider next to it.
    assert_eq!(ok(&home.pacto(&["validate", "svc"], &[])), "svc is valid\n");
}
