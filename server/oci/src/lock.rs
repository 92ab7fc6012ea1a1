//! Building a 2.0 bundle's lock closure (pacto-v2.md §4.2) and verifying a `pacto.lock` against it
//! (§4.4): the one place `pacto lock`, `validate`, `graph`, `diff` and `push` go through. Registry
//! pulls come from an [`OciSource`] the caller provides (the CLI's goes through its resolver and
//! cache and honours `PACTO_OFFLINE`), so this module never decides how the network is reached.
//! The file format and the comparison are pure and live in `pacto_core::v2::lock`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pacto_core::Code;
use pacto_core::gofmt::quote as go_quote;
use pacto_core::syntax::{self, Node};
use pacto_core::v2::lock::{self, LOCK_FILE, LOCK_VERSION, LockProblem, LockedDependency, LockedReference, Lockfile};
use sha2::{Digest as _, Sha256};

use crate::bundle::{self, Bundle, Entry, PackOptions};
use crate::graph_fetch::read_local;

/// Refused beyond this: a lock is a few lines per dependency, and reading an arbitrary file whole
/// into memory because it carries the name would let a stray file exhaust it.
pub const MAX_LOCK_BYTES: u64 = pacto_core::syntax::limits::MAX_CONTRACT_BYTES as u64;

/// A bundle pulled from a registry for the closure.
pub struct OciPulled {
    /// The manifest digest, `sha256:<hex>`.
    pub digest: String,
    pub bundle: Arc<Bundle>,
}

/// How `oci://` refs are pulled: `location` is the ref without its scheme; a tag-less one takes the
/// highest tag within `compatibility` (empty: any semver tag).
pub trait OciSource {
    fn pull(&self, location: &str, compatibility: &str) -> Result<OciPulled, String>;
}

/// How old pins are treated while building (§4.2).
#[derive(Clone, Copy, Debug)]
pub enum Pins<'a> {
    /// Resolve everything live (`--update`, and every verification).
    Ignore,
    /// Keep the pin of each dependency whose ref and constraint are unchanged (plain `pacto lock`);
    /// with names, re-resolve only those (`--update-name`).
    Keep { old: &'a Lockfile, update: &'a [String] },
}

/// The lock of the bundle at `dir` as it resolves now. `version` is the CLI's, written as
/// `pacto.version`.
pub fn build(dir: &Path, source: &dyn OciSource, pins: Pins<'_>, version: &str) -> Result<Lockfile, LockProblem> {
    let root_dir = std::fs::canonicalize(dir)
        .map_err(|err| LockProblem::new(Code::LockError, format!("failed to access {}: {err}", dir.display())))?;
    let (_, text) =
        read_local(&root_dir.display().to_string()).map_err(|err| LockProblem::new(Code::LockError, err))?;
    let root = Declared::parse(&text).map_err(|err| LockProblem::new(Code::LockError, err))?;
    let mut walk = Walk { source, pins, deps: BTreeMap::new(), references: Vec::new(), walked: HashSet::new() };
    let mut path = vec![root.name.clone()];
    for dep in &root.dependencies {
        walk.dependency(&Base::Dir(root_dir.clone()), dep, &mut path)?;
    }
    walk.references("", &root, &Base::Dir(root_dir))?;
    let mut lock = Lockfile {
        lock_version: LOCK_VERSION,
        pacto_version: version.to_owned(),
        root_name: root.name,
        root_version: root.version,
        dependencies: walk.deps.into_values().collect(),
        references: walk.references,
    };
    lock.sort();
    Ok(lock)
}

/// The lock beside `pacto.yaml` in `dir`: `Ok(None)` when there is none.
pub fn read(dir: &Path) -> Result<Option<Lockfile>, LockProblem> {
    read_within(dir, MAX_LOCK_BYTES)
}

fn read_within(dir: &Path, max_bytes: u64) -> Result<Option<Lockfile>, LockProblem> {
    let file = dir.join(LOCK_FILE);
    // Checked before opening: a FIFO would block the read forever; a huge file is no lock.
    if let Ok(meta) = std::fs::metadata(&file) {
        if !meta.is_file() || meta.len() > max_bytes {
            let why =
                if meta.is_file() { format!("larger than {max_bytes} bytes") } else { "not a regular file".to_owned() };
            return Err(LockProblem::new(Code::LockError, format!("failed to read {LOCK_FILE}: {why}")));
        }
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes)
                .map_err(|_| LockProblem::new(Code::LockError, format!("failed to read {LOCK_FILE}: not UTF-8")))?;
            lock::parse(&text).map(Some).map_err(|err| LockProblem::new(Code::LockError, err))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(LockProblem::new(Code::LockError, format!("failed to read {LOCK_FILE}: {err}"))),
    }
}

/// Verification (§4.4) of the local bundle at `dir`: nothing to do without a `pacto.lock` or for a
/// contract that is not 2.0 (our decision: 1.0 commands ignore the file); otherwise the closure is
/// rebuilt live and the first divergence is the error.
pub fn verify(dir: &Path, source: &dyn OciSource) -> Result<(), LockProblem> {
    // Most bundles have no lock: answer that with one stat, before reading and parsing the
    // contract again to learn its format (every `validate` of a 2.0 bundle comes through here).
    if std::fs::symlink_metadata(dir.join(LOCK_FILE)).is_err_and(|it| it.kind() == std::io::ErrorKind::NotFound) {
        return Ok(());
    }
    if !is_v2(dir) {
        return Ok(());
    }
    let Some(locked) = read(dir)? else {
        return Ok(());
    };
    let current = build(dir, source, Pins::Ignore, &locked.pacto_version)?;
    lock::compare(&locked, &current).map_or(Ok(()), Err)
}

/// Writes `lock` as `dir/pacto.lock` atomically (a reader sees the old file or the new one, never
/// half of one); returns the file written.
pub fn write(dir: &Path, lock: &Lockfile) -> Result<PathBuf, String> {
    let file = dir.join(LOCK_FILE);
    crate::atomic::write_file(&file, lock::render(lock).as_bytes(), 0o644)
        .map_err(|err| format!("failed to write {}: {err}", file.display()))?;
    Ok(file)
}

/// Whether `dir/pacto.yaml` declares `pactoVersion: "2.0"`.
pub fn is_v2(dir: &Path) -> bool {
    let Ok((_, text)) = read_local(&dir.display().to_string()) else {
        return false;
    };
    pacto_core::v2::format_version(syntax::parse(&text).root.as_ref()) == Some("2.0")
}

/// The content hash of a local bundle (§4.3): every regular file of its view sorted by slash path;
/// SHA-256 over, per file, the 8-byte big-endian path length, the path, the 8-byte big-endian data
/// length and the data.
pub fn content_hash(dir: &Path) -> Result<String, String> {
    let bundle = bundle::read_dir(dir, &PackOptions::DEFAULT).map_err(|err| err.to_string())?;
    Ok(hash_files(&bundle))
}

fn hash_files(bundle: &Bundle) -> String {
    let mut files: Vec<(&str, &[u8])> = bundle
        .entries()
        .filter_map(|(path, entry)| match entry {
            Entry::File { data, .. } => Some((path, data.as_slice())),
            Entry::Dir => None,
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Sha256::new();
    for (path, data) in files {
        hasher.update((path.len() as u64).to_be_bytes());
        hasher.update(path.as_bytes());
        hasher.update((data.len() as u64).to_be_bytes());
        hasher.update(data);
    }
    let hex: String = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

/// What the closure needs of one contract, read from its tree without validation (§4.2): 1.0 and
/// 2.0 nodes may mix, so no typed model is assumed.
struct Declared {
    name: String,
    version: String,
    dependencies: Vec<DeclaredDependency>,
    /// `(kind, name, ref)` of each ref-bearing policy, then each ref-bearing configuration.
    references: Vec<(&'static str, String, String)>,
}

struct DeclaredDependency {
    reference: String,
    compatibility: String,
}

impl Declared {
    fn parse(text: &str) -> Result<Declared, String> {
        let parse = syntax::parse(text);
        if let Some(first) = parse.errors.first() {
            return Err(format!("failed to parse pacto.yaml: {}", first.message));
        }
        let Some(root) = parse.root.as_ref() else {
            return Err("failed to parse pacto.yaml: empty document".to_owned());
        };
        let scalar = |node: Option<&Node>, key: &str| {
            node.and_then(|it| it.get(key)).and_then(Node::scalar_text).unwrap_or_default().to_owned()
        };
        let items = |key: &str| root.get(key).and_then(Node::as_sequence).unwrap_or_default();
        let service = root.get("service");
        let dependencies = items("dependencies")
            .iter()
            .map(|it| DeclaredDependency {
                reference: scalar(Some(it), "ref"),
                compatibility: scalar(Some(it), "compatibility"),
            })
            .collect();
        let mut references = Vec::new();
        for (key, kind) in [("policies", "policy"), ("configurations", "config")] {
            for it in items(key) {
                let reference = scalar(Some(it), "ref");
                if !reference.is_empty() {
                    references.push((kind, scalar(Some(it), "name"), reference));
                }
            }
        }
        Ok(Declared { name: scalar(service, "name"), version: scalar(service, "version"), dependencies, references })
    }
}

/// Where a contract came from: relative refs resolve next to a directory; a registry bundle has none.
#[derive(Clone)]
enum Base {
    Dir(PathBuf),
    Oci,
}

/// One resolved bundle.
struct ResolvedNode {
    declared: Declared,
    base: Base,
    source: &'static str,
    digest: String,
    content_hash: String,
}

impl ResolvedNode {
    fn identity(&self) -> String {
        if self.source == "oci" { format!("oci:{}", self.digest) } else { format!("local:{}", self.content_hash) }
    }
}

struct Walk<'a> {
    source: &'a dyn OciSource,
    pins: Pins<'a>,
    /// Resolved dependencies by service name.
    deps: BTreeMap<String, LockedDependency>,
    references: Vec<LockedReference>,
    /// Contracts whose references were walked, by content identity: cycles end here.
    walked: HashSet<String>,
}

impl Walk<'_> {
    /// One dependency edge; returns the resolved service name.
    fn dependency(
        &mut self,
        base: &Base,
        dep: &DeclaredDependency,
        path: &mut Vec<String>,
    ) -> Result<String, LockProblem> {
        let written = dep.reference.as_str();
        let pinned = self.pinned(written, &dep.compatibility);
        let node = self.resolve(base, written, &dep.compatibility, pinned.as_ref())?;
        let name = node.declared.name.clone();
        if path.contains(&name) {
            return Err(unresolved(written, "cycle detected"));
        }
        let (reference, local_path) = lock_location(written);
        let mut entry = LockedDependency {
            name: name.clone(),
            source: node.source.to_owned(),
            reference,
            path: local_path,
            constraint: dep.compatibility.clone(),
            version: node.declared.version.clone(),
            digest: node.digest.clone(),
            content_hash: node.content_hash.clone(),
            ..LockedDependency::default()
        };
        // Deviation: plain `pacto lock` keeps a local dependency's old content hash (§4.2), so a
        // changed directory stays drift until `--update`; the content itself is what it is.
        if let Some(old) = pinned.as_ref().filter(|it| it.source == "local") {
            entry.content_hash = old.content_hash.clone();
        }
        match self.deps.get(&name) {
            Some(seen) if seen.version != entry.version => {
                return Err(LockProblem::new(Code::LockConflict, format!("{name} required at conflicting versions")));
            }
            Some(_) => return Ok(name),
            None => {}
        }
        self.deps.insert(name.clone(), entry);
        path.push(name.clone());
        let mut children = Vec::new();
        for child in &node.declared.dependencies {
            children.push(self.dependency(&node.base, child, path)?);
        }
        path.pop();
        if let Some(it) = self.deps.get_mut(&name) {
            it.depends_on = children;
        }
        Ok(name)
    }

    /// The old entry for a dependency written as `written` under `constraint`, when plain `pacto
    /// lock` keeps it.
    fn pinned(&self, written: &str, constraint: &str) -> Option<LockedDependency> {
        let Pins::Keep { old, update } = self.pins else {
            return None;
        };
        let location = written.strip_prefix("file://").unwrap_or(written);
        let found = old.dependencies.iter().find(|it| {
            (it.reference == written || (!it.path.is_empty() && it.path == location)) && it.constraint == constraint
        })?;
        (!update.contains(&found.name)).then(|| found.clone())
    }

    /// Loads the bundle a ref names: a pinned `oci://` one by its digest.
    fn resolve(
        &self,
        base: &Base,
        written: &str,
        compatibility: &str,
        pinned: Option<&LockedDependency>,
    ) -> Result<ResolvedNode, LockProblem> {
        if let Some(location) = written.strip_prefix("oci://") {
            let location = match pinned.filter(|it| it.source == "oci" && !it.digest.is_empty()) {
                Some(pin) => format!("{}@{}", repository_of(location), pin.digest),
                None => location.to_owned(),
            };
            let pulled = self.source.pull(&location, compatibility).map_err(|err| unresolved(written, &err))?;
            let bytes = pulled.bundle.contract().ok_or_else(|| unresolved(written, "no pacto.yaml in the bundle"))?;
            let declared = Declared::parse(&String::from_utf8_lossy(bytes)).map_err(|err| unresolved(written, &err))?;
            return Ok(ResolvedNode {
                declared,
                base: Base::Oci,
                source: "oci",
                digest: pulled.digest,
                content_hash: String::new(),
            });
        }
        let Base::Dir(base_dir) = base else {
            return Err(unresolved(written, "local reference inside an OCI bundle cannot be resolved"));
        };
        let location = written.strip_prefix("file://").unwrap_or(written);
        let dir = if Path::new(location).is_absolute() { PathBuf::from(location) } else { base_dir.join(location) };
        let dir = std::fs::canonicalize(&dir)
            .map_err(|err| unresolved(written, &format!("failed to access {}: {err}", dir.display())))?;
        let (_, text) = read_local(&dir.display().to_string()).map_err(|err| unresolved(written, &err))?;
        let declared = Declared::parse(&text).map_err(|err| unresolved(written, &err))?;
        let content_hash = content_hash(&dir).map_err(|err| unresolved(written, &err))?;
        Ok(ResolvedNode { declared, base: Base::Dir(dir), source: "local", digest: String::new(), content_hash })
    }

    /// The configuration and policy refs of the contract `declared` (identity `from`, empty for the
    /// root), then those of each contract they reach, each contract once.
    fn references(&mut self, from: &str, declared: &Declared, base: &Base) -> Result<(), LockProblem> {
        let by = if from.is_empty() { "the root contract".to_owned() } else { from.to_owned() };
        let mut seen = HashSet::new();
        for (kind, name, _) in &declared.references {
            if !seen.insert((*kind, name.as_str())) {
                return Err(LockProblem::new(
                    Code::LockDuplicateDeclaration,
                    format!("{kind} {} declared by {by} more than once; names must be unique", go_quote(name)),
                ));
            }
        }
        for (kind, name, written) in &declared.references {
            // References carry no constraint, so no old pin is kept for them (§4.2 keeps those of
            // dependencies only): they resolve live, tag-less ones to the highest semver tag.
            let node = self.resolve(base, written, "", None)?;
            let (reference, path) = lock_location(written);
            self.references.push(LockedReference {
                from: from.to_owned(),
                kind: (*kind).to_owned(),
                name: name.clone(),
                source: node.source.to_owned(),
                reference,
                path,
                version: node.declared.version.clone(),
                digest: node.digest.clone(),
                content_hash: node.content_hash.clone(),
            });
            let identity = node.identity();
            if self.walked.insert(identity.clone()) {
                let base = node.base.clone();
                self.references(&identity, &node.declared, &base)?;
            }
        }
        Ok(())
    }
}

/// Where a lock entry says a ref as written points: an `oci://` ref as its `ref`, anything else as its
/// `path` without `file://`. The other of the two stays empty.
fn lock_location(written: &str) -> (String, String) {
    match written.strip_prefix("oci://") {
        Some(_) => (written.to_owned(), String::new()),
        None => (String::new(), written.strip_prefix("file://").unwrap_or(written).to_owned()),
    }
}

fn unresolved(reference: &str, reason: &str) -> LockProblem {
    LockProblem::new(Code::LockUnresolved, format!("cannot resolve {reference}: {reason}"))
}

/// `registry/repository` of an `oci://` location without scheme, tag and digest.
fn repository_of(location: &str) -> &str {
    let location = location.split_once('@').map_or(location, |it| it.0);
    match location.rfind(':') {
        Some(at) if !location[at..].contains('/') => &location[..at],
        _ => location,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_of_drops_tag_and_digest() {
        assert_eq!(repository_of("127.0.0.1:5000/acme/a:1.0.0"), "127.0.0.1:5000/acme/a");
        assert_eq!(repository_of("127.0.0.1:5000/acme/a"), "127.0.0.1:5000/acme/a");
        assert_eq!(repository_of("r.io/acme/a:1.0.0@sha256:00"), "r.io/acme/a");
    }

    /// No registry: every `oci://` pull fails with this text.
    struct NoRegistry;

    impl OciSource for NoRegistry {
        fn pull(&self, location: &str, _compatibility: &str) -> Result<OciPulled, String> {
            Err(format!("no registry for {location}"))
        }
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn v2(name: &str, extra: &str) -> String {
        format!("pactoVersion: \"2.0\"\nservice:\n  name: {name}\n  version: 1.0.0\n{extra}")
    }

    /// Local dependencies and references, a provider that refers back to the root's provider (walked
    /// once), a config ref; each `from` is the declaring bundle's content identity.
    #[test]
    fn lock_local_closure_follows_references_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "svc/pacto.yaml",
            &v2(
                "svc",
                "dependencies:\n  - {name: db, ref: ../db, required: true, compatibility: ^1.0.0}\npolicies:\n  - {name: org, ref: file://../org}\nconfigurations:\n  - {name: env, ref: ../env, required: true}\n",
            ),
        );
        write(root, "db/pacto.yaml", &v2("db", ""));
        write(root, "org/pacto.yaml", &v2("org", "policies:\n  - {name: back, ref: ../base}\n"));
        write(root, "base/pacto.yaml", &v2("base", "policies:\n  - {name: again, ref: ../org}\n"));
        write(root, "env/pacto.yaml", &v2("env", ""));
        let lock = build(&root.join("svc"), &NoRegistry, Pins::Ignore, "dev").unwrap();
        let hash = |dir: &str| content_hash(&root.join(dir)).unwrap();
        let shown = lock::render(&lock)
            .replace(&hash("db"), "<db>")
            .replace(&hash("org"), "<org>")
            .replace(&hash("base"), "<base>")
            .replace(&hash("env"), "<env>");
        expect_test::expect![[r#"
            lockVersion: 3
            pacto:
              version: "dev"
            root:
              name: "svc"
              version: "1.0.0"
            dependencies:
              - name: "db"
                source: "local"
                path: "../db"
                constraint: "^1.0.0"
                version: "1.0.0"
                contentHash: "<db>"
            references:
              - kind: "config"
                name: "env"
                source: "local"
                path: "../env"
                version: "1.0.0"
                contentHash: "<env>"
              - kind: "policy"
                name: "org"
                source: "local"
                path: "../org"
                version: "1.0.0"
                contentHash: "<org>"
              - from: "local:<org>"
                kind: "policy"
                name: "back"
                source: "local"
                path: "../base"
                version: "1.0.0"
                contentHash: "<base>"
              - from: "local:<base>"
                kind: "policy"
                name: "again"
                source: "local"
                path: "../org"
                version: "1.0.0"
                contentHash: "<org>"
        "#]]
        .assert_eq(&shown);
        // Written, then verified: nothing diverges; a change in a provider is drift by name.
        write(&root.join("svc"), "pacto.lock", &lock::render(&lock));
        assert_eq!(verify(&root.join("svc"), &NoRegistry), Ok(()));
        write(root, "env/values.json", "{}");
        assert_eq!(
            verify(&root.join("svc"), &NoRegistry).unwrap_err().to_string(),
            "LOCK_LOCAL_DRIFT: local reference config/env content changed since lock; run `pacto lock --update`"
        );
        // A registry that cannot answer is LOCK_UNRESOLVED with its reason.
        write(
            root,
            "db/pacto.yaml",
            &v2(
                "db",
                "dependencies:\n  - {name: x, ref: oci://r.io/a/x:1.0.0, required: true, compatibility: ^1.0.0}\n",
            ),
        );
        assert_eq!(
            build(&root.join("svc"), &NoRegistry, Pins::Ignore, "dev").unwrap_err().to_string(),
            "LOCK_UNRESOLVED: cannot resolve oci://r.io/a/x:1.0.0: no registry for r.io/a/x:1.0.0"
        );
        // A dependency that comes back to the root is a cycle.
        write(
            root,
            "db/pacto.yaml",
            &v2("db", "dependencies:\n  - {name: svc, ref: ../svc, required: true, compatibility: ^1.0.0}\n"),
        );
        assert_eq!(
            build(&root.join("svc"), &NoRegistry, Pins::Ignore, "dev").unwrap_err().to_string(),
            "LOCK_UNRESOLVED: cannot resolve ../svc: cycle detected"
        );
    }

    #[test]
    fn lock_file_at_limit_is_read_over_limit_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let text = "lockVersion: 3\n";
        let limit = text.len() as u64;
        std::fs::write(tmp.path().join(LOCK_FILE), text).unwrap();
        assert_eq!(read_within(tmp.path(), limit).unwrap().map(|it| it.lock_version), Some(3));
        assert_eq!(
            read_within(tmp.path(), limit - 1).unwrap_err().to_string(),
            format!("LOCK_ERROR: failed to read pacto.lock: larger than {} bytes", limit - 1)
        );
        // The default is wired in: a sparse file one byte over it is refused before any read.
        std::fs::File::create(tmp.path().join(LOCK_FILE)).unwrap().set_len(MAX_LOCK_BYTES + 1).unwrap();
        assert_eq!(
            read(tmp.path()).unwrap_err().to_string(),
            format!("LOCK_ERROR: failed to read pacto.lock: larger than {MAX_LOCK_BYTES} bytes")
        );
    }

    #[test]
    fn content_hash_frames_each_file() {
        let mut bundle = Bundle::new();
        bundle.add_file("pacto.yaml", b"a".to_vec(), false).unwrap();
        bundle.add_file("b/c.json", b"{}".to_vec(), false).unwrap();
        let mut hasher = Sha256::new();
        for (path, data) in [("b/c.json", &b"{}"[..]), ("pacto.yaml", &b"a"[..])] {
            hasher.update((path.len() as u64).to_be_bytes());
            hasher.update(path.as_bytes());
            hasher.update((data.len() as u64).to_be_bytes());
            hasher.update(data);
        }
        let hex: String = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hash_files(&bundle), format!("sha256:{hex}"));
    }
}
