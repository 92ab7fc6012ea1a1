//! A bundle directory read into memory for packing: regular files and directories only, `.git` and the
//! archive being written left out, every limit checked before a byte is packed.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use pacto_core::v2::ignore::{IGNORE_FILE, IgnoreRules};

use super::{Bundle, CONTRACT_FILE, PackOptions};
use crate::error::Error;
use crate::limits::Limits;

/// Left out wherever it occurs: a repository's history is no part of a contract, and a submodule's
/// `.git` file points at a directory that does not travel with the bundle (spec "Our decisions").
const GIT_DIR: &str = ".git";

pub(super) fn read_dir(dir: &Path, options: &PackOptions) -> Result<Bundle, Error> {
    let shown = dir.display().to_string();
    let meta = fs::metadata(dir).map_err(|source| Error::Access { dir: shown.clone(), source })?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory { dir: shown });
    }
    if fs::symlink_metadata(dir.join(CONTRACT_FILE)).is_err() {
        return Err(Error::NoContract { dir: shown });
    }
    let skipped = match &options.output {
        Some(output) => output_inside(dir, output)?,
        None => None,
    };
    let ignore = view_rules(dir)?;
    let mut walk = Walk { dir, limits: &options.limits, bundle: Bundle::new(), n_entries: 0, total_bytes: 0 };
    // Depth first with names sorted, the archive's own order, so a limit error names the same entry on
    // every machine. An explicit stack, not recursion: a tree thousands of levels deep must not overflow.
    let mut stack = vec![(String::new(), children(dir, dir)?.into_iter())];
    while let Some((rel_dir, pending)) = stack.last_mut() {
        let Some((name, entry)) = pending.next() else {
            stack.pop();
            continue;
        };
        // Deviation: the reference packs everything (quirk 29); "Our decisions": `.git/` and the
        // archive being written are never packed.
        if name == GIT_DIR {
            continue;
        }
        let rel = if rel_dir.is_empty() { name } else { format!("{rel_dir}/{name}") };
        if skipped.as_deref() == Some(rel.as_str()) {
            continue;
        }
        // A 2.0 bundle ships only its `.pactoignore` view (pacto-v2.md §6.6); an ignored directory is
        // not even read, so nothing below it can come back.
        if let Some(rules) = &ignore {
            let is_dir = entry.file_type().is_ok_and(|it| it.is_dir());
            if rules.is_ignored(&rel, is_dir) {
                continue;
            }
        }
        if walk.visit(&rel, &entry)? {
            let below = children(&dir.join(&rel), dir)?.into_iter();
            stack.push((rel, below));
        }
    }
    if walk.bundle.contract().is_none() {
        return Err(Error::NoContract { dir: shown });
    }
    Ok(walk.bundle)
}

/// The ignore rules of a 2.0 bundle (its `.pactoignore` over the defaults); `None` for any other
/// format, whose packing stays as it was (our decision, README: 1.0 does not honour the file).
pub fn view_rules(dir: &Path) -> Result<Option<IgnoreRules>, Error> {
    // The contract is read again by the walk; a bundle without a readable one is refused there.
    // Only a regular file is opened: a FIFO would block the read forever.
    let contract_file = dir.join(CONTRACT_FILE);
    let regular = fs::metadata(&contract_file)
        .is_ok_and(|it| it.is_file() && it.len() <= pacto_core::syntax::limits::MAX_CONTRACT_BYTES as u64);
    let Some(contract) = regular.then(|| fs::read(&contract_file).ok()).flatten() else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&contract);
    let parse = pacto_core::syntax::parse(&text);
    if pacto_core::v2::format_version(parse.root.as_ref()) != Some("2.0") {
        return Ok(None);
    }
    let file = dir.join(IGNORE_FILE);
    if fs::metadata(&file).is_ok_and(|it| !it.is_file()) {
        let source = io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
        return Err(Error::Read { path: file.display().to_string(), source });
    }
    let rules = match fs::read(&file) {
        Ok(bytes) => IgnoreRules::parse(Some(&String::from_utf8_lossy(&bytes))),
        Err(err) if err.kind() == io::ErrorKind::NotFound => IgnoreRules::parse(None),
        Err(source) => return Err(Error::Read { path: file.display().to_string(), source }),
    };
    Ok(Some(rules))
}

struct Walk<'a> {
    dir: &'a Path,
    limits: &'a Limits,
    bundle: Bundle,
    n_entries: usize,
    total_bytes: u64,
}

impl Walk<'_> {
    /// Adds one entry; `true` when it is a directory to descend into.
    fn visit(&mut self, rel: &str, entry: &fs::DirEntry) -> Result<bool, Error> {
        let path = self.dir.join(rel);
        let shown = path.display().to_string();
        let read_error = |source: io::Error| Error::Read { path: shown.clone(), source };
        self.n_entries += 1;
        if self.n_entries > self.limits.max_entries {
            return Err(Error::TooManyEntries { path: shown, limit: self.limits.max_entries });
        }
        // `DirEntry::metadata` does not follow links, so a link is seen as one, never as its target.
        let meta = entry.metadata().map_err(read_error)?;
        let file_type = meta.file_type();
        // Deviation: the reference writes a link header and then fails on the target's bytes (spec §5.1);
        // "Our decisions": symlinks are rejected with a clear error.
        if file_type.is_symlink() {
            return Err(Error::Symlink { path: shown });
        }
        if file_type.is_dir() {
            self.bundle.add_dir(rel)?;
            return Ok(true);
        }
        if !file_type.is_file() {
            return Err(Error::SpecialFile { path: shown });
        }
        let limit = self.limits.max_file_bytes;
        if meta.len() > limit {
            return Err(Error::FileTooLarge { path: shown, limit });
        }
        let mut data = Vec::new();
        // Read at most one byte past the limit: the file may have grown since it was listed.
        fs::File::open(&path).and_then(|file| file.take(limit + 1).read_to_end(&mut data)).map_err(read_error)?;
        if data.len() as u64 > limit {
            return Err(Error::FileTooLarge { path: shown, limit });
        }
        self.total_bytes += data.len() as u64;
        if self.total_bytes > self.limits.max_total_bytes {
            return Err(Error::TotalTooLarge { path: shown, limit: self.limits.max_total_bytes });
        }
        self.bundle.add_file(rel, data, is_executable(&meta))?;
        Ok(false)
    }
}

/// The entries of one directory, sorted by name; names must be UTF-8 because tar entry names and the
/// contract's file references are text.
fn children(path: &Path, root: &Path) -> Result<Vec<(String, fs::DirEntry)>, Error> {
    let read_error = |source: io::Error| Error::Read { path: path.display().to_string(), source };
    let mut out = Vec::new();
    for entry in fs::read_dir(path).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name().into_string().map_err(|_| Error::NonUtf8Name {
            path: entry.path().strip_prefix(root).unwrap_or(&entry.path()).display().to_string(),
        })?;
        out.push((name, entry));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The archive being written, as a bundle-relative path when it lies inside the bundle. Canonical paths
/// are compared, so `-o svc/../svc/x.tar.gz` is recognised too; an output whose directory does not exist
/// yet cannot be inside the bundle.
fn output_inside(dir: &Path, output: &Path) -> Result<Option<String>, Error> {
    let root = fs::canonicalize(dir).map_err(|source| Error::Access { dir: dir.display().to_string(), source })?;
    let parent = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (Ok(parent), Some(name)) = (fs::canonicalize(parent), output.file_name()) else {
        return Ok(None);
    };
    let output = parent.join(name);
    let Ok(rel) = output.strip_prefix(&root) else {
        return Ok(None);
    };
    let parts: Option<Vec<&str>> = rel.components().map(|it| it.as_os_str().to_str()).collect();
    Ok(parts.map(|parts| parts.join("/")))
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}
