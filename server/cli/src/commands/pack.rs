//! `pacto pack [dir] [-o file]`: validate, then write the bundle as a reproducible tar.gz (spec §5.1, §2.10).

use std::path::{Path, PathBuf};

use pacto_core::contract::text;
use pacto_core::validate::{DirBundle, Mode, Validation, validate};
use pacto_oci::PackOptions;
use pacto_oci::layout::Labels;
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
    let labels = labels(&validation);
    let (name, version) = (labels.name.as_str(), labels.version.as_str());
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

/// The artifact's labels from whichever model the contract decoded to (1.0 or 2.0).
pub(super) fn labels(validation: &Validation) -> Labels {
    match &validation.v2 {
        Some(v2) => Labels {
            name: text(&v2.contract.service.name).to_owned(),
            version: text(&v2.contract.service.version).to_owned(),
            pacto_version: text(&v2.contract.pacto_version).to_owned(),
        },
        None => Labels::from_contract(&validation.decoded.contract),
    }
}
