//! Repository rules that no compiler checks: module headers, the core's dependency boundary,
//! and no deprecated YAML crate.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|it| it == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_line() {
    let mut files = Vec::new();
    rust_files(&root().join("server"), &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter(|it| !std::fs::read_to_string(it).unwrap().starts_with("//!"))
        .map(|it| it.display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a `//!` header: {missing:#?}");
}

#[test]
fn core_depends_on_no_runtime_protocol_or_terminal_crate() {
    let manifest = std::fs::read_to_string(root().join("server/core/Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    let names: Vec<&str> =
        deps.lines().filter_map(|it| it.split(['=', '.']).next()).map(str::trim).filter(|it| !it.is_empty()).collect();
    assert_eq!(names, ["saphyr-parser", "jsonschema", "serde_json", "memchr"]);
}

#[test]
fn no_deprecated_serde_yaml() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    assert!(!lock.contains("name = \"serde_yaml\""));
}

#[test]
fn readme_main_command_names_the_binary() {
    // The workspace has several binaries: a bare `cargo run` cannot tell which one to run.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let runs: Vec<&str> = readme.lines().filter(|it| it.contains("cargo run")).collect();
    assert!(!runs.is_empty(), "the README shows no `cargo run` command");
    for line in runs {
        assert!(line.matches("cargo run").count() == line.matches("cargo run --release -p pacto --").count(), "{line}");
    }
}

/// The programs named by `needle` calls (`Command::new("git")`, `run("openssl", …)`, `vim.system({ 'git', …`)
/// in `text`.
fn spawned_programs<'a>(text: &'a str, needle: &str, quote: char, out: &mut Vec<&'a str>) {
    for (at, _) in text.match_indices(needle) {
        let rest = &text[at + needle.len()..];
        let rest = rest.trim_start_matches([' ', '{']);
        let Some(rest) = rest.strip_prefix(quote) else { continue };
        let name = &rest[..rest.find(quote).unwrap_or(0)];
        if !name.is_empty() && name.chars().all(|it| it.is_ascii_alphanumeric() || it == '-' || it == '_') {
            out.push(name);
        }
    }
}

#[test]
fn every_program_the_tests_run_is_installed_by_the_test_command() {
    // scripts/test installs each tool the tests run when it is missing; one missing from its list fails only on a
    // machine without it (issue #13: docker-registry present, htpasswd not).
    let tools = std::fs::read_to_string(root().join("scripts/test-tools.sh")).unwrap();
    let block = tools.split("TEST_TOOLS=(").nth(1).unwrap().split("\n)").next().unwrap();
    let listed: Vec<&str> = block
        .lines()
        .filter_map(|it| it.split('#').next()?.split_whitespace().next())
        .filter_map(|it| it.split(':').next())
        .collect();
    let mut files = Vec::new();
    rust_files(&root().join("server"), &mut files);
    let mut texts = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // Test code: tests/ directories, tests.rs modules, the LSP's in-process tests and the shared test kit.
        let is_test = file
            .components()
            .any(|it| ["tests", "testing", "testkit"].contains(&it.as_os_str().to_str().unwrap_or_default()))
            || file.ends_with("tests.rs");
        if is_test {
            texts.push(text);
        }
    }
    let nvim_tests = root().join("editors/nvim/tests");
    let mut lua = Vec::new();
    for entry in std::fs::read_dir(&nvim_tests).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|it| it == "lua") {
            lua.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let mut programs = vec!["docker-registry"];
    for text in &texts {
        spawned_programs(text, "Command::new(", '"', &mut programs);
        spawned_programs(text, "run(", '"', &mut programs);
    }
    for text in &lua {
        spawned_programs(text, "vim.system(", '\'', &mut programs);
    }
    programs.sort_unstable();
    programs.dedup();
    // Programs the build makes or the test venvs hold, not the system.
    let built = ["pacto", "pacto-plugin-kubernetes", "nvim", "python", "echo", "sh", "true", "false"];
    let missing: Vec<&&str> = programs.iter().filter(|it| !built.contains(it) && !listed.contains(it)).collect();
    assert!(missing.is_empty(), "spawned by tests but not in scripts/test-tools.sh: {missing:?} (listed: {listed:?})");
    // The scan itself must see what we know the tests run, or it would pass by finding nothing.
    for expected in ["git", "htpasswd", "openssl", "chromium", "setpriv", "mkfifo", "script", "cp"] {
        assert!(programs.contains(&expected), "the scan did not find {expected}: {programs:?}");
    }
}

/// The release link's symbol order (build.rs) is a list `bench/symbol_order.py` writes: whole (a truncated or
/// hand-edited file lays out less of the server), one name a line, each once, and covering the keystroke path.
#[test]
fn symbol_order_lists_the_servers_hot_functions_once_each() {
    let text = std::fs::read_to_string(root().join("server/cli/symbol-order.txt")).unwrap();
    assert!(text.ends_with('\n'), "the last line is cut");
    let names: Vec<&str> = text.lines().collect();
    assert!(names.len() >= 1_000, "{} names", names.len());
    let bad: Vec<&&str> = names.iter().filter(|it| it.is_empty() || it.contains(char::is_whitespace)).collect();
    assert!(bad.is_empty(), "not symbol names: {bad:?}");
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "names listed twice");
    for part in ["pacto_core6syntax5parse", "pacto_core8validate", "pacto_lsp7framing", "pacto_lsp8analysis"] {
        assert!(names.iter().any(|it| it.contains(part)), "no function of {part}");
    }
}
