//! The workspace index (issue #18): every contract under a root, its service, where it is published,
//! and its dependency edges, with the reverse question answered from maps ("who points at this
//! contract?"). Pure: [`Index::upsert`] takes a path and a text, so the language server can feed it
//! from open documents and watched-file events one file at a time; [`scan`] is the filesystem walk
//! the CLI uses to fill it.

pub mod reverse;
pub mod scan;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use crate::contract::oci_ref::{DependencyRef, OciRef};
use crate::contract::text as field;
use crate::remembered::Remembered;
use crate::syntax::LineIndex;

/// The directive of the publish comment: `# pacto:publish oci://host/repo` (the one the lenses read).
pub const PUBLISH_DIRECTIVE: &str = "pacto:publish";

/// One indexed contract, read as far as it could be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The contract file, as the index was handed it.
    pub path: PathBuf,
    /// The `pactoVersion` text ("" when absent).
    pub format: String,
    pub name: String,
    /// 1-based line of the `service.name` value (0 when absent): where workspace symbols point.
    pub name_line: usize,
    pub version: String,
    /// 1-based line of the `service.version` value (0 when absent).
    pub version_line: usize,
    /// The interfaces the service offers, for workspace symbols.
    pub interfaces: Vec<Interface>,
    /// Where the contract is published: `registry/repository` of its publish comment, no scheme, no tag.
    pub published: Option<String>,
    pub dependencies: Vec<Dependency>,
    /// Why the contract is only partly read (the first syntax or decoding error, with its line).
    pub problem: Option<String>,
}

/// One `dependencies[]` entry and what it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The 2.0 `name`; empty for 1.0.
    pub name: String,
    /// The raw `ref`.
    pub reference: String,
    pub compatibility: String,
    /// 1-based line of the `ref` value (of the entry when it has none): the editor's reference site.
    pub line: usize,
    /// 1-based line of the `compatibility` value (the `ref` line when it has none): where an editor
    /// points when the contract pointed at does not satisfy it.
    pub compatibility_line: usize,
    pub target: Target,
}

/// One `interfaces[]` entry, as far as symbols need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    /// The `type` (`http`, `grpc`, `event`, …; "" when absent).
    pub kind: String,
    /// 1-based line of the `name` value (of the entry when it has none).
    pub line: usize,
}

/// What a dependency ref points at, in the index's terms.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A local ref, resolved against the contract's directory and normalised lexically (no
    /// filesystem access): a bundle directory or a contract file.
    Local(PathBuf),
    /// An `oci://` ref's `registry/repository` (tag and digest dropped).
    Repository(String),
    /// An empty ref: points at nothing.
    Nothing,
}

/// Where an edge lives: the depending contract's file and the index of its dependency.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdgeId {
    pub path: PathBuf,
    pub index: usize,
}

/// All contracts of a workspace and the maps that answer "who depends on this one". Each update
/// touches only the maps of the one contract it replaces: O(its dependencies).
#[derive(Clone, Debug, Default)]
pub struct Index {
    entries: BTreeMap<PathBuf, Entry>,
    /// Contract files by their directory (the bundle a local ref names).
    by_dir: HashMap<PathBuf, BTreeSet<PathBuf>>,
    /// Contract files by the repository they are published to.
    by_repository: HashMap<String, BTreeSet<PathBuf>>,
    /// Edges by what they point at.
    by_target: HashMap<Target, BTreeSet<EdgeId>>,
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Reads `text` as the contract at `path` and adds it, replacing what was indexed for that path.
    pub fn upsert(&mut self, path: &Path, text: &str) -> &Entry {
        let entry = read_entry(path, text);
        self.insert(entry)
    }

    /// Adds an already-read entry, replacing what was indexed for its path.
    pub fn insert(&mut self, entry: Entry) -> &Entry {
        let path = entry.path.clone();
        self.remove(&path);
        if let Some(dir) = path.parent() {
            self.by_dir.entry(dir.to_path_buf()).or_default().insert(path.clone());
        }
        if let Some(repository) = &entry.published {
            self.by_repository.entry(repository.clone()).or_default().insert(path.clone());
        }
        for (index, dependency) in entry.dependencies.iter().enumerate() {
            if dependency.target != Target::Nothing {
                let id = EdgeId { path: path.clone(), index };
                self.by_target.entry(dependency.target.clone()).or_default().insert(id);
            }
        }
        self.entries.entry(path).or_insert(entry)
    }

    /// Forgets the contract at `path` (a deleted file, or one that stopped being a contract).
    pub fn remove(&mut self, path: &Path) -> Option<Entry> {
        let entry = self.entries.remove(path)?;
        if let Some(dir) = path.parent() {
            remove_from(&mut self.by_dir, &dir.to_path_buf(), path);
        }
        if let Some(repository) = &entry.published {
            remove_from(&mut self.by_repository, repository, path);
        }
        for (index, dependency) in entry.dependencies.iter().enumerate() {
            if let Some(ids) = self.by_target.get_mut(&dependency.target) {
                ids.remove(&EdgeId { path: path.to_path_buf(), index });
                if ids.is_empty() {
                    self.by_target.remove(&dependency.target);
                }
            }
        }
        Some(entry)
    }

    pub fn get(&self, path: &Path) -> Option<&Entry> {
        self.entries.get(path)
    }

    /// Every contract, by path.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The dependency an edge id names.
    pub fn dependency(&self, id: &EdgeId) -> Option<&Dependency> {
        self.entries.get(&id.path)?.dependencies.get(id.index)
    }

    /// The contracts a dependency points at: the bundle of a local path (the directory's
    /// contracts, or the file itself), or every contract published where an `oci://` ref points.
    pub fn targets(&self, dependency: &Dependency) -> Vec<&Entry> {
        let paths: Vec<&PathBuf> = match &dependency.target {
            Target::Local(path) => match self.entries.get_key_value(path) {
                Some((path, _)) => vec![path],
                None => self.by_dir.get(path).map(|it| it.iter().collect()).unwrap_or_default(),
            },
            Target::Repository(repository) => {
                self.by_repository.get(repository).map(|it| it.iter().collect()).unwrap_or_default()
            }
            Target::Nothing => Vec::new(),
        };
        paths.into_iter().filter_map(|it| self.entries.get(it)).collect()
    }

    /// Every edge that points at the contract at `path`, sorted by depending file then position:
    /// a local ref to its directory or to the file, an `oci://` ref to where it is published.
    pub fn dependents(&self, path: &Path) -> Vec<EdgeId> {
        self.entries.get(path).map(|it| self.dependents_of(it)).unwrap_or_default()
    }

    /// As [`Index::dependents`], for an entry that may be newer than the indexed one (or not indexed
    /// yet): the editor asks about the buffer as it is, not as the index last saw it.
    pub fn dependents_of(&self, entry: &Entry) -> Vec<EdgeId> {
        let path = entry.path.as_path();
        let mut keys = vec![Target::Local(path.to_path_buf())];
        if let Some(dir) = path.parent() {
            // A directory holding several contracts names none of them in particular: its bundle
            // contract is the one called pacto.yaml/pacto.yml (the others are found by file path).
            if is_bundle_file(path) {
                keys.push(Target::Local(dir.to_path_buf()));
            }
        }
        if let Some(repository) = &entry.published {
            keys.push(Target::Repository(repository.clone()));
        }
        let mut out: BTreeSet<EdgeId> = BTreeSet::new();
        for key in keys {
            out.extend(self.by_target.get(&key).into_iter().flatten().cloned());
        }
        out.into_iter().collect()
    }

    /// The contracts published to `repository` (`registry/repository`), by path.
    pub fn published_at(&self, repository: &str) -> Vec<&Entry> {
        let paths = self.by_repository.get(repository).into_iter().flatten();
        paths.filter_map(|it| self.entries.get(it)).collect()
    }

    /// Repositories claimed by more than one contract, with the claimants sorted.
    pub fn duplicate_publishers(&self) -> Vec<(String, Vec<PathBuf>)> {
        let mut out: Vec<(String, Vec<PathBuf>)> = (self.by_repository.iter())
            .filter(|(_, paths)| paths.len() > 1)
            .map(|(repository, paths)| (repository.clone(), paths.iter().cloned().collect()))
            .collect();
        out.sort();
        out
    }
}

fn remove_from<K: std::hash::Hash + Eq>(map: &mut HashMap<K, BTreeSet<PathBuf>>, key: &K, path: &Path) {
    if let Some(paths) = map.get_mut(key) {
        paths.remove(path);
        if paths.is_empty() {
            map.remove(key);
        }
    }
}

/// `pacto.yaml` or `pacto.yml`: the file a bundle directory stands for.
pub fn is_bundle_file(path: &Path) -> bool {
    matches!(path.file_name().and_then(|it| it.to_str()), Some("pacto.yaml" | "pacto.yml"))
}

/// Whether a YAML text is a contract by its first key: the first line that is not blank, a comment
/// or a document marker starts with `pactoVersion:`.
pub fn looks_like_contract(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim_end)
        .find(|it| !it.trim_start().is_empty() && !it.trim_start().starts_with('#') && *it != "---");
    first.is_some_and(|it| {
        let it = it.trim_start_matches('\u{feff}');
        ["pactoVersion:", "\"pactoVersion\":", "'pactoVersion':"].iter().any(|key| it.starts_with(key))
    })
}

/// Reads what the index needs from a contract text, 1.0 or 2.0 (by `pactoVersion`), tolerating
/// broken input: the lax tree decoding keeps every field it could read, and the first syntax or
/// decoding error is kept as the entry's problem.
pub fn read_entry(path: &Path, source: &str) -> Entry {
    entry_of_decoded(path, source, &crate::syntax::parse(source), &LineIndex::new(source), None, None)
}

/// [`read_entry`] of a text already validated: its decoded model is read, not decoded again (the editor asks on
/// every keystroke).
pub fn entry_of_validation(path: &Path, text: &str, validation: &crate::validate::Validation) -> Entry {
    let v1 = (validation.format == crate::validate::Format::V1).then_some(&validation.decoded);
    entry_of_decoded(path, text, &validation.parse, &validation.line_index, v1, validation.v2.as_ref())
}

/// The entry from the decoded model of `parse` when the caller has it, else decoding it.
fn entry_of_decoded(
    path: &Path,
    text: &str,
    parse: &crate::syntax::Parse,
    line_index: &LineIndex,
    v1: Option<&crate::contract::Decoded>,
    v2: Option<&crate::v2::Decoded>,
) -> Entry {
    let root = parse.root.as_ref();
    let format = crate::v2::format_version(root).unwrap_or("").to_owned();
    let dir = path.parent().unwrap_or(Path::new(""));
    let line_of = |span: Option<crate::syntax::Span>| span.map_or(0, |it| line_index.line_of(it.start) + 1);
    let service_of = |name: &crate::contract::Text, version: &crate::contract::Text| {
        let line = |it: &crate::contract::Text| line_of(it.as_ref().map(|it| it.span));
        ((field(name).to_owned(), line(name)), (field(version).to_owned(), line(version)))
    };
    let (((name, name_line), (version, version_line)), interfaces, dependencies, decode_error) = if format == "2.0" {
        let decoded_here;
        let decoded = match v2 {
            Some(it) => it,
            None => {
                decoded_here = crate::v2::from_tree(root);
                &decoded_here
            }
        };
        let contract = &decoded.contract;
        let dependencies = (contract.dependencies.iter())
            .map(|it| Dependency {
                name: field(&it.name).to_owned(),
                reference: field(&it.reference).to_owned(),
                compatibility: field(&it.compatibility).to_owned(),
                line: line_of(it.reference.as_ref().map(|it| it.span).or(it.name.as_ref().map(|it| it.span))),
                compatibility_line: line_of(
                    (it.compatibility.as_ref().or(it.reference.as_ref()).or(it.name.as_ref())).map(|it| it.span),
                ),
                target: target_of(field(&it.reference), dir),
            })
            .collect();
        let interfaces = (contract.interfaces.iter())
            .map(|it| Interface {
                name: field(&it.name).to_owned(),
                kind: field(&it.kind).to_owned(),
                line: line_of(it.name.as_ref().or(it.kind.as_ref()).map(|it| it.span)),
            })
            .collect();
        let error = decoded.errors.first().map(|it| (it.span.start, it.message.clone()));
        (service_of(&contract.service.name, &contract.service.version), interfaces, dependencies, error)
    } else {
        let decoded_here;
        let decoded = match v1 {
            Some(it) => it,
            None => {
                decoded_here = crate::contract::from_tree(root);
                &decoded_here
            }
        };
        let contract = &decoded.contract;
        let dependencies = (contract.dependencies.iter().flatten())
            .map(|it| Dependency {
                name: String::new(),
                reference: field(&it.reference).to_owned(),
                compatibility: field(&it.compatibility).to_owned(),
                line: line_of(Some(it.reference.as_ref().map_or(it.span, |it| it.span))),
                compatibility_line: line_of(Some(
                    it.compatibility.as_ref().or(it.reference.as_ref()).map_or(it.span, |it| it.span),
                )),
                target: target_of(field(&it.reference), dir),
            })
            .collect();
        let interfaces = (contract.interfaces.iter().flatten())
            .map(|it| Interface {
                name: field(&it.name).to_owned(),
                kind: field(&it.kind).to_owned(),
                line: line_of(Some(it.name.as_ref().map_or(it.span, |it| it.span))),
            })
            .collect();
        let error = decoded.errors.first().map(|it| (it.span.start, it.message.clone()));
        (service_of(&contract.service.name, &contract.service.version), interfaces, dependencies, error)
    };
    // A syntax error comes first: the decoding errors after it are often its echo.
    let problem = match parse.errors.first() {
        Some(error) => Some(format!("line {}: {}", line_index.line_of(error.span.start) + 1, error.message)),
        None => decode_error.map(|(at, message)| format!("line {}: {message}", line_index.line_of(at) + 1)),
    };
    Entry {
        path: path.to_path_buf(),
        format,
        name,
        name_line,
        version,
        version_line,
        interfaces,
        published: publish_comment(text).map(|it| repository_key(&it)),
        dependencies,
        problem,
    }
}

/// The target of the first whole-line `# pacto:publish oci://…` comment, as written (with `oci://`).
pub fn publish_comment(text: &str) -> Option<String> {
    // The editor asks on every keystroke: one substring search skips the line walk of a text without the directive.
    if !text.contains(PUBLISH_DIRECTIVE) {
        return None;
    }
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix('#')?.trim_start().strip_prefix(PUBLISH_DIRECTIVE)?;
        let target = rest.split_whitespace().next()?;
        target.starts_with("oci://").then(|| target.to_owned())
    })
}

/// `registry/repository` of an `oci://` ref (or of one without the scheme): tag and digest dropped,
/// so `oci://ghcr.io/acme/api:1.2.0` and `oci://ghcr.io/acme/api` name one repository. A ref the lax
/// parser rejects is kept whole.
pub fn repository_key(reference: &str) -> String {
    let location = reference.strip_prefix("oci://").unwrap_or(reference);
    static KNOWN: Remembered<String> = Remembered::new(REPOSITORY_KEYS_KEPT);
    KNOWN.get(location, || match OciRef::parse(location) {
        Ok(it) => format!("{}/{}", it.registry, it.repository),
        Err(_) => location.to_owned(),
    })
}

/// How many refs [`repository_key`] remembers; past it, it starts over.
const REPOSITORY_KEYS_KEPT: usize = 4096;

/// What a raw `ref` written in a contract under `dir` points at.
pub fn target_of(raw: &str, dir: &Path) -> Target {
    if raw.trim().is_empty() {
        return Target::Nothing;
    }
    match DependencyRef::classify(raw) {
        DependencyRef::Oci(location) => Target::Repository(repository_key(&location)),
        DependencyRef::Local(location) => Target::Local(normalize(&dir.join(location))),
    }
}

/// `.` and `..` taken out without asking the filesystem (a `..` above the root is dropped).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_parent = matches!(out.components().next_back(), Some(Component::ParentDir));
                if at_parent || (!out.pop() && !out.has_root()) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests;
