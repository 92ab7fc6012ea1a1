//! Hover: what a key means (from the schema of the document's format), what an enum value means,
//! what an interface name, `health.interface` (1.0) or `capabilities[].binding.interface` (2.0)
//! points at, and whether a referenced file exists; on a dependency or a policy ref, what the registry
//! answered, which comes first.

use pacto_core::contract::{Interface, text};
use pacto_core::syntax::{FieldPath, Segment, Span};
use pacto_core::validate::Format;

use super::Known;
use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};
use crate::deps;
use crate::schema_docs::{self, FieldDoc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub span: Span,
    pub markdown: String,
}

/// Hover at `offset`: on a dependency or an `oci://` policy ref, what the registry answered (a ref still being
/// resolved says so), which is more than its schema text; elsewhere, the contract's own.
pub fn hover(analysis: &Analysis, known: &Known<'_>, offset: usize) -> Option<HoverInfo> {
    deps::hover::hover(analysis, known.registry, offset)
        .or_else(|| deps::policy_refs::hover(known.policies, analysis, offset))
        .map(|it| HoverInfo { span: it.span, markdown: it.markdown })
        .or_else(|| contract_hover(analysis, offset))
}

/// The codes that can fire on a field, by its path without list indexes.
const RULES: &[(&str, &[&str])] = &[
    ("service.version", &["INVALID_SEMVER"]),
    ("service.image.ref", &["INVALID_IMAGE_REF"]),
    ("interfaces.name", &["DUPLICATE_INTERFACE_NAME"]),
    ("interfaces.port", &["PORT_REQUIRED", "PORT_IGNORED"]),
    ("interfaces.contract", &["CONTRACT_REQUIRED", "FILE_NOT_FOUND"]),
    ("configuration.schema", &["FILE_NOT_FOUND"]),
    ("dependencies.ref", &["INVALID_OCI_REF", "TAG_NOT_DIGEST"]),
    ("dependencies.compatibility", &["EMPTY_COMPATIBILITY", "INVALID_COMPATIBILITY"]),
    ("runtime.workload", &["JOB_SCALING_NOT_ALLOWED"]),
    ("runtime.state.type", &["STATELESS_PERSISTENT_CONFLICT", "UPGRADE_STRATEGY_STATE_MISMATCH"]),
    ("runtime.state.persistence.durability", &["STATELESS_PERSISTENT_CONFLICT"]),
    ("runtime.lifecycle.upgradeStrategy", &["UPGRADE_STRATEGY_STATE_MISMATCH"]),
    ("runtime.health.interface", &["HEALTH_INTERFACE_NOT_FOUND", "HEALTH_INTERFACE_INVALID"]),
    ("runtime.health.path", &["HEALTH_PATH_REQUIRED", "HEALTH_PATH_IGNORED"]),
    ("scaling", &["SCALING_MIN_EXCEEDS_MAX", "JOB_SCALING_NOT_ALLOWED"]),
];

/// The same for 2.0 contracts: the cross-field codes of pacto-v2.md §3.3 and the policy and
/// readiness codes of §3.4–3.5.
const RULES_V2: &[(&str, &[&str])] = &[
    ("service.version", &["INVALID_SEMVER"]),
    ("interfaces.name", &["DUPLICATE_INTERFACE_NAME"]),
    ("interfaces.ref", &["FILE_NOT_FOUND", "INVALID_INTERFACE_SPEC"]),
    ("configurations.name", &["DUPLICATE_CONFIGURATION_NAME"]),
    ("configurations.schema", &["FILE_NOT_FOUND", "INVALID_CONFIG_JSON", "INVALID_CONFIG_SCHEMA"]),
    ("configurations.ref", &["INVALID_CONFIG_REF"]),
    ("configurations.values", &["VALUES_WITHOUT_SCHEMA", "CONFIG_VALUES_VALIDATION_FAILED"]),
    ("policies", &["POLICY_VIOLATION", "POLICY_REF_UNRESOLVED", "POLICY_REF_CYCLE"]),
    ("policies.name", &["DUPLICATE_POLICY_NAME"]),
    ("policies.schema", &["FILE_NOT_FOUND", "INVALID_POLICY_JSON", "INVALID_POLICY_SCHEMA"]),
    ("policies.ref", &["INVALID_POLICY_REF", "POLICY_REF_UNRESOLVED"]),
    ("dependencies.name", &["DUPLICATE_DEPENDENCY_NAME"]),
    ("dependencies.ref", &["INVALID_OCI_REF", "TAG_NOT_DIGEST"]),
    ("dependencies.compatibility", &["EMPTY_COMPATIBILITY", "INVALID_COMPATIBILITY"]),
    ("state.type", &["STATELESS_PERSISTENT_CONFLICT"]),
    ("state.persistence.durability", &["STATELESS_PERSISTENT_CONFLICT"]),
    ("capabilities", &["DUPLICATE_CAPABILITY"]),
    ("capabilities.ref", &["CAPABILITY_REF_INVALID"]),
    ("capabilities.binding.interface", &["CAPABILITY_INTERFACE_UNKNOWN"]),
    ("capabilities.binding.path", &["CAPABILITY_PATH_INVALID"]),
    ("readiness", &["READINESS_GATE_UNMET"]),
    ("readiness.expires", &["INVALID_READINESS_EXPIRES"]),
    ("readiness.history.date", &["INVALID_READINESS_REVISION"]),
    ("readiness.history.version", &["INVALID_READINESS_REVISION"]),
    ("readiness.history.author", &["INVALID_READINESS_REVISION"]),
    ("readiness.history.description", &["INVALID_READINESS_REVISION"]),
    ("readiness.claims.id", &["DUPLICATE_READINESS_ID"]),
    ("readiness.claims.evidence", &["EMPTY_READINESS_EVIDENCE"]),
    ("readiness.claims.description", &["EMPTY_READINESS_DESCRIPTION"]),
];

/// The contract's own hover: keys, values, names and files.
pub fn contract_hover(analysis: &Analysis, offset: usize) -> Option<HoverInfo> {
    let root = analysis.root()?;
    let format = analysis.format();
    let (path, hit) = node_at(root, offset)?;
    let shape = path.keys();
    if shape.first() == Some(&"metadata") && shape.len() > 1 {
        return None;
    }
    match hit {
        Hit::Key { span, .. } => {
            Some(HoverInfo { span, markdown: field_markdown(format, &path, &schema_docs::field(format, &path)?) })
        }
        Hit::Value(node) => {
            let value = node.scalar_text()?;
            let shape = shape.join(".");
            let markdown = match format {
                Format::V1 => value_markdown(analysis, &path, &shape, value),
                Format::V2 => value_markdown_v2(analysis, &path, &shape, value),
            }
            .or_else(|| schema_docs::field(format, &path).map(|doc| field_markdown(format, &path, &doc)))?;
            Some(HoverInfo { span: node.span, markdown })
        }
    }
}

fn field_markdown(format: Format, path: &FieldPath, doc: &FieldDoc) -> String {
    let mut out = format!("**`{}`**", path.keys().join("."));
    if !doc.kind.is_empty() {
        out.push_str(&format!(" · {}", doc.kind));
    }
    out.push_str(if doc.required { " · required" } else { " · optional" });
    out.push_str("\n\n");
    out.push_str(&doc.description);
    if !doc.values.is_empty() {
        out.push_str("\n\nAllowed values:\n");
        for (value, description) in &doc.values {
            out.push_str(&format!("- `{value}`: {description}\n"));
        }
        out.truncate(out.trim_end().len());
    }
    if let Some(default) = &doc.default {
        out.push_str(&format!("\n\nDefault: `{default}` (documented; never applied)"));
    }
    if !doc.constraints.is_empty() {
        out.push_str(&format!("\n\nConstraints: {}", doc.constraints.join(", ")));
    }
    let key = path.keys().join(".");
    let rules = match format {
        Format::V1 => RULES,
        Format::V2 => RULES_V2,
    };
    if let Some((_, codes)) = rules.iter().find(|(it, _)| *it == key) {
        let codes: Vec<String> = codes.iter().map(|it| format!("`{it}`")).collect();
        out.push_str(&format!("\n\nRules: {}", codes.join(", ")));
    }
    out
}

fn value_markdown(analysis: &Analysis, path: &FieldPath, shape: &str, value: &str) -> Option<String> {
    let interfaces = analysis.validation.decoded.contract.interfaces.as_deref().unwrap_or_default();
    match shape {
        "runtime.health.interface" => Some(match interfaces.iter().find(|it| text(&it.name) == value) {
            Some(interface) => format!("Health checks go to this interface:\n\n{}", interface_markdown(interface)),
            None => format!("No interface is named `{value}`: `HEALTH_INTERFACE_NOT_FOUND`."),
        }),
        "interfaces.name" => {
            let Segment::Index(idx) = path.segments().get(1)? else {
                return None;
            };
            Some(interface_markdown(interfaces.get(*idx)?))
        }
        "interfaces.contract" | "configuration.schema" => Some(file_markdown(analysis, value)),
        _ => enum_value_markdown(Format::V1, path, shape, value),
    }
}

fn value_markdown_v2(analysis: &Analysis, path: &FieldPath, shape: &str, value: &str) -> Option<String> {
    let interfaces = analysis.v2().map(|it| it.interfaces.as_slice()).unwrap_or_default();
    match shape {
        "capabilities.binding.interface" => Some(match interfaces.iter().find(|it| text(&it.name) == value) {
            Some(interface) => {
                format!("The endpoint is on this interface:\n\n{}", interface_markdown_v2(interface))
            }
            None => format!("No interface is named `{value}`: `CAPABILITY_INTERFACE_UNKNOWN`."),
        }),
        "interfaces.name" => {
            let Segment::Index(idx) = path.segments().get(1)? else {
                return None;
            };
            Some(interface_markdown_v2(interfaces.get(*idx)?))
        }
        "interfaces.ref" | "configurations.schema" | "policies.schema" => Some(file_markdown(analysis, value)),
        // A 1.0 string owner does not decode in 2.0 (pacto-v2.md §8.7: the editor explains why).
        "service.owner" => Some(format!(
            "In format 2.0 the owner is an object with at least one of `team`, `dri` and `contacts`; a 1.0 owner string does not decode (`PARSE_ERROR`).\n\nA team name is written:\n\n```yaml\nowner:\n  team: {value}\n```"
        )),
        _ => enum_value_markdown(Format::V2, path, shape, value),
    }
}

fn enum_value_markdown(format: Format, path: &FieldPath, shape: &str, value: &str) -> Option<String> {
    let doc = schema_docs::field(format, path)?;
    let (_, description) = doc.values.iter().find(|(it, _)| it == value)?;
    Some(format!("**`{value}`** ({}): {description}", shape))
}

fn interface_markdown(interface: &Interface) -> String {
    let mut out = format!("**`{}`** · {}", text(&interface.name), text(&interface.kind));
    if let Some(port) = &interface.port {
        out.push_str(&format!(" · port {}", port.value));
    }
    if !text(&interface.visibility).is_empty() {
        out.push_str(&format!(" · {}", text(&interface.visibility)));
    }
    if !text(&interface.contract).is_empty() {
        out.push_str(&format!("\n\ncontract: `{}`", text(&interface.contract)));
    }
    out
}

fn interface_markdown_v2(interface: &pacto_core::v2::model::Interface) -> String {
    let mut out = format!("**`{}`** · {}", text(&interface.name), text(&interface.kind));
    if !text(&interface.visibility).is_empty() {
        out.push_str(&format!(" · {}", text(&interface.visibility)));
    }
    if !text(&interface.reference).is_empty() {
        out.push_str(&format!("\n\nref: `{}`", text(&interface.reference)));
    }
    out
}

fn file_markdown(analysis: &Analysis, value: &str) -> String {
    let Some(dir) = &analysis.bundle_dir else {
        return format!("`{value}`: the document is not a file, so the bundle cannot be checked.");
    };
    if !pacto_core::validate::bundle::valid_path(value) {
        return format!(
            "`{value}` is not a valid bundle path: paths are relative, with `/` separators and no `.` or `..` elements (`FILE_NOT_FOUND`)."
        );
    }
    // 2.0 counts a directory as missing (pacto-v2.md §1.3); 1.0 accepts it.
    let present = match analysis.format() {
        Format::V1 => dir.join(value).exists(),
        Format::V2 => dir.join(value).is_file(),
    };
    if present {
        format!("`{value}` exists in the bundle.")
    } else {
        format!("`{value}` is not in the bundle (`FILE_NOT_FOUND`).")
    }
}
