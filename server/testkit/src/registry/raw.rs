//! Raw HTTP/1.1 on loopback, and hand-made bundle layers: how the tests store in the real registry what
//! pacto itself would never push (two layers, `../` entries, symlinks, a gzip bomb, an oversized layer).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use pacto_oci::Digest;

/// How long a raw request may wait for the registry before the test fails.
const ANSWER_BUDGET: Duration = Duration::from_secs(10);

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// One request with `Connection: close`, so the body is everything after the headers; `None` when nothing
/// answers.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<Response> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(ANSWER_BUDGET)).ok()?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let split = response.windows(4).position(|it| it == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Some(Response { status, headers, body: response[split + 4..].to_vec() })
}

/// A blob's descriptor as a manifest names it.
pub fn descriptor(media_type: &str, bytes: &[u8]) -> serde_json::Value {
    serde_json::json!({"mediaType": media_type, "size": bytes.len(), "digest": Digest::of(bytes).to_string()})
}

/// An OCI image manifest over `layers`, with an empty JSON config.
pub fn manifest(config: &[u8], layers: &[&[u8]]) -> Vec<u8> {
    let layers: Vec<serde_json::Value> =
        layers.iter().map(|it| descriptor(pacto_oci::layout::LAYER_MEDIA_TYPE, it)).collect();
    serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": pacto_oci::layout::MANIFEST_MEDIA_TYPE,
        "config": descriptor(pacto_oci::layout::CONFIG_MEDIA_TYPE, config),
        "layers": layers,
    }))
    .unwrap()
}

/// Uploads a blob to a plain registry in one `POST` + `PUT`.
pub fn push_blob(addr: &str, repository: &str, bytes: &[u8]) {
    let started = request(addr, "POST", &format!("/v2/{repository}/blobs/uploads/"), &[], b"").expect("POST upload");
    assert_eq!(started.status, 202, "{}", String::from_utf8_lossy(&started.body));
    let location = started.header("Location").expect("an upload location");
    // Distribution answers an absolute URL; the path and query are what a request line takes.
    let path = match location.find("/v2/") {
        Some(at) => &location[at..],
        None => location,
    };
    let separator = if path.contains('?') { '&' } else { '?' };
    let put = format!("{path}{separator}digest={}", Digest::of(bytes));
    let done = request(addr, "PUT", &put, &[("Content-Type", "application/octet-stream")], bytes).expect("PUT blob");
    assert_eq!(done.status, 201, "{}", String::from_utf8_lossy(&done.body));
}

/// Uploads the config and every layer, then the manifest over them under `tag`.
pub fn push_image(addr: &str, repository: &str, tag: &str, layers: &[&[u8]]) {
    let config = b"{}";
    push_blob(addr, repository, config);
    for layer in layers {
        push_blob(addr, repository, layer);
    }
    let manifest = manifest(config, layers);
    let content_type = [("Content-Type", pacto_oci::layout::MANIFEST_MEDIA_TYPE)];
    let done = request(addr, "PUT", &format!("/v2/{repository}/manifests/{tag}"), &content_type, &manifest)
        .expect("PUT manifest");
    assert_eq!(done.status, 201, "{}", String::from_utf8_lossy(&done.body));
}

/// One tar entry as a test writes it: any name, any type, a link target.
pub struct TarEntry<'a> {
    pub name: &'a str,
    /// The ustar type flag: `b'0'` file, `b'5'` directory, `b'2'` symlink, `b'1'` hard link.
    pub kind: u8,
    pub link: &'a str,
    pub data: &'a [u8],
}

impl<'a> TarEntry<'a> {
    pub fn file(name: &'a str, data: &'a [u8]) -> TarEntry<'a> {
        TarEntry { name, kind: b'0', link: "", data }
    }

    pub fn symlink(name: &'a str, link: &'a str) -> TarEntry<'a> {
        TarEntry { name, kind: b'2', link, data: b"" }
    }
}

/// A ustar archive written header by header, so names a tar library would refuse (`../x`, `/etc/x`) can be
/// written as a hostile registry would serve them.
pub fn tar(entries: &[TarEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        out.extend_from_slice(&tar_header(entry));
        out.extend_from_slice(entry.data);
        out.resize(out.len().next_multiple_of(512), 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn tar_header(entry: &TarEntry<'_>) -> [u8; 512] {
    let mut header = [0u8; 512];
    let mut put = |at: usize, bytes: &[u8]| header[at..at + bytes.len()].copy_from_slice(bytes);
    assert!(entry.name.len() <= 100 && entry.link.len() <= 100, "short names only");
    put(0, entry.name.as_bytes());
    put(100, b"0000644\0");
    put(108, b"0000000\0");
    put(116, b"0000000\0");
    put(124, format!("{:011o}\0", entry.data.len()).as_bytes());
    put(136, b"00000000000\0");
    put(148, b"        ");
    put(156, &[entry.kind]);
    put(157, entry.link.as_bytes());
    put(257, b"ustar\x0000");
    let checksum: u32 = header.iter().map(|it| u32::from(*it)).sum();
    header[148..156].copy_from_slice(format!("{checksum:06o}\0 ").as_bytes());
    header
}

/// A gzip layer of `entries` plus a valid `pacto.yaml` first, so only the hostile part can fail.
pub fn layer_with(entries: &[TarEntry<'_>]) -> Vec<u8> {
    let contract = b"pactoVersion: \"1.0\"\nservice: {name: hostile, version: 1.0.0}\n";
    let mut all = vec![TarEntry::file("pacto.yaml", contract)];
    all.extend(entries.iter().map(|it| TarEntry { name: it.name, kind: it.kind, link: it.link, data: it.data }));
    pacto_oci::bundle::gzip(&tar(&all))
}
