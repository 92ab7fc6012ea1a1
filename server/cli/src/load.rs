//! Resolving a contract argument to its text (spec §2.1), with our limits on the file itself.

use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use pacto_core::syntax::{LineIndex, limits::MAX_CONTRACT_BYTES};

/// A contract read from a bundle directory.
pub struct Loaded {
    /// The bundle directory as given (for `oci://`, the directory it was extracted to).
    pub dir: PathBuf,
    /// `dir` joined with `pacto.yaml`, as the reference prints it (`pacto.yaml` for `.`).
    pub file: String,
    pub text: String,
    /// Keeps a pulled bundle's directory until the command is done.
    _extracted: Option<tempfile::TempDir>,
}

static NO_CACHE: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: `oci://` arguments are then always fetched from the registry.
pub fn set_no_cache(on: bool) {
    NO_CACHE.store(on, Ordering::Relaxed);
}

pub fn contract_file(dir: &str) -> String {
    match dir.trim_end_matches('/') {
        "." | "" => "pacto.yaml".to_owned(),
        trimmed => format!("{trimmed}/pacto.yaml"),
    }
}

/// Loads `<arg>/pacto.yaml`. Errors are the reference's texts, plus ours for files that are not
/// regular, too large or not UTF-8 (spec "Our decisions": limits on the contract file).
pub fn load(arg: &str) -> Result<Loaded, String> {
    if let Some(target) = arg.strip_prefix("oci://") {
        return load_oci(arg, target);
    }
    let dir = arg.strip_prefix("file://").unwrap_or(arg);
    let meta = fs::metadata(dir).map_err(|err| format!("failed to access {dir}: stat {dir}: {}", os_error(&err)))?;
    if !meta.is_dir() {
        return Err(format!("{dir} is not a directory"));
    }
    let file = contract_file(dir);
    // symlink_metadata first: a dangling link is "not found", a FIFO would block a read forever.
    let file_meta = match fs::metadata(&file) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(format!("no pacto.yaml found in {dir}"));
        }
        Err(err) => return Err(format!("failed to read {file}: {}", os_error(&err))),
    };
    if !file_meta.is_file() {
        return Err(format!("failed to read {file}: not a regular file"));
    }
    if file_meta.len() > MAX_CONTRACT_BYTES as u64 {
        return Err(format!(
            "failed to read {file}: file is {} bytes, larger than the {MAX_CONTRACT_BYTES}-byte limit for a contract",
            file_meta.len()
        ));
    }
    let bytes = fs::read(&file).map_err(|err| format!("failed to read {file}: {}", os_error(&err)))?;
    let text = decode_utf8(&file, bytes)?;
    Ok(Loaded { dir: PathBuf::from(dir), file, text, _extracted: None })
}

/// Pulls `oci://…` (a tag-less ref resolves to its highest semver tag, spec §2.1) through the
/// cache into a temporary directory, so every command reads it like a local bundle.
fn load_oci(arg: &str, target: &str) -> Result<Loaded, String> {
    load_oci_within(arg, target, None)
}

/// Loads an `oci://` dependency: a tag-less ref takes the highest tag within its `compatibility`.
pub fn load_dependency(location: &str, compatibility: &str) -> Result<LoadedContract, String> {
    let constraint = match compatibility.trim() {
        "" => None,
        text => Some(
            pacto_core::semver::Constraint::parse(text)
                .map_err(|err| format!("invalid constraint {}: {err}", pacto_core::gofmt::quote(text)))?,
        ),
    };
    let loaded = load_oci_within(&format!("oci://{location}"), location, constraint.as_ref())?;
    contract_of(loaded)
}

fn load_oci_within(
    arg: &str,
    target: &str,
    constraint: Option<&pacto_core::semver::Constraint>,
) -> Result<Loaded, String> {
    use pacto_oci::{Cache, Client, ClientOptions, Limits, Reference, block_on};
    // Offline: never the network (CI jobs, air-gapped machines, tests that must stay on loopback).
    if std::env::var_os("PACTO_OFFLINE").is_some_and(|it| !it.is_empty() && it != "0" && it != "false") {
        return Err(format!("not fetched: {arg} (offline: PACTO_OFFLINE is set)"));
    }
    let reference = Reference::parse(target).map_err(|err| err.to_string())?;
    let client = Client::new(ClientOptions::from_env().map_err(|err| err.to_string())?);
    let cache = Cache::from_env(NO_CACHE.load(Ordering::Relaxed));
    let fetched = block_on(async {
        let resolved = pacto_oci::resolve_within(&client, &reference, constraint).await?;
        pacto_oci::fetch(&client, cache.as_ref(), &resolved, &Limits::DEFAULT).await
    })
    .map_err(|err| err.to_string())?;
    let extracted = tempfile::Builder::new()
        .prefix("pacto-bundle-")
        .tempdir()
        .map_err(|err| format!("failed to create a directory for {arg}: {err}"))?;
    let dir = extracted.path().join("bundle");
    fetched.bundle.write_to(&dir).map_err(|err| err.to_string())?;
    let bytes = fetched.bundle.contract().ok_or_else(|| format!("no pacto.yaml found in {arg}"))?;
    let file = format!("{arg}/pacto.yaml");
    let text = decode_utf8(&file, bytes.to_vec())?;
    Ok(Loaded { dir, file, text, _extracted: Some(extracted) })
}

fn decode_utf8(file: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let position = LineIndex::new(prefix).line_col(prefix, valid);
        format!(
            "failed to parse {file}: invalid UTF-8 at line {}, column {} (byte {valid}): a contract must be UTF-8 text",
            position.line, position.column
        )
    })
}

/// Go's wording of the common OS errors, so messages match the reference's.
fn os_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => err.to_string(),
    }
}

/// A contract loaded for reading (no validation), as `explain`, `graph` and `doc` need it.
pub struct LoadedContract {
    /// Where the bundle is (a pulled one lives as long as this value).
    pub loaded: Loaded,
    pub contract: pacto_core::contract::Contract,
    /// The JSON of the free-form `metadata` mapping, when there is one.
    pub metadata: Option<serde_json::Value>,
}

/// Loads `<arg>/pacto.yaml` with the reference's strict parse; a parse failure names its position.
pub fn load_contract(arg: &str) -> Result<LoadedContract, String> {
    contract_of(load(arg)?)
}

fn contract_of(loaded: Loaded) -> Result<LoadedContract, String> {
    let parse = pacto_core::syntax::parse(&loaded.text);
    let decoded = pacto_core::contract::from_tree(parse.root.as_ref());
    let index = LineIndex::new(&loaded.text);
    if let Some(failure) = pacto_core::validate::strict_parse_failure(&loaded.text, &index, &parse, &decoded) {
        let at = index.line_col(&loaded.text, failure.span.start);
        return Err(format!(
            "failed to parse {}: {} ({}:{}:{})",
            loaded.file, failure.message, loaded.file, at.line, at.column
        ));
    }
    let metadata = parse
        .root
        .as_ref()
        .and_then(|it| it.get("metadata"))
        .and_then(|it| pacto_core::validate::json::to_json(it).ok());
    Ok(LoadedContract { loaded, contract: decoded.contract, metadata })
}
