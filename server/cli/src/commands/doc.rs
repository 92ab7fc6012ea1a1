//! `pacto doc [dir] [-o dir] [--serve [--port N]]`: the contract's Markdown documentation
//! (spec §7.5) on stdout, written to `<dir>/<service>.md`, or served as an HTML page.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use pacto_core::contract::oci_ref::DependencyRef;
use pacto_core::contract::{Contract, text};
use pacto_core::graph::{self, Fetcher};
use serde_json::{Map, Value};

use crate::cli::Format;
use crate::load;
use crate::render::doc::{Bundle, Bundles, DirFiles, markdown};
use crate::render::html;
use crate::render::json as render_json;
use crate::serve::{self, Asset};

/// The written document's permissions, as `fs::write` leaves them under the usual umask.
const DOC_FILE_MODE: u32 = 0o644;

/// `serve`: the port to serve the page on, when `--serve` was given.
pub fn run(arg: &str, output: Option<&str>, serve: Option<u16>, format: Format) -> Result<(), String> {
    let output = output.filter(|it| !it.is_empty());
    if serve.is_some() && output.is_some() {
        return Err("--serve and --output are mutually exclusive".to_owned());
    }
    let (name, text_md) = markdown_of(arg)?;
    if let Some(port) = serve {
        return serve_page(&name, &text_md, port);
    }
    let mut written = None;
    if let Some(output) = output {
        fs::create_dir_all(output).map_err(|err| format!("failed to create {output}: {err}"))?;
        let path = Path::new(output).join(format!("{name}.md"));
        // Atomic: a rerun never leaves half a document where the last whole one was.
        pacto_oci::atomic::write_file(&path, text_md.as_bytes(), DOC_FILE_MODE)
            .map_err(|err| format!("failed to write {}: {err}", path.display()))?;
        written = Some(path.display().to_string());
    }
    match format {
        Format::Json => {
            let mut out = Map::new();
            out.insert("serviceName".into(), name.into());
            out.insert("markdown".into(), text_md.into());
            if let Some(path) = &written {
                out.insert("path".into(), path.clone().into());
            }
            print!("{}", render_json::to_string(&Value::Object(out)));
        }
        Format::Text | Format::Markdown => {
            print!("{text_md}");
            if let Some(path) = written {
                eprintln!("Wrote {path}");
            }
        }
    }
    Ok(())
}

/// What `pacto doc <arg>` prints, and the service's name: for `pacto mcp` too.
pub fn markdown_of(arg: &str) -> Result<(String, String), String> {
    let load::LoadedContract { loaded, contract, metadata } = load::load_contract(arg)?;
    let mut fetcher = KeepingFetcher { base_dir: load::dependency_base_dir(arg)?, kept: Vec::new() };
    let graph = graph::resolve(&contract, &mut fetcher);
    let dirs: Vec<DirFiles> = fetcher.kept.iter().map(|it| DirFiles(&it.loaded.dir)).collect();
    let bundles: Bundles = fetcher
        .kept
        .iter()
        .zip(&dirs)
        .map(|(it, files)| {
            let key = (text(&it.contract.service.name).to_owned(), text(&it.contract.service.version).to_owned());
            (key, Bundle { contract: &it.contract, files })
        })
        .collect();
    // Readiness (the root's or a 2.0 dependency's) is judged at the time of the run.
    let now = super::validate::now_unix_seconds();
    let text_md = match &contract.v2 {
        Some(document) => crate::render::doc_v2::markdown(document, &graph, &DirFiles(&loaded.dir), &bundles, now),
        None => markdown(&contract, metadata.as_ref(), &graph, &DirFiles(&loaded.dir), &bundles, now),
    };
    Ok((text(&contract.service.name).to_owned(), text_md))
}

fn serve_page(name: &str, markdown: &str, port: u16) -> Result<(), String> {
    let listener = serve::bind(port)?;
    let address = serve::local_addr(&listener)?;
    let assets = vec![
        Asset {
            path: "/",
            content_type: "text/html; charset=utf-8",
            body: html::page(name, markdown).into_bytes().into(),
        },
        Asset { path: html::STYLE_PATH, content_type: "text/css; charset=utf-8", body: html::STYLE.as_bytes().into() },
        Asset {
            path: html::INIT_PATH,
            content_type: "text/javascript; charset=utf-8",
            body: html::INIT.as_bytes().into(),
        },
        Asset {
            path: html::MERMAID_PATH,
            content_type: "text/javascript; charset=utf-8",
            body: Arc::from(html::MERMAID),
        },
    ];
    eprintln!("Serving documentation at http://{address}");
    eprintln!("Press Ctrl+C to stop");
    serve::serve(listener, assets)
}

/// Resolves dependencies as `pacto graph` does and keeps each bundle it loaded, so the
/// documentation can describe every resolved dependency from its own contract and files.
struct KeepingFetcher {
    base_dir: std::path::PathBuf,
    kept: Vec<load::LoadedContract>,
}

impl Fetcher for KeepingFetcher {
    fn fetch(&mut self, reference: &DependencyRef, compatibility: &str) -> Result<Contract, String> {
        let loaded = load::load_dependency_ref(reference, compatibility, &self.base_dir)?;
        let contract = loaded.contract.clone();
        self.kept.push(loaded);
        Ok(contract)
    }
}
