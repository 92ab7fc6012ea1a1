//! Named limits on bundles and artifacts: each one stops a hostile archive before it costs memory or disk.

use pacto_core::syntax::limits::MAX_CONTRACT_BYTES;

/// Refused beyond this size for any one file: the reference's per-file limit (spec §5.4), the same as the
/// contract file's own limit, so a bundle can always hold its `pacto.yaml`.
pub const MAX_FILE_BYTES: u64 = MAX_CONTRACT_BYTES as u64;

/// Refused beyond this many uncompressed bytes of file data in one bundle: the reference's total (spec §5.4).
/// Without it a small layer could fill the disk or, in the language server, the memory.
pub const MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;

/// Refused beyond this many compressed bytes read: a layer this large is no contract bundle, and the count
/// bounds the download before any decompression work is spent on it.
pub const MAX_COMPRESSED_BYTES: u64 = 20 * 1024 * 1024;

/// Refused beyond this many entries (files and directories): a million empty files cost no bytes but
/// as many inodes, syscalls and map entries.
pub const MAX_ENTRIES: usize = 10_000;

/// Tar framing allowed per entry on top of its data: a 512-byte header, up to 511 bytes of padding and a
/// long-name or PAX record. Long names are read whole into memory by the tar reader, so the framing needs
/// a bound of its own or a 1 GiB "name" would pass every other limit.
pub const MAX_ENTRY_OVERHEAD_BYTES: u64 = 8 * 1024;

/// One tar record (20 blocks): writers pad the end of an archive up to it.
const TAR_RECORD_BYTES: u64 = 20 * 512;

/// Refused beyond this size: registries may refuse manifests over 4 MiB (OCI distribution spec), and a
/// single-layer manifest is a few hundred bytes.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// The limits a bundle is packed and read under; tests cross small ones, everything else uses
/// [`Limits::DEFAULT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    pub max_compressed_bytes: u64,
    pub max_entries: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: MAX_FILE_BYTES,
        max_total_bytes: MAX_TOTAL_BYTES,
        max_compressed_bytes: MAX_COMPRESSED_BYTES,
        max_entries: MAX_ENTRIES,
    };

    /// The most decompressed tar bytes a bundle within these limits can take: its data plus the framing
    /// of every entry. Reading stops here whatever the headers claim.
    pub fn max_tar_bytes(&self) -> u64 {
        let framing = (self.max_entries as u64).saturating_mul(MAX_ENTRY_OVERHEAD_BYTES);
        self.max_total_bytes.saturating_add(framing).saturating_add(TAR_RECORD_BYTES)
    }
}
