//! Strict decoding of a 2.0 tree (pacto-v2.md §2.3): unknown keys are rejected everywhere except
//! inside `metadata`, `extensions` and `configurations[].values`; coercions are yaml.v3's, through
//! the decoder the 1.0 model uses, with the reference's 2.0 Go type names in the messages.

use crate::contract::from_tree::{Decoder, Field, Fields, missing_service_fields};
use crate::contract::{DecodeError, Spanned};
use crate::syntax::{FieldPath, Node, NodeKind, ScalarValue, Span};

use super::model::{
    Binding, Capability, Claim, Configuration, Contact, Contract, Dependency, Interface, Owner, Policy, Readiness,
    Revision, Service, State,
};

#[derive(Clone, Debug, Default)]
pub struct Decoded {
    pub contract: Contract,
    pub errors: Vec<DecodeError>,
}

const CONTRACT_FIELDS: &[&str] = &[
    "pactoVersion",
    "service",
    "interfaces",
    "configurations",
    "dependencies",
    "state",
    "workload",
    "capabilities",
    "policies",
    "readiness",
    "metadata",
    "extensions",
];
const SERVICE_FIELDS: &[&str] = &["name", "version", "owner"];
const OWNER_FIELDS: &[&str] = &["team", "dri", "contacts"];
const CONTACT_FIELDS: &[&str] = &["type", "value", "purpose"];
const INTERFACE_FIELDS: &[&str] = &["name", "type", "ref", "visibility"];
const CONFIGURATION_FIELDS: &[&str] = &["name", "schema", "ref", "values", "required"];
const POLICY_FIELDS: &[&str] = &["name", "schema", "ref", "target"];
const DEPENDENCY_FIELDS: &[&str] = &["name", "ref", "required", "compatibility"];
const STATE_FIELDS: &[&str] = &["type", "persistence", "dataCriticality"];
const PERSISTENCE_FIELDS: &[&str] = &["scope", "durability"];
const CAPABILITY_FIELDS: &[&str] = &["type", "ref", "binding"];
const BINDING_FIELDS: &[&str] = &["type", "interface", "path"];
const READINESS_FIELDS: &[&str] = &["minScore", "expires", "partialCredit", "history", "claims"];
const REVISION_FIELDS: &[&str] = &["date", "version", "author", "description"];
const CLAIM_FIELDS: &[&str] = &["id", "type", "category", "status", "evidence", "weight", "description"];

/// The fields known at `path` in a 2.0 contract; `None` inside the free-form mappings.
pub fn known_fields(path: &FieldPath) -> Option<&'static [&'static str]> {
    let keys = path.keys();
    Some(match keys.as_slice() {
        [] => CONTRACT_FIELDS,
        ["service"] => SERVICE_FIELDS,
        ["service", "owner"] => OWNER_FIELDS,
        ["service", "owner", "contacts"] => CONTACT_FIELDS,
        ["interfaces"] => INTERFACE_FIELDS,
        ["configurations"] => CONFIGURATION_FIELDS,
        ["policies"] => POLICY_FIELDS,
        ["dependencies"] => DEPENDENCY_FIELDS,
        ["state"] => STATE_FIELDS,
        ["state", "persistence"] => PERSISTENCE_FIELDS,
        ["capabilities"] => CAPABILITY_FIELDS,
        ["capabilities", "binding"] => BINDING_FIELDS,
        ["readiness"] => READINESS_FIELDS,
        ["readiness", "history"] => REVISION_FIELDS,
        ["readiness", "claims"] => CLAIM_FIELDS,
        _ => return None,
    })
}

/// The checks after decoding (§2.3), in order. `pactoVersion` is never empty here: the dispatch
/// only sends `"2.0"` this way.
pub fn missing_required(contract: &Contract) -> Vec<(FieldPath, &'static str)> {
    missing_service_fields(&contract.service.name, &contract.service.version)
}

pub fn from_tree(root: Option<&Node>) -> Decoded {
    let (contract, errors) = Decoder::document(root, contract);
    Decoded { contract, errors }
}

fn items<'a, T>(
    decoder: &mut Decoder,
    field: Option<(&'a Node, Field<'_>)>,
    type_name: &str,
    mut item: impl FnMut(&mut Decoder, &'a Node, FieldPath) -> T,
) -> Vec<T> {
    let Some((nodes, path)) = decoder.list(field, type_name) else {
        return Vec::new();
    };
    nodes.iter().enumerate().map(|(idx, node)| item(decoder, node, path.clone().index(idx))).collect()
}

/// A free-form `map[string]any`: its span, and whether it holds any entry.
fn free_form(decoder: &mut Decoder, field: Option<(&Node, Field<'_>)>) -> Option<(Span, bool)> {
    let (node, path) = field?;
    match &node.kind {
        NodeKind::Mapping(entries) => Some((node.span, !entries.is_empty())),
        _ if node.is_null() => None,
        _ => {
            decoder.cannot_unmarshal(node, path, "map[string]interface {}");
            None
        }
    }
}

/// A `float64` field: integers and floats are taken, anything else is refused as yaml.v3 does.
fn float(decoder: &mut Decoder, field: Option<(&Node, Field<'_>)>) -> Option<Spanned<f64>> {
    let (node, path) = field?;
    let value = match node.as_scalar().map(|it| &it.value) {
        Some(ScalarValue::Null) => return None,
        Some(ScalarValue::Int(it)) => *it as f64,
        Some(ScalarValue::Float(it)) => *it,
        _ => {
            decoder.cannot_unmarshal(node, path, "float64");
            return None;
        }
    };
    Some(Spanned { value, span: node.span })
}

fn struct_fields<'a>(
    decoder: &mut Decoder,
    node: &'a Node,
    path: impl Into<FieldPath>,
    type_name: &str,
    known: &[&str],
) -> Option<Fields<'a>> {
    decoder.fields(node, path, type_name, known)
}

fn contract(decoder: &mut Decoder, root: &Node) -> Contract {
    let Some(fields) = struct_fields(decoder, root, FieldPath::root(), "contract.Contract", CONTRACT_FIELDS) else {
        return Contract::default();
    };
    let pacto_version = decoder.string(fields.get("pactoVersion"));
    let service = fields.get("service").map(|it| service(decoder, it)).unwrap_or_default();
    let interfaces = items(decoder, fields.get("interfaces"), "[]contract.Interface", interface);
    let configurations = items(decoder, fields.get("configurations"), "[]contract.Configuration", configuration);
    let dependencies = items(decoder, fields.get("dependencies"), "[]contract.Dependency", dependency);
    let state = fields.get("state").and_then(|it| state(decoder, it));
    let workload = decoder.string(fields.get("workload"));
    let capabilities = items(decoder, fields.get("capabilities"), "[]contract.Capability", capability);
    let policies = items(decoder, fields.get("policies"), "[]contract.Policy", policy);
    let readiness = fields.get("readiness").and_then(|it| readiness(decoder, it));
    let metadata = free_form(decoder, fields.get("metadata")).map(|it| it.0);
    let extensions = free_form(decoder, fields.get("extensions")).map(|it| it.0);
    Contract {
        pacto_version,
        service,
        interfaces,
        configurations,
        policies,
        dependencies,
        workload,
        state,
        capabilities,
        readiness,
        metadata,
        extensions,
    }
}

fn service(decoder: &mut Decoder, (node, path): (&Node, Field<'_>)) -> Service {
    let Some(fields) = struct_fields(decoder, node, path, "contract.Service", SERVICE_FIELDS) else {
        return Service::default();
    };
    // Inferred (pacto-v2.md §1.2): a 1.0-style string owner does not decode into the 2.0 object.
    let owner = fields.get("owner").and_then(|(node, path)| {
        let fields = struct_fields(decoder, node, path, "contract.Owner", OWNER_FIELDS)?;
        Some(Owner {
            team: decoder.string(fields.get("team")),
            dri: decoder.string(fields.get("dri")),
            contacts: items(decoder, fields.get("contacts"), "[]contract.OwnerContact", contact),
        })
    });
    Service { name: decoder.string(fields.get("name")), version: decoder.string(fields.get("version")), owner }
}

fn contact(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Contact {
    let Some(fields) = struct_fields(decoder, node, path, "contract.OwnerContact", CONTACT_FIELDS) else {
        return Contact::default();
    };
    Contact {
        kind: decoder.string(fields.get("type")),
        value: decoder.string(fields.get("value")),
        purpose: decoder.string(fields.get("purpose")),
    }
}

fn interface(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Interface {
    let Some(fields) = struct_fields(decoder, node, path, "contract.Interface", INTERFACE_FIELDS) else {
        return Interface::default();
    };
    Interface {
        name: decoder.string(fields.get("name")),
        kind: decoder.string(fields.get("type")),
        reference: decoder.string(fields.get("ref")),
        visibility: decoder.string(fields.get("visibility")),
    }
}

fn configuration(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Configuration {
    let Some(fields) = struct_fields(decoder, node, path, "contract.Configuration", CONFIGURATION_FIELDS) else {
        return Configuration::default();
    };
    let values = free_form(decoder, fields.get("values"));
    Configuration {
        name: decoder.string(fields.get("name")),
        schema: decoder.string(fields.get("schema")),
        reference: decoder.string(fields.get("ref")),
        values: values.map(|it| it.0),
        has_values: values.is_some_and(|it| it.1),
        required: decoder.bool(fields.get("required")),
    }
}

fn policy(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Policy {
    let Some(fields) = struct_fields(decoder, node, path, "contract.Policy", POLICY_FIELDS) else {
        return Policy::default();
    };
    Policy {
        name: decoder.string(fields.get("name")),
        schema: decoder.string(fields.get("schema")),
        reference: decoder.string(fields.get("ref")),
        target: decoder.string(fields.get("target")),
    }
}

fn dependency(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Dependency {
    let Some(fields) = struct_fields(decoder, node, path, "contract.Dependency", DEPENDENCY_FIELDS) else {
        return Dependency::default();
    };
    Dependency {
        name: decoder.string(fields.get("name")),
        reference: decoder.string(fields.get("ref")),
        required: decoder.bool(fields.get("required")),
        compatibility: decoder.string(fields.get("compatibility")),
    }
}

fn state(decoder: &mut Decoder, (node, path): (&Node, Field<'_>)) -> Option<State> {
    let fields = struct_fields(decoder, node, path, "contract.State", STATE_FIELDS)?;
    let mut state = State { kind: decoder.string(fields.get("type")), ..State::default() };
    let persistence = fields
        .get("persistence")
        .and_then(|(node, path)| struct_fields(decoder, node, path, "contract.Persistence", PERSISTENCE_FIELDS));
    if let Some(persistence) = persistence {
        state.scope = decoder.string(persistence.get("scope"));
        state.durability = decoder.string(persistence.get("durability"));
    }
    state.data_criticality = decoder.string(fields.get("dataCriticality"));
    Some(state)
}

fn capability(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Capability {
    let Some(fields) = struct_fields(decoder, node, path, "contract.Capability", CAPABILITY_FIELDS) else {
        return Capability::default();
    };
    let kind = decoder.string(fields.get("type"));
    let reference = decoder.string(fields.get("ref"));
    let binding = fields.get("binding").and_then(|(node, path)| {
        let fields = struct_fields(decoder, node, path, "contract.CapabilityBinding", BINDING_FIELDS)?;
        Some(Binding {
            kind: decoder.string(fields.get("type")),
            interface: decoder.string(fields.get("interface")),
            path: decoder.string(fields.get("path")),
        })
    });
    Capability { kind, reference, binding }
}

fn readiness(decoder: &mut Decoder, (node, path): (&Node, Field<'_>)) -> Option<Readiness> {
    let fields = struct_fields(decoder, node, path, "contract.Readiness", READINESS_FIELDS)?;
    Some(Readiness {
        min_score: decoder.int(fields.get("minScore")),
        expires: decoder.string(fields.get("expires")),
        partial_credit: float(decoder, fields.get("partialCredit")),
        history: items(decoder, fields.get("history"), "[]contract.ReadinessRevision", revision),
        claims: items(decoder, fields.get("claims"), "[]contract.ReadinessClaim", claim),
    })
}

fn revision(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Revision {
    let Some(fields) = struct_fields(decoder, node, path, "contract.ReadinessRevision", REVISION_FIELDS) else {
        return Revision::default();
    };
    Revision {
        date: decoder.string(fields.get("date")),
        version: decoder.string(fields.get("version")),
        author: decoder.string(fields.get("author")),
        description: decoder.string(fields.get("description")),
    }
}

fn claim(decoder: &mut Decoder, node: &Node, path: FieldPath) -> Claim {
    let Some(fields) = struct_fields(decoder, node, path, "contract.ReadinessClaim", CLAIM_FIELDS) else {
        return Claim::default();
    };
    Claim {
        id: decoder.string(fields.get("id")),
        kind: decoder.string(fields.get("type")),
        category: decoder.string(fields.get("category")),
        status: decoder.string(fields.get("status")),
        evidence: decoder.string(fields.get("evidence")),
        weight: decoder.int(fields.get("weight")),
        description: decoder.string(fields.get("description")),
    }
}
