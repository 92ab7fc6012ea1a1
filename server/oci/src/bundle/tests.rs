//! Packing and extraction through the public API: reproducible bytes, and hostile archives refused.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use expect_test::{Expect, expect};
use flate2::Compression;
use flate2::write::GzEncoder;
use tar::{EntryType, Header};

use super::{Bundle, Entry, PackOptions, extract, pack};
use crate::limits::{
    Limits, MAX_COMPRESSED_BYTES, MAX_ENTRIES, MAX_ENTRY_OVERHEAD_BYTES, MAX_FILE_BYTES, MAX_TOTAL_BYTES,
};

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";

/// A small bundle with nested directories, a hidden file and an executable.
fn bundle_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pacto.yaml", CONTRACT);
    write(dir.path(), "interfaces/openapi.yaml", "openapi: 3.0.0\n");
    write(dir.path(), "configuration/schema.json", "{}\n");
    write(dir.path(), "docs/.notes", "hidden files travel too\n");
    write(dir.path(), "bin/run.sh", "#!/bin/sh\n");
    set_mode(&dir.path().join("bin/run.sh"), 0o700);
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn pack_dir(dir: &Path) -> Result<super::Archive, String> {
    pack(dir, &PackOptions::DEFAULT).map_err(|err| err.to_string())
}

fn pack_with(dir: &Path, limits: Limits) -> Result<super::Archive, String> {
    pack(dir, &PackOptions { limits, output: None }).map_err(|err| err.to_string())
}

/// Every header of a tar.gz as the tar crate reads it, one line each.
fn listing(tar_gz: &[u8]) -> String {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tar_gz));
    let mut out = String::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        let header = entry.header();
        out.push_str(&format!(
            "{:?} {:o} uid={} gid={} owner={:?}/{:?} mtime={} size={} {}\n",
            header.entry_type(),
            header.mode().unwrap(),
            header.uid().unwrap(),
            header.gid().unwrap(),
            header.username().unwrap().unwrap_or("?"),
            header.groupname().unwrap().unwrap_or("?"),
            header.mtime().unwrap(),
            header.size().unwrap(),
            String::from_utf8_lossy(&entry.path_bytes()),
        ));
    }
    out
}

fn names(bundle: &Bundle) -> Vec<&str> {
    bundle.entries().map(|(path, _)| path).collect()
}

#[test]
fn pack_writes_entries_in_walk_order_with_normalised_headers() {
    let dir = bundle_dir();
    let archive = pack_dir(dir.path()).unwrap();
    expect![[r#"
        Directory 755 uid=0 gid=0 owner=""/"" mtime=0 size=0 bin
        Regular 755 uid=0 gid=0 owner=""/"" mtime=0 size=10 bin/run.sh
        Directory 755 uid=0 gid=0 owner=""/"" mtime=0 size=0 configuration
        Regular 644 uid=0 gid=0 owner=""/"" mtime=0 size=3 configuration/schema.json
        Directory 755 uid=0 gid=0 owner=""/"" mtime=0 size=0 docs
        Regular 644 uid=0 gid=0 owner=""/"" mtime=0 size=24 docs/.notes
        Directory 755 uid=0 gid=0 owner=""/"" mtime=0 size=0 interfaces
        Regular 644 uid=0 gid=0 owner=""/"" mtime=0 size=15 interfaces/openapi.yaml
        Regular 644 uid=0 gid=0 owner=""/"" mtime=0 size=58 pacto.yaml
    "#]]
    .assert_eq(&listing(&archive.tar_gz));
    // USTAR headers, and a gzip header without a timestamp or a file name.
    let tar = {
        let mut tar = Vec::new();
        flate2::read::GzDecoder::new(archive.tar_gz.as_slice()).read_to_end(&mut tar).unwrap();
        tar
    };
    assert_eq!(&tar[257..265], b"ustar\x0000");
    assert_eq!(&archive.tar_gz[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    assert_eq!(archive.diff_id, crate::Digest::of(&tar));
    assert_eq!(archive.digest, crate::Digest::of(&archive.tar_gz));
}

#[test]
fn pack_is_byte_identical_across_runs_mtimes_and_creation_order() {
    let first = bundle_dir();
    let before = pack_dir(first.path()).unwrap();
    assert_eq!(pack_dir(first.path()).unwrap(), before);
    // Touch every file and directory: mtimes must not reach the archive.
    let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_234_567_890);
    for rel in ["pacto.yaml", "interfaces/openapi.yaml", "configuration/schema.json", "docs/.notes", "bin/run.sh"] {
        fs::File::options().write(true).open(first.path().join(rel)).unwrap().set_modified(then).unwrap();
    }
    assert_eq!(pack_dir(first.path()).unwrap(), before);
    // The same content written in another order, in another place, with a different umask-style mode.
    let second = tempfile::tempdir().unwrap();
    write(second.path(), "bin/run.sh", "#!/bin/sh\n");
    set_mode(&second.path().join("bin/run.sh"), 0o755);
    write(second.path(), "interfaces/openapi.yaml", "openapi: 3.0.0\n");
    write(second.path(), "docs/.notes", "hidden files travel too\n");
    set_mode(&second.path().join("docs/.notes"), 0o600);
    write(second.path(), "configuration/schema.json", "{}\n");
    write(second.path(), "pacto.yaml", CONTRACT);
    assert_eq!(pack_dir(second.path()).unwrap(), before);
}

#[test]
fn pack_orders_like_a_depth_first_walk_not_by_whole_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pacto.yaml", CONTRACT);
    for rel in ["a/b", "a-c", "a.d", "B"] {
        write(dir.path(), rel, "x");
    }
    let bundle = Bundle::from_archive(pack_dir(dir.path()).unwrap().tar_gz.as_slice(), &Limits::DEFAULT).unwrap();
    assert_eq!(names(&bundle), ["B", "a", "a/b", "a-c", "a.d", "pacto.yaml"]);
}

#[test]
fn pack_refuses_a_symlink_naming_it() {
    let dir = bundle_dir();
    std::os::unix::fs::symlink("openapi.yaml", dir.path().join("interfaces/link.yaml")).unwrap();
    let shown = dir.path().join("interfaces/link.yaml").display().to_string();
    assert_eq!(
        pack_dir(dir.path()).unwrap_err(),
        format!("cannot pack symlink {shown:?}: a bundle holds only regular files and directories")
    );
    // A link to a directory is refused the same way, not followed.
    fs::remove_file(dir.path().join("interfaces/link.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.path().join("etc")).unwrap();
    let shown = dir.path().join("etc").display().to_string();
    assert_eq!(
        pack_dir(dir.path()).unwrap_err(),
        format!("cannot pack symlink {shown:?}: a bundle holds only regular files and directories")
    );
}

#[test]
fn pack_refuses_a_fifo() {
    let dir = bundle_dir();
    let fifo = dir.path().join("docs/pipe");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo (coreutils) runs");
    assert!(status.success());
    assert_eq!(
        pack_dir(dir.path()).unwrap_err(),
        format!("cannot pack {:?}: not a regular file or directory", fifo.display().to_string())
    );
}

#[test]
fn pack_leaves_out_git_and_the_archive_being_written() {
    let dir = bundle_dir();
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(dir.path(), "vendor/sub/.git", "gitdir: ../../.git/modules/sub\n");
    write(dir.path(), "svc-1.0.0.tar.gz", "an earlier pack");
    let options = PackOptions { output: Some(dir.path().join("docs/../svc-1.0.0.tar.gz")), ..PackOptions::DEFAULT };
    let archive = pack(dir.path(), &options).unwrap();
    let bundle = Bundle::from_archive(archive.tar_gz.as_slice(), &Limits::DEFAULT).unwrap();
    assert_eq!(
        names(&bundle),
        [
            "bin",
            "bin/run.sh",
            "configuration",
            "configuration/schema.json",
            "docs",
            "docs/.notes",
            "interfaces",
            "interfaces/openapi.yaml",
            "pacto.yaml",
            "vendor",
            "vendor/sub"
        ]
    );
    // Any other archive is bundle content, as in the reference.
    let options = PackOptions { output: Some(dir.path().join("other.tar.gz")), ..PackOptions::DEFAULT };
    let archive = pack(dir.path(), &options).unwrap();
    let bundle = Bundle::from_archive(archive.tar_gz.as_slice(), &Limits::DEFAULT).unwrap();
    assert!(bundle.file("svc-1.0.0.tar.gz").is_some());
}

#[test]
fn pack_requires_a_directory_with_pacto_yaml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "interfaces/openapi.yaml", "openapi: 3.0.0\n");
    let shown = dir.path().display();
    assert_eq!(pack_dir(dir.path()).unwrap_err(), format!("no pacto.yaml found in {shown}"));
    // A pacto.yaml below the root does not count.
    write(dir.path(), "nested/pacto.yaml", CONTRACT);
    assert_eq!(pack_dir(dir.path()).unwrap_err(), format!("no pacto.yaml found in {shown}"));
    assert_eq!(
        pack_dir(&dir.path().join("interfaces/openapi.yaml")).unwrap_err(),
        format!("{shown}/interfaces/openapi.yaml is not a directory")
    );
    assert_eq!(
        pack_dir(&dir.path().join("missing")).unwrap_err(),
        format!("failed to access {shown}/missing: no such file or directory")
    );
}

#[test]
fn pack_writes_long_names_that_read_back_whole() {
    let dir = bundle_dir();
    let long_component = "x".repeat(120);
    let deep = format!("{}/{}", "d".repeat(90), "e".repeat(90));
    write(dir.path(), &format!("docs/{long_component}.md"), "long\n");
    write(dir.path(), &format!("{deep}/f.md"), "deep\n");
    let archive = pack_dir(dir.path()).unwrap();
    let bundle = Bundle::from_archive(archive.tar_gz.as_slice(), &Limits::DEFAULT).unwrap();
    assert_eq!(bundle.file(&format!("docs/{long_component}.md")), Some(&b"long\n"[..]));
    assert_eq!(bundle.file(&format!("{deep}/f.md")), Some(&b"deep\n"[..]));
    assert!(
        listing(&archive.tar_gz)
            .contains(&format!("Regular 644 uid=0 gid=0 owner=\"\"/\"\" mtime=0 size=5 docs/{long_component}.md"))
    );
}

#[test]
fn pack_file_at_limit_passes() {
    let dir = bundle_dir();
    write(dir.path(), "docs/big", &"x".repeat(100));
    let limits = Limits { max_file_bytes: 100, ..Limits::DEFAULT };
    assert!(pack_with(dir.path(), limits).is_ok());
}

#[test]
fn pack_file_over_limit_refused() {
    let dir = bundle_dir();
    write(dir.path(), "docs/big", &"x".repeat(101));
    let limits = Limits { max_file_bytes: 100, ..Limits::DEFAULT };
    let shown = dir.path().join("docs/big").display().to_string();
    assert_eq!(pack_with(dir.path(), limits).unwrap_err(), format!("file {shown:?} exceeds maximum size of 100 bytes"));
}

#[test]
fn pack_total_at_limit_passes() {
    let dir = bundle_dir();
    let total = 10 + 3 + 24 + 15 + CONTRACT.len() as u64;
    let limits = Limits { max_total_bytes: total, ..Limits::DEFAULT };
    assert!(pack_with(dir.path(), limits).is_ok());
}

#[test]
fn pack_total_over_limit_refused() {
    let dir = bundle_dir();
    let total = 10 + 3 + 24 + 15 + CONTRACT.len() as u64;
    let limits = Limits { max_total_bytes: total - 1, ..Limits::DEFAULT };
    let shown = dir.path().join("pacto.yaml").display().to_string();
    assert_eq!(
        pack_with(dir.path(), limits).unwrap_err(),
        format!("file {shown:?} brings the bundle over its maximum total size of {} bytes", total - 1)
    );
}

#[test]
fn pack_entries_at_limit_passes() {
    let dir = bundle_dir();
    assert!(pack_with(dir.path(), Limits { max_entries: 9, ..Limits::DEFAULT }).is_ok());
}

#[test]
fn pack_entries_over_limit_refused() {
    let dir = bundle_dir();
    let shown = dir.path().join("pacto.yaml").display().to_string();
    assert_eq!(
        pack_with(dir.path(), Limits { max_entries: 8, ..Limits::DEFAULT }).unwrap_err(),
        format!("entry {shown:?} brings the bundle over its maximum of 8 entries")
    );
}

#[test]
fn pack_compressed_at_limit_passes() {
    let dir = bundle_dir();
    let size = pack_dir(dir.path()).unwrap().tar_gz.len() as u64;
    assert!(pack_with(dir.path(), Limits { max_compressed_bytes: size, ..Limits::DEFAULT }).is_ok());
}

#[test]
fn pack_compressed_over_limit_refused() {
    let dir = bundle_dir();
    let size = pack_dir(dir.path()).unwrap().tar_gz.len() as u64;
    assert_eq!(
        pack_with(dir.path(), Limits { max_compressed_bytes: size - 1, ..Limits::DEFAULT }).unwrap_err(),
        format!("bundle archive exceeds maximum compressed size of {} bytes", size - 1)
    );
}

#[test]
fn default_limits_are_wired() {
    assert_eq!(
        Limits::DEFAULT,
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            max_total_bytes: MAX_TOTAL_BYTES,
            max_compressed_bytes: MAX_COMPRESSED_BYTES,
            max_entries: MAX_ENTRIES,
        }
    );
    assert_eq!((MAX_FILE_BYTES, MAX_TOTAL_BYTES, MAX_ENTRIES), (10_485_760, 52_428_800, 10_000));
    assert_eq!(PackOptions::DEFAULT.limits, Limits::DEFAULT);
    // Pack: a sparse file one byte over the default is refused from its size, before a byte is read.
    let dir = bundle_dir();
    fs::File::create(dir.path().join("docs/huge")).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
    let shown = dir.path().join("docs/huge").display().to_string();
    assert_eq!(pack_dir(dir.path()).unwrap_err(), format!("file {shown:?} exceeds maximum size of 10485760 bytes"));
    // Unpack: a header claiming one byte over the default is refused before its data is read.
    let tar = raw_tar(&[(b"huge", EntryType::Regular, MAX_FILE_BYTES + 1, b"")]);
    assert_eq!(unpack_err(&tar, &Limits::DEFAULT), "file \"huge\" exceeds maximum size of 10485760 bytes");
    assert_eq!(
        Limits::DEFAULT.max_tar_bytes(),
        MAX_TOTAL_BYTES + MAX_ENTRIES as u64 * MAX_ENTRY_OVERHEAD_BYTES + 10_240
    );
}

// Extraction.

/// A tar written header by header, bypassing every check of the tar crate's own builder, as an attacker
/// would. `size` is what the header claims; `data` is what follows it.
fn raw_tar(entries: &[(&[u8], EntryType, u64, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind, size, data) in entries {
        let mut header = Header::new_gnu();
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
        header.set_entry_type(*kind);
        header.set_mode(0o644);
        header.set_size(*size);
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn file<'a>(name: &'a [u8], data: &'a [u8]) -> (&'a [u8], EntryType, u64, &'a [u8]) {
    (name, EntryType::Regular, data.len() as u64, data)
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn unpack_err(archive: &[u8], limits: &Limits) -> String {
    Bundle::from_archive(archive, limits).unwrap_err().to_string()
}

/// Extracts into `<tmp>/out` and checks that a failure left nothing at all in `<tmp>`.
fn extract_err(archive: &[u8], limits: &Limits) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let err = extract(archive, &tmp.path().join("out"), limits).unwrap_err().to_string();
    let left: Vec<PathBuf> = fs::read_dir(tmp.path()).unwrap().map(|it| it.unwrap().path()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    err
}

fn check_refused(entries: &[(&[u8], EntryType, u64, &[u8])], expect: Expect) {
    let mut all = vec![file(b"pacto.yaml", CONTRACT.as_bytes())];
    all.extend_from_slice(entries);
    expect.assert_eq(&extract_err(&gz(&raw_tar(&all)), &Limits::DEFAULT));
}

#[test]
fn extract_round_trips_a_packed_bundle() {
    let dir = bundle_dir();
    let archive = pack_dir(dir.path()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("nested/out");
    let bundle = extract(archive.tar_gz.as_slice(), &target, &Limits::DEFAULT).unwrap();
    assert_eq!(bundle.contract(), Some(CONTRACT.as_bytes()));
    assert_eq!(pack_dir(&target).unwrap(), archive);
    use std::os::unix::fs::PermissionsExt;
    let mode = |rel: &str| fs::metadata(target.join(rel)).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(""), mode("bin"), mode("bin/run.sh"), mode("pacto.yaml")), (0o755, 0o755, 0o755, 0o644));
    // Only the target was created: no staging directory is left beside it.
    let left: Vec<String> = fs::read_dir(tmp.path().join("nested"))
        .unwrap()
        .map(|it| it.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left, ["out"]);
}

#[test]
fn extract_into_an_existing_directory_replaces_files_and_keeps_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    write(&target, "pacto.yaml", "old");
    write(&target, "keep.txt", "mine");
    let archive = gz(&raw_tar(&[file(b"pacto.yaml", CONTRACT.as_bytes()), file(b"interfaces/a.yaml", b"a")]));
    extract(archive.as_slice(), &target, &Limits::DEFAULT).unwrap();
    assert_eq!(fs::read_to_string(target.join("pacto.yaml")).unwrap(), CONTRACT);
    assert_eq!(fs::read_to_string(target.join("keep.txt")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(target.join("interfaces/a.yaml")).unwrap(), "a");
    let mut left: Vec<String> =
        fs::read_dir(&target).unwrap().map(|it| it.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["interfaces", "keep.txt", "pacto.yaml"]);
    // A bad archive changes nothing in an existing directory either.
    let bad = gz(&raw_tar(&[file(b"pacto.yaml", b"new"), file(b"../escape", b"x")]));
    assert!(extract(bad.as_slice(), &target, &Limits::DEFAULT).is_err());
    assert_eq!(fs::read_to_string(target.join("pacto.yaml")).unwrap(), CONTRACT);
    let mut left: Vec<String> =
        fs::read_dir(&target).unwrap().map(|it| it.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["interfaces", "keep.txt", "pacto.yaml"]);
}

#[test]
fn extract_tolerates_dot_prefixes_and_missing_directory_entries() {
    let tar = raw_tar(&[
        (b"./", EntryType::Directory, 0, b""),
        file(b"./pacto.yaml", CONTRACT.as_bytes()),
        file(b"./interfaces/deep/a.yaml", b"a"),
    ]);
    for archive in [gz(&tar), tar] {
        let bundle = Bundle::from_archive(archive.as_slice(), &Limits::DEFAULT).unwrap();
        assert_eq!(names(&bundle), ["interfaces", "interfaces/deep", "interfaces/deep/a.yaml", "pacto.yaml"]);
        assert_eq!(
            bundle.entries().nth(2).map(|(_, it)| it),
            Some(&Entry::File { data: b"a".to_vec(), executable: false })
        );
    }
}

#[test]
fn extract_refuses_a_parent_dir_component() {
    check_refused(&[file(b"../x", b"x")], expect![[r#"tar entry "../x" has a `..` component"#]]);
    check_refused(&[file(b"a/../../x", b"x")], expect![[r#"tar entry "a/../../x" has a `..` component"#]]);
}

#[test]
fn extract_refuses_an_absolute_path() {
    check_refused(&[file(b"/etc/x", b"x")], expect![[r#"tar entry "/etc/x" has an absolute path"#]]);
}

#[test]
fn extract_refuses_a_backslash_name() {
    check_refused(&[file(b"..\\x", b"x")], expect![[r#"tar entry "..\\x" has a backslash in its name"#]]);
}

#[test]
fn extract_refuses_links_devices_and_fifos() {
    check_refused(
        &[(b"link", EntryType::Symlink, 0, b"")],
        expect![[r#"tar entry "link" is a symlink: a bundle holds only regular files and directories"#]],
    );
    check_refused(
        &[(b"hard", EntryType::Link, 0, b"")],
        expect![[r#"tar entry "hard" is a hard link: a bundle holds only regular files and directories"#]],
    );
    check_refused(
        &[(b"tty", EntryType::Char, 0, b"")],
        expect![[r#"tar entry "tty" is a character device: a bundle holds only regular files and directories"#]],
    );
    check_refused(
        &[(b"sda", EntryType::Block, 0, b"")],
        expect![[r#"tar entry "sda" is a block device: a bundle holds only regular files and directories"#]],
    );
    check_refused(
        &[(b"pipe", EntryType::Fifo, 0, b"")],
        expect![[r#"tar entry "pipe" is a fifo: a bundle holds only regular files and directories"#]],
    );
}

#[test]
fn extract_refuses_duplicates_and_entries_inside_files() {
    check_refused(&[file(b"pacto.yaml", b"again")], expect![[r#"tar entry "pacto.yaml" appears twice"#]]);
    check_refused(
        &[file(b"pacto.yaml/x", b"x")],
        expect![[r#"tar entry "pacto.yaml/x" lies inside file "pacto.yaml""#]],
    );
}

#[test]
fn extract_requires_pacto_yaml() {
    let archive = gz(&raw_tar(&[file(b"docs/pacto.yaml", b"x")]));
    assert_eq!(extract_err(&archive, &Limits::DEFAULT), "bundle missing pacto.yaml");
}

#[test]
fn extract_refuses_zstd_and_reports_corrupt_archives() {
    assert_eq!(
        extract_err(&[0x28, 0xb5, 0x2f, 0xfd, 0, 0], &Limits::DEFAULT),
        "zstd-compressed bundle layers are not supported"
    );
    let archive = gz(&raw_tar(&[file(b"pacto.yaml", CONTRACT.as_bytes())]));
    expect![[r#"invalid bundle archive: unexpected end of file"#]]
        .assert_eq(&extract_err(&archive[..archive.len() / 2], &Limits::DEFAULT));
    let mut flipped = archive.clone();
    let at = flipped.len() - 6;
    flipped[at] ^= 0xff;
    expect![[r#"invalid bundle archive: corrupt gzip stream does not have a matching checksum"#]]
        .assert_eq(&extract_err(&flipped, &Limits::DEFAULT));
    expect![[r#"invalid bundle archive: numeric field was not a number: \u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7} when getting cksum for \u{7}\u{7}\u{7}\u{7}…"#]]
        .assert_eq(&extract_err(&[7; 1024], &Limits::DEFAULT));
}

/// Small limits, crossed by small archives.
const SMALL: Limits = Limits { max_file_bytes: 100, max_total_bytes: 300, max_compressed_bytes: 4096, max_entries: 4 };

fn small_bundle(extra: &[(&[u8], EntryType, u64, &[u8])]) -> Vec<u8> {
    let mut all = vec![file(b"pacto.yaml", b"x")];
    all.extend_from_slice(extra);
    gz(&raw_tar(&all))
}

#[test]
fn extract_file_at_limit_passes() {
    let data = [b'a'; 100];
    assert!(Bundle::from_archive(small_bundle(&[file(b"f", &data)]).as_slice(), &SMALL).is_ok());
}

#[test]
fn extract_file_over_limit_refused() {
    let data = [b'a'; 101];
    assert_eq!(
        extract_err(&small_bundle(&[file(b"f", &data)]), &SMALL),
        "file \"f\" exceeds maximum size of 100 bytes"
    );
}

#[test]
fn extract_total_at_limit_passes() {
    let data = [b'a'; 100];
    let archive = small_bundle(&[file(b"f1", &data), file(b"f2", &data), file(b"f3", &data[..99])]);
    assert!(Bundle::from_archive(archive.as_slice(), &SMALL).is_ok());
}

#[test]
fn extract_total_over_limit_refused() {
    let data = [b'a'; 100];
    let archive = small_bundle(&[file(b"f1", &data), file(b"f2", &data), file(b"f3", &data)]);
    assert_eq!(extract_err(&archive, &SMALL), "file \"f3\" brings the bundle over its maximum total size of 300 bytes");
}

#[test]
fn extract_entries_at_limit_passes() {
    let archive = small_bundle(&[file(b"a", b""), file(b"b", b""), (b"c", EntryType::Directory, 0, b"")]);
    assert!(Bundle::from_archive(archive.as_slice(), &SMALL).is_ok());
}

#[test]
fn extract_entries_over_limit_refused() {
    let archive = small_bundle(&[file(b"a", b""), file(b"b", b""), file(b"c", b""), file(b"d", b"")]);
    assert_eq!(extract_err(&archive, &SMALL), "entry \"d\" brings the bundle over its maximum of 4 entries");
}

#[test]
fn extract_compressed_at_limit_passes() {
    let archive = small_bundle(&[]);
    let limits = Limits { max_compressed_bytes: archive.len() as u64, ..SMALL };
    assert!(Bundle::from_archive(archive.as_slice(), &limits).is_ok());
}

#[test]
fn extract_compressed_over_limit_refused() {
    let archive = small_bundle(&[]);
    let limits = Limits { max_compressed_bytes: archive.len() as u64 - 1, ..SMALL };
    assert_eq!(
        extract_err(&archive, &limits),
        format!("bundle archive exceeds maximum compressed size of {} bytes", archive.len() - 1)
    );
}

/// Counts the compressed bytes a reader takes, to show a bomb is abandoned early.
struct Taken<'a> {
    inner: &'a [u8],
    taken: usize,
}

impl Read for Taken<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken += n;
        Ok(n)
    }
}

#[test]
fn extract_stops_a_gzip_bomb_early() {
    // 64 files of 1 MiB of zeros: 64 MiB that gzip to about 64 KiB. The total limit is crossed at the
    // third file, long before the input is used up.
    let zeros = vec![0; 1024 * 1024];
    let names: Vec<String> = (0..64).map(|it| format!("bomb/{it:02}")).collect();
    let mut entries = vec![file(b"pacto.yaml", b"x")];
    entries.extend(names.iter().map(|name| file(name.as_bytes(), &zeros)));
    let archive = gz(&raw_tar(&entries));
    let limits = Limits { max_file_bytes: 1024 * 1024, max_total_bytes: 2 * 1024 * 1024 + 1, ..Limits::DEFAULT };
    let mut input = Taken { inner: &archive, taken: 0 };
    let err = Bundle::from_archive(&mut input, &limits).unwrap_err();
    assert_eq!(err.to_string(), "file \"bomb/02\" brings the bundle over its maximum total size of 2097153 bytes");
    assert!(input.taken < archive.len() / 4, "read {} of {} compressed bytes", input.taken, archive.len());
}

#[test]
fn extract_bounds_tar_framing_a_long_name_bomb() {
    // A GNU long-name record is read whole into memory by the tar reader and counts as no file data:
    // only the bound on the decompressed stream stops it.
    let name = vec![b'n'; 64 * 1024];
    let archive = gz(&raw_tar(&[
        file(b"pacto.yaml", b"x"),
        (b"././@LongLink", EntryType::GNULongName, name.len() as u64, &name),
        file(b"f", b"x"),
    ]));
    let limits = Limits { max_total_bytes: 1024, max_entries: 2, ..Limits::DEFAULT };
    let limit = limits.max_tar_bytes();
    assert_eq!(limit, 1024 + 2 * MAX_ENTRY_OVERHEAD_BYTES + 10_240);
    assert_eq!(
        extract_err(&archive, &limits),
        format!("bundle archive expands to more than {limit} bytes of tar data")
    );
}

#[test]
fn bundle_answers_file_references_for_validation() {
    use pacto_core::validate::BundleFiles;
    let archive = gz(&raw_tar(&[file(b"pacto.yaml", b"x"), file(b"interfaces/a.yaml", b"a")]));
    let bundle = Bundle::from_archive(archive.as_slice(), &Limits::DEFAULT).unwrap();
    let found: Vec<bool> = ["interfaces/a.yaml", "interfaces", ".", "./interfaces/a.yaml", "b.yaml"]
        .map(|it| bundle.contains(it))
        .to_vec();
    assert_eq!(found, [true, true, true, false, false]);
}

#[test]
fn extract_over_the_same_bundle_rewrites_only_what_differs() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    let archive = gz(&raw_tar(&[
        file(b"pacto.yaml", CONTRACT.as_bytes()),
        file(b"interfaces/a.yaml", b"a"),
        file(b"interfaces/b.yaml", b"b"),
        file(b"docs/c.md", b"c"),
    ]));
    extract(archive.as_slice(), &target, &Limits::DEFAULT).unwrap();
    let inode = |rel: &str| fs::metadata(target.join(rel)).unwrap().ino();
    let before = [inode("pacto.yaml"), inode("interfaces/a.yaml"), inode("interfaces/b.yaml"), inode("docs/c.md")];
    // Same bytes, other bytes, other mode, gone with its directory.
    write(&target, "interfaces/a.yaml", "changed");
    fs::set_permissions(target.join("interfaces/b.yaml"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::remove_dir_all(target.join("docs")).unwrap();
    extract(archive.as_slice(), &target, &Limits::DEFAULT).unwrap();
    assert_eq!(inode("pacto.yaml"), before[0], "an identical file is left alone");
    assert_ne!(inode("interfaces/a.yaml"), before[1]);
    assert_eq!(fs::read(target.join("interfaces/a.yaml")).unwrap(), b"a");
    assert_eq!(fs::metadata(target.join("interfaces/b.yaml")).unwrap().permissions().mode() & 0o777, 0o644);
    assert_eq!(fs::read(target.join("docs/c.md")).unwrap(), b"c");
    // Nothing left to write: no staging directory is even created.
    let staged_before = fs::metadata(&target).unwrap().mtime_nsec();
    extract(archive.as_slice(), &target, &Limits::DEFAULT).unwrap();
    assert_eq!(fs::metadata(&target).unwrap().mtime_nsec(), staged_before);
    let mut left: Vec<String> =
        fs::read_dir(&target).unwrap().map(|it| it.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["docs", "interfaces", "pacto.yaml"]);
}

/// A 2.0 bundle ships its `.pactoignore` view (pacto-v2.md §6.6): the defaults and the file's rules
/// apply, `pacto.lock` travels; the same tree as 1.0 packs every file, as it always did.
#[test]
fn pack_v2_applies_pactoignore_and_v1_does_not() {
    let dir = bundle_dir();
    write(dir.path(), ".pactoignore", "docs/\n*.sh\n!keep.sh\n");
    write(dir.path(), "keep.sh", "#!/bin/sh\n");
    write(dir.path(), ".DS_Store", "x");
    write(dir.path(), "pacto.lock", "lockVersion: 3\n");
    let names = |archive: &super::Archive| {
        let bundle = Bundle::from_archive(archive.tar_gz.as_slice(), &Limits::DEFAULT).unwrap();
        bundle.entries().map(|(path, _)| path.to_owned()).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(
        names(&pack_dir(dir.path()).unwrap()),
        ".DS_Store .pactoignore bin bin/run.sh configuration configuration/schema.json docs docs/.notes interfaces \
         interfaces/openapi.yaml keep.sh pacto.lock pacto.yaml"
    );
    write(dir.path(), "pacto.yaml", &CONTRACT.replace("\"1.0\"", "\"2.0\""));
    let first = pack_dir(dir.path()).unwrap();
    assert_eq!(
        names(&first),
        "bin configuration configuration/schema.json interfaces interfaces/openapi.yaml keep.sh pacto.lock pacto.yaml"
    );
    assert_eq!(pack_dir(dir.path()).unwrap().tar_gz, first.tar_gz, "two packs of one 2.0 bundle differ");
}
