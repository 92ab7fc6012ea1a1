//! Go to definition: `health.interface` (1.0) or `capabilities[].binding.interface` (2.0) to the
//! interface, a contract, spec or schema path to the file, a local dependency (and, in 2.0, a
//! local configuration or policy ref, which names the contract owning the schema) to its bundle's
//! `pacto.yaml`; an `oci://` dependency ref to its workspace sources (issue #18) and the bundle the registry
//! resolved it to.

use std::path::PathBuf;

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::contract::text;
use pacto_core::syntax::Span;
use pacto_core::validate::Format;

use super::Known;
use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};
use crate::deps;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A span of this document.
    Here(Span),
    /// A file on disk.
    File(PathBuf),
}

/// Where definition goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Definition {
    One(Target),
    /// The workspace's sources of an `oci://` ref, then its pulled bundle: the editor offers the choice.
    Files(Vec<PathBuf>),
}

/// Definition at `offset`. On an `oci://` ref, the workspace's sources (`workspace_sources`, found by the caller in
/// the workspace index) come first, since they are the files one edits; then the pulled bundle.
pub fn definition(
    analysis: &Analysis,
    known: &Known<'_>,
    offset: usize,
    workspace_sources: Vec<PathBuf>,
) -> Option<Definition> {
    let pulled = deps::definition::definition(analysis, known.registry, offset);
    if !workspace_sources.is_empty() {
        return Some(Definition::Files(workspace_sources.into_iter().chain(pulled).collect()));
    }
    if let Some(contract) = pulled {
        return Some(Definition::One(Target::File(contract)));
    }
    contract_definition(analysis, offset).map(|(_, target)| Definition::One(target))
}

/// The contract's own definition: the span under the cursor and where it goes.
pub fn contract_definition(analysis: &Analysis, offset: usize) -> Option<(Span, Target)> {
    let (path, hit) = node_at(analysis.root()?, offset)?;
    let Hit::Value(node) = hit else {
        return None;
    };
    let value = node.scalar_text()?;
    let keys: Vec<&str> = path.keys();
    let target = match (analysis.format(), keys.as_slice()) {
        (Format::V1, ["runtime", "health", "interface"]) => {
            let interfaces = analysis.validation.decoded.contract.interfaces.as_deref().unwrap_or_default();
            let interface = interfaces.iter().find(|it| text(&it.name) == value)?;
            Target::Here(interface.name.as_ref()?.span)
        }
        (Format::V2, ["capabilities", "binding", "interface"]) => {
            let interfaces = analysis.v2().map(|it| it.interfaces.as_slice()).unwrap_or_default();
            let interface = interfaces.iter().find(|it| text(&it.name) == value)?;
            Target::Here(interface.name.as_ref()?.span)
        }
        (Format::V1, ["interfaces", "contract"] | ["configuration", "schema"]) => {
            let file = analysis.bundle_dir.as_ref()?.join(value);
            file.exists().then_some(Target::File(file))?
        }
        (Format::V2, ["interfaces", "ref"] | ["configurations", "schema"] | ["policies", "schema"]) => {
            let file = analysis.bundle_dir.as_ref()?.join(value);
            file.is_file().then_some(Target::File(file))?
        }
        (_, ["dependencies", "ref"]) | (Format::V2, ["configurations", "ref"] | ["policies", "ref"]) => {
            let DependencyRef::Local(location) = classify(value) else {
                return None;
            };
            let dir = analysis.bundle_dir.as_ref()?.join(location);
            let contract = dir.join("pacto.yaml");
            // `../db/pacto.yaml` as the file it is, so editors do not open it twice.
            contract.is_file().then(|| Target::File(contract.canonicalize().unwrap_or(contract)))?
        }
        _ => return None,
    };
    Some((node.span, target))
}
