//! `pacto doc [dir] [-o dir]`: the contract's Markdown documentation (spec §7.5) on stdout, or
//! written to `<dir>/<service>.md`.

use std::fs;
use std::path::Path;

use pacto_core::contract::text;
use serde_json::{Map, Value};

use crate::cli::Format;
use crate::commands::graph::local_graph;
use crate::load;
use crate::render::doc::{DirFiles, markdown};
use crate::render::json as render_json;

pub fn run(arg: &str, output: Option<&str>, format: Format) -> Result<(), String> {
    let load::LoadedContract { loaded, contract, metadata } = load::load_contract(arg)?;
    let graph = local_graph(arg, &contract)?;
    let text_md = markdown(&contract, metadata.as_ref(), &graph, &DirFiles(&loaded.dir));
    let name = text(&contract.service.name).to_owned();
    let mut written = None;
    if let Some(output) = output.filter(|it| !it.is_empty()) {
        fs::create_dir_all(output).map_err(|err| format!("failed to create {output}: {err}"))?;
        let path = Path::new(output).join(format!("{name}.md"));
        fs::write(&path, &text_md).map_err(|err| format!("failed to write {}: {err}", path.display()))?;
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
