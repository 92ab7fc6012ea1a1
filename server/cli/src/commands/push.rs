//! `pacto push <oci://ref> [-p dir] [-f]`: validate, refuse local dependencies, then publish the bundle as
//! the reference's artifact (spec §5.2, §5.3).

use pacto_core::contract::text;
use pacto_core::semver::has_explicit_tag;
use pacto_core::validate::{DirBundle, Mode, validate};
use pacto_oci::layout::{Artifact, Labels};
use pacto_oci::{Cache, Client, ClientOptions, PackOptions, Reference, block_on};
use serde_json::json;

use crate::cli::Format;
use crate::load;
use crate::render::json as render_json;

pub struct Args<'a> {
    pub reference: &'a str,
    pub path: &'a str,
    pub force: bool,
    pub no_cache: bool,
}

pub fn run(args: Args<'_>, format: Format) -> Result<(), String> {
    let Some(target) = args.reference.strip_prefix("oci://") else {
        return Err(format!("push requires an OCI reference (oci://...): got {:?}", args.reference));
    };
    let loaded = load::load(args.path)?;
    let bundle = DirBundle { root: loaded.dir.clone() };
    let validation = validate(&loaded.text, Some(&bundle), Mode::Reference);
    let n_errors = validation.errors().count();
    if n_errors > 0 {
        super::validate::show_findings(args.path, &loaded, &validation, format);
        return Err(format!("contract validation failed with {n_errors} error(s)"));
    }
    let contract = &validation.decoded.contract;
    // Only direct dependencies are inspected, as the reference does (spec §5.3 step 3).
    for dependency in contract.dependencies.as_deref().unwrap_or_default() {
        let reference = text(&dependency.reference);
        if !reference.starts_with("oci://") {
            return Err(format!(
                "local dependency detected: {reference}\nLocal dependencies are not allowed when publishing. All dependencies must use OCI references (oci://...)"
            ));
        }
    }
    let (name, version) = (text(&contract.service.name), text(&contract.service.version));
    let target = if has_explicit_tag(target) { target.to_owned() } else { format!("{target}:{version}") };
    let reference = Reference::parse(&target).map_err(|err| err.to_string())?;
    let archive = pacto_oci::pack(&loaded.dir, &PackOptions::DEFAULT).map_err(|err| err.to_string())?;
    let artifact = Artifact::new(archive, &Labels::from_contract(contract));
    let client = super::pull::with_terminal_progress(
        Client::new(ClientOptions::from_env().map_err(|err| err.to_string())?),
        format,
    );
    let pushed = block_on(async {
        if !args.force && client.exists(&reference).await? {
            return Ok(None);
        }
        client.push(&reference, &artifact).await.map(Some)
    })
    .map_err(|err| err.to_string())?;
    let Some(digest) = pushed else {
        // A warning and exit 0, nothing on stdout, also in JSON mode (spec §5.3 step 5).
        eprintln!("Warning: artifact already exists: {target} (use --force to overwrite)");
        return Ok(());
    };
    // Our own push is the freshest knowledge of the tag: a pull right after must not serve an older one.
    if let Some(cache) = Cache::from_env(args.no_cache) {
        let _ = cache.put(&artifact.manifest.bytes);
        let _ = cache.put(&artifact.layer.bytes);
        let _ = cache.put_tag(&reference.to_string(), &digest);
    }
    crate::log::debug("pushed bundle", &[("ref", &target), ("digest", &digest)]);
    match format {
        Format::Json => print!(
            "{}",
            render_json::to_string(
                &json!({"Ref": target, "Digest": digest.to_string(), "Name": name, "Version": version})
            )
        ),
        Format::Text | Format::Markdown => println!("Pushed {name}@{version} -> {target}\nDigest: {digest}"),
    }
    Ok(())
}
