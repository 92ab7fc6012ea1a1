//! The crate's failures as typed values carrying their data; messages are lowercase, without a final period.

use std::io;

use crate::digest::Digest;

/// Why packing, reading, extracting or describing a bundle failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to access {dir}: {}", reason(.source))]
    Access { dir: String, source: io::Error },
    #[error("{dir} is not a directory")]
    NotADirectory { dir: String },
    #[error("no pacto.yaml found in {dir}")]
    NoContract { dir: String },
    #[error("bundle missing pacto.yaml")]
    MissingContract,
    #[error("cannot pack symlink {path:?}: a bundle holds only regular files and directories")]
    Symlink { path: String },
    #[error("cannot pack {path:?}: not a regular file or directory")]
    SpecialFile { path: String },
    #[error("cannot pack {path:?}: the name is not valid UTF-8")]
    NonUtf8Name { path: String },
    #[error("failed to read {path}: {}", reason(.source))]
    Read { path: String, source: io::Error },
    #[error("failed to write {path}: {}", reason(.source))]
    Write { path: String, source: io::Error },

    #[error("file {path:?} exceeds maximum size of {limit} bytes")]
    FileTooLarge { path: String, limit: u64 },
    #[error("file {path:?} brings the bundle over its maximum total size of {limit} bytes")]
    TotalTooLarge { path: String, limit: u64 },
    #[error("entry {path:?} brings the bundle over its maximum of {limit} entries")]
    TooManyEntries { path: String, limit: usize },
    #[error("bundle archive exceeds maximum compressed size of {limit} bytes")]
    CompressedTooLarge { limit: u64 },
    #[error("bundle archive expands to more than {limit} bytes of tar data")]
    TarTooLarge { limit: u64 },

    #[error("tar entry {entry:?} {fault}")]
    UnsafePath { entry: String, fault: PathFault },
    #[error("tar entry {entry:?} is a {kind}: a bundle holds only regular files and directories")]
    UnsupportedEntry { entry: String, kind: EntryKind },
    #[error("invalid bundle path {path:?}: not a clean relative path")]
    InvalidPath { path: String },
    #[error("tar entry {entry:?} appears twice")]
    DuplicateEntry { entry: String },
    #[error("tar entry {entry:?} lies inside file {file:?}")]
    EntryInsideFile { entry: String, file: String },
    #[error("invalid bundle archive: {}", reason(.source))]
    CorruptArchive { source: io::Error },
    #[error("zstd-compressed bundle layers are not supported")]
    Zstd,

    #[error("invalid digest {digest:?}: expected sha256:<64 lowercase hex digits>")]
    InvalidDigest { digest: String },
    #[error("manifest of {size} bytes exceeds maximum size of {limit} bytes")]
    ManifestTooLarge { size: usize, limit: usize },
    #[error("invalid manifest: {reason}")]
    InvalidManifest { reason: String },
    #[error("image has no layers")]
    NoLayers,
    #[error("expected 1 layer, got {count}")]
    TooManyLayers { count: usize },
}

/// What makes a tar entry's name unsafe to write below a target directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathFault {
    #[error("has an absolute path")]
    Absolute,
    #[error("has a `..` component")]
    ParentDir,
    #[error("has a backslash in its name")]
    Backslash,
    #[error("has a name that is not valid UTF-8")]
    NonUtf8,
}

/// Tar entry types a bundle refuses (spec "Our decisions": safe extraction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryKind {
    #[error("symlink")]
    Symlink,
    #[error("hard link")]
    HardLink,
    #[error("character device")]
    CharDevice,
    #[error("block device")]
    BlockDevice,
    #[error("fifo")]
    Fifo,
    #[error("sparse file")]
    Sparse,
    #[error("tar entry of type {0:?}")]
    Other(char),
}

/// Why a cache operation failed. None of these is fatal: the caller goes on without the cache.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot write to the cache at {path}: {}", reason(.source))]
    Write { path: String, source: io::Error },
    #[error("cannot read the cache at {path}: {}", reason(.source))]
    Read { path: String, source: io::Error },
    #[error("refused to cache a blob whose digest is {actual}, not the expected {expected}")]
    DigestMismatch { expected: Digest, actual: Digest },
}

/// Why a registry operation failed (spec §5.5). Each variant names the reference it was about; causes are
/// the transport's or the registry's words, never credentials.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("invalid reference {reference:?}: {reason}")]
    InvalidReference { reference: String, reason: String },
    #[error("invalid repository {repository:?}: {reason}")]
    InvalidRepository { repository: String, reason: String },
    #[error(
        "authentication failed for {reference}: {registry} {cause} — run `pacto login` or check PACTO_REGISTRY_TOKEN"
    )]
    Unauthorized { reference: String, registry: String, cause: String },
    #[error("artifact not found: {reference}")]
    NotFound { reference: String },
    #[error("registry unreachable for {reference}: {cause}")]
    Unreachable { reference: String, cause: String },
    #[error("registry unreachable for {reference}: no answer within {} s", .timeout.as_secs_f32())]
    Timeout { reference: String, timeout: std::time::Duration },
    #[error("layer of {reference} is {size} bytes, over the maximum compressed size of {limit} bytes")]
    LayerTooLarge { reference: String, size: u64, limit: u64 },
    #[error("{what} of {reference} has digest {actual}, not the expected {expected}")]
    DigestMismatch { reference: String, what: &'static str, expected: Digest, actual: Digest },
    #[error("invalid artifact {reference}: {source}")]
    Artifact { reference: String, source: Error },
    #[error("failed to extract bundle: {source}")]
    Bundle { source: Error },
    #[error("no semver tags found for {repository}")]
    NoSemverTags { repository: String },
    #[error("no tags satisfy constraint \"{constraint}\"")]
    NoTagSatisfies { constraint: String },
    #[error("login failed: {registry} refused the credentials")]
    LoginRefused { registry: String },
    #[error("{helper} failed: {reason}")]
    CredentialHelper { helper: String, reason: String },
    #[error("invalid PACTO_REGISTRY_TIMEOUT {value:?}: expected a positive number of seconds")]
    InvalidTimeout { value: String },
    #[error("failed to read {path} (PACTO_CA_FILE): {reason}")]
    CaFile { path: String, reason: String },
    #[error("failed to parse {path}: {reason}")]
    CredentialsFile { path: String, reason: String },
}

impl RegistryError {
    /// Whether the registry could not be reached at all, which lets a cached answer stand in (spec "Our
    /// decisions": the cache works offline).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, RegistryError::Unreachable { .. } | RegistryError::Timeout { .. })
    }

    /// Why the registry could not be reached, in a few words for a status line ("connection refused",
    /// "no answer within 10 s"); `None` for any other error.
    pub fn unreachable_cause(&self) -> Option<String> {
        match self {
            RegistryError::Unreachable { cause, .. } => Some(short_cause(cause)),
            RegistryError::Timeout { timeout, .. } => Some(format!("no answer within {} s", timeout.as_secs_f32())),
            _ => None,
        }
    }
}

/// The innermost cause of a chain of `outer: inner: innermost (os error N)` messages (how reqwest and hyper
/// word a failed connection), lowercased: what a person needs at a glance; the full chain stays in the logs
/// and the `REGISTRY_UNREACHABLE` diagnostic.
pub fn short_cause(cause: &str) -> String {
    let innermost = cause.rsplit(": ").next().unwrap_or(cause).trim();
    let innermost = match innermost.rfind(" (os error ") {
        Some(at) if innermost.ends_with(')') => &innermost[..at],
        _ => innermost,
    };
    let mut chars = innermost.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => cause.to_owned(),
    }
}

/// An OS error as a lowercase phrase without the `(os error N)` suffix, as the reference words them.
pub fn reason(err: &io::Error) -> String {
    let text = match err.kind() {
        io::ErrorKind::NotFound => return "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => return "permission denied".to_owned(),
        io::ErrorKind::NotADirectory => return "not a directory".to_owned(),
        io::ErrorKind::IsADirectory => return "is a directory".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => return "read-only file system".to_owned(),
        io::ErrorKind::StorageFull => return "no space left on device".to_owned(),
        io::ErrorKind::UnexpectedEof => return "unexpected end of file".to_owned(),
        _ => err.to_string(),
    };
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text.as_str(),
    };
    // The tar reader quotes raw header bytes in its messages: a hostile archive must not get control
    // characters onto the user's terminal, nor a kilobyte of them into one line.
    let mut out = String::new();
    let mut n_chars = 0;
    for (idx, ch) in text.trim().chars().enumerate() {
        let piece: String = match ch {
            _ if idx == 0 => ch.to_lowercase().collect(),
            _ if ch.is_control() => ch.escape_default().collect(),
            _ => ch.into(),
        };
        n_chars += piece.chars().count();
        if n_chars > MAX_REASON_CHARS {
            out.push('…');
            break;
        }
        out.push_str(&piece);
    }
    out
}

/// Characters of an underlying error kept in a message; the rest is cut, marked with `…`.
const MAX_REASON_CHARS: usize = 120;

#[cfg(test)]
mod tests {
    use std::io;

    use super::{reason, short_cause};

    #[test]
    fn reason_is_lowercase_without_the_os_error_number() {
        assert_eq!(reason(&io::Error::from_raw_os_error(13)), "permission denied");
        assert_eq!(reason(&io::Error::other("Corrupt deflate stream")), "corrupt deflate stream");
        assert_eq!(reason(&io::Error::from_raw_os_error(39)), "directory not empty");
    }

    #[test]
    fn reason_escapes_control_characters_and_is_cut_at_limit() {
        assert_eq!(reason(&io::Error::other("bad name: \x07\x1b[2J")), "bad name: \\u{7}\\u{1b}[2J");
        let at_limit = "x".repeat(super::MAX_REASON_CHARS);
        assert_eq!(reason(&io::Error::other(at_limit.clone())), at_limit);
        let over_limit = "x".repeat(super::MAX_REASON_CHARS + 1);
        assert_eq!(reason(&io::Error::other(over_limit)), format!("{at_limit}…"));
    }

    #[test]
    fn short_cause_is_the_innermost_cause_in_lowercase() {
        let refused = "error sending request for url (http://127.0.0.1:5000/v2/a/b/tags/list?n=1000): client error \
                       (Connect): tcp connect error: Connection refused (os error 111)";
        assert_eq!(short_cause(refused), "connection refused");
        let dns = "error sending request for url (https://nowhere.invalid/v2/): client error (Connect): dns error: \
                   failed to lookup address information: Name or service not known";
        assert_eq!(short_cause(dns), "name or service not known");
        assert_eq!(short_cause("no answer within 0.5 s"), "no answer within 0.5 s");
        assert_eq!(short_cause(""), "");
    }
}
