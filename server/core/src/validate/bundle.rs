//! The files of a bundle, as far as `FILE_NOT_FOUND` needs them (spec §2.7).

use std::path::PathBuf;

/// Answers whether a bundle-relative path exists; a directory counts as found.
pub trait BundleFiles {
    fn contains(&self, path: &str) -> bool;
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
