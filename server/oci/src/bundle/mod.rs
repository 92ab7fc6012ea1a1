//! A bundle in memory (directories and files by relative path, in archive order) and the ways in and out:
//! a directory (`walk`), a reproducible tar.gz (`archive`), a pulled tar (`unpack`), a target directory
//! (`extract`).

mod archive;
mod extract;
mod unpack;
mod walk;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use pacto_core::validate::{BundleFiles, bundle::valid_path};

use crate::error::Error;
use crate::limits::Limits;

pub use archive::{Archive, gzip};
pub use walk::view_rules;

/// The contract file every bundle holds at its root (spec §1.1).
pub const CONTRACT_FILE: &str = "pacto.yaml";

/// A bundle's content. Paths are slash-separated, relative, clean (`io/fs` valid paths); every parent of an
/// entry is present as a directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    entries: BTreeMap<EntryPath, Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    /// `executable` keeps the one permission bit that matters across machines (spec "Our decisions":
    /// modes 0644/0755).
    File {
        data: Vec<u8>,
        executable: bool,
    },
}

/// How [`pack`] reads a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackOptions {
    pub limits: Limits,
    /// The archive being written: never packed into itself when it lies inside the bundle.
    pub output: Option<PathBuf>,
}

impl PackOptions {
    pub const DEFAULT: PackOptions = PackOptions { limits: Limits::DEFAULT, output: None };
}

/// A bundle directory read into memory as [`pack`] sees it (for 2.0, its `.pactoignore` view).
pub fn read_dir(dir: &Path, options: &PackOptions) -> Result<Bundle, Error> {
    walk::read_dir(dir, options)
}

/// A bundle directory as a reproducible tar.gz (spec §5.1, "Our decisions": reproducible bundles).
pub fn pack(dir: &Path, options: &PackOptions) -> Result<Archive, Error> {
    let bundle = walk::read_dir(dir, options)?;
    Archive::new(&bundle, &options.limits)
}

/// Reads a bundle archive (gzip or plain tar) under `limits` and writes it into `target`: all of it, or,
/// on any error, nothing (spec "Our decisions": safe extraction).
pub fn extract(reader: impl Read, target: &Path, limits: &Limits) -> Result<Bundle, Error> {
    let bundle = Bundle::from_archive(reader, limits)?;
    bundle.write_to(target)?;
    Ok(bundle)
}

impl Bundle {
    pub fn new() -> Bundle {
        Bundle::default()
    }

    /// Reads a bundle archive, gzip-compressed or plain, refusing unsafe entries and anything over
    /// `limits` while it streams; the result holds `pacto.yaml`.
    pub fn from_archive(reader: impl Read, limits: &Limits) -> Result<Bundle, Error> {
        unpack::read_archive(reader, limits)
    }

    /// Writes the bundle below `target` through a staging directory; see [`extract`].
    pub fn write_to(&self, target: &Path) -> Result<(), Error> {
        extract::write_to(self, target)
    }

    /// Adds a directory and its missing parents.
    pub fn add_dir(&mut self, path: &str) -> Result<(), Error> {
        self.add_parents(path)?;
        match self.entries.get(&EntryPath::new(path)) {
            Some(Entry::File { .. }) => Err(Error::DuplicateEntry { entry: path.to_owned() }),
            Some(Entry::Dir) => Ok(()),
            None => {
                self.entries.insert(EntryPath::new(path), Entry::Dir);
                Ok(())
            }
        }
    }

    /// Adds a file and its missing parents; a second entry at the same path is refused.
    pub fn add_file(&mut self, path: &str, data: Vec<u8>, executable: bool) -> Result<(), Error> {
        self.add_parents(path)?;
        if self.entries.contains_key(&EntryPath::new(path)) {
            return Err(Error::DuplicateEntry { entry: path.to_owned() });
        }
        self.entries.insert(EntryPath::new(path), Entry::File { data, executable });
        Ok(())
    }

    pub fn file(&self, path: &str) -> Option<&[u8]> {
        match self.entries.get(&EntryPath::new(path)) {
            Some(Entry::File { data, .. }) => Some(data),
            _ => None,
        }
    }

    /// The bytes of `pacto.yaml`.
    pub fn contract(&self) -> Option<&[u8]> {
        self.file(CONTRACT_FILE)
    }

    /// Every entry in archive order: depth first, names in byte order, a directory before its content.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(path, entry)| (path.0.as_str(), entry))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes of file data, the quantity the total-size limit counts.
    pub fn total_bytes(&self) -> u64 {
        self.entries()
            .map(|(_, entry)| match entry {
                Entry::File { data, .. } => data.len() as u64,
                Entry::Dir => 0,
            })
            .sum()
    }

    fn add_parents(&mut self, path: &str) -> Result<(), Error> {
        if !valid_path(path) || path == "." {
            // Callers hand in cleaned names; this is the last line of defence for a public method.
            return Err(Error::InvalidPath { path: path.to_owned() });
        }
        let mut end = 0;
        while let Some(at) = path[end..].find('/') {
            let parent = &path[..end + at];
            match self.entries.get(&EntryPath::new(parent)) {
                Some(Entry::File { .. }) => {
                    return Err(Error::EntryInsideFile { entry: path.to_owned(), file: parent.to_owned() });
                }
                Some(Entry::Dir) => {}
                None => {
                    self.entries.insert(EntryPath::new(parent), Entry::Dir);
                }
            }
            end += at + 1;
        }
        Ok(())
    }
}

/// `FILE_NOT_FOUND` checks against a pulled bundle, without writing it to disk (spec §2.7).
impl BundleFiles for Bundle {
    fn contains(&self, path: &str) -> bool {
        path == "." || (valid_path(path) && self.entries.contains_key(&EntryPath::new(path)))
    }

    fn is_file(&self, path: &str) -> bool {
        valid_path(path) && self.file(path).is_some()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.file(path).map(<[u8]>::to_vec)
    }
}

/// A bundle path ordered component by component, which is the order of a depth-first walk with names
/// sorted (Go's `fs.WalkDir`, spec §5.1): `a`, `a/b`, `a-c`, where plain string order puts `a-c` first.
#[derive(Clone, Debug, PartialEq, Eq)]
struct EntryPath(String);

impl EntryPath {
    fn new(path: &str) -> EntryPath {
        EntryPath(path.to_owned())
    }
}

impl Ord for EntryPath {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for EntryPath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests;
