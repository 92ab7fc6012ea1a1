//! Document links: the bundle files and local bundles the contract names, where they exist.

use std::path::{Path, PathBuf};

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::contract::text;
use pacto_core::syntax::Span;

use crate::analysis::Analysis;

/// File paths that exist, linked to their files: interface contracts, the configuration schema,
/// and the `pacto.yaml` of local dependencies; in 2.0, interface specs, configuration and policy
/// schemas, and the `pacto.yaml` of local dependency, configuration and policy refs.
pub fn links(analysis: &Analysis) -> Vec<(Span, PathBuf)> {
    let Some(dir) = &analysis.bundle_dir else {
        return Vec::new();
    };
    if let Some(contract) = analysis.v2() {
        return links_v2(dir, contract);
    }
    let contract = &analysis.validation.decoded.contract;
    let mut candidates: Vec<(Span, PathBuf)> = Vec::new();
    for interface in contract.interfaces.iter().flatten() {
        if let Some(file) = &interface.contract {
            candidates.push((file.span, dir.join(&*file.value)));
        }
    }
    if let Some(schema) = contract.configuration.as_ref().and_then(|it| it.schema.as_ref()) {
        candidates.push((schema.span, dir.join(&*schema.value)));
    }
    for dependency in contract.dependencies.iter().flatten() {
        if let DependencyRef::Local(location) = classify(text(&dependency.reference)) {
            if let Some(reference) = &dependency.reference {
                candidates.push((reference.span, dir.join(location).join("pacto.yaml")));
            }
        }
    }
    candidates.into_iter().filter(|(_, path)| path.is_file()).collect()
}

fn links_v2(dir: &Path, contract: &pacto_core::v2::Contract) -> Vec<(Span, PathBuf)> {
    let files = contract
        .interfaces
        .iter()
        .map(|it| &it.reference)
        .chain(contract.configurations.iter().map(|it| &it.schema))
        .chain(contract.policies.iter().map(|it| &it.schema));
    let mut candidates: Vec<(Span, PathBuf)> =
        files.flatten().map(|file| (file.span, dir.join(&*file.value))).collect();
    let refs = contract
        .dependencies
        .iter()
        .map(|it| &it.reference)
        .chain(contract.configurations.iter().map(|it| &it.reference))
        .chain(contract.policies.iter().map(|it| &it.reference));
    for reference in refs.flatten() {
        if let DependencyRef::Local(location) = classify(&reference.value) {
            candidates.push((reference.span, dir.join(location).join("pacto.yaml")));
        }
    }
    candidates.sort_by_key(|it| it.0);
    candidates.into_iter().filter(|(_, path)| path.is_file()).collect()
}
