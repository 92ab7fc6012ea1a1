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
