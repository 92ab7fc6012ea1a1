//! The disk cache: blobs stored by digest and verified on every read, tag → digest mappings with a time
//! to live that can be read stale when offline. Every write is a temp file plus a rename, so the CLI and
//! the language server can share one cache without ever reading half a blob.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::atomic;
use crate::digest::Digest;
use crate::error::CacheError;

/// How long a tag → digest mapping is trusted while online: long enough that one editing session's hover,
/// completion and inlay hints share a registry round trip, short enough that a re-pushed tag is seen
/// within a minute (spec "Our decisions": cache). The reference's cache never expires (quirk 25).
pub const TAG_TTL: Duration = Duration::from_secs(60);

/// Set to anything but a false value (`0`, `false`, `no`, `off`, empty) to disable the cache, as the
/// CLI's `--no-cache` (spec §7.1).
pub const NO_CACHE_VAR: &str = "PACTO_NO_CACHE";

/// Cache files are readable by all, as the files of the reference's cache.
const CACHE_FILE_MODE: u32 = 0o644;

/// Whether a stale tag mapping may answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// Only mappings younger than the time to live answer; older ones are misses, to be refreshed.
    Online,
    /// The registry cannot be reached: the last known mapping answers whatever its age.
    Offline,
}

/// A tag mapping read from the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagEntry {
    pub digest: Digest,
    /// Time since the mapping was stored.
    pub age: Duration,
    /// `true` when older than the time to live (only ever answered [`Network::Offline`]).
    pub stale: bool,
}

/// The cache directory: `$XDG_CACHE_HOME/pacto`, else `$HOME/.cache/pacto`; `None` when the cache is
/// disabled by `no_cache` (the caller's flag) or [`NO_CACHE_VAR`], or when no home directory is known (the
/// reference then silently works without a cache, spec §5.6). `var` reads the environment, injectable
/// for tests.
pub fn locate(no_cache: bool, var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let disabled = var(NO_CACHE_VAR).is_some_and(|it| !is_false(&it.to_string_lossy()));
    if no_cache || disabled {
        return None;
    }
    // The XDG spec says a relative value is invalid and must be ignored.
    let xdg = var("XDG_CACHE_HOME").map(PathBuf::from).filter(|it| it.is_absolute());
    let base =
        xdg.or_else(|| var("HOME").filter(|it| !it.is_empty()).map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("pacto"))
}

/// clap's `FalseyValueParser`, which reads the CLI's `--no-cache` environment value: one rule for both.
fn is_false(value: &str) -> bool {
    ["", "0", "n", "no", "f", "false", "off"].contains(&value.trim().to_ascii_lowercase().as_str())
}

/// A cache rooted at a directory, created on first write. Reads never fail on a missing or unwritable
/// directory; writes say why they failed and the caller goes on without the cache.
#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
    tag_ttl: Duration,
}

impl Cache {
    pub fn new(root: PathBuf) -> Cache {
        Cache { root, tag_ttl: TAG_TTL }
    }

    /// The cache at [`locate`]'s place for this process's environment.
    pub fn from_env(no_cache: bool) -> Option<Cache> {
        locate(no_cache, |name| std::env::var_os(name)).map(Cache::new)
    }

    pub fn with_tag_ttl(self, tag_ttl: Duration) -> Cache {
        Cache { tag_ttl, ..self }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stores a blob under its own digest and returns the digest.
    pub fn put(&self, bytes: &[u8]) -> Result<Digest, CacheError> {
        let digest = Digest::of(bytes);
        self.store(&digest, bytes)?;
        Ok(digest)
    }

    /// Stores a blob that must have `expected` as its digest, as a registry named it; anything else is
    /// refused and nothing is written.
    pub fn put_expecting(&self, expected: &Digest, bytes: &[u8]) -> Result<(), CacheError> {
        let actual = Digest::of(bytes);
        if actual != *expected {
            return Err(CacheError::DigestMismatch { expected: expected.clone(), actual });
        }
        self.store(expected, bytes)
    }

    /// The blob with this digest. Its content is hashed on every read: a blob that does not match (a torn
    /// write after a crash, a disk fault, a hand edit) is deleted and answers as a miss.
    pub fn get(&self, digest: &Digest) -> Result<Option<Vec<u8>>, CacheError> {
        let path = self.blob_path(digest);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if is_missing(&err) => return Ok(None),
            Err(source) => return Err(CacheError::Read { path: path.display().to_string(), source }),
        };
        if Digest::of(&bytes) != *digest {
            let _ = fs::remove_file(&path);
            return Ok(None);
        }
        Ok(Some(bytes))
    }

    /// Remembers that `reference` (a tagged reference such as `ghcr.io/acme/svc:1.0.0`) pointed at `digest`.
    pub fn put_tag(&self, reference: &str, digest: &Digest) -> Result<(), CacheError> {
        self.put_tag_at(reference, digest, SystemTime::now())
    }

    /// The digest `reference` pointed at when last seen; see [`Network`] for when a stale one answers.
    pub fn get_tag(&self, reference: &str, network: Network) -> Result<Option<TagEntry>, CacheError> {
        self.get_tag_at(reference, network, SystemTime::now())
    }

    fn store(&self, digest: &Digest, bytes: &[u8]) -> Result<(), CacheError> {
        let path = self.blob_path(digest);
        // Same digest, same length: the content was verified when written and is verified again on
        // read, so there is nothing to gain from writing it twice.
        if fs::metadata(&path).is_ok_and(|it| it.len() == bytes.len() as u64) {
            return Ok(());
        }
        self.write(&path, bytes)
    }

    fn put_tag_at(&self, reference: &str, digest: &Digest, now: SystemTime) -> Result<(), CacheError> {
        let stored_at = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let record = json!({"reference": reference, "digest": digest.to_string(), "storedAt": stored_at});
        self.write(&self.tag_path(reference), record.to_string().as_bytes())
    }

    fn get_tag_at(&self, reference: &str, network: Network, now: SystemTime) -> Result<Option<TagEntry>, CacheError> {
        let path = self.tag_path(reference);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if is_missing(&err) => return Ok(None),
            Err(source) => return Err(CacheError::Read { path: path.display().to_string(), source }),
        };
        let Some((digest, stored_at)) = parse_tag_record(&bytes, reference) else {
            let _ = fs::remove_file(&path);
            return Ok(None);
        };
        // A mapping from the future (a clock set back) counts as just stored.
        let age = now.duration_since(UNIX_EPOCH + Duration::from_secs(stored_at)).unwrap_or_default();
        let stale = age > self.tag_ttl;
        if stale && network == Network::Online {
            return Ok(None);
        }
        Ok(Some(TagEntry { digest, age, stale }))
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        let write_error = |source: io::Error| CacheError::Write { path: path.display().to_string(), source };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(write_error)?;
        }
        atomic::write_file(path, bytes, CACHE_FILE_MODE).map_err(write_error)
    }

    /// Deviation: the reference stores whole bundles by reference string, never verified (spec §5.6);
    /// "Our decisions": blobs are stored by digest and verified.
    fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root.join("blobs").join("sha256").join(digest.hex())
    }

    /// Tag records are named by the hash of the reference: any reference (ports, `@`, `..`) maps to one
    /// safe file name, where the reference's `:` → `/` scheme needed a shared fallback slot (quirk 25).
    fn tag_path(&self, reference: &str) -> PathBuf {
        self.root.join("tags").join(Digest::of(reference.as_bytes()).hex())
    }
}

fn parse_tag_record(bytes: &[u8], reference: &str) -> Option<(Digest, u64)> {
    let record: Value = serde_json::from_slice(bytes).ok()?;
    if record.get("reference")?.as_str()? != reference {
        return None;
    }
    let digest = Digest::parse(record.get("digest")?.as_str()?).ok()?;
    Some((digest, record.get("storedAt")?.as_u64()?))
}

/// A missing file, or a missing directory on the way to it (a regular file where the cache directory
/// should be): either way, nothing cached.
fn is_missing(err: &io::Error) -> bool {
    matches!(err.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
}

#[cfg(test)]
mod tests;
