//! `pacto pack [dir] [-o file]`: validate, then write the bundle as a reproducible tar.gz (spec §5.1, §2.10).

use std::path::{Path, PathBuf};

use pacto_core::contract::text;
use pacto_core::validate::{DirBundle, Mode, validate};
use pacto_oci::PackOptions;
use serde_json::json;

use crate::cli::Format;
use crate::load;
use crate::render::json as render_json;

pub fn run(arg: &str, output: Option<&str>, format: Format) -> Result<(), String> {
    let loaded = load::load(arg)?;
    let bundle = DirBundle { root: loaded.dir.clone() };
    let validation = validate(&loaded.text, Some(&bundle), Mode::Reference);
    // Warnings do not stop a pack (spec §2.10); errors are shown, then counted as the reference does.
    let n_errors = validation.errors().count();
    if n_errors > 0 {
        super::validate::show_findings(arg, &loaded, &validation, format);
        return Err(format!("contract validation failed with {n_errors} error(s)"));
    }
    let service = &validation.decoded.contract.service;
    let (name, version) = (text(&service.name), text(&service.version));
    let output = match output {
        Some(output) if !output.is_empty() => output.to_owned(),
        _ => format!("{name}-{version}.tar.gz"),
    };
    // The output may lie inside the bundle (the default does when packing `.`): it is never packed.
    let options = PackOptions { output: Some(PathBuf::from(&output)), ..PackOptions::DEFAULT };
    let archive = pacto_oci::pack(&loaded.dir, &options).map_err(|err| err.to_string())?;
    archive.write_to(Path::new(&output)).map_err(|err| err.to_string())?;
    crate::log::debug(
        "packed bundle",
        &[("output", &output), ("bytes", &archive.tar_gz.len()), ("digest", &archive.digest)],
    );
    match format {
        Format::Json => {
            print!("{}", render_json::to_string(&json!({"Output": output, "Name": name, "Version": version})))
        }
        Format::Text | Format::Markdown => println!("Packed {name}@{version} -> {output}"),
    }
    Ok(())
}
