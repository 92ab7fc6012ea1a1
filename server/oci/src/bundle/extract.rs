//! A bundle written below a target directory through a staging directory: a failure leaves nothing
//! behind, and nobody sees half a bundle in the target.

use std::fs;
use std::io;
use std::path::Path;

use super::{Bundle, Entry};
use crate::error::Error;

const STAGING_PREFIX: &str = ".pacto-extract-";

/// A missing target is staged beside it and renamed into place whole. An existing directory keeps what
/// it holds: files of the bundle replace their namesakes one rename each, nothing is deleted (the
/// reference's pull, spec §5.4); everything is staged first, so a bad archive still changes nothing.
pub(super) fn write_to(bundle: &Bundle, target: &Path) -> Result<(), Error> {
    let shown = target.display().to_string();
    let write_error = |source: io::Error| Error::Write { path: shown.clone(), source };
    let absolute = std::path::absolute(target).map_err(write_error)?;
    match fs::metadata(&absolute) {
        Ok(meta) if meta.is_dir() => merge(bundle, &absolute, target),
        Ok(_) => Err(Error::NotADirectory { dir: shown }),
        Err(err) if err.kind() == io::ErrorKind::NotFound => create(bundle, &absolute, target),
        Err(source) => Err(Error::Access { dir: shown, source }),
    }
}

fn create(bundle: &Bundle, absolute: &Path, target: &Path) -> Result<(), Error> {
    let write_error = |source: io::Error| Error::Write { path: target.display().to_string(), source };
    let parent = absolute.parent().unwrap_or(absolute);
    // Staged in the nearest existing ancestor, the file system the target will be created on, so the
    // final rename neither copies nor crosses devices.
    let staging = staging_dir(nearest_existing(parent)).map_err(write_error)?;
    write_entries(bundle, staging.path(), target)?;
    set_dir_mode(staging.path()).map_err(write_error)?;
    fs::create_dir_all(parent).map_err(write_error)?;
    fs::rename(staging.path(), absolute).map_err(write_error)?;
    let _ = staging.keep();
    Ok(())
}

fn merge(bundle: &Bundle, absolute: &Path, target: &Path) -> Result<(), Error> {
    // Staged inside the target: a rename into it never crosses devices, even on a mount point.
    let staging =
        staging_dir(absolute).map_err(|source| Error::Write { path: target.display().to_string(), source })?;
    write_entries(bundle, staging.path(), target)?;
    for (path, entry) in bundle.entries() {
        let dest = absolute.join(path);
        let write_error = |source: io::Error| Error::Write { path: target.join(path).display().to_string(), source };
        match entry {
            Entry::Dir if dest.is_dir() => {}
            Entry::Dir => fs::create_dir(&dest).map_err(write_error)?,
            Entry::File { .. } => fs::rename(staging.path().join(path), &dest).map_err(write_error)?,
        }
    }
    Ok(())
}

/// Writes every entry below `root`: directories 0755, files 0644, or 0755 when executable.
/// Deviation: the reference writes every file 0644; keeping the one bit pack keeps makes a pull of our
/// own archive give back what was packed.
fn write_entries(bundle: &Bundle, root: &Path, target: &Path) -> Result<(), Error> {
    for (path, entry) in bundle.entries() {
        let dest = root.join(path);
        let write_error = |source: io::Error| Error::Write { path: target.join(path).display().to_string(), source };
        match entry {
            Entry::Dir => fs::create_dir(&dest).and_then(|()| set_dir_mode(&dest)).map_err(write_error)?,
            Entry::File { data, executable } => {
                fs::write(&dest, data).and_then(|()| set_file_mode(&dest, *executable)).map_err(write_error)?;
            }
        }
    }
    Ok(())
}

fn staging_dir(parent: &Path) -> io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix(STAGING_PREFIX).tempdir_in(parent)
}

fn nearest_existing(path: &Path) -> &Path {
    path.ancestors().find(|it| it.is_dir()).unwrap_or(path)
}

#[cfg(unix)]
fn set_dir_mode(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

#[cfg(unix)]
fn set_file_mode(path: &Path, executable: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(if executable { 0o755 } else { 0o644 }))
}

#[cfg(not(unix))]
fn set_dir_mode(_path: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn set_file_mode(_path: &Path, _executable: bool) -> io::Result<()> {
    Ok(())
}
