//! The cache: verified blobs, tag mappings with a time to live, concurrent writers, an unwritable directory.

use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::sync::Barrier;
use std::time::{Duration, SystemTime};

use super::{Cache, Network, TAG_TTL, TagEntry, locate};
use crate::digest::Digest;

fn cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path().join("pacto"));
    (dir, cache)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = match fs::read_dir(dir) {
        Ok(entries) => entries.map(|it| it.unwrap().file_name().into_string().unwrap()).collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

#[test]
fn put_then_get_round_trips_under_the_digest() {
    let (_dir, cache) = cache();
    let digest = cache.put(b"layer bytes").unwrap();
    assert_eq!(digest, Digest::of(b"layer bytes"));
    assert_eq!(cache.get(&digest).unwrap(), Some(b"layer bytes".to_vec()));
    assert_eq!(files_in(&cache.root().join("blobs/sha256")), [digest.hex()]);
    // Storing it again is a no-op that still answers the digest.
    assert_eq!(cache.put(b"layer bytes").unwrap(), digest);
}

#[test]
fn get_of_an_unknown_digest_is_a_miss() {
    let (_dir, cache) = cache();
    assert_eq!(cache.get(&Digest::of(b"never stored")).unwrap(), None);
}

#[test]
fn corrupt_blob_is_deleted_and_reported_as_a_miss() {
    let (_dir, cache) = cache();
    let digest = cache.put(b"original").unwrap();
    let path = cache.root().join("blobs/sha256").join(digest.hex());
    fs::write(&path, b"tampered").unwrap();
    assert_eq!(cache.get(&digest).unwrap(), None);
    assert!(!path.exists());
    // A torn write of the right length is caught the same way, and a later put repairs it.
    fs::write(&path, b"origina\0").unwrap();
    assert_eq!(cache.get(&digest).unwrap(), None);
    cache.put(b"original").unwrap();
    assert_eq!(cache.get(&digest).unwrap(), Some(b"original".to_vec()));
}

#[test]
fn put_expecting_refuses_other_content_and_writes_nothing() {
    let (_dir, cache) = cache();
    let expected = Digest::of(b"what the registry announced");
    let err = cache.put_expecting(&expected, b"what arrived").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("refused to cache a blob whose digest is {}, not the expected {expected}", Digest::of(b"what arrived"))
    );
    assert!(!cache.root().exists());
    cache.put_expecting(&expected, b"what the registry announced").unwrap();
    assert_eq!(cache.get(&expected).unwrap(), Some(b"what the registry announced".to_vec()));
}

const REFERENCE: &str = "localhost:5000/acme/svc:1.0.0";

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn tag_at_ttl_is_fresh() {
    let (_dir, cache) = cache();
    let digest = Digest::of(b"manifest");
    cache.put_tag_at(REFERENCE, &digest, at(1_000)).unwrap();
    let now = at(1_000) + TAG_TTL;
    let fresh = Some(TagEntry { digest: digest.clone(), age: TAG_TTL, stale: false });
    assert_eq!(cache.get_tag_at(REFERENCE, Network::Online, now).unwrap(), fresh);
    assert_eq!(cache.get_tag_at(REFERENCE, Network::Offline, now).unwrap(), fresh);
}

#[test]
fn tag_over_ttl_is_a_miss_online_and_stale_offline() {
    let (_dir, cache) = cache();
    let digest = Digest::of(b"manifest");
    cache.put_tag_at(REFERENCE, &digest, at(1_000)).unwrap();
    let now = at(1_000) + TAG_TTL + Duration::from_secs(1);
    assert_eq!(cache.get_tag_at(REFERENCE, Network::Online, now).unwrap(), None);
    let stale = TagEntry { digest, age: TAG_TTL + Duration::from_secs(1), stale: true };
    assert_eq!(cache.get_tag_at(REFERENCE, Network::Offline, now).unwrap(), Some(stale));
}

#[test]
fn tag_ttl_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path().to_owned()).with_tag_ttl(Duration::from_secs(3600));
    let digest = Digest::of(b"manifest");
    cache.put_tag_at(REFERENCE, &digest, at(1_000)).unwrap();
    let entry = cache.get_tag_at(REFERENCE, Network::Online, at(1_000 + 3_000)).unwrap();
    assert_eq!(entry, Some(TagEntry { digest, age: Duration::from_secs(3_000), stale: false }));
    // Through the public clock: a mapping just written is fresh.
    cache.put_tag("ghcr.io/acme/svc:2.0.0", &Digest::of(b"other")).unwrap();
    let entry = cache.get_tag("ghcr.io/acme/svc:2.0.0", Network::Online).unwrap().unwrap();
    assert_eq!((entry.digest, entry.stale), (Digest::of(b"other"), false));
}

#[test]
fn tag_is_replaced_and_kept_apart_per_reference() {
    let (_dir, cache) = cache();
    cache.put_tag_at(REFERENCE, &Digest::of(b"v1"), at(1_000)).unwrap();
    cache.put_tag_at(REFERENCE, &Digest::of(b"v2"), at(1_010)).unwrap();
    let entry = cache.get_tag_at(REFERENCE, Network::Online, at(1_010)).unwrap().unwrap();
    assert_eq!(entry.digest, Digest::of(b"v2"));
    assert_eq!(cache.get_tag_at("localhost:5000/acme/svc:1.0.1", Network::Offline, at(1_010)).unwrap(), None);
    // Hostile references are just file contents: one file per reference, all under tags/.
    cache.put_tag_at("../../etc/passwd:..", &Digest::of(b"x"), at(1_000)).unwrap();
    assert_eq!(files_in(cache.root()), ["tags"]);
    assert_eq!(files_in(&cache.root().join("tags")).len(), 2);
}

#[test]
fn corrupt_tag_record_is_deleted_and_a_miss() {
    let (_dir, cache) = cache();
    cache.put_tag_at(REFERENCE, &Digest::of(b"v1"), at(1_000)).unwrap();
    let path = cache.tag_path(REFERENCE);
    for bad in [&b"{not json"[..], br#"{"reference":"other:1.0.0","digest":"sha256:00","storedAt":1}"#] {
        fs::write(&path, bad).unwrap();
        assert_eq!(cache.get_tag_at(REFERENCE, Network::Offline, at(1_000)).unwrap(), None);
        assert!(!path.exists());
    }
}

#[test]
fn tag_from_the_future_counts_as_just_stored() {
    let (_dir, cache) = cache();
    cache.put_tag_at(REFERENCE, &Digest::of(b"v1"), at(5_000)).unwrap();
    let entry = cache.get_tag_at(REFERENCE, Network::Online, at(1_000)).unwrap().unwrap();
    assert_eq!((entry.age, entry.stale), (Duration::ZERO, false));
}

#[test]
fn two_threads_writing_the_same_blob_never_expose_a_partial_one() {
    let (_dir, cache) = cache();
    for round in 0..8u8 {
        let blob: Vec<u8> = (0..512 * 1024).map(|it: u32| (it % 251) as u8 ^ round).collect();
        let digest = Digest::of(&blob);
        let path = cache.root().join("blobs/sha256").join(digest.hex());
        let barrier = Barrier::new(3);
        std::thread::scope(|scope| {
            let writers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        cache.put(&blob)
                    })
                })
                .collect();
            // A reader racing the writers sees no file or the whole file, never a prefix.
            scope.spawn(|| {
                barrier.wait();
                for _ in 0..200 {
                    if let Ok(seen) = fs::read(&path) {
                        assert!(seen == blob, "partial blob of {} bytes", seen.len());
                    }
                }
            });
            for writer in writers {
                assert_eq!(writer.join().unwrap().unwrap(), digest);
            }
        });
        assert_eq!(cache.get(&digest).unwrap().as_deref(), Some(blob.as_slice()));
    }
    // No temp file is left behind by either writer.
    assert_eq!(files_in(&cache.root().join("blobs/sha256")).iter().filter(|it| it.starts_with('.')).count(), 0);
}

#[test]
fn unusable_cache_dir_is_a_clear_error_and_reads_miss() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file where the cache directory should be: no write can succeed, even for root.
    let root = dir.path().join("pacto");
    fs::write(&root, b"not a directory").unwrap();
    let cache = Cache::new(root.clone());
    let digest = Digest::of(b"blob");
    assert_eq!(
        cache.put(b"blob").unwrap_err().to_string(),
        format!("cannot write to the cache at {}/blobs/sha256/{}: not a directory", root.display(), digest.hex())
    );
    assert_eq!(cache.get(&digest).unwrap(), None);
    assert!(cache.put_tag(REFERENCE, &digest).is_err());
    assert_eq!(cache.get_tag(REFERENCE, Network::Offline).unwrap(), None);
}

/// Set in the child process that runs [`read_only_cache_dir_is_a_clear_error`] without root's privileges.
const AS_NOBODY_VAR: &str = "PACTO_OCI_TEST_READ_ONLY_CACHE";

#[test]
fn read_only_cache_dir_is_a_clear_error() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if let Some(root) = std::env::var_os(AS_NOBODY_VAR) {
        return check_read_only(Path::new(&root));
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pacto");
    let digest = Cache::new(root.clone()).put(b"cached earlier").unwrap();
    for path in [root.join("blobs/sha256"), root.join("blobs"), root.clone()] {
        fs::set_permissions(&path, fs::Permissions::from_mode(0o555)).unwrap();
    }
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(digest, Digest::of(b"cached earlier"));
    // Root writes anywhere: run this test again as nobody, which is what a read-only directory means.
    let is_root = fs::metadata("/proc/self").map(|it| it.uid() == 0).unwrap_or(false);
    if !is_root {
        check_read_only(&root);
        // Writable again, or the temp dir could not be removed.
        for path in [root.clone(), root.join("blobs"), root.join("blobs/sha256")] {
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        return;
    }
    let output = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "cache::tests::read_only_cache_dir_is_a_clear_error", "--test-threads=1"])
        .env(AS_NOBODY_VAR, &root)
        .output()
        .expect("setpriv (util-linux) runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn check_read_only(root: &Path) {
    let cache = Cache::new(root.to_owned());
    // What is there can still be read.
    assert_eq!(cache.get(&Digest::of(b"cached earlier")).unwrap(), Some(b"cached earlier".to_vec()));
    let err = cache.put(b"new blob").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot write to the cache at {}/blobs/sha256/{}: permission denied",
            root.display(),
            Digest::of(b"new blob").hex()
        )
    );
    assert_eq!(
        cache.put_tag(REFERENCE, &Digest::of(b"new blob")).unwrap_err().to_string(),
        format!("cannot write to the cache at {}: permission denied", cache.tag_path(REFERENCE).display())
    );
}

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
    move |name| vars.iter().find(|(key, _)| *key == name).map(|(_, value)| OsString::from(value))
}

#[test]
fn locate_prefers_xdg_cache_home_then_home() {
    let both = [("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/me")];
    assert_eq!(locate(false, env(&both)), Some("/xdg/pacto".into()));
    assert_eq!(locate(false, env(&[("HOME", "/home/me")])), Some("/home/me/.cache/pacto".into()));
    // A relative XDG_CACHE_HOME is invalid (XDG base directory spec) and ignored.
    assert_eq!(
        locate(false, env(&[("XDG_CACHE_HOME", "rel"), ("HOME", "/home/me")])),
        Some("/home/me/.cache/pacto".into())
    );
    // No home directory: no cache, silently (spec §5.6).
    assert_eq!(locate(false, env(&[])), None);
    assert_eq!(locate(false, env(&[("HOME", "")])), None);
}

#[test]
fn locate_is_disabled_by_the_flag_or_pacto_no_cache() {
    let home = ("HOME", "/home/me");
    assert_eq!(locate(true, env(&[home])), None);
    for on in ["1", "true", "TRUE", "yes"] {
        assert_eq!(locate(false, env(&[home, ("PACTO_NO_CACHE", on)])), None, "{on}");
    }
    for off in ["", "0", "false", "no", "off"] {
        assert!(locate(false, env(&[home, ("PACTO_NO_CACHE", off)])).is_some(), "{off}");
    }
}
