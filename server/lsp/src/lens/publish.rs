//! Which repository a contract is published to: a `# pacto:publish oci://…` comment in the document,
//! else the first `pacto.publish.repository` glob that matches its path (relative to a workspace
//! folder, or absolute), else the repository `pacto pull` recorded for its directory.

use std::path::{Path, PathBuf};

use crate::settings::Settings;

/// Globs longer than this are ignored: matching is backtracking, and no real path glob comes near it.
pub const MAX_GLOB_LEN: usize = 1024;

/// How to tell the server where a contract is published: what `pacto.showDiff` says without one.
pub const HOW_TO_SET: &str = "pacto: no publish repository is known for this contract. Add a comment \
`# pacto:publish oci://<registry>/<repository>` to the contract, or map a glob to the repository in the \
setting `pacto.publish.repository` (for example { \"**/pacto.yaml\": \"oci://ghcr.io/acme/payments-api\" }).";

/// The document's comment (`comment`, its [`pacto_core::workspace::publish_comment`]) wins: it travels with the
/// file. Then the settings, in glob order. (Where the bundle was pulled from comes last, read from the cache by
/// `State::origin`.)
pub fn repository(
    comment: Option<&str>,
    path: Option<&Path>,
    settings: &Settings,
    folders: &[PathBuf],
) -> Option<String> {
    comment.map(str::to_owned).or_else(|| from_settings(path?, settings, folders))
}

/// The repository of the first `pacto.publish.repository` glob matching `path`.
pub fn from_settings(path: &Path, settings: &Settings, folders: &[PathBuf]) -> Option<String> {
    settings.publish_repository.iter().find(|(glob, _)| matches(glob, path, folders)).map(|(_, it)| it.clone())
}

/// An absolute glob matches the absolute path; a relative one the path relative to a workspace folder
/// holding it, or, for a file outside every folder, any trailing part of its path (`**/pacto.yaml`).
fn matches(glob: &str, path: &Path, folders: &[PathBuf]) -> bool {
    if glob.len() > MAX_GLOB_LEN {
        return false;
    }
    let absolute = slashed(path);
    if let Some(glob) = glob.strip_prefix('/') {
        return glob_match(glob, absolute.trim_start_matches('/'));
    }
    let relative: Vec<String> = folders.iter().filter_map(|it| path.strip_prefix(it).ok()).map(slashed).collect();
    if relative.is_empty() {
        let parts: Vec<&str> = absolute.trim_start_matches('/').split('/').collect();
        return (0..parts.len()).any(|at| glob_match(glob, &parts[at..].join("/")));
    }
    relative.iter().any(|it| glob_match(glob, it))
}

fn slashed(path: &Path) -> String {
    path.components().map(|it| it.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/").replace("//", "/")
}

/// `*` and `?` within a path segment, `**` for any number of segments.
pub fn glob_match(glob: &str, path: &str) -> bool {
    let glob: Vec<&str> = glob.split('/').filter(|it| !it.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|it| !it.is_empty()).collect();
    segments_match(&glob, &path)
}

fn segments_match(glob: &[&str], path: &[&str]) -> bool {
    match glob.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|at| segments_match(rest, &path[at..])),
        Some((first, rest)) => {
            path.first().is_some_and(|it| segment_match(first.as_bytes(), it.as_bytes()))
                && segments_match(rest, &path[1..])
        }
    }
}

/// Wildcards within one segment, matched with one backtrack point (linear in practice).
fn segment_match(glob: &[u8], name: &[u8]) -> bool {
    let (mut g, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match glob.get(g) {
            Some(b'*') => {
                star = Some((g, n));
                g += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                g += 1;
                n += 1;
            }
            _ => match star {
                Some((star_g, star_n)) => {
                    g = star_g + 1;
                    n = star_n + 1;
                    star = Some((star_g, star_n + 1));
                }
                None => return false,
            },
        }
    }
    glob[g..].iter().all(|it| *it == b'*')
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn settings(globs: &[(&str, &str)]) -> Settings {
        let publish_repository: BTreeMap<String, String> =
            globs.iter().map(|(glob, repo)| (glob.to_string(), repo.to_string())).collect();
        Settings { publish_repository, ..Settings::default() }
    }

    #[test]
    fn publish_glob_wildcards() {
        assert!(glob_match("**/pacto.yaml", "pacto.yaml"));
        assert!(glob_match("**/pacto.yaml", "services/api/pacto.yaml"));
        assert!(glob_match("services/*/pacto.yaml", "services/api/pacto.yaml"));
        assert!(!glob_match("services/*/pacto.yaml", "services/a/b/pacto.yaml"));
        assert!(glob_match("services/**", "services/a/b/pacto.yaml"));
        assert!(glob_match("pacto.y?ml", "pacto.yaml"));
        assert!(!glob_match("pacto.y?ml", "pacto.yml"));
        assert!(glob_match("*-api/pacto.*", "payments-api/pacto.yaml"));
        assert!(!glob_match("*-api/pacto.*", "payments/pacto.yaml"));
        assert!(!glob_match("pacto.yaml", "other/pacto.yaml"));
    }

    #[test]
    fn publish_repository_from_comment_then_settings() {
        let folders = [PathBuf::from("/work/repo")];
        let settings = settings(&[("services/*/pacto.yaml", "oci://h/svc"), ("/abs/**", "oci://h/abs")]);
        let path = Path::new("/work/repo/services/api/pacto.yaml");
        let repository = |text: &str, path: Option<&Path>, folders: &[PathBuf]| {
            repository(pacto_core::workspace::publish_comment(text).as_deref(), path, &settings, folders)
        };
        assert_eq!(repository("a: 1\n", Some(path), &folders).as_deref(), Some("oci://h/svc"));
        let commented = "# pacto:publish oci://h/own\npactoVersion: \"1.0\"\n";
        assert_eq!(repository(commented, Some(path), &folders).as_deref(), Some("oci://h/own"));
        let indented = "pactoVersion: \"1.0\"\n  \t# pacto:publish   oci://h/own trailing words\n";
        assert_eq!(repository(indented, Some(path), &folders).as_deref(), Some("oci://h/own"));
        // Not a directive: no `oci://`, or not a whole-line comment.
        assert_eq!(repository("# pacto:publish h/own\n", None, &folders), None);
        assert_eq!(repository("a: 1 # pacto:publish oci://h/own\n", None, &folders), None);
        let absolute = Path::new("/abs/x/pacto.yaml");
        assert_eq!(repository("", Some(absolute), &folders).as_deref(), Some("oci://h/abs"));
        assert_eq!(repository("", Some(Path::new("/work/repo/pacto.yaml")), &folders), None);
        // Outside every folder, a relative glob matches a trailing part of the path.
        let loose = Path::new("/tmp/x/services/api/pacto.yaml");
        assert_eq!(repository("", Some(loose), &[]).as_deref(), Some("oci://h/svc"));
    }

    #[test]
    fn publish_glob_over_limit_is_ignored() {
        let at_limit = format!("{}/pacto.yaml", "*".repeat(MAX_GLOB_LEN - "/pacto.yaml".len()));
        let over_limit = format!("*{at_limit}");
        let path = Path::new("/r/a/pacto.yaml");
        let folders = [PathBuf::from("/r")];
        assert!(matches(&at_limit, path, &folders));
        assert!(!matches(&over_limit, path, &folders));
    }
}
