//! A 2.0 contract read for the commands that summarise or compare it (explain, doc, graph, diff,
//! generate): the typed model plus the document as JSON (for the free-form `metadata`,
//! `extensions` and `configurations[].values`), and its projection onto the 1.0 model, which
//! carries what the version-neutral machinery (the dependency graph, its fetchers) reads.

use std::sync::Arc;

use serde_json::Value;

use crate::contract::{self, Spanned, text};
use crate::diagnostic::Diagnostic;
use crate::syntax::{LineIndex, Parse};
use crate::validate::json::to_json;

use super::{Decoded, from_tree};

/// A parsed (not validated) 2.0 contract.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub contract: super::Contract,
    /// The whole document as JSON (`Null` when it holds a non-finite float, which only the
    /// schema layer reports): the free-form mappings are read from here.
    pub json: Value,
    /// The document's tree, for the diff's walk of `configurations[].values` with positions.
    pub root: Option<crate::syntax::Node>,
}

impl Document {
    /// The JSON of a top-level free-form mapping (`metadata`, `extensions`), when non-empty.
    pub fn mapping(&self, key: &str) -> Option<&serde_json::Map<String, Value>> {
        self.json.get(key)?.as_object().filter(|it| !it.is_empty())
    }

    /// The `values` mapping of configuration `index`, when written.
    pub fn configuration_values(&self, index: usize) -> Option<&Value> {
        self.json.get("configurations")?.get(index)?.get("values")
    }
}

/// The reference's strict parse of a 2.0 document (pacto-v2.md §2.3): the first failure,
/// worded as `validate` words it, or the document.
pub fn parse_document(text: &str, line_index: &LineIndex, parse: &Parse) -> Result<Document, Diagnostic> {
    let Decoded { contract, errors } = from_tree(parse.root.as_ref());
    let missing = super::from_tree::missing_required(&contract).into_iter().next();
    if let Some(failure) = crate::validate::first_parse_failure(text, line_index, parse, &errors, missing) {
        return Err(failure);
    }
    let json = parse.root.as_ref().and_then(|it| to_json(it).ok()).unwrap_or(Value::Null);
    Ok(Document { contract, json, root: parse.root.clone() })
}

/// The 1.0-shaped view of a 2.0 contract: its version, service name and version, its
/// dependencies (ref, required, compatibility, and the 2.0 name) and the metadata span, with
/// the document itself in [`contract::Contract::v2`]. The graph resolves it like a 1.0 node,
/// so 1.0 and 2.0 nodes mix in one graph (§6.4).
pub fn projection(document: Document) -> contract::Contract {
    let source = &document.contract;
    let dependencies = source
        .dependencies
        .iter()
        .map(|it| contract::Dependency {
            span: it.reference.as_ref().map(|it| it.span).unwrap_or_default(),
            reference: it.reference.clone(),
            required: it.required.clone(),
            compatibility: it.compatibility.clone(),
            name: it.name.clone(),
        })
        .collect::<Vec<_>>();
    contract::Contract {
        pacto_version: source.pacto_version.clone(),
        service: contract::Service {
            name: source.service.name.clone(),
            version: source.service.version.clone(),
            owner: None,
            image: None,
        },
        dependencies: (!dependencies.is_empty()).then_some(dependencies),
        metadata: source.metadata,
        v2: Some(Arc::new(document)),
        ..contract::Contract::default()
    }
}

/// Whether a (projected) contract is a 2.0 one.
pub fn is_v2(contract: &contract::Contract) -> bool {
    contract.v2.is_some()
}

/// `true` when written and true; the reference's Go zero value otherwise.
pub fn flag(field: &Option<Spanned<bool>>) -> bool {
    field.as_ref().is_some_and(|it| it.value)
}

/// The distinct `configurations[].ref`, then `policies[].ref` of a contract, in order: the
/// reference edges of `graph --with-references` (§6.4).
pub fn reference_refs(contract: &super::Contract) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let refs =
        contract.configurations.iter().map(|it| &it.reference).chain(contract.policies.iter().map(|it| &it.reference));
    for reference in refs {
        let reference = text(reference);
        if !reference.is_empty() && !out.iter().any(|it| it == reference) {
            out.push(reference.to_owned());
        }
    }
    out
}
