//! `pacto generate <plugin> [dir] [-o out] [--option k=v]…` (spec §7.4), plus ours: the contract
//! is validated first, the plugin gets absolute paths and a timeout, and nothing is written
//! unless every returned path stays inside the output directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pacto_core::contract::json_form;
use pacto_core::validate::json::to_json;
use pacto_core::validate::{DirBundle, Mode, validate};
use serde_json::{Map, Value};

use crate::cli::Format;
use crate::load;
use crate::plugin;
use crate::render::json as render_json;

pub struct Args<'a> {
    pub plugin: &'a str,
    pub path: &'a str,
    pub output: Option<&'a str>,
    pub options: &'a [String],
    pub no_validate: bool,
    pub timeout: Option<u64>,
}

pub fn run(args: Args<'_>, format: Format) -> Result<(), String> {
    let binary = plugin::discover(args.plugin)?;
    let loaded = load::load(args.path)?;
    // Deviation: the reference hands plugins unvalidated contracts; ours are validated first.
    let bundle = DirBundle { root: loaded.dir.clone() };
    let validation = validate(&loaded.text, Some(&bundle), Mode::Reference);
    if let Some(failure) = validation.diagnostics.iter().find(|it| it.code == pacto_core::Code::ParseError) {
        // Even with --no-validate: there is no contract to hand the plugin.
        super::validate::show_findings(args.path, &loaded, &validation, format);
        return Err(format!("failed to parse {}: {}", loaded.file, failure.message));
    }
    let n_errors = validation.errors().count();
    if n_errors > 0 && !args.no_validate {
        super::validate::show_findings(args.path, &loaded, &validation, format);
        return Err(format!(
            "contract validation failed with {n_errors} error(s) (use --no-validate to generate anyway)"
        ));
    }
    let output = match args.output {
        Some(it) if !it.is_empty() => it.to_owned(),
        _ => format!("{}-output", args.plugin),
    };
    fs::create_dir_all(&output).map_err(|err| format!("failed to create output directory {output}: {err}"))?;
    let absolute = |path: &Path| -> Result<PathBuf, String> {
        fs::canonicalize(path).map_err(|err| format!("failed to resolve {}: {err}", path.display()))
    };
    let output_dir = absolute(Path::new(&output))?;
    let bundle_dir = absolute(&loaded.dir)?;
    let metadata = validation.parse.root.as_ref().and_then(|it| it.get("metadata")).and_then(|it| to_json(it).ok());
    let mut request = Map::new();
    request.insert("protocolVersion".into(), "1".into());
    let contract = match &validation.v2 {
        // A 2.0 contract goes to the plugin as 2.0 (pacto-v2.md §6.5); plugins tell the formats
        // apart by `contract.pactoVersion`.
        Some(decoded) => {
            let root = validation.parse.root.clone();
            let json = root.as_ref().and_then(|it| to_json(it).ok()).unwrap_or(Value::Null);
            let document = pacto_core::v2::document::Document { contract: decoded.contract.clone(), json, root };
            pacto_core::v2::json_form::to_json(&document)
        }
        None => json_form::to_json(&validation.decoded.contract, metadata),
    };
    request.insert("contract".into(), contract);
    request.insert("bundleDir".into(), bundle_dir.display().to_string().into());
    request.insert("outputDir".into(), output_dir.display().to_string().into());
    let options: Map<String, Value> = args
        .options
        .iter()
        .filter_map(|it| it.split_once('='))
        .map(|(key, value)| (key.to_owned(), Value::String(value.to_owned())))
        .collect();
    if !options.is_empty() {
        request.insert("options".into(), Value::Object(options));
    }
    let request = serde_json::to_vec(&Value::Object(request)).expect("a JSON value serialises");
    let timeout = args.timeout.map_or(plugin::PLUGIN_TIMEOUT, Duration::from_secs);
    let response = plugin::run(args.plugin, &binary, &request, timeout)?;
    let destinations = plugin::destinations(&output_dir, &response.files)?;
    for (file, destination) in response.files.iter().zip(&destinations) {
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent).map_err(|err| format!("failed to create {}: {err}", parent.display()))?;
        }
        fs::write(destination, &file.content)
            .map_err(|err| format!("failed to write {}: {err}", destination.display()))?;
    }
    crate::log::debug("generated", &[("plugin", &args.plugin), ("files", &response.files.len())]);
    match format {
        Format::Json => {
            let mut out = Map::new();
            out.insert("plugin".into(), args.plugin.into());
            out.insert("outputDir".into(), output.clone().into());
            out.insert("filesCount".into(), response.files.len().into());
            if !response.message.is_empty() {
                out.insert("message".into(), response.message.clone().into());
            }
            print!("{}", render_json::to_string(&Value::Object(out)));
        }
        Format::Text | Format::Markdown => {
            println!("Generated {} file(s) using {}", response.files.len(), args.plugin);
            println!("Output: {}/", output.trim_end_matches('/'));
            if !response.message.is_empty() {
                println!("Message: {}", response.message);
            }
        }
    }
    Ok(())
}
