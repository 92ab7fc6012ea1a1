//! `pacto pull <oci://ref> [-o dir]`: resolve a tag-less reference to its highest semver tag, fetch
//! through the cache, and write the bundle whole or not at all (spec §5.4).

use pacto_core::contract::{self, text};
use pacto_core::syntax::{self, LineIndex};
use pacto_core::validate::strict_parse_failure;
use pacto_oci::{Cache, Client, ClientOptions, Limits, Reference, block_on};
use serde_json::json;

use crate::cli::Format;
use crate::render::json as render_json;

pub fn run(reference: &str, output: Option<&str>, no_cache: bool, format: Format) -> Result<(), String> {
    let Some(target) = reference.strip_prefix("oci://") else {
        return Err(format!("pull requires an OCI reference (oci://...): got {reference:?}"));
    };
    let reference = Reference::parse(target).map_err(|err| err.to_string())?;
    let client = Client::new(ClientOptions::from_env().map_err(|err| err.to_string())?);
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
    let decoded = contract::from_tree(parse.root.as_ref());
    let index = LineIndex::new(source);
    if let Some(failure) = strict_parse_failure(source, &index, &parse, &decoded) {
        let at = index.line_col(source, failure.span.start);
        return Err(format!(
            "failed to extract bundle: failed to parse contract from bundle: {} (pacto.yaml:{}:{})",
            failure.message, at.line, at.column
        ));
    }
    let service = &decoded.contract.service;
    let (name, version) = (text(&service.name), text(&service.version));
    let output = match output {
        Some(output) if !output.is_empty() => output.to_owned(),
        _ => name.to_owned(),
    };
    if output.is_empty() {
        return Err("failed to extract bundle: the contract names no service to use as the output directory".into());
    }
    fetched.bundle.write_to(std::path::Path::new(&output)).map_err(|err| err.to_string())?;
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
