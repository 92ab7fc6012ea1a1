//! The files of a bundle, as far as validation needs them: 1.0's `FILE_NOT_FOUND` (spec §2.7)
//! asks whether a path exists; 2.0 (pacto-v2.md §1.3, §4.5) asks for regular files and reads them,
//! through the `.pactoignore`-filtered view.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::v2::ignore::{IGNORE_FILE, IgnoreRules};

/// Answers whether a bundle-relative path exists; a directory counts as found (1.0).
pub trait BundleFiles {
    fn contains(&self, path: &str) -> bool;

    /// 2.0: whether the path names a regular file of the bundle's view (a directory does not).
    fn is_file(&self, path: &str) -> bool {
        self.contains(path)
    }

    /// 2.0: the bytes of a regular file of the view; `None` when it cannot be read (then the
    /// content rules are skipped, as the reference skips unreadable files).
    fn read(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }
}

/// A bundle on disk, read live (links followed, as the reference's `os.DirFS` does).
#[derive(Clone, Debug)]
pub struct DirBundle {
    pub root: PathBuf,
}

impl BundleFiles for DirBundle {
    fn contains(&self, path: &str) -> bool {
        valid_path(path) && self.root.join(path).exists()
    }

    fn is_file(&self, path: &str) -> bool {
        self.visible_file(path).is_some()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.visible_file(path)?).ok()
    }
}

impl DirBundle {
    /// The 2.0 view: `.pactoignore` at the root, read when asked (a handful of lookups per run).
    fn ignore_rules(&self) -> IgnoreRules {
        // An unreadable ignore file fails the load before validation (the CLI checks it).
        let bytes = std::fs::read(self.root.join(IGNORE_FILE)).ok();
        let text = bytes.as_deref().map(String::from_utf8_lossy);
        IgnoreRules::parse(text.as_deref())
    }

    fn visible_file(&self, path: &str) -> Option<PathBuf> {
        if !valid_path(path) || self.ignore_rules().is_ignored(path, false) {
            return None;
        }
        let full = self.root.join(path);
        std::fs::metadata(&full).ok().filter(|it| it.is_file()).map(|_| full)
    }
}

/// A [`DirBundle`] that asks the disk once per question and remembers the answer: one analysis
/// asks the same paths several times (the layers, then the migration and its own validation),
/// and a contract with hundreds of interfaces made that thousands of system calls per edit.
/// Holds for one analysis only: a later one must see the files as they are then.
#[derive(Debug)]
pub struct MemoDirBundle {
    dir: DirBundle,
    ignore: OnceLock<IgnoreRules>,
    contains: Mutex<HashMap<String, bool>>,
    files: Mutex<HashMap<String, Option<PathBuf>>>,
    reads: Mutex<HashMap<String, Option<Vec<u8>>>>,
}

impl MemoDirBundle {
    pub fn new(root: PathBuf) -> MemoDirBundle {
        MemoDirBundle {
            dir: DirBundle { root },
            ignore: OnceLock::new(),
            contains: Mutex::default(),
            files: Mutex::default(),
            reads: Mutex::default(),
        }
    }

    pub fn root(&self) -> &std::path::Path {
        &self.dir.root
    }

    fn visible_file(&self, path: &str) -> Option<PathBuf> {
        memo(&self.files, path, || {
            let ignore = self.ignore.get_or_init(|| self.dir.ignore_rules());
            if !valid_path(path) || ignore.is_ignored(path, false) {
                return None;
            }
            let full = self.dir.root.join(path);
            std::fs::metadata(&full).ok().filter(|it| it.is_file()).map(|_| full)
        })
    }
}

/// The answer for `key`, computed by `compute` the first time (outside the lock: a slow disk
/// does not hold other askers).
fn memo<T: Clone>(cache: &Mutex<HashMap<String, T>>, key: &str, compute: impl FnOnce() -> T) -> T {
    if let Some(known) = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(key) {
        return known.clone();
    }
    let value = compute();
    cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key.to_owned(), value.clone());
    value
}

impl BundleFiles for MemoDirBundle {
    fn contains(&self, path: &str) -> bool {
        memo(&self.contains, path, || self.dir.contains(path))
    }

    fn is_file(&self, path: &str) -> bool {
        self.visible_file(path).is_some()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        memo(&self.reads, path, || std::fs::read(self.visible_file(path)?).ok())
    }
}

/// Go's `io/fs.ValidPath`: slash-separated, no leading or trailing slash, no empty, `.` or `..`
/// element (only the path `.` itself). So `./interfaces/api.yaml` is not found (quirk 7).
pub fn valid_path(path: &str) -> bool {
    if path == "." {
        return true;
    }
    !path.is_empty() && path.split('/').all(|it| !it.is_empty() && it != "." && it != "..")
}

/// A bundle held in memory, path → content: the one unit tests of the 2.0 rules and of the migration build on.
#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct MemBundle(std::collections::BTreeMap<String, String>);

#[cfg(test)]
impl MemBundle {
    pub(crate) fn with(mut self, path: &str, text: &str) -> MemBundle {
        self.0.insert(path.to_owned(), text.to_owned());
        self
    }
}

#[cfg(test)]
impl BundleFiles for MemBundle {
    fn contains(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.0.get(path).map(|it| it.clone().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::{BundleFiles, DirBundle, MemoDirBundle, valid_path};

    #[test]
    fn memo_bundle_answers_as_the_directory_does_and_asks_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("interfaces")).unwrap();
        std::fs::write(dir.path().join("interfaces/api.yaml"), "openapi: 3.1.0\n").unwrap();
        std::fs::write(dir.path().join("secret.json"), "{}").unwrap();
        std::fs::write(dir.path().join(".pactoignore"), "secret.json\n").unwrap();
        let live = DirBundle { root: dir.path().to_path_buf() };
        let memo = MemoDirBundle::new(dir.path().to_path_buf());
        for path in ["interfaces/api.yaml", "interfaces", "secret.json", "missing.yaml", "./interfaces/api.yaml"] {
            assert_eq!(memo.contains(path), live.contains(path), "{path}");
            assert_eq!(memo.is_file(path), live.is_file(path), "{path}");
            assert_eq!(memo.read(path), live.read(path), "{path}");
        }
        assert_eq!(memo.read("interfaces/api.yaml").as_deref(), Some(&b"openapi: 3.1.0\n"[..]));
        assert!(!memo.is_file("secret.json"), "ignored by .pactoignore");
        // Remembered: a change on disk is not seen by this analysis's bundle, only by the next.
        std::fs::remove_file(dir.path().join("interfaces/api.yaml")).unwrap();
        assert!(memo.is_file("interfaces/api.yaml") && memo.contains("interfaces/api.yaml"));
        assert!(!live.is_file("interfaces/api.yaml"));
    }

    #[test]
    fn valid_path_follows_io_fs_rules() {
        for ok in [".", "a", "a/b.yaml", "interfaces/openapi.yaml"] {
            assert!(valid_path(ok), "{ok}");
        }
        for bad in ["", "/a", "a/", "./a", "a/../b", "..", "a//b", "a/."] {
            assert!(!valid_path(bad), "{bad}");
        }
    }
}
