//! `pacto push <oci://ref> [-p dir] [-f]`: validate, refuse local dependencies, then publish the bundle as
//! the reference's artifact (spec §5.2, §5.3).

use pacto_core::contract::text;
use pacto_core::semver::has_explicit_tag;
use pacto_core::validate::{Config, DirBundle, Mode, validate_with};
use pacto_oci::layout::Artifact;
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
    // Referenced policies are fetched and enforced before publishing (pacto-v2.md §6.6); 1.0 has none.
    let resolver = crate::refs::PolicyResolver::for_bundle(args.path, &loaded.dir);
    let config = Config { mode: Mode::Reference, bundle: Some(&bundle), resolver: Some(&resolver), readiness_at: None };
    let validation = validate_with(&loaded.text, &config);
    let n_errors = validation.errors().count();
    if n_errors > 0 {
        super::validate::show_findings(args.path, &loaded, &validation, format);
        return Err(format!("contract validation failed with {n_errors} error(s)"));
    }
    let contract = &validation.decoded.contract;
    let v2_refs: Vec<&str> =
        validation.v2.iter().flat_map(|it| &it.contract.dependencies).map(|it| text(&it.reference)).collect();
    // Only direct dependencies are inspected, as the reference does (spec §5.3 step 3).
    let v1_refs = contract.dependencies.as_deref().unwrap_or_default().iter().map(|it| text(&it.reference));
    for reference in v1_refs.chain(v2_refs) {
        if !reference.starts_with("oci://") {
            return Err(format!(
                "local dependency detected: {reference}\nLocal dependencies are not allowed when publishing. All dependencies must use OCI references (oci://...)"
            ));
        }
    }
    if let Some(v2) = &validation.v2 {
        local_v2_refs(&v2.contract)?;
    }
    crate::refs::verify_lock(args.path).map_err(|it| it.to_string())?;
    let labels = super::pack::labels(&validation);
    let (name, version) = (labels.name.as_str(), labels.version.as_str());
    let target = if has_explicit_tag(target) { target.to_owned() } else { format!("{target}:{version}") };
    let reference = Reference::parse(&target).map_err(|err| err.to_string())?;
    let archive = pacto_oci::pack(&loaded.dir, &PackOptions::DEFAULT).map_err(|err| err.to_string())?;
    let artifact = Artifact::new(archive, &labels);
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

/// 2.0 configuration and policy refs must point at a registry when publishing (pacto-v2.md §6.6).
fn local_v2_refs(contract: &pacto_core::v2::Contract) -> Result<(), String> {
    const HINT: &str = "Local references are not allowed when publishing. Use an OCI reference (oci://...)";
    let is_local = |reference: &str| !reference.is_empty() && !reference.starts_with("oci://");
    for it in &contract.configurations {
        let reference = text(&it.reference);
        if is_local(reference) {
            let name = pacto_core::gofmt::quote(text(&it.name));
            return Err(format!("local config ref detected: {reference} (configurations[{name}])\n{HINT}"));
        }
    }
    for (idx, it) in contract.policies.iter().enumerate() {
        let reference = text(&it.reference);
        if is_local(reference) {
            return Err(format!("local policy ref detected: {reference} (policies[{idx}])\n{HINT}"));
        }
    }
    Ok(())
}
