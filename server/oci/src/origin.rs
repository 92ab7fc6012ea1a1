//! Where a pulled bundle came from: `pacto pull` records the repository of each directory it
//! extracts, in the cache rather than in the bundle (a file in the bundle would be packed and
//! pushed with it), so the language server can compare the contract with what is published there.

use std::io;
use std::path::{Path, PathBuf};

use crate::atomic;
use crate::cache::Cache;
use crate::digest::Digest;
use crate::reference::Reference;

const ORIGINS_DIR: &str = "origins";
const ORIGIN_FILE_MODE: u32 = 0o644;

/// The record of a directory: one file per canonical path, named by the path's sha256.
fn record_path(cache: &Cache, dir: &Path) -> io::Result<PathBuf> {
    let canonical = std::fs::canonicalize(dir)?;
    let key = Digest::of(canonical.as_os_str().as_encoded_bytes());
    Ok(cache.root().join(ORIGINS_DIR).join(key.hex()))
}

/// Records that `dir` holds a bundle pulled from `reference`'s repository (`oci://host/repo`, without
/// tag or digest: the published versions are its tags).
pub fn record(cache: &Cache, dir: &Path, reference: &Reference) -> io::Result<()> {
    let path = record_path(cache, dir)?;
    let repository = format!("oci://{}", reference.repository_path());
    // Pulling again over the same directory is the common case: replacing a file by rename makes
    // ext4 flush it, which would cost a cached pull more than all its other work.
    if std::fs::read(&path).is_ok_and(|it| it == repository.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    atomic::write_file(&path, repository.as_bytes(), ORIGIN_FILE_MODE)
}

/// The repository `dir`'s bundle was pulled from, if `pacto pull` recorded one.
pub fn lookup(cache: &Cache, dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(record_path(cache, dir).ok()?).ok()?;
    let text = text.trim();
    (text.starts_with("oci://") && !text.contains(char::is_whitespace)).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_directory_is_found_by_any_path_to_it() {
        let root = tempfile::tempdir().unwrap();
        let cache = Cache::new(root.path().join("cache"));
        let bundle = root.path().join("payments-api");
        std::fs::create_dir(&bundle).unwrap();
        let reference = Reference::parse("127.0.0.1:5000/team/payments-api:2.1.0").unwrap();
        assert_eq!(lookup(&cache, &bundle), None);
        record(&cache, &bundle, &reference).unwrap();
        assert_eq!(lookup(&cache, &bundle).as_deref(), Some("oci://127.0.0.1:5000/team/payments-api"));
        assert_eq!(
            lookup(&cache, &root.path().join("payments-api/../payments-api")).as_deref(),
            Some("oci://127.0.0.1:5000/team/payments-api")
        );
        assert_eq!(lookup(&cache, &root.path().join("elsewhere")), None);
    }
}
