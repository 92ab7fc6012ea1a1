//! The VS Code extension declares (in `editors/vscode/package.json`) exactly the settings the server reads,
//! beside its client-only ones, so a setting cannot be added or renamed on one side only.

use std::collections::BTreeSet;
use std::path::Path;

use pacto_lsp::settings::SETTING_NAMES;

/// Settings of the extension itself, which the server never reads.
const CLIENT_ONLY: &[&str] = &["pacto.server.path", "pacto.trace.server"];

fn declared_settings() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors/vscode/package.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let manifest: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let properties = manifest["contributes"]["configuration"]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{}: no contributes.configuration.properties", path.display()));
    properties.keys().cloned().collect()
}

#[test]
fn package_json_declares_the_server_settings() {
    let declared = declared_settings();
    for name in CLIENT_ONLY {
        assert!(declared.contains(*name), "package.json lost the client setting {name}");
    }
    let declared_for_server: BTreeSet<&str> =
        declared.iter().map(String::as_str).filter(|it| !CLIENT_ONLY.contains(it)).collect();
    let server: BTreeSet<&str> = SETTING_NAMES.iter().copied().collect();
    assert_eq!(declared_for_server, server, "package.json (left) and settings::SETTING_NAMES (right) differ");
}

#[test]
fn server_setting_names_are_unique_and_in_the_pacto_section() {
    let unique: BTreeSet<&str> = SETTING_NAMES.iter().copied().collect();
    assert_eq!(unique.len(), SETTING_NAMES.len(), "duplicates in {SETTING_NAMES:?}");
    for name in SETTING_NAMES {
        assert!(name.starts_with("pacto.") && !CLIENT_ONLY.contains(name), "{name}");
    }
}
