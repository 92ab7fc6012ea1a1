//! `pacto.lock` (pacto-v2.md §4.3, §4.4): the lockfile's model, its reading and deterministic
//! writing, and the comparison of a lock with a freshly built closure. Pure: building the closure
//! needs the registry, so it lives in pacto-oci (`lock`), which hands the result back here.

use std::fmt::Write as _;

use crate::diagnostic::Code;
use crate::gofmt::quote as go_quote;
use crate::syntax::{self, Node};

/// The lockfile beside `pacto.yaml`.
pub const LOCK_FILE: &str = "pacto.lock";

/// The version this build writes; readers accept [`MIN_READ_VERSION`]..=this.
pub const LOCK_VERSION: u64 = 3;
pub const MIN_READ_VERSION: u64 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lockfile {
    pub lock_version: u64,
    /// The CLI version that wrote it.
    pub pacto_version: String,
    pub root_name: String,
    pub root_version: String,
    /// Sorted by name (§4.3).
    pub dependencies: Vec<LockedDependency>,
    /// Sorted by (from, kind, name, ref, path).
    pub references: Vec<LockedReference>,
}

/// One node of the dependency closure. Empty strings are absent keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockedDependency {
    /// The resolved contract's `service.name` (not the declared dependency name, §8).
    pub name: String,
    /// `oci` or `local`.
    pub source: String,
    pub reference: String,
    pub path: String,
    pub constraint: String,
    pub version: String,
    pub digest: String,
    pub content_hash: String,
    pub depends_on: Vec<String>,
}

/// One configuration or policy `ref`, reached from the root or from a referenced contract.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockedReference {
    /// The declaring contract's content identity: empty for the root, else `oci:<digest>` or
    /// `local:<contentHash>`.
    pub from: String,
    /// `config` or `policy`.
    pub kind: String,
    pub name: String,
    pub source: String,
    pub reference: String,
    pub path: String,
    pub version: String,
    pub digest: String,
    pub content_hash: String,
}

impl LockedReference {
    /// Where the reference leads, as other entries' `from` names it.
    pub fn destination(&self) -> String {
        if self.source == "oci" { format!("oci:{}", self.digest) } else { format!("local:{}", self.content_hash) }
    }

    fn identity(&self) -> (&str, &str, &str) {
        (&self.from, &self.kind, &self.name)
    }

    fn pin(&self) -> (&str, &str) {
        (&self.digest, &self.content_hash)
    }
}

/// Why a lock could not be built or does not match: one `LOCK_*` code and its message (the part
/// after `<CODE>: ` in the reference's error text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockProblem {
    pub code: Code,
    pub message: String,
}

impl LockProblem {
    pub fn new(code: Code, message: impl Into<String>) -> LockProblem {
        LockProblem { code, message: message.into() }
    }
}

/// The reference's one-line form, `LOCK_STALE: dependency set changed; run `pacto lock``.
impl std::fmt::Display for LockProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl Lockfile {
    /// Puts entries in the order the file keeps them (§4.3), so equal closures render equal bytes.
    pub fn sort(&mut self) {
        for it in &mut self.dependencies {
            it.depends_on.sort();
            it.depends_on.dedup();
        }
        self.dependencies.sort_by(|a, b| (&a.name, &a.reference, &a.path).cmp(&(&b.name, &b.reference, &b.path)));
        self.references.sort_by(|a, b| {
            (&a.from, &a.kind, &a.name, &a.reference, &a.path).cmp(&(&b.from, &b.kind, &b.name, &b.reference, &b.path))
        });
    }
}

/// Reads a lockfile. Any YAML the reference's reader accepts is read; unknown keys are ignored.
pub fn parse(text: &str) -> Result<Lockfile, String> {
    let parse = syntax::parse(text);
    if let Some(first) = parse.errors.first() {
        return Err(format!("failed to parse {LOCK_FILE}: {}", first.message));
    }
    let Some(root) = parse.root.as_ref().filter(|it| it.as_mapping().is_some()) else {
        return Err(format!("failed to parse {LOCK_FILE}: not a mapping"));
    };
    let lock_version = match root.get("lockVersion").and_then(Node::scalar_text).map(str::parse::<u64>) {
        Some(Ok(it)) => it,
        _ => return Err(format!("failed to parse {LOCK_FILE}: lockVersion must be a whole number")),
    };
    if !(MIN_READ_VERSION..=LOCK_VERSION).contains(&lock_version) {
        return Err(format!("unsupported lockVersion {lock_version} (want {MIN_READ_VERSION}..{LOCK_VERSION})"));
    }
    let field = |node: &Node, key: &str| node.get(key).and_then(Node::scalar_text).unwrap_or_default().to_owned();
    let items = |key: &str| root.get(key).and_then(Node::as_sequence).unwrap_or_default();
    let mut lock = Lockfile {
        lock_version,
        pacto_version: root.get("pacto").map(|it| field(it, "version")).unwrap_or_default(),
        root_name: root.get("root").map(|it| field(it, "name")).unwrap_or_default(),
        root_version: root.get("root").map(|it| field(it, "version")).unwrap_or_default(),
        dependencies: items("dependencies")
            .iter()
            .map(|it| LockedDependency {
                name: field(it, "name"),
                source: field(it, "source"),
                reference: field(it, "ref"),
                path: field(it, "path"),
                constraint: field(it, "constraint"),
                version: field(it, "version"),
                digest: field(it, "digest"),
                content_hash: field(it, "contentHash"),
                depends_on: it
                    .get("dependsOn")
                    .and_then(Node::as_sequence)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|it| it.scalar_text().map(str::to_owned))
                    .collect(),
            })
            .collect(),
        references: items("references")
            .iter()
            .map(|it| LockedReference {
                from: field(it, "from"),
                kind: field(it, "kind"),
                name: field(it, "name"),
                source: field(it, "source"),
                reference: field(it, "ref"),
                path: field(it, "path"),
                version: field(it, "version"),
                digest: field(it, "digest"),
                content_hash: field(it, "contentHash"),
            })
            .collect(),
    };
    lock.sort();
    Ok(lock)
}

/// The file's text: the reference's key order, 2-space indent, every string double-quoted (so a
/// version such as `1.10` or a name such as `yes` reads back as the same text), empty keys omitted.
///
/// Deviation: the reference writes yaml.v3's defaults (4-space indent, quotes only when needed);
/// both read the other's files (README, "Differences from the reference").
pub fn render(lock: &Lockfile) -> String {
    let mut lock = lock.clone();
    lock.sort();
    let mut out = String::new();
    let _ = writeln!(out, "lockVersion: {}", lock.lock_version);
    let _ = writeln!(out, "pacto:\n  version: {}", go_quote(&lock.pacto_version));
    let _ = writeln!(out, "root:\n  name: {}\n  version: {}", go_quote(&lock.root_name), go_quote(&lock.root_version));
    if !lock.dependencies.is_empty() {
        out.push_str("dependencies:\n");
        for it in &lock.dependencies {
            let fields = [
                ("name", &it.name),
                ("source", &it.source),
                ("ref", &it.reference),
                ("path", &it.path),
                ("constraint", &it.constraint),
                ("version", &it.version),
                ("digest", &it.digest),
                ("contentHash", &it.content_hash),
            ];
            item(&mut out, &fields);
            if !it.depends_on.is_empty() {
                out.push_str("    dependsOn:\n");
                for name in &it.depends_on {
                    let _ = writeln!(out, "      - {}", go_quote(name));
                }
            }
        }
    }
    if !lock.references.is_empty() {
        out.push_str("references:\n");
        for it in &lock.references {
            let fields = [
                ("from", &it.from),
                ("kind", &it.kind),
                ("name", &it.name),
                ("source", &it.source),
                ("ref", &it.reference),
                ("path", &it.path),
                ("version", &it.version),
                ("digest", &it.digest),
                ("contentHash", &it.content_hash),
            ];
            item(&mut out, &fields);
        }
    }
    out
}

fn item(out: &mut String, fields: &[(&str, &String)]) {
    let mut first = true;
    for (key, value) in fields {
        if value.is_empty() {
            continue;
        }
        let lead = if first { "  - " } else { "    " };
        first = false;
        let _ = writeln!(out, "{lead}{key}: {}", go_quote(value));
    }
}

/// The first divergence between the lock on disk and the closure built now (§4.4), in the
/// reference's order: dependency set, each dependency's pin, reference set, each reference's pin,
/// then an old lock version.
pub fn compare(locked: &Lockfile, current: &Lockfile) -> Option<LockProblem> {
    let stale = |what: String| Some(LockProblem::new(Code::LockStale, format!("{what}; run `pacto lock`")));
    if locked.dependencies.len() != current.dependencies.len() {
        return stale("dependency set changed".to_owned());
    }
    for now in &current.dependencies {
        let Some(old) = locked.dependencies.iter().find(|it| it.name == now.name) else {
            return stale(format!("new dependency {}", now.name));
        };
        if now.source == "local" && old.content_hash != now.content_hash {
            return Some(LockProblem::new(
                Code::LockLocalDrift,
                format!("local dependency {} content changed since lock; run `pacto lock --update`", now.name),
            ));
        }
        if now.source == "oci" && old.digest != now.digest {
            return Some(digest_mismatch(&now.name, &old.digest, &now.digest));
        }
    }
    if locked.references.len() != current.references.len() {
        return stale("reference set changed".to_owned());
    }
    for now in &current.references {
        let Some(old) = locked.references.iter().find(|it| it.identity() == now.identity()) else {
            return stale(format!("new reference {}/{}", now.kind, now.name));
        };
        if old.pin() == now.pin() {
            continue;
        }
        let shown = format!("{}/{}", now.kind, now.name);
        if now.source == "local" {
            return Some(LockProblem::new(
                Code::LockLocalDrift,
                format!("local reference {shown} content changed since lock; run `pacto lock --update`"),
            ));
        }
        return Some(digest_mismatch(&shown, &old.digest, &now.digest));
    }
    if locked.lock_version < LOCK_VERSION {
        return stale(format!("lockVersion {} is older than {LOCK_VERSION}", locked.lock_version));
    }
    None
}

fn digest_mismatch(name: &str, locked: &str, current: &str) -> LockProblem {
    LockProblem::new(
        Code::LockDigestMismatch,
        format!("{name} locked at {locked} but resolves to {current}; run `pacto lock --update` to re-pin"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lockfile {
        Lockfile {
            lock_version: LOCK_VERSION,
            pacto_version: "dev".into(),
            root_name: "orders".into(),
            root_version: "1.0.0".into(),
            dependencies: vec![
                LockedDependency {
                    name: "payments".into(),
                    source: "oci".into(),
                    reference: "oci://r/acme/payments".into(),
                    constraint: "^2.0.0".into(),
                    version: "2.1.0".into(),
                    digest: "sha256:aa".into(),
                    depends_on: vec!["ledger".into()],
                    ..LockedDependency::default()
                },
                LockedDependency {
                    name: "ledger".into(),
                    source: "local".into(),
                    path: "../ledger".into(),
                    constraint: "^1.0.0".into(),
                    version: "1.0.0".into(),
                    content_hash: "sha256:bb".into(),
                    ..LockedDependency::default()
                },
            ],
            references: vec![LockedReference {
                kind: "policy".into(),
                name: "org".into(),
                source: "oci".into(),
                reference: "oci://r/acme/policy:1.0.0".into(),
                version: "1.0.0".into(),
                digest: "sha256:cc".into(),
                ..LockedReference::default()
            }],
        }
    }

    #[test]
    fn lock_renders_sorted_and_reads_back() {
        let text = render(&sample());
        expect_test::expect![[r#"
            lockVersion: 3
            pacto:
              version: "dev"
            root:
              name: "orders"
              version: "1.0.0"
            dependencies:
              - name: "ledger"
                source: "local"
                path: "../ledger"
                constraint: "^1.0.0"
                version: "1.0.0"
                contentHash: "sha256:bb"
              - name: "payments"
                source: "oci"
                ref: "oci://r/acme/payments"
                constraint: "^2.0.0"
                version: "2.1.0"
                digest: "sha256:aa"
                dependsOn:
                  - "ledger"
            references:
              - kind: "policy"
                name: "org"
                source: "oci"
                ref: "oci://r/acme/policy:1.0.0"
                version: "1.0.0"
                digest: "sha256:cc"
        "#]]
        .assert_eq(&text);
        let mut sorted = sample();
        sorted.sort();
        assert_eq!(parse(&text), Ok(sorted));
    }

    #[test]
    fn lock_reader_refuses_unknown_versions() {
        assert_eq!(parse("lockVersion: 4\n"), Err("unsupported lockVersion 4 (want 1..3)".to_owned()));
        assert_eq!(parse("lockVersion: 0\n"), Err("unsupported lockVersion 0 (want 1..3)".to_owned()));
        assert_eq!(
            parse("lockVersion: x\n"),
            Err("failed to parse pacto.lock: lockVersion must be a whole number".to_owned())
        );
    }

    #[test]
    fn lock_compare_names_the_first_divergence() {
        let locked = sample();
        assert_eq!(compare(&locked, &locked), None);
        let mut now = sample();
        now.dependencies.pop();
        assert_eq!(compare(&locked, &now).unwrap().to_string(), "LOCK_STALE: dependency set changed; run `pacto lock`");
        let mut now = sample();
        now.dependencies[1].name = "audit".into();
        assert_eq!(compare(&locked, &now).unwrap().to_string(), "LOCK_STALE: new dependency audit; run `pacto lock`");
        let mut now = sample();
        now.dependencies[1].content_hash = "sha256:dd".into();
        assert_eq!(
            compare(&locked, &now).unwrap().to_string(),
            "LOCK_LOCAL_DRIFT: local dependency ledger content changed since lock; run `pacto lock --update`"
        );
        let mut now = sample();
        now.dependencies[0].digest = "sha256:ee".into();
        assert_eq!(
            compare(&locked, &now).unwrap().to_string(),
            "LOCK_DIGEST_MISMATCH: payments locked at sha256:aa but resolves to sha256:ee; run `pacto lock --update` to re-pin"
        );
        let mut now = sample();
        now.references[0].name = "other".into();
        assert_eq!(
            compare(&locked, &now).unwrap().to_string(),
            "LOCK_STALE: new reference policy/other; run `pacto lock`"
        );
        let mut now = sample();
        now.references[0].digest = "sha256:ff".into();
        assert_eq!(
            compare(&locked, &now).unwrap().to_string(),
            "LOCK_DIGEST_MISMATCH: policy/org locked at sha256:cc but resolves to sha256:ff; run `pacto lock --update` to re-pin"
        );
        let old = Lockfile { lock_version: 2, ..sample() };
        assert_eq!(
            compare(&old, &sample()).unwrap().to_string(),
            "LOCK_STALE: lockVersion 2 is older than 3; run `pacto lock`"
        );
    }
}
