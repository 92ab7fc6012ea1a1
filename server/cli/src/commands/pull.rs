//! `pacto pull <oci://ref> [-o dir]`: resolve a tag-less reference to its highest semver tag, fetch
//! through the cache, and write the bundle whole or not at all (spec §5.4).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pacto_core::contract::{self, text};
use pacto_core::syntax::{self, LineIndex};
use pacto_core::validate::strict_parse_failure;
use pacto_oci::{Cache, Client, ClientOptions, Direction, Limits, Progress, Reference, block_on};
use serde_json::json;

use crate::cli::Format;
use crate::render::json as render_json;

pub fn run(reference: &str, output: Option<&str>, no_cache: bool, format: Format) -> Result<(), String> {
    let Some(target) = reference.strip_prefix("oci://") else {
        return Err(format!("pull requires an OCI reference (oci://...): got {reference:?}"));
    };
    let reference = Reference::parse(target).map_err(|err| err.to_string())?;
    let client = with_terminal_progress(Client::new(ClientOptions::from_env().map_err(|err| err.to_string())?), format);
    let cache = Cache::from_env(no_cache);
    let (resolved, fetched) = block_on(async {
        let resolved = pacto_oci::resolve(&client, &reference).await?;
        let fetched = pacto_oci::fetch(&client, cache.as_ref(), &resolved, &Limits::DEFAULT).await?;
        Ok::<_, pacto_oci::RegistryError>((resolved, fetched))
    })
    .map_err(|err| err.to_string())?;
    crate::log::debug(
        "pulled bundle",
        &[("ref", &resolved), ("digest", &fetched.digest), ("source", &format!("{:?}", fetched.source))],
    );
    let bytes = fetched.bundle.contract().ok_or("failed to extract bundle: bundle missing pacto.yaml")?;
    let source = std::str::from_utf8(bytes)
        .map_err(|_| "failed to extract bundle: failed to parse contract from bundle: pacto.yaml is not UTF-8")?;
    // A strict parse and no validation (spec §5.4 step 4).
    let parse = syntax::parse(source);
    let index = LineIndex::new(source);
    let refused = |message: &str, offset: usize| {
        let at = index.line_col(source, offset);
        format!(
            "failed to extract bundle: failed to parse contract from bundle: {message} (pacto.yaml:{}:{})",
            at.line, at.column
        )
    };
    // A 2.0 bundle decodes with the 2.0 model (pacto-v2.md §6.6); its first decoding fault refuses it.
    let (name, version) = if pacto_core::v2::format_version(parse.root.as_ref()) == Some("2.0") {
        let decoded = pacto_core::v2::from_tree(parse.root.as_ref());
        if let Some(first) = decoded.errors.first() {
            return Err(refused(&format!("parse error: {}", first.message), first.span.start));
        }
        let service = decoded.contract.service;
        (text(&service.name).to_owned(), text(&service.version).to_owned())
    } else {
        let decoded = contract::from_tree(parse.root.as_ref());
        if let Some(failure) = strict_parse_failure(source, &index, &parse, &decoded) {
            return Err(refused(&failure.message, failure.span.start));
        }
        let service = &decoded.contract.service;
        (text(&service.name).to_owned(), text(&service.version).to_owned())
    };
    let output = match output {
        Some(output) if !output.is_empty() => output.to_owned(),
        _ => name.clone(),
    };
    if output.is_empty() {
        return Err("failed to extract bundle: the contract names no service to use as the output directory".into());
    }
    fetched.bundle.write_to(std::path::Path::new(&output)).map_err(|err| err.to_string())?;
    // For the language server's lens against the published version; the pull stands without it.
    if let Some(cache) = &cache {
        if let Err(err) = pacto_oci::origin::record(cache, std::path::Path::new(&output), &reference) {
            crate::log::debug("origin not recorded", &[("cause", &err)]);
        }
    }
    let resolved = resolved.to_string();
    match format {
        Format::Json => print!(
            "{}",
            render_json::to_string(&json!({"Ref": resolved, "Output": output, "Name": name, "Version": version}))
        ),
        Format::Text | Format::Markdown => println!("Pulled {name}@{version} -> {output}/"),
    }
    Ok(())
}

/// The client with a progress bar on stderr when a person is watching: stderr is a terminal, the output is
/// not JSON, and no CI runs (CI systems set `CI`). Anywhere else nothing but the result lines is written.
pub(super) fn with_terminal_progress(client: Client, format: Format) -> Client {
    let in_ci = std::env::var_os("CI").is_some_and(|it| !it.is_empty() && it != "0" && it != "false");
    let dumb = std::env::var_os("TERM").is_some_and(|it| it == "dumb");
    if format == Format::Json || in_ci || dumb || !std::io::stderr().is_terminal() {
        return client;
    }
    client.with_progress(Arc::new(TerminalProgress(Mutex::new(None))))
}

const PROGRESS_TEMPLATE: &str = "{msg:11} [{bar:30}] {bytes}/{total_bytes}";

/// The bar of the transfer under way, if any.
struct TerminalProgress(Mutex<Option<ProgressBar>>);

impl Progress for TerminalProgress {
    fn start(&self, direction: Direction, total_bytes: u64) {
        let style = ProgressStyle::with_template(PROGRESS_TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar());
        let message = match direction {
            Direction::Upload => "Uploading",
            Direction::Download => "Downloading",
        };
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(message);
        bar.tick();
        *self.0.lock().unwrap_or_else(|it| it.into_inner()) = Some(bar);
    }

    fn advance(&self, n_bytes: u64) {
        if let Some(bar) = &*self.0.lock().unwrap_or_else(|it| it.into_inner()) {
            bar.inc(n_bytes);
        }
    }

    /// The bar goes away: what stays on the terminal is the result line alone.
    fn finish(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|it| it.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
