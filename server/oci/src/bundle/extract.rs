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
    write_entries(bundle.entries(), staging.path(), target)?;
    set_dir_mode(staging.path()).map_err(write_error)?;
    fs::create_dir_all(parent).map_err(write_error)?;
    fs::rename(staging.path(), absolute).map_err(write_error)?;
    let _ = staging.keep();
    Ok(())
}

fn merge(bundle: &Bundle, absolute: &Path, target: &Path) -> Result<(), Error> {
    // A file that already holds the same bytes and mode is left alone: pulling the same bundle again writes
    // nothing, and on ext4 a rename over an existing file also costs a flush of the new file's data.
    let changed: Vec<(&str, &Entry)> =
        bundle.entries().filter(|(path, entry)| !already_holds(&absolute.join(path), entry)).collect();
    if changed.is_empty() {
        return Ok(());
    }
    // Staged inside the target: a rename into it never crosses devices, even on a mount point.
    let staging =
        staging_dir(absolute).map_err(|source| Error::Write { path: target.display().to_string(), source })?;
    write_entries(changed.iter().copied(), staging.path(), target)?;
    for (path, entry) in changed {
        let dest = absolute.join(path);
        let write_error = |source: io::Error| Error::Write { path: target.join(path).display().to_string(), source };
        match entry {
            Entry::Dir if dest.is_dir() => {}
            Entry::Dir => create_dir(&dest).map_err(write_error)?,
            Entry::File { .. } => fs::rename(staging.path().join(path), &dest).map_err(write_error)?,
        }
    }
    Ok(())
}

/// Whether `dest` already is what `entry` would write: a directory, or a regular file (not a link) with
/// the same mode and bytes.
fn already_holds(dest: &Path, entry: &Entry) -> bool {
    match entry {
        Entry::Dir => dest.is_dir(),
        Entry::File { data, executable } => {
            let Ok(meta) = fs::symlink_metadata(dest) else { return false };
            meta.is_file()
                && meta.len() == data.len() as u64
                && file_mode(&meta) == Some(if *executable { 0o755 } else { 0o644 })
                && fs::read(dest).is_ok_and(|it| it == *data)
        }
    }
}

/// Writes `entries` below `root`: directories 0755, files 0644, or 0755 when executable; a file's
/// missing parents are created (a merge stages only what changed).
/// Deviation: the reference writes every file 0644; keeping the one bit pack keeps makes a pull of our
/// own archive give back what was packed.
fn write_entries<'a>(
    entries: impl Iterator<Item = (&'a str, &'a Entry)>,
    root: &Path,
    target: &Path,
) -> Result<(), Error> {
    for (path, entry) in entries {
        let dest = root.join(path);
        let write_error = |source: io::Error| Error::Write { path: target.join(path).display().to_string(), source };
        match entry {
            Entry::Dir => create_dir(&dest).map_err(write_error)?,
            Entry::File { data, executable } => {
                let mode = if *executable { 0o755 } else { 0o644 };
                let written = match write_file(&dest, data, mode) {
                    Err(err) if err.kind() == io::ErrorKind::NotFound => match dest.parent() {
                        Some(parent) => fs::create_dir_all(parent).and_then(|()| write_file(&dest, data, mode)),
                        None => Err(err),
                    },
                    other => other,
                };
                written.map_err(write_error)?;
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

/// A directory with mode 0755 whatever the umask; changed after creation only when the umask took bits
/// away, as [`write_file`] does.
#[cfg(unix)]
fn create_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    fs::DirBuilder::new().mode(0o755).create(path)?;
    if fs::metadata(path)?.permissions().mode() & 0o777 != 0o755 {
        set_dir_mode(path)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn create_dir(path: &Path) -> io::Result<()> {
    fs::create_dir(path)
}

/// A file with `data` and `mode` whatever the umask. The mode is given at creation and changed after
/// only when the umask took bits away: a chmod rewrites the inode, which a pull of many files pays for.
#[cfg(unix)]
fn write_file(path: &Path, data: &[u8], mode: u32) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(path)?;
    file.write_all(data)?;
    if file.metadata()?.permissions().mode() & 0o777 != mode {
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn write_file(path: &Path, data: &[u8], _mode: u32) -> io::Result<()> {
    fs::write(path, data)
}

#[cfg(unix)]
fn set_dir_mode(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

#[cfg(unix)]
fn file_mode(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn file_mode(_meta: &fs::Metadata) -> Option<u32> {
    None
}

#[cfg(not(unix))]
fn set_dir_mode(_path: &Path) -> io::Result<()> {
    Ok(())
}
