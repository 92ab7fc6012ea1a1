//! The files of a bundle, as far as validation needs them: 1.0's `FILE_NOT_FOUND` (spec §2.7)
//! asks whether a path exists; 2.0 (pacto-v2.md §1.3, §4.5) asks for regular files and reads them,
//! through the `.pactoignore`-filtered view.

use std::path::PathBuf;

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

/// Go's `io/fs.ValidPath`: slash-separated, no leading or trailing slash, no empty, `.` or `..`
/// element (only the path `.` itself). So `./interfaces/api.yaml` is not found (quirk 7).
pub fn valid_path(path: &str) -> bool {
    if path == "." {
        return true;
    }
    !path.is_empty() && path.split('/').all(|it| !it.is_empty() && it != "." && it != "..")
}

#[cfg(test)]
mod tests {
    use super::valid_path;

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
