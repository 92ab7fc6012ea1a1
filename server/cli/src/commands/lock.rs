//! `pacto lock [dir] [--update] [--update-name <dep>]… [--check]` (pacto-v2.md §4.2): pins a 2.0
//! bundle's dependency closure and its configuration and policy references in `pacto.lock`.

use std::path::Path;

use pacto_core::Code;
use pacto_core::v2::lock::{self as lockfile, LOCK_FILE, LockProblem, Lockfile};
use pacto_oci::lock::{self, Pins};
use serde_json::json;

use crate::cli::Format;
use crate::refs::RegistrySource;
use crate::render::json as render_json;

pub struct Args<'a> {
    pub path: &'a str,
    pub update: bool,
    pub update_names: &'a [String],
    pub check: bool,
}

pub fn run(args: &Args<'_>, format: Format) -> Result<(), String> {
    if args.path.starts_with("oci://") {
        return Err("pacto lock requires a local directory, not an OCI reference".to_owned());
    }
    let dir_text = args.path.strip_prefix("file://").unwrap_or(args.path);
    // The reference's load errors (missing directory, no pacto.yaml) come first.
    pacto_oci::graph_fetch::read_local(dir_text)?;
    let dir = Path::new(dir_text);
    // Our decision (pacto-v2.md §4.1): a 1.0 contract has no lock; its commands ignore the file.
    if !lock::is_v2(dir) {
        return Err("pacto lock requires a pactoVersion \"2.0\" contract".to_owned());
    }
    let shown = match dir_text.trim_end_matches('/') {
        "." | "" => LOCK_FILE.to_owned(),
        trimmed => format!("{trimmed}/{LOCK_FILE}"),
    };
    let old = lock::read(dir).map_err(|it| it.to_string())?;
    let version = env!("CARGO_PKG_VERSION");
    if args.check {
        let Some(old) = old else {
            return Err(LockProblem::new(Code::LockMissing, "no pacto.lock found").to_string());
        };
        let current = lock::build(dir, &RegistrySource, Pins::Ignore, version).map_err(|it| it.to_string())?;
        if let Some(problem) = lockfile::compare(&old, &current) {
            return Err(problem.to_string());
        }
        report(&shown, &old, false, format);
        return Ok(());
    }
    let pins = match &old {
        Some(old) if !args.update => Pins::Keep { old, update: args.update_names },
        _ => Pins::Ignore,
    };
    let built = lock::build(dir, &RegistrySource, pins, version).map_err(|it| it.to_string())?;
    // A misspelt name would otherwise re-resolve nothing and look like success.
    let known = |name: &String| {
        let mut names = built.dependencies.iter().chain(old.iter().flat_map(|it| &it.dependencies));
        names.any(|it| &it.name == name)
    };
    if let Some(unknown) = args.update_names.iter().find(|it| !known(it)) {
        return Err(format!("--update-name {unknown}: no dependency named {unknown} in the closure"));
    }
    if let Some(old) = &old {
        if lockfile::compare(old, &built).is_none() {
            report(&shown, old, false, format);
            return Ok(());
        }
    }
    lock::write(dir, &built)?;
    report(&shown, &built, true, format);
    Ok(())
}

fn report(shown: &str, lock: &Lockfile, written: bool, format: Format) {
    let (n_deps, n_refs) = (lock.dependencies.len(), lock.references.len());
    match format {
        Format::Json => {
            let mut out = json!({"path": shown, "dependencies": n_deps, "references": n_refs});
            let key = if written { "written" } else { "upToDate" };
            out[key] = true.into();
            print!("{}", render_json::to_string(&out));
        }
        Format::Text | Format::Markdown if written => {
            println!("wrote {shown} ({n_deps} dependencies, {n_refs} references)")
        }
        Format::Text | Format::Markdown => {
            println!("{LOCK_FILE} is up to date ({n_deps} dependencies, {n_refs} references)")
        }
    }
}
