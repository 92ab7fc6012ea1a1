//! Pulled bundles extracted read-only below the cache, one directory per manifest digest: what an editor
//! opens to show the published side of a diff, or a dependency's contract for go-to-definition.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::bundle::Bundle;
use crate::cache::Cache;
use crate::digest::Digest;

/// The cache's subdirectory of extracted bundles: `<cache>/bundles/<digest hex>/pacto.yaml`.
pub const BUNDLES_DIR: &str = "bundles";

/// Read-only, because an editor that opens one of these files must not invite edits to the published
/// version; directories keep their write bit so the cache can still be deleted.
const READ_ONLY: u32 = 0o444;
const READ_ONLY_EXECUTABLE: u32 = 0o555;

/// The directory holding `bundle` (pulled under `digest`), extracted on first call. A digest names its
/// content, so an existing directory is the answer as it stands; a new one is written beside its final
/// place and renamed there whole, so a concurrent reader (another server, the CLI) never sees half.
pub fn extracted_bundle(cache: &Cache, digest: &Digest, bundle: &Bundle) -> io::Result<PathBuf> {
    let root = cache.root().join(BUNDLES_DIR);
    let target = root.join(digest.hex());
    if target.is_dir() {
        return Ok(target);
    }
    fs::create_dir_all(&root)?;
    let staging = tempfile::Builder::new().prefix(".pacto-bundle-").tempdir_in(&root)?;
    let dir = staging.path().join("bundle");
    bundle.write_to(&dir).map_err(io::Error::other)?;
    make_read_only(&dir)?;
    match fs::rename(&dir, &target) {
        Ok(()) => Ok(target),
        // Another process extracted the same digest meanwhile: same content, theirs stands.
        Err(_) if target.is_dir() => Ok(target),
        Err(err) => Err(err),
    }
}

fn make_read_only(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            make_read_only(&entry.path())?;
        } else {
            set_read_only(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_read_only(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let executable = fs::metadata(path)?.permissions().mode() & 0o111 != 0;
    fs::set_permissions(path, fs::Permissions::from_mode(if executable { READ_ONLY_EXECUTABLE } else { READ_ONLY }))
}

#[cfg(not(unix))]
fn set_read_only(path: &Path) -> io::Result<()> {
    let mut permissions = fs::metadata(path)?.permissions();
    permissions.set_readonly(true);
    fs::set_permissions(path, permissions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> Bundle {
        let mut bundle = Bundle::new();
        bundle.add_file("pacto.yaml", b"pactoVersion: \"1.0\"\n".to_vec(), false).unwrap();
        bundle.add_file("interfaces/openapi.yaml", b"paths: {}\n".to_vec(), false).unwrap();
        bundle.add_file("bin/hook.sh", b"#!/bin/sh\n".to_vec(), true).unwrap();
        bundle
    }

    #[test]
    fn extracted_bundle_is_written_once_read_only_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("pacto"));
        let digest = Digest::of(b"manifest");
        let path = extracted_bundle(&cache, &digest, &bundle()).unwrap();
        assert_eq!(path, dir.path().join("pacto/bundles").join(digest.hex()));
        assert_eq!(fs::read_to_string(path.join("pacto.yaml")).unwrap(), "pactoVersion: \"1.0\"\n");
        assert_eq!(fs::read_to_string(path.join("interfaces/openapi.yaml")).unwrap(), "paths: {}\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |rel: &str| fs::metadata(path.join(rel)).unwrap().permissions().mode() & 0o777;
            assert_eq!((mode("pacto.yaml"), mode("interfaces/openapi.yaml")), (0o444, 0o444));
            assert_eq!(mode("bin/hook.sh"), 0o555);
        }
        // A second call answers with what is there, even when handed another bundle.
        assert_eq!(extracted_bundle(&cache, &digest, &Bundle::new()).unwrap(), path);
        // Nothing staged is left behind.
        let names: Vec<String> = fs::read_dir(dir.path().join("pacto/bundles"))
            .unwrap()
            .map(|it| it.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [digest.hex()]);
    }

    #[test]
    fn extracted_bundle_in_an_unwritable_place_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("pacto"), "a file where the cache should be").unwrap();
        let cache = Cache::new(dir.path().join("pacto"));
        assert!(extracted_bundle(&cache, &Digest::of(b"m"), &bundle()).is_err());
    }
}
