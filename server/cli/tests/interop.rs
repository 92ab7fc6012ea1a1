//! Interoperability with a third-party OCI client, Python ORAS (`oras==0.2.43` in the repository's
//! `.venv`, installed by `scripts/test`), on a real registry: what `pacto push` stores, ORAS pulls with the
//! reference's media types and files; what ORAS pushes, `pacto pull` reads.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{example, stderr, stdout};
use pacto_oci::Digest;
use pacto_testkit::registry::home::{Home, files_below, ok};
use pacto_testkit::registry::{Mode, Registry};
use serde_json::Value;

fn python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
}

/// Runs the ORAS side (`server/testkit/oras_client.py`) and returns the manifest it printed.
fn oras(args: &[&str]) -> Value {
    let installed =
        Command::new(python()).args(["-c", "import oras.client"]).output().is_ok_and(|it| it.status.success());
    assert!(
        installed,
        "Python oras is not installed in {}: the interop tests need it (scripts/test installs it: \
         .venv/bin/pip install oras==0.2.43)",
        python().display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testkit/oras_client.py");
    let output = Command::new(python()).arg(script).args(args).output().unwrap();
    assert!(output.status.success(), "oras {args:?} failed: {}{}", stdout(&output), stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap_or_else(|err| panic!("{err}: {}", stdout(&output)))
}

#[test]
fn interop_pacto_push_then_oras_pull() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("{}/acme/interop:2.1.0", registry.addr);
    ok(&home.pacto(&["push", &format!("oci://{target}"), "-p", "payments-api"], &[]));

    let out = home.path().join("oras-out");
    let manifest = oras(&["pull", &target, out.to_str().unwrap()]);
    assert_eq!(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(manifest["config"]["mediaType"], "application/vnd.docker.container.image.v1+json");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], "application/vnd.pacto.bundle.layer.v1.tar+gzip");
    // ORAS names a layer without a title by its digest; the bytes are the ones the manifest names.
    let layer_digest = layers[0]["digest"].as_str().unwrap();
    let layer = std::fs::read(out.join("layers").join(layer_digest)).unwrap();
    assert_eq!(Digest::of(&layer).to_string(), layer_digest);
    assert_eq!(files_below(&out.join("bundle")), files_below(&example()));
}

#[test]
fn interop_oras_push_then_pacto_pull() {
    let registry = Registry::start(Mode::Plain);
    let home = Home::new();
    let target = format!("{}/acme/from-oras:2.1.0", registry.addr);
    let manifest = oras(&["push", &target, home.path().join("payments-api").to_str().unwrap()]);
    // ORAS's own choices: its empty config, a title annotation; pacto reads only the one layer.
    assert_eq!(manifest["config"]["mediaType"], "application/vnd.unknown.config.v1+json");
    assert_eq!(manifest["layers"][0]["mediaType"], "application/vnd.pacto.bundle.layer.v1.tar+gzip");
    assert_eq!(manifest["layers"][0]["annotations"]["org.opencontainers.image.title"], "bundle.tar.gz");

    let pulled = ok(&home.pacto(&["pull", &format!("oci://{target}"), "-o", "out", "--output-format", "json"], &[]));
    let json: Value = serde_json::from_str(&pulled).unwrap();
    assert_eq!(json, serde_json::json!({"Ref": target, "Output": "out", "Name": "payments-api", "Version": "2.1.0"}));
    assert_eq!(files_below(&home.path().join("out")), files_below(&example()));
    // Tag-less: the tag ORAS pushed is the highest semver tag.
    let explained = ok(&home.pacto(&["explain", &format!("oci://{}/acme/from-oras", registry.addr)], &[]));
    assert!(explained.starts_with("Service: payments-api@2.1.0\n"), "{explained}");
}
