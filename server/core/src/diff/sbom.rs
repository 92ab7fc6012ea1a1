//! SBOM diff (spec §3.7): SPDX 2.3 and CycloneDX 1.5 JSON, packages matched by name.
//! Informational: it never affects the classification or the exit code.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{BundleReader, ChangeType};

/// The directory an SBOM is discovered in.
pub const SBOM_DIR: &str = "sbom";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SbomFormat {
    Spdx,
    CycloneDx,
}

impl SbomFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SbomFormat::Spdx => "spdx",
            SbomFormat::CycloneDx => "cyclonedx",
        }
    }
}

/// One package change; empty strings stand for absent values (the JSON omits them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbomChange {
    pub package: String,
    pub change_type: ChangeType,
    /// `version`, `license` or `supplier` for a modification; empty otherwise.
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbomDiff {
    pub old_format: Option<SbomFormat>,
    pub new_format: Option<SbomFormat>,
    /// Never empty: a diff without changes is `None`.
    pub changes: Vec<SbomChange>,
}

/// A package as both formats reduce to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Package {
    version: String,
    license: String,
    supplier: String,
}

struct Sbom {
    format: SbomFormat,
    packages: BTreeMap<String, Package>,
}

/// Finds, parses and compares the SBOMs of two bundles. `None` when neither has one, when
/// either is malformed (quirk 18) or when nothing changed.
pub fn diff_bundles(old_files: &dyn BundleReader, new_files: &dyn BundleReader) -> Option<SbomDiff> {
    let old = discover(old_files)?;
    let new = discover(new_files)?;
    diff(old.as_ref(), new.as_ref())
}

/// Compares two SBOM files given as `(file name, text)`; the name decides the format.
pub fn diff_texts(old: Option<(&str, &str)>, new: Option<(&str, &str)>) -> Option<SbomDiff> {
    // An unrecognised name is "no SBOM", as discovery would skip it; bad JSON is "malformed".
    let parse_side = |side: Option<(&str, &str)>| match side.and_then(|(name, text)| Some((format_of(name)?, text))) {
        None => Some(None),
        Some((format, text)) => parse(format, text).map(Some),
    };
    let old = parse_side(old)?;
    let new = parse_side(new)?;
    diff(old.as_ref(), new.as_ref())
}

/// `Some(None)` for "no SBOM", `None` for "malformed".
fn discover(files: &dyn BundleReader) -> Option<Option<Sbom>> {
    let Some((name, format)) = files.list(SBOM_DIR).into_iter().find_map(|name| format_of(&name).map(|it| (name, it)))
    else {
        return Some(None);
    };
    let text = files.read(&format!("{SBOM_DIR}/{name}"))?;
    parse(format, &text).map(Some)
}

fn format_of(name: &str) -> Option<SbomFormat> {
    if name.ends_with(".spdx.json") {
        Some(SbomFormat::Spdx)
    } else if name.ends_with(".cdx.json") {
        Some(SbomFormat::CycloneDx)
    } else {
        None
    }
}

fn diff(old: Option<&Sbom>, new: Option<&Sbom>) -> Option<SbomDiff> {
    if old.is_none() && new.is_none() {
        return None;
    }
    let empty = BTreeMap::new();
    let old_packages = old.map_or(&empty, |it| &it.packages);
    let new_packages = new.map_or(&empty, |it| &it.packages);
    let mut changes = Vec::new();
    let change = |package: &str, change_type, field: &str, old_value: &str, new_value: &str| SbomChange {
        package: package.to_owned(),
        change_type,
        field: field.to_owned(),
        old_value: old_value.to_owned(),
        new_value: new_value.to_owned(),
    };
    for (name, old_package) in old_packages {
        let Some(new_package) = new_packages.get(name) else {
            changes.push(change(name, ChangeType::Removed, "", &old_package.version, ""));
            continue;
        };
        for (field, old_value, new_value) in [
            ("version", &old_package.version, &new_package.version),
            ("license", &old_package.license, &new_package.license),
            ("supplier", &old_package.supplier, &new_package.supplier),
        ] {
            if old_value != new_value {
                changes.push(change(name, ChangeType::Modified, field, old_value, new_value));
            }
        }
    }
    for (name, new_package) in new_packages {
        if !old_packages.contains_key(name) {
            changes.push(change(name, ChangeType::Added, "", "", &new_package.version));
        }
    }
    // Deviation: Go map order in the reference (quirk 19); sorted by package, then type.
    changes.sort_by(|a, b| (&a.package, a.change_type, &a.field).cmp(&(&b.package, b.change_type, &b.field)));
    if changes.is_empty() {
        return None;
    }
    Some(SbomDiff { old_format: old.map(|it| it.format), new_format: new.map(|it| it.format), changes })
}

/// The packages of an SBOM; `None` when the JSON is malformed or a field has the wrong type,
/// where Go's decoder fails.
fn parse(format: SbomFormat, text: &str) -> Option<Sbom> {
    let root: Value = serde_json::from_str(text).ok()?;
    let root = root.as_object()?;
    let list_key = match format {
        SbomFormat::Spdx => "packages",
        SbomFormat::CycloneDx => "components",
    };
    let items = match root.get(list_key) {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return None,
    };
    let mut packages = BTreeMap::new();
    for item in items {
        let (name, package) = match format {
            SbomFormat::Spdx => spdx_package(item)?,
            SbomFormat::CycloneDx => cyclonedx_component(item)?,
        };
        // Duplicates: the last one wins, as in the reference's map.
        packages.insert(name, package);
    }
    Some(Sbom { format, packages })
}

/// A string field: absent or null is "", another type fails the decode.
fn string(item: &Value, key: &str) -> Option<String> {
    match item.get(key) {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(it)) => Some(it.clone()),
        Some(_) => None,
    }
}

fn spdx_package(item: &Value) -> Option<(String, Package)> {
    item.as_object()?;
    let supplier = string(item, "supplier")?;
    // `Organization: Acme Inc.` and `Person: Jane` name the supplier after the first ": ".
    let supplier = supplier.split_once(": ").map_or(supplier.as_str(), |(_, rest)| rest).to_owned();
    let package =
        Package { version: string(item, "versionInfo")?, license: string(item, "licenseConcluded")?, supplier };
    Some((string(item, "name")?, package))
}

fn cyclonedx_component(item: &Value) -> Option<(String, Package)> {
    item.as_object()?;
    let supplier = match item.get("supplier") {
        None | Some(Value::Null) => String::new(),
        Some(it @ Value::Object(_)) => string(it, "name")?,
        Some(_) => return None,
    };
    let licenses = match item.get("licenses") {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(it)) => it,
        Some(_) => return None,
    };
    let mut parts = Vec::new();
    for entry in licenses {
        entry.as_object()?;
        let expression = string(entry, "expression")?;
        let license = match entry.get("license") {
            None | Some(Value::Null) => (String::new(), String::new()),
            Some(it @ Value::Object(_)) => (string(it, "id")?, string(it, "name")?),
            Some(_) => return None,
        };
        let part = [expression, license.0, license.1].into_iter().find(|it| !it.is_empty());
        parts.extend(part);
    }
    let package = Package { version: string(item, "version")?, license: parts.join(" AND "), supplier };
    Some((string(item, "name")?, package))
}

#[cfg(test)]
mod tests;
