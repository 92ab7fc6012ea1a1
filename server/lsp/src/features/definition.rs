//! Go to definition: `health.interface` (1.0) or `capabilities[].binding.interface` (2.0) to the
//! interface, a contract, spec or schema path to the file, a local dependency (and, in 2.0, a
//! local configuration or policy ref, which names the contract owning the schema) to its bundle's
//! `pacto.yaml`.

use std::path::PathBuf;

use pacto_core::contract::oci_ref::{DependencyRef, classify};
use pacto_core::contract::text;
use pacto_core::syntax::Span;
use pacto_core::validate::Format;

use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A span of this document.
    Here(Span),
    /// A file on disk.
    File(PathBuf),
}

pub fn definition(analysis: &Analysis, offset: usize) -> Option<(Span, Target)> {
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
