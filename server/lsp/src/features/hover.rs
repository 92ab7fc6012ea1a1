//! Hover: what a key means (from the schema), what an enum value means, what an interface
//! name or `health.interface` points at, and whether a referenced file exists.

use pacto_core::contract::{Interface, text};
use pacto_core::syntax::{FieldPath, Segment, Span};

use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};
use crate::schema_docs::{self, FieldDoc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub span: Span,
    pub markdown: String,
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

pub fn hover(analysis: &Analysis, offset: usize) -> Option<HoverInfo> {
    let root = analysis.root()?;
    let (path, hit) = node_at(root, offset)?;
    let shape = path.keys();
    if shape.first() == Some(&"metadata") && shape.len() > 1 {
        return None;
    }
    match hit {
        Hit::Key { span, .. } => Some(HoverInfo { span, markdown: field_markdown(&path, &schema_docs::field(&path)?) }),
        Hit::Value(node) => {
            let value = node.scalar_text()?;
            let markdown = value_markdown(analysis, &path, &shape.join("."), value)
                .or_else(|| schema_docs::field(&path).map(|doc| field_markdown(&path, &doc)))?;
            Some(HoverInfo { span: node.span, markdown })
        }
    }
}

fn field_markdown(path: &FieldPath, doc: &FieldDoc) -> String {
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
    if let Some((_, codes)) = RULES.iter().find(|(it, _)| *it == key) {
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
        _ => {
            let doc = schema_docs::field(path)?;
            let (_, description) = doc.values.iter().find(|(it, _)| it == value)?;
            Some(format!("**`{value}`** ({}): {description}", shape))
        }
    }
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

fn file_markdown(analysis: &Analysis, value: &str) -> String {
    let Some(dir) = &analysis.bundle_dir else {
        return format!("`{value}`: the document is not a file, so the bundle cannot be checked.");
    };
    if !pacto_core::validate::bundle::valid_path(value) {
        return format!(
            "`{value}` is not a valid bundle path: paths are relative, with `/` separators and no `.` or `..` elements (`FILE_NOT_FOUND`)."
        );
    }
    if dir.join(value).exists() {
        format!("`{value}` exists in the bundle.")
    } else {
        format!("`{value}` is not in the bundle (`FILE_NOT_FOUND`).")
    }
}
