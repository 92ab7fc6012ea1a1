//! Registry faults, each ending in one clear error and nothing lost: no output directory, no corrupt cache.
//! What Distribution can hold (two layers, hostile tars, a gzip bomb, an oversized layer) is stored in the
//! real registry with raw requests; what it never answers (a 500, wrong bytes for a digest, silence) comes
//! from the fake registry. Covered elsewhere: registry down, 401 and 404, an existing tag, a local
//! dependency (`registry.rs`); limits crossed one by one (`pacto-oci`'s bundle tests).

mod common;

use std::collections::HashMap;
use std::fs;

use pacto_oci::Digest;
use pacto_oci::limits::{MAX_COMPRESSED_BYTES, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use pacto_testkit::registry::fake::{FakeRegistry, Reply, example_routes};
use pacto_testkit::registry::home::{Home, failed, files_below, ok};
use pacto_testkit::registry::raw::{self, TarEntry};
use pacto_testkit::registry::{Mode, Registry};

/// The registry timeout the slow-registry test sets, in seconds: short, so the test stays fast.
const SHORT_TIMEOUT: &str = "0.5";

/// Pulls `reference` into `out` and returns the error, after checking that nothing was written and the
/// cache holds nothing.
#[track_caller]
fn pull_fails(home: &Home, reference: &str, envs: &[(&str, &str)]) -> String {
    let err = failed(&home.pacto(&["pull", &format!("oci://{reference}"), "-o", "out"], envs));
    assert!(!home.path().join("out").exists(), "a failed pull left an output directory");
    assert_eq!(home.cached_blobs(), Vec::<String>::new(), "a failed pull cached blobs");
    err
}

#[test]
fn fault_slow_registry_times_out_with_the_configured_timeout() {
    let fake = FakeRegistry::silent();
    let home = Home::new();
    let timeout = [("PACTO_REGISTRY_TIMEOUT", SHORT_TIMEOUT)];
    let reference = format!("{}/acme/svc:1.0.0", fake.addr);
    assert_eq!(
        pull_fails(&home, &reference, &timeout),
        format!("registry unreachable for {reference}: no answer within 0.5 s\n")
    );
    let push = failed(&home.pacto(&["push", &format!("oci://{}/acme/svc", fake.addr), "-p", "payments-api"], &timeout));
    assert_eq!(push, format!("registry unreachable for {}/acme/svc:2.1.0: no answer within 0.5 s\n", fake.addr));
    assert!(!fake.requests().is_empty(), "the fake registry was never asked");
    let bad = failed(&home.pacto(&["pull", &format!("oci://{reference}")], &[("PACTO_REGISTRY_TIMEOUT", "soon")]));
    assert_eq!(bad, "invalid PACTO_REGISTRY_TIMEOUT \"soon\": expected a positive number of seconds\n");
}

#[test]
fn fault_fake_registry_serving_the_example_is_pulled() {
    // The fake is a faithful registry until a test breaks it: this is what the faults below depart from.
    let (routes, _) = example_routes("acme/svc", "1.0.0");
    let fake = FakeRegistry::start(routes);
    let home = Home::new();
    let pulled = ok(&home.pacto(&["pull", &format!("oci://{}/acme/svc:1.0.0", fake.addr), "-o", "out"], &[]));
    assert_eq!(pulled, "Pulled payments-api@2.1.0 -> out/\n");
    assert_eq!(files_below(&home.path().join("out")), files_below(&common::example()));
}

#[test]
fn fault_server_error_is_reported_with_its_status() {
    let routes = HashMap::from([(
        "GET /v2/acme/svc/manifests/1.0.0".to_owned(),
        Reply::Body { status: 500, content_type: "text/plain", digest: None, body: b"storage backend down\n".to_vec() },
    )]);
    let fake = FakeRegistry::start(routes);
    let home = Home::new();
    let reference = format!("{}/acme/svc:1.0.0", fake.addr);
    assert_eq!(
        pull_fails(&home, &reference, &[]),
        format!("registry unreachable for {reference}: the registry answered HTTP 500: storage backend down\n")
    );
}

#[test]
fn fault_blob_whose_bytes_do_not_match_its_digest_is_refused() {
    let (mut routes, artifact) = example_routes("acme/svc", "1.0.0");
    let layer = artifact.layer.descriptor.digest.to_string();
    let mut tampered = artifact.layer.bytes.clone();
    tampered[20] ^= 0xff;
    routes.insert(
        format!("GET /v2/acme/svc/blobs/{layer}"),
        Reply::Body { status: 200, content_type: "application/octet-stream", digest: None, body: tampered.clone() },
    );
    let fake = FakeRegistry::start(routes);
    let home = Home::new();
    let reference = format!("{}/acme/svc:1.0.0", fake.addr);
    assert_eq!(
        pull_fails(&home, &reference, &[]),
        format!("layer of {reference} has digest {}, not the expected {layer}\n", Digest::of(&tampered))
    );

    // A manifest that is not the one the digest reference names.
    let wrong = "sha256:".to_owned() + &"0".repeat(64);
    let by_digest = format!("{}/acme/svc@{wrong}", fake.addr);
    let (mut routes, artifact) = example_routes("acme/svc", "1.0.0");
    let manifest = routes.remove("GET /v2/acme/svc/manifests/1.0.0").unwrap();
    routes.insert(format!("GET /v2/acme/svc/manifests/{wrong}"), manifest);
    let fake_by_digest = FakeRegistry::start(routes);
    let by_digest = by_digest.replace(&fake.addr, &fake_by_digest.addr);
    assert_eq!(
        pull_fails(&home, &by_digest, &[]),
        format!(
            "manifest of {by_digest} has digest {}, not the expected {wrong}\n",
            artifact.manifest.descriptor.digest
        )
    );
}

#[test]
fn fault_manifest_with_two_layers_or_none_is_refused() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let layer = raw::layer_with(&[]);
    let other = raw::layer_with(&[TarEntry::file("extra.txt", b"x")]);
    raw::push_image(&registry.addr, "acme/layers", "two", &[&layer, &other]);
    raw::push_image(&registry.addr, "acme/layers", "none", &[]);
    let two = format!("{}/acme/layers:two", registry.addr);
    assert_eq!(pull_fails(&home, &two, &[]), format!("invalid artifact {two}: expected 1 layer, got 2\n"));
    let none = format!("{}/acme/layers:none", registry.addr);
    assert_eq!(pull_fails(&home, &none, &[]), format!("invalid artifact {none}: image has no layers\n"));
    // The same registry serves a one-layer image of the same blobs.
    raw::push_image(&registry.addr, "acme/layers", "one", &[&layer]);
    let one = format!("oci://{}/acme/layers:one", registry.addr);
    assert_eq!(ok(&home.pacto(&["pull", &one, "-o", "out"], &[])), "Pulled hostile@1.0.0 -> out/\n");
}

#[test]
fn fault_oversized_layer_is_refused_before_and_during_download() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let over = vec![7u8; MAX_COMPRESSED_BYTES as usize + 1];
    raw::push_image(&registry.addr, "acme/big", "1.0.0", &[&over]);
    let reference = format!("{}/acme/big:1.0.0", registry.addr);
    assert_eq!(
        pull_fails(&home, &reference, &[]),
        format!(
            "layer of {reference} is {} bytes, over the maximum compressed size of {MAX_COMPRESSED_BYTES} bytes\n",
            MAX_COMPRESSED_BYTES + 1
        )
    );

    // A registry that declares a small layer and sends more is cut off at the limit.
    let (mut routes, artifact) = example_routes("acme/svc", "1.0.0");
    let layer = artifact.layer.descriptor.digest.to_string();
    routes.insert(
        format!("GET /v2/acme/svc/blobs/{layer}"),
        Reply::Body { status: 200, content_type: "application/octet-stream", digest: None, body: over },
    );
    let fake = FakeRegistry::start(routes);
    let reference = format!("{}/acme/svc:1.0.0", fake.addr);
    assert_eq!(
        pull_fails(&home, &reference, &[]),
        format!(
            "layer of {reference} is {} bytes, over the maximum compressed size of {MAX_COMPRESSED_BYTES} bytes\n",
            MAX_COMPRESSED_BYTES + 1
        )
    );
}

#[test]
fn fault_gzip_bomb_is_stopped_at_the_total_size_limit() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    // Files at the per-file limit: megabytes of zeros that compress to kilobytes each. With the contract's
    // few bytes, the file that fills the total to its limit is the one that crosses it.
    let zeros = vec![0u8; MAX_FILE_BYTES as usize];
    let n_files = (MAX_TOTAL_BYTES / MAX_FILE_BYTES) as usize;
    let names: Vec<String> = (0..n_files).map(|idx| format!("bomb-{idx}")).collect();
    let entries: Vec<TarEntry<'_>> = names.iter().map(|name| TarEntry::file(name, &zeros)).collect();
    let bomb = raw::layer_with(&entries);
    assert!(bomb.len() < 1024 * 1024, "the bomb is {} bytes compressed", bomb.len());
    raw::push_image(&registry.addr, "acme/bomb", "1.0.0", &[&bomb]);
    let reference = format!("{}/acme/bomb:1.0.0", registry.addr);
    assert_eq!(
        pull_fails(&home, &reference, &[]),
        format!(
            "failed to extract bundle: file \"{}\" brings the bundle over its maximum total size of {MAX_TOTAL_BYTES} bytes\n",
            names[n_files - 1]
        )
    );
}

#[test]
fn fault_tar_with_escaping_paths_or_links_is_refused() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let cases = [
        ("parent", TarEntry::file("../escaped.txt", b"x"), "tar entry \"../escaped.txt\" has a `..` component"),
        (
            "nested",
            TarEntry::file("docs/../../escaped.txt", b"x"),
            "tar entry \"docs/../../escaped.txt\" has a `..` component",
        ),
        ("absolute", TarEntry::file("/tmp/escaped.txt", b"x"), "tar entry \"/tmp/escaped.txt\" has an absolute path"),
        (
            "symlink",
            TarEntry::symlink("passwd", "/etc/passwd"),
            "tar entry \"passwd\" is a symlink: a bundle holds only regular files and directories",
        ),
        (
            "hardlink",
            TarEntry { name: "shadow", kind: b'1', link: "/etc/shadow", data: b"" },
            "tar entry \"shadow\" is a hard link: a bundle holds only regular files and directories",
        ),
    ];
    for (tag, entry, fault) in cases {
        raw::push_image(&registry.addr, "acme/hostile", tag, &[&raw::layer_with(&[entry])]);
        let reference = format!("{}/acme/hostile:{tag}", registry.addr);
        assert_eq!(pull_fails(&home, &reference, &[]), format!("failed to extract bundle: {fault}\n"));
    }
    assert!(!home.path().join("escaped.txt").exists());
    assert!(!std::path::Path::new("/tmp/escaped.txt").exists());
    assert!(!home.path().join("passwd").exists());
}

#[test]
fn fault_read_only_cache_still_pulls_and_leaves_the_cache_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("oci://{}/acme/ro:2.1.0", registry.addr);
    ok(&home.pacto(&["--no-cache", "push", &target, "-p", "payments-api"], &[]));
    let cache = home.path().join("cache");
    fs::create_dir_all(cache.join("pacto")).unwrap();
    for dir in [cache.join("pacto"), cache.clone()] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    }
    // The pull writes its output in the home: writable by whoever runs it.
    fs::set_permissions(home.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let mut command = home.command(&["pull", &target, "-o", "out"], &[]);
    // Root writes anywhere: as nobody, a read-only directory is what a full disk looks like to a writer.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.uid(NOBODY).gid(NOBODY);
    }
    let pulled = command.output().unwrap();
    assert_eq!(ok(&pulled), "Pulled payments-api@2.1.0 -> out/\n");
    assert_eq!(common::stderr(&pulled), "");
    assert_eq!(files_below(&home.path().join("out")), files_below(&common::example()));
    assert_eq!(fs::read_dir(cache.join("pacto")).unwrap().count(), 0, "nothing was written to the cache");
    for dir in [cache.clone(), cache.join("pacto")] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// The user and group `nobody`.
const NOBODY: u32 = 65534;
