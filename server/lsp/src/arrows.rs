//! The import arrows, checked on the source files: server → handlers → features → (analysis, providers) →
//! core/oci. A provider (`deps/`, `lens/`, `workspace/`) says what it learned on a channel (`learned.rs`) and never calls the
//! server back; a feature returns plain data and never sees the protocol. Issue #16 broke a circle of 16 files.

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn features_and_providers_do_not_call_the_server_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for dir in ["features", "deps", "lens", "workspace"] {
        for file in rust_files(&src.join(dir)) {
            let text = fs::read_to_string(&file).unwrap();
            for needle in ["crate::handlers", "crate::server", "crate::commands", "Backend"] {
                if text.contains(needle) {
                    offenders.push(format!("{} uses {needle}", relative(&src, &file)));
                }
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn providers_do_not_know_the_features() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let offenders: Vec<String> = ["deps", "lens", "workspace"]
        .into_iter()
        .flat_map(|dir| rust_files(&src.join(dir)))
        .filter(|file| fs::read_to_string(file).unwrap().contains("crate::features"))
        .map(|file| relative(&src, &file))
        .collect();
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn features_do_not_speak_the_protocol() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    assert_eq!(files_using(&src, "features", "tower_lsp_server"), Vec::<String>::new());
    let providers: Vec<String> =
        ["deps", "lens", "workspace"].into_iter().flat_map(|dir| files_using(&src, dir, "tower_lsp_server")).collect();
    assert_eq!(providers, Vec::<String>::new());
}

fn files_using(src: &Path, dir: &str, needle: &str) -> Vec<String> {
    let files = rust_files(&src.join(dir)).into_iter().filter(|it| !it.starts_with(src.join(dir).join("tests")));
    files.filter(|file| fs::read_to_string(file).unwrap().contains(needle)).map(|file| relative(src, &file)).collect()
}

/// The `.rs` files under `dir`, sorted, so a failure reads the same on every machine.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|it| it == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn relative(src: &Path, file: &Path) -> String {
    file.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/")
}
