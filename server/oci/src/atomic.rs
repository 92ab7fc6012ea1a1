//! Whole-file writes that a concurrent reader never sees half done: a temp file beside the target, then a rename.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` with `mode` (Unix permission bits). The temp file lives in the target's own
/// directory so the rename stays on one file system and is atomic; on failure the temp file is removed.
pub fn write_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new().prefix(".pacto-").suffix(".tmp").tempfile_in(dir)?;
    temp.write_all(bytes)?;
    set_mode(temp.as_file(), mode)?;
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &fs::File, _mode: u32) -> io::Result<()> {
    Ok(())
}
