//! The artifact exactly as the reference pushes it (spec §5.2): manifest, config and the one layer as
//! bytes; and the pull side's reading of a manifest, which accepts any single-layer image.

use pacto_core::contract::{Contract, text};
use serde_json::{Map, Value, json};

use crate::bundle::Archive;
use crate::digest::Digest;
use crate::error::Error;
use crate::limits::MAX_MANIFEST_BYTES;

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker's manifest type: the same shape, and what some registries hand back for older pushes.
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker's config type inside an OCI manifest: go-containerregistry's empty image starts with it and the
/// reference keeps it (quirk 30). Ours is the same so the two tools push the same artifact.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.docker.container.image.v1+json";
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.pacto.bundle.layer.v1.tar+gzip";

pub const LABEL_NAME: &str = "io.pacto.name";
pub const LABEL_PACTO_VERSION: &str = "io.pacto.pactoVersion";
pub const LABEL_VERSION: &str = "io.pacto.version";

/// Go's zero `time.Time`, which the reference's config carries as its creation date: a fixed date keeps
/// the config, and so the manifest digest, reproducible.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// The `io.pacto.*` labels of the config (spec §5.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    pub name: String,
    pub version: String,
    pub pacto_version: String,
}

impl Labels {
    pub fn from_contract(contract: &Contract) -> Labels {
        Labels {
            name: text(&contract.service.name).to_owned(),
            version: text(&contract.service.version).to_owned(),
            pacto_version: text(&contract.pacto_version).to_owned(),
        }
    }
}

/// An OCI content descriptor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
}

/// A blob to upload, with the descriptor that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    pub descriptor: Descriptor,
    pub bytes: Vec<u8>,
}

impl Blob {
    fn new(media_type: &str, bytes: Vec<u8>) -> Blob {
        let descriptor =
            Descriptor { media_type: media_type.to_owned(), digest: Digest::of(&bytes), size: bytes.len() as u64 };
        Blob { descriptor, bytes }
    }
}

/// Everything a push uploads: the layer and config blobs, then the manifest, whose digest is the one
/// `pacto push` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub manifest: Blob,
    pub config: Blob,
    pub layer: Blob,
}

impl Artifact {
    pub fn new(archive: Archive, labels: &Labels) -> Artifact {
        let config = Blob::new(CONFIG_MEDIA_TYPE, config_json(labels, &archive.diff_id));
        let layer = Blob::new(LAYER_MEDIA_TYPE, archive.tar_gz);
        let manifest = Blob::new(MANIFEST_MEDIA_TYPE, manifest_json(&config.descriptor, &layer.descriptor));
        Artifact { manifest, config, layer }
    }
}

/// The config blob in go-containerregistry's field order, compact, as Go's `json.Marshal` writes it.
pub fn config_json(labels: &Labels, diff_id: &Digest) -> Vec<u8> {
    // Go sorts map keys, so the labels come in byte order: name, pactoVersion, version.
    let value = json!({
        "architecture": "",
        "created": ZERO_TIME,
        "history": [{"created": ZERO_TIME}],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": [diff_id.to_string()]},
        "config": {"Labels": {
            LABEL_NAME: labels.name,
            LABEL_PACTO_VERSION: labels.pacto_version,
            LABEL_VERSION: labels.version,
        }},
    });
    go_json(&value)
}

/// The manifest as the reference pushes it: no annotations, no `artifactType`, no subject.
pub fn manifest_json(config: &Descriptor, layer: &Descriptor) -> Vec<u8> {
    let value = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": descriptor_json(config),
        "layers": [descriptor_json(layer)],
    });
    go_json(&value)
}

fn descriptor_json(descriptor: &Descriptor) -> Value {
    json!({"mediaType": descriptor.media_type, "size": descriptor.size, "digest": descriptor.digest.to_string()})
}

/// Compact JSON with Go's HTML escaping: `<`, `>` and `&` occur only inside strings, where Go writes them
/// as `\u` escapes.
fn go_json(value: &Value) -> Vec<u8> {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .into_bytes()
}

/// What a pull needs from a manifest: its one layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageManifest {
    pub layer: Descriptor,
}

/// Reads a pulled manifest. Any image with exactly one layer is accepted, whatever its layer media type
/// and config (the reference never reads them, spec §5.2), so images pushed by other tools pull too.
pub fn parse_manifest(bytes: &[u8]) -> Result<ImageManifest, Error> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(Error::ManifestTooLarge { size: bytes.len(), limit: MAX_MANIFEST_BYTES });
    }
    let invalid = |reason: String| Error::InvalidManifest { reason };
    let value: Value = serde_json::from_slice(bytes).map_err(|err| invalid(err.to_string()))?;
    let Value::Object(object) = value else {
        return Err(invalid("not a JSON object".to_owned()));
    };
    if object.get("schemaVersion") != Some(&json!(2)) {
        return Err(invalid(format!("schemaVersion is {}, expected 2", shown(object.get("schemaVersion")))));
    }
    match object.get("mediaType") {
        None => {}
        Some(Value::String(kind)) if kind == MANIFEST_MEDIA_TYPE || kind == DOCKER_MANIFEST_MEDIA_TYPE => {}
        Some(other) => return Err(invalid(format!("media type {} is not an image manifest", shown(Some(other))))),
    }
    let layers = match object.get("layers") {
        // Go decodes a missing list as an empty one.
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(layers)) => layers,
        Some(_) => return Err(invalid("layers is not a list".to_owned())),
    };
    match layers.as_slice() {
        [] => Err(Error::NoLayers),
        [layer] => Ok(ImageManifest { layer: parse_descriptor(layer, "layers[0]")? }),
        more => Err(Error::TooManyLayers { count: more.len() }),
    }
}

fn parse_descriptor(value: &Value, at: &str) -> Result<Descriptor, Error> {
    let invalid = |what: &str| Error::InvalidManifest { reason: format!("{at} has {what}") };
    let object: &Map<String, Value> = value.as_object().ok_or_else(|| invalid("no descriptor object"))?;
    let media_type = object.get("mediaType").and_then(Value::as_str).ok_or_else(|| invalid("no mediaType"))?;
    let digest = object.get("digest").and_then(Value::as_str).ok_or_else(|| invalid("no digest"))?;
    let size = object.get("size").and_then(Value::as_u64).ok_or_else(|| invalid("no size"))?;
    Ok(Descriptor { media_type: media_type.to_owned(), digest: Digest::parse(digest)?, size })
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_owned(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use pacto_core::contract::from_tree;
    use pacto_core::syntax::parse;
    use serde_json::json;

    use super::{
        Artifact, Descriptor, ImageManifest, LAYER_MEDIA_TYPE, Labels, config_json, manifest_json, parse_manifest,
    };
    use crate::bundle::{Archive, Bundle};
    use crate::digest::Digest;
    use crate::limits::{Limits, MAX_MANIFEST_BYTES};

    fn labels() -> Labels {
        Labels { name: "payments-api".into(), version: "2.1.0".into(), pacto_version: "1.0".into() }
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn labels_come_from_the_contract() {
        let source = "pactoVersion: \"1.0\"\nservice:\n  name: payments-api\n  version: 2.1.0\n";
        let decoded = from_tree(parse(source).root.as_ref());
        assert_eq!(Labels::from_contract(&decoded.contract), labels());
    }

    #[test]
    fn config_is_the_references_compact_json() {
        let diff_id = Digest::of(b"tar");
        expect![[r#"{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:90aebae315675cbf04612de4f7d5874850f48e0b8dd82becbeaa47ca93f5ebfb"]},"config":{"Labels":{"io.pacto.name":"payments-api","io.pacto.pactoVersion":"1.0","io.pacto.version":"2.1.0"}}}"#]]
        .assert_eq(text(&config_json(&labels(), &diff_id)));
    }

    #[test]
    fn config_escapes_html_as_go_does() {
        let labels = Labels { name: "a<b>&c".into(), ..labels() };
        assert!(text(&config_json(&labels, &Digest::of(b""))).contains(r#""io.pacto.name":"a\u003cb\u003e\u0026c""#));
    }

    #[test]
    fn manifest_is_an_oci_manifest_with_the_docker_config_type() {
        let config =
            Descriptor { media_type: super::CONFIG_MEDIA_TYPE.into(), digest: Digest::of(b"config"), size: 321 };
        let layer = Descriptor { media_type: LAYER_MEDIA_TYPE.into(), digest: Digest::of(b"layer"), size: 4567 };
        expect![[r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":321,"digest":"sha256:b79606fb3afea5bd1609ed40b622142f1c98125abcfe89a76a661b0e8e343910"},"layers":[{"mediaType":"application/vnd.pacto.bundle.layer.v1.tar+gzip","size":4567,"digest":"sha256:dac1d7cfa95021764849fd102524e141488c5e3a90f861dbb5a12d9ac8584f85"}]}"#]]
        .assert_eq(text(&manifest_json(&config, &layer)));
    }

    #[test]
    fn artifact_ties_manifest_config_and_layer_together() {
        let mut bundle = Bundle::new();
        bundle.add_file("pacto.yaml", b"pactoVersion: \"1.0\"\n".to_vec(), false).unwrap();
        let archive = Archive::new(&bundle, &Limits::DEFAULT).unwrap();
        let (tar_gz, diff_id) = (archive.tar_gz.clone(), archive.diff_id.clone());
        let artifact = Artifact::new(archive, &labels());
        assert_eq!(artifact.layer.bytes, tar_gz);
        assert_eq!(artifact.config.bytes, config_json(&labels(), &diff_id));
        assert_eq!(artifact.manifest.bytes, manifest_json(&artifact.config.descriptor, &artifact.layer.descriptor));
        for blob in [&artifact.manifest, &artifact.config, &artifact.layer] {
            assert_eq!(blob.descriptor.digest, Digest::of(&blob.bytes));
            assert_eq!(blob.descriptor.size, blob.bytes.len() as u64);
        }
        assert_eq!(
            (
                artifact.manifest.descriptor.media_type.as_str(),
                artifact.config.descriptor.media_type.as_str(),
                artifact.layer.descriptor.media_type.as_str()
            ),
            (super::MANIFEST_MEDIA_TYPE, super::CONFIG_MEDIA_TYPE, LAYER_MEDIA_TYPE)
        );
        // Our own manifest reads back to our layer.
        let pulled = parse_manifest(&artifact.manifest.bytes).unwrap();
        assert_eq!(pulled, ImageManifest { layer: artifact.layer.descriptor.clone() });
    }

    fn manifest(layers: serde_json::Value) -> Vec<u8> {
        json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "size": 2,
                "digest": Digest::of(b"{}").to_string(),
            },
            "layers": layers,
        })
        .to_string()
        .into_bytes()
    }

    fn layer(media_type: &str) -> serde_json::Value {
        json!({"mediaType": media_type, "size": 5, "digest": Digest::of(b"layer").to_string()})
    }

    #[test]
    fn parse_accepts_any_single_layer_image() {
        let pulled = parse_manifest(&manifest(json!([layer("application/vnd.oci.image.layer.v1.tar+zstd")]))).unwrap();
        assert_eq!(
            pulled.layer,
            Descriptor {
                media_type: "application/vnd.oci.image.layer.v1.tar+zstd".into(),
                digest: Digest::of(b"layer"),
                size: 5
            }
        );
    }

    #[test]
    fn parse_refuses_zero_or_several_layers_with_the_references_messages() {
        let err = |bytes: Vec<u8>| parse_manifest(&bytes).unwrap_err().to_string();
        assert_eq!(err(manifest(json!([]))), "image has no layers");
        assert_eq!(err(manifest(json!(null))), "image has no layers");
        assert_eq!(err(br#"{"schemaVersion":2}"#.to_vec()), "image has no layers");
        assert_eq!(err(manifest(json!([layer("a"), layer("b")]))), "expected 1 layer, got 2");
    }

    #[test]
    fn parse_refuses_what_is_not_an_image_manifest() {
        let err = |bytes: &[u8]| parse_manifest(bytes).unwrap_err().to_string();
        expect![[r#"invalid manifest: expected value at line 1 column 1"#]].assert_eq(&err(b"<html>"));
        expect![[r#"invalid manifest: not a JSON object"#]].assert_eq(&err(b"[]"));
        expect![[r#"invalid manifest: schemaVersion is 1, expected 2"#]].assert_eq(&err(br#"{"schemaVersion":1}"#));
        expect![[r#"invalid manifest: media type "application/vnd.oci.image.index.v1+json" is not an image manifest"#]]
            .assert_eq(&err(
                br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#,
            ));
        expect![[r#"invalid manifest: layers is not a list"#]].assert_eq(&err(br#"{"schemaVersion":2,"layers":{}}"#));
        expect![[r#"invalid manifest: layers[0] has no digest"#]]
            .assert_eq(&err(br#"{"schemaVersion":2,"layers":[{"mediaType":"x","size":1}]}"#));
        expect![[r#"invalid digest "sha256:../../x": expected sha256:<64 lowercase hex digits>"#]]
            .assert_eq(&err(br#"{"schemaVersion":2,"layers":[{"mediaType":"x","size":1,"digest":"sha256:../../x"}]}"#));
    }

    /// A valid single-layer manifest padded with spaces to `size` bytes.
    fn padded_manifest(size: usize) -> Vec<u8> {
        let mut bytes = manifest(json!([layer(LAYER_MEDIA_TYPE)]));
        bytes.resize(size, b' ');
        bytes
    }

    #[test]
    fn manifest_at_limit_passes() {
        assert!(parse_manifest(&padded_manifest(MAX_MANIFEST_BYTES)).is_ok());
    }

    #[test]
    fn manifest_over_limit_refused() {
        assert_eq!(
            parse_manifest(&padded_manifest(MAX_MANIFEST_BYTES + 1)).unwrap_err().to_string(),
            format!("manifest of {} bytes exceeds maximum size of {MAX_MANIFEST_BYTES} bytes", MAX_MANIFEST_BYTES + 1)
        );
    }
}
