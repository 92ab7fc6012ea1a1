//! The filesystem walk that fills an [`Index`] from a root directory: contract files by name
//! (`pacto.yaml`, `pacto.yml`) or by first key (`pactoVersion`), skipping `.git`, `node_modules`,
//! `target` and what `.gitignore` files ignore. Whatever cannot be read is skipped with its cause;
//! nothing stops the walk.

use std::fs;
use std::path::{Path, PathBuf};

use crate::syntax::limits::MAX_CONTRACT_BYTES;
use crate::v2::ignore::IgnoreRules;

use super::{Index, is_bundle_file, looks_like_contract};

/// Directories never entered, whatever the ignore files say: version control, package and build
/// output, where copies of contracts (vendored, built) would show up as services twice.
pub const SKIPPED_DIRS: [&str; 3] = [".git", "node_modules", "target"];

/// Directory depth below the root beyond which the walk does not go: a guard, far above any repository.
pub const MAX_DEPTH: usize = 64;

/// A file or directory the walk left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// The result of a walk: the index and what was skipped (besides ignored paths, which are not reported).
#[derive(Debug, Default)]
pub struct Scan {
    pub index: Index,
    pub skipped: Vec<Skipped>,
}

/// Walks `root` (canonicalised first, so local refs compare as absolute paths) and indexes every contract.
pub fn scan(root: &Path) -> Result<Scan, String> {
    let root = fs::canonicalize(root).map_err(|err| format!("failed to access {}: {err}", root.display()))?;
    let mut walk = Walk { scan: Scan::default(), visited: Vec::new() };
    walk.dir(&root, &mut Vec::new(), 0);
    walk.scan.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(walk.scan)
}

struct Walk {
    scan: Scan,
    /// Canonical directories entered so far: a symlink back to one of them is a loop (or a second
    /// way to the same files), skipped.
    visited: Vec<PathBuf>,
}

/// The `.gitignore` rules in force: each with the directory it sits in.
type Rules = Vec<(PathBuf, IgnoreRules)>;

impl Walk {
    fn dir(&mut self, dir: &Path, rules: &mut Rules, depth: usize) {
        if depth > MAX_DEPTH {
            self.skip(dir, format!("deeper than {MAX_DEPTH} directories below the workspace root"));
            return;
        }
        match fs::canonicalize(dir) {
            Ok(real) if self.visited.contains(&real) => {
                self.skip(dir, format!("already visited as {} (symbolic link loop)", real.display()));
                return;
            }
            Ok(real) => self.visited.push(real),
            Err(err) => {
                self.skip(dir, format!("cannot resolve: {err}"));
                return;
            }
        }
        let listing = match fs::read_dir(dir) {
            Ok(listing) => listing,
            Err(err) => {
                self.skip(dir, format!("cannot read the directory: {err}"));
                return;
            }
        };
        let mut children: Vec<PathBuf> = listing.filter_map(|it| it.ok().map(|it| it.path())).collect();
        children.sort();
        let pushed = match fs::read_to_string(dir.join(".gitignore")) {
            Ok(text) => {
                rules.push((dir.to_path_buf(), IgnoreRules::gitignore(&text)));
                true
            }
            Err(_) => false,
        };
        for child in children {
            let Some(name) = child.file_name().and_then(|it| it.to_str()).map(str::to_owned) else {
                continue;
            };
            // `metadata` follows symbolic links: a link to a directory is walked (loops are caught above).
            let Ok(meta) = fs::metadata(&child) else {
                self.skip(&child, "a broken symbolic link or an unreadable entry".to_owned());
                continue;
            };
            if meta.is_dir() {
                if SKIPPED_DIRS.contains(&name.as_str()) || ignored(rules, &child, true) {
                    continue;
                }
                self.dir(&child, rules, depth + 1);
            } else if meta.is_file() && is_yaml(&name) && !ignored(rules, &child, false) {
                self.file(&child, meta.len());
            }
        }
        if pushed {
            rules.pop();
        }
    }

    fn file(&mut self, path: &Path, len: u64) {
        if len > MAX_CONTRACT_BYTES as u64 {
            if is_bundle_file(path) {
                self.skip(path, format!("larger than the {MAX_CONTRACT_BYTES}-byte limit for a contract"));
            }
            return;
        }
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.skip(path, format!("cannot read: {err}"));
                return;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            if is_bundle_file(path) {
                self.skip(path, "not UTF-8".to_owned());
            }
            return;
        };
        if is_bundle_file(path) || looks_like_contract(&text) {
            self.scan.index.upsert(path, &text);
        }
    }

    fn skip(&mut self, path: &Path, reason: String) {
        self.scan.skipped.push(super::scan::Skipped { path: path.to_path_buf(), reason });
    }
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Whether any `.gitignore` in force ignores `path`. Decision: each file decides alone (its own
/// negations count; a deeper file cannot re-include what a shallower one ignores), which is git's
/// answer except for that rare re-inclusion.
fn ignored(rules: &Rules, path: &Path, is_dir: bool) -> bool {
    rules.iter().any(|(base, rules)| {
        let Ok(relative) = path.strip_prefix(base) else {
            return false;
        };
        let relative: Vec<&str> = relative.iter().filter_map(|it| it.to_str()).collect();
        rules.excludes(&relative.join("/"), is_dir)
    })
}
