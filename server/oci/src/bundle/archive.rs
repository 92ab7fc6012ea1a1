//! A bundle as reproducible bytes: a tar with every header normalised, gzip-compressed with no timestamp.
//! The same bundle gives the same bytes, so the same digest, on every machine (spec "Our decisions").

use std::io::Write;
use std::path::Path;

use flate2::{Compression, GzBuilder};
use tar::{EntryType, Header};

use super::{Bundle, Entry};
use crate::atomic;
use crate::digest::Digest;
use crate::error::Error;
use crate::limits::Limits;

/// Mode bits of every file `pacto pack` writes, as the reference's `os.WriteFile(…, 0644)`.
const ARCHIVE_FILE_MODE: u32 = 0o644;

/// A packed bundle: the tar.gz and the digests the artifact needs (spec §5.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    /// The gzip-compressed tar: the file `pacto pack` writes and the layer `pacto push` uploads.
    pub tar_gz: Vec<u8>,
    /// sha256 of `tar_gz`: the layer's digest.
    pub digest: Digest,
    /// sha256 of the uncompressed tar: the config's `rootfs.diff_ids` entry.
    pub diff_id: Digest,
}

impl Archive {
    /// Packs `bundle`; refused when the compressed result is over the limit a puller would apply.
    pub fn new(bundle: &Bundle, limits: &Limits) -> Result<Archive, Error> {
        let tar = tar(bundle)?;
        let tar_gz = gzip(&tar);
        if tar_gz.len() as u64 > limits.max_compressed_bytes {
            return Err(Error::CompressedTooLarge { limit: limits.max_compressed_bytes });
        }
        Ok(Archive { digest: Digest::of(&tar_gz), diff_id: Digest::of(&tar), tar_gz })
    }

    /// Writes the archive through a temp file and a rename, so `path` is either the old file or the
    /// whole new one, never a torn write.
    pub fn write_to(&self, path: &Path) -> Result<(), Error> {
        atomic::write_file(path, &self.tar_gz, ARCHIVE_FILE_MODE)
            .map_err(|source| Error::Write { path: path.display().to_string(), source })
    }
}

/// Gzip with the default level, no file name and mtime 0. Pack and push share it, where the reference
/// uses the default level for pack and the fastest for push: one level keeps one digest per bundle.
pub fn gzip(tar: &[u8]) -> Vec<u8> {
    // Deviation: one level for pack and push ("Our decisions": reproducible bundles).
    let mut encoder = GzBuilder::new().mtime(0).write(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail; the encoder only reports the sink's errors.
    let _ = encoder.write_all(tar);
    encoder.finish().unwrap_or_default()
}

/// The uncompressed tar: entries in walk order (spec §5.1), names without `./` or a trailing slash, USTAR
/// headers with mtime 0, uid/gid 0, empty owner names and modes 0644/0755. A name too long for USTAR gets
/// a GNU long-name record, which every tar reader in use (Go's included) understands.
fn tar(bundle: &Bundle) -> Result<Vec<u8>, Error> {
    let mut builder = tar::Builder::new(Vec::new());
    // Deviation: headers are built, not copied from the file system as the reference's
    // `tar.FileInfoHeader` does ("Our decisions": reproducible bundles).
    for (path, entry) in bundle.entries() {
        let (mut header, data): (Header, &[u8]) = match entry {
            Entry::Dir => (header(EntryType::Directory, 0o755, 0), &[]),
            Entry::File { data, executable } => {
                let mode = if *executable { 0o755 } else { 0o644 };
                (header(EntryType::Regular, mode, data.len() as u64), data)
            }
        };
        builder.append_data(&mut header, path, data).map_err(|_| Error::InvalidPath { path: path.to_owned() })?;
    }
    builder.into_inner().map_err(|source| Error::CorruptArchive { source })
}

fn header(kind: EntryType, mode: u32, size: u64) -> Header {
    let mut header = Header::new_ustar();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(size);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header
}
