//! A pulled bundle archive read into memory, trusting nothing in it: unsafe names, links and devices are
//! refused, and every limit is counted on bytes actually read while streaming, so a bomb stops early.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;
use tar::EntryType;

use super::Bundle;
use crate::error::{EntryKind, Error, PathFault};
use crate::limits::Limits;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

pub(super) fn read_archive(reader: impl Read, limits: &Limits) -> Result<Bundle, Error> {
    let compressed_crossed = Rc::new(Cell::new(false));
    let tar_crossed = Rc::new(Cell::new(false));
    let compressed = Counted::new(reader, limits.max_compressed_bytes, compressed_crossed.clone());
    match read_stream(compressed, limits, tar_crossed.clone()) {
        // A crossed limit surfaces as a read error somewhere below; report the limit, not the symptom.
        Err(_) if compressed_crossed.get() => Err(Error::CompressedTooLarge { limit: limits.max_compressed_bytes }),
        Err(_) if tar_crossed.get() => Err(Error::TarTooLarge { limit: limits.max_tar_bytes() }),
        Ok(bundle) if bundle.contract().is_none() => Err(Error::MissingContract),
        other => other,
    }
}

fn read_stream(compressed: impl Read, limits: &Limits, tar_crossed: Rc<Cell<bool>>) -> Result<Bundle, Error> {
    let mut buffered = BufReader::new(compressed);
    // The layer may be gzip or plain tar (the reference sniffs and ignores the media type, spec §5.2).
    let head = buffered.fill_buf().map_err(|source| Error::CorruptArchive { source })?;
    let decoded: Box<dyn Read> = if head.starts_with(GZIP_MAGIC) {
        Box::new(MultiGzDecoder::new(buffered))
    } else if head.starts_with(ZSTD_MAGIC) {
        return Err(Error::Zstd);
    } else {
        Box::new(buffered)
    };
    let mut archive = tar::Archive::new(Counted::new(decoded, limits.max_tar_bytes(), tar_crossed));
    let bundle = read_entries(&mut archive, limits)?;
    // Read to the end: the gzip checksum is only verified there, and the compressed limit then counts the
    // whole archive, not the part the tar reader happened to need.
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(|source| Error::CorruptArchive { source })?;
    Ok(bundle)
}

fn read_entries<R: Read>(archive: &mut tar::Archive<R>, limits: &Limits) -> Result<Bundle, Error> {
    let corrupt = |source| Error::CorruptArchive { source };
    let mut bundle = Bundle::new();
    let mut n_entries = 0;
    let mut total_bytes = 0;
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let raw_name = entry.path_bytes().into_owned();
        let shown = shown_name(&raw_name);
        n_entries += 1;
        if n_entries > limits.max_entries {
            return Err(Error::TooManyEntries { path: shown, limit: limits.max_entries });
        }
        let is_dir = match entry.header().entry_type() {
            EntryType::Regular | EntryType::Continuous => false,
            EntryType::Directory => true,
            // Archive-wide metadata (`git archive` writes the commit id there); it names no file.
            EntryType::XGlobalHeader => continue,
            // Deviation: the reference reads links and devices as empty files (spec §5.4); "Our decisions":
            // safe extraction refuses them.
            other => return Err(Error::UnsupportedEntry { entry: shown, kind: refused_kind(other) }),
        };
        let Some(name) = clean_name(&raw_name).map_err(|fault| Error::UnsafePath { entry: shown.clone(), fault })?
        else {
            continue;
        };
        if is_dir {
            bundle.add_dir(&name)?;
            continue;
        }
        let limit = limits.max_file_bytes;
        if entry.size() > limit {
            return Err(Error::FileTooLarge { path: name, limit });
        }
        // Never size a buffer from the header; read at most one byte past the limit and count that.
        let mut data = Vec::new();
        (&mut entry).take(limit + 1).read_to_end(&mut data).map_err(corrupt)?;
        if data.len() as u64 > limit {
            return Err(Error::FileTooLarge { path: name, limit });
        }
        total_bytes += data.len() as u64;
        if total_bytes > limits.max_total_bytes {
            return Err(Error::TotalTooLarge { path: name, limit: limits.max_total_bytes });
        }
        let executable = entry.header().mode().is_ok_and(|mode| mode & 0o111 != 0);
        bundle.add_file(&name, data, executable)?;
    }
    Ok(bundle)
}

/// An entry's name for a message, cut short: a long-name record can make it megabytes long. Control
/// characters are escaped where it is shown (`{:?}`).
fn shown_name(raw: &[u8]) -> String {
    let name = String::from_utf8_lossy(raw);
    match name.char_indices().nth(MAX_SHOWN_NAME_CHARS) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.into_owned(),
    }
}

/// Characters of an entry name kept in a message.
const MAX_SHOWN_NAME_CHARS: usize = 200;

/// The entry's name as a clean relative path; `None` for the root itself (`.`, `./`), which is skipped.
/// `./` prefixes and empty or `.` components are tolerated and dropped (spec §5.4); anything that could
/// land outside the target is an error.
fn clean_name(raw: &[u8]) -> Result<Option<String>, PathFault> {
    let name = std::str::from_utf8(raw).map_err(|_| PathFault::NonUtf8)?;
    if name.starts_with('/') {
        return Err(PathFault::Absolute);
    }
    // A backslash is a separator on Windows, where `..\x` would climb out of the target.
    if name.contains('\\') {
        return Err(PathFault::Backslash);
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(PathFault::ParentDir),
            part => parts.push(part),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

fn refused_kind(kind: EntryType) -> EntryKind {
    match kind {
        EntryType::Symlink => EntryKind::Symlink,
        EntryType::Link => EntryKind::HardLink,
        EntryType::Char => EntryKind::CharDevice,
        EntryType::Block => EntryKind::BlockDevice,
        EntryType::Fifo => EntryKind::Fifo,
        EntryType::GNUSparse => EntryKind::Sparse,
        other => EntryKind::Other(char::from(other.as_byte())),
    }
}

/// A reader that fails once more than `limit` bytes have passed through it, and says so in `crossed`.
struct Counted<R> {
    inner: R,
    limit: u64,
    count: u64,
    crossed: Rc<Cell<bool>>,
}

impl<R> Counted<R> {
    fn new(inner: R, limit: u64, crossed: Rc<Cell<bool>>) -> Counted<R> {
        Counted { inner, limit, count: 0, crossed }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.crossed.get() {
            return Err(io::Error::other("read limit crossed"));
        }
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            self.crossed.set(true);
            return Err(io::Error::other("read limit crossed"));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_SHOWN_NAME_CHARS, clean_name, shown_name};
    use crate::error::PathFault;

    #[test]
    fn clean_name_tolerates_dot_prefixes_and_refuses_escapes() {
        let cases: &[(&str, Result<Option<&str>, PathFault>)] = &[
            ("pacto.yaml", Ok(Some("pacto.yaml"))),
            ("./pacto.yaml", Ok(Some("pacto.yaml"))),
            ("././a//b/./c/", Ok(Some("a/b/c"))),
            ("./", Ok(None)),
            (".", Ok(None)),
            ("", Ok(None)),
            ("..", Err(PathFault::ParentDir)),
            ("a/../../x", Err(PathFault::ParentDir)),
            ("/etc/x", Err(PathFault::Absolute)),
            ("a\\..\\..\\x", Err(PathFault::Backslash)),
            ("a..b/c..", Ok(Some("a..b/c.."))),
        ];
        for (raw, expected) in cases {
            let expected = expected.map(|it| it.map(str::to_owned));
            assert_eq!(clean_name(raw.as_bytes()), expected, "{raw}");
        }
        assert_eq!(clean_name(b"a\xff"), Err(PathFault::NonUtf8));
    }

    #[test]
    fn shown_name_at_limit_passes_whole() {
        let name = "é".repeat(MAX_SHOWN_NAME_CHARS);
        assert_eq!(shown_name(name.as_bytes()), name);
    }

    #[test]
    fn shown_name_over_limit_is_cut() {
        let name = "é".repeat(MAX_SHOWN_NAME_CHARS + 1);
        assert_eq!(shown_name(name.as_bytes()), format!("{}…", "é".repeat(MAX_SHOWN_NAME_CHARS)));
    }
}
