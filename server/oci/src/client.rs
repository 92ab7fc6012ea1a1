//! The registry client (spec §5.3–§5.5): push an [`Artifact`] as the reference does, pull one bundle under
//! [`Limits`], check a tag, list tags. Built on `oci-client`; every failure is mapped to a
//! [`RegistryError`] naming the reference, and every operation is bounded by [`Timeouts`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::{DigestError, OciDistributionError, OciErrorCode};

use crate::bundle::Bundle;
use crate::credentials::Credential;
use crate::digest::Digest;
use crate::error::RegistryError;
use crate::layout::{
    Artifact, DOCKER_MANIFEST_MEDIA_TYPE, Descriptor, ImageManifest, MANIFEST_MEDIA_TYPE, parse_manifest,
};
use crate::limits::Limits;
use crate::progress::{Direction, Progress, Transfer};
use crate::reference::Reference;
use crate::transport::{self, ClientOptions, Scheme};

/// Tags asked for per page of a tag list; a registry that ignores the size answers all at once.
const TAG_PAGE: usize = 1000;
/// Pages read at most: a hundred thousand tags is no contract's history, and the loop must end.
const MAX_TAG_PAGES: usize = 100;

/// One artifact as pulled: the manifest's digest, the manifest and layer bytes, the bundle they hold.
#[derive(Clone, Debug)]
pub struct Pulled {
    pub digest: Digest,
    pub manifest: Vec<u8>,
    pub layer: Vec<u8>,
    pub bundle: Bundle,
}

/// A registry client for any number of registries; the scheme and credentials of each are settled on
/// first use and kept.
pub struct Client {
    options: ClientOptions,
    /// Where credentials are looked up.
    env: crate::Env,
    connections: Mutex<HashMap<String, Connection>>,
    progress: Option<Arc<dyn Progress>>,
}

#[derive(Clone)]
struct Connection {
    oci: oci_client::Client,
    credential: Credential,
}

impl Client {
    pub fn new(options: ClientOptions) -> Client {
        Client { options, env: crate::Env::process(), connections: Mutex::new(HashMap::new()), progress: None }
    }

    /// The client looking credentials up in `env` rather than the process's environment.
    pub fn with_env(self, env: crate::Env) -> Client {
        Client { env, ..self }
    }

    /// The client telling `progress` about every layer upload and download.
    pub fn with_progress(self, progress: Arc<dyn Progress>) -> Client {
        Client { progress: Some(progress), ..self }
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Uploads the layer and config blobs, then the manifest bytes exactly as [`Artifact`] built them, under
    /// the reference's tag; returns the manifest digest (what `pacto push` reports).
    pub async fn push(&self, reference: &Reference, artifact: &Artifact) -> Result<Digest, RegistryError> {
        self.bounded(reference, async {
            let conn = self.connection(reference).await?;
            let target = reference.to_oci();
            conn.oci.store_auth_if_needed(target.resolve_registry(), &conn.credential.to_oci()).await;
            let fail = |err| map_error(err, reference, &conn.credential);
            let blobs = [&artifact.layer, &artifact.config];
            let total = blobs.iter().map(|it| it.descriptor.size).sum();
            // Each blob goes up in one request: the count moves a blob at a time.
            let transfer = Transfer::start(self.progress.as_deref(), Direction::Upload, total);
            for blob in blobs {
                let digest = blob.descriptor.digest.to_string();
                // A bundle packs reproducibly, so its blobs are often there already (a re-push, another
                // tag): a HEAD spares the upload, as go-containerregistry does. Any doubt means upload.
                if !matches!(conn.oci.blob_exists(&target, &digest).await, Ok(true)) {
                    conn.oci.push_blob(&target, blob.bytes.clone(), &digest).await.map_err(fail)?;
                }
                transfer.advance(blob.descriptor.size);
            }
            drop(transfer);
            let content_type = reqwest::header::HeaderValue::from_static(MANIFEST_MEDIA_TYPE);
            conn.oci.push_manifest_raw(&target, artifact.manifest.bytes.clone(), content_type).await.map_err(fail)?;
            Ok(artifact.manifest.descriptor.digest.clone())
        })
        .await
    }

    /// Whether the reference's manifest exists (a HEAD, spec §5.3 step 5): 404 is `false`, any other
    /// failure an error.
    pub async fn exists(&self, reference: &Reference) -> Result<bool, RegistryError> {
        match self.manifest_digest(reference).await {
            Ok(_) => Ok(true),
            Err(RegistryError::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// The digest of the reference's manifest, as the registry names it.
    pub async fn manifest_digest(&self, reference: &Reference) -> Result<Digest, RegistryError> {
        self.bounded(reference, async {
            let conn = self.connection(reference).await?;
            let digest = conn
                .oci
                .fetch_manifest_digest(&reference.to_oci(), &conn.credential.to_oci())
                .await
                .map_err(|err| map_error(err, reference, &conn.credential))?;
            Digest::parse(&digest).map_err(|err| unreachable(reference, err.to_string()))
        })
        .await
    }

    /// Every tag of the reference's repository, in the registry's order.
    pub async fn list_tags(&self, reference: &Reference) -> Result<Vec<String>, RegistryError> {
        self.bounded(reference, async {
            let conn = self.connection(reference).await?;
            let (target, auth) = (reference.to_oci(), conn.credential.to_oci());
            let mut tags: Vec<String> = Vec::new();
            for _ in 0..MAX_TAG_PAGES {
                let last = tags.last().cloned();
                let page = conn
                    .oci
                    .list_tags(&target, &auth, Some(TAG_PAGE), last.as_deref())
                    .await
                    .map_err(|err| map_error(err, reference, &conn.credential))?;
                let n_page = page.tags.len();
                // A registry that ignores `last` would hand the same page back forever.
                let progressed = page.tags.last() != last.as_ref();
                if !progressed {
                    break;
                }
                tags.extend(page.tags);
                if n_page < TAG_PAGE {
                    break;
                }
            }
            Ok(tags)
        })
        .await
    }

    /// The manifest bytes and their digest; a digest reference is checked against the bytes.
    pub async fn pull_manifest(&self, reference: &Reference) -> Result<(Vec<u8>, Digest), RegistryError> {
        self.bounded(reference, async {
            let conn = self.connection(reference).await?;
            let accepted = [MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE];
            let (bytes, _) = conn
                .oci
                .pull_manifest_raw(&reference.to_oci(), &conn.credential.to_oci(), &accepted)
                .await
                .map_err(|err| map_pull_error(err, reference, &conn.credential, "manifest"))?;
            let actual = Digest::of(&bytes);
            if let Some(expected) = &reference.digest {
                if *expected != actual {
                    return Err(RegistryError::DigestMismatch {
                        reference: reference.to_string(),
                        what: "manifest",
                        expected: expected.clone(),
                        actual,
                    });
                }
            }
            Ok((bytes.to_vec(), actual))
        })
        .await
    }

    /// A blob named by `descriptor`, refused before any download when its declared size is over `limit`,
    /// cut off if the registry sends more, and verified against its digest.
    pub async fn pull_blob(
        &self,
        reference: &Reference,
        descriptor: &Descriptor,
        limit: u64,
    ) -> Result<Vec<u8>, RegistryError> {
        let too_large = |size| RegistryError::LayerTooLarge { reference: reference.to_string(), size, limit };
        if descriptor.size > limit {
            return Err(too_large(descriptor.size));
        }
        self.bounded(reference, async {
            let conn = self.connection(reference).await?;
            let layer = oci_client::manifest::OciDescriptor {
                media_type: descriptor.media_type.clone(),
                digest: descriptor.digest.to_string(),
                size: descriptor.size as i64,
                ..Default::default()
            };
            let transfer = Transfer::start(self.progress.as_deref(), Direction::Download, descriptor.size);
            let mut sink = CappedBuffer { bytes: Vec::new(), limit, overflowed: false, transfer };
            let result = conn.oci.pull_blob(&reference.to_oci(), &layer, &mut sink).await;
            if sink.overflowed {
                return Err(too_large(limit + 1));
            }
            result.map_err(|err| map_pull_error(err, reference, &conn.credential, "layer"))?;
            let actual = Digest::of(&sink.bytes);
            if actual != descriptor.digest {
                return Err(RegistryError::DigestMismatch {
                    reference: reference.to_string(),
                    what: "layer",
                    expected: descriptor.digest.clone(),
                    actual,
                });
            }
            Ok(sink.bytes)
        })
        .await
    }

    /// Manifest, then its one layer under `limits`, then the bundle (spec §5.4 steps 3–4).
    pub async fn pull(&self, reference: &Reference, limits: &Limits) -> Result<Pulled, RegistryError> {
        let (manifest, digest) = self.pull_manifest(reference).await?;
        let ImageManifest { layer } = read_manifest(reference, &manifest)?;
        let layer = self.pull_blob(reference, &layer, limits.max_compressed_bytes).await?;
        let bundle =
            Bundle::from_archive(layer.as_slice(), limits).map_err(|source| RegistryError::Bundle { source })?;
        Ok(Pulled { digest, manifest, layer, bundle })
    }

    async fn bounded<T>(
        &self,
        reference: &Reference,
        operation: impl Future<Output = Result<T, RegistryError>>,
    ) -> Result<T, RegistryError> {
        let timeout = self.options.timeouts.operation;
        match tokio::time::timeout(timeout, operation).await {
            Ok(result) => result,
            Err(_) => Err(RegistryError::Timeout { reference: reference.to_string(), timeout }),
        }
    }

    async fn connection(&self, reference: &Reference) -> Result<Connection, RegistryError> {
        let registry = reference.registry.clone();
        if let Some(conn) = self.connections.lock().unwrap_or_else(|it| it.into_inner()).get(&registry) {
            return Ok(conn.clone());
        }
        let scheme = transport::choose_scheme(&registry, &self.options)
            .await
            .map_err(|err| unreachable(reference, error_chain(&err)))?;
        // Credential helpers and `gh` are processes, config files are files: not on the async threads, which a slow
        // helper would stall for everything else (in the language server, every publish; issue #15).
        let (lookup, env) = (registry.clone(), self.env.clone());
        let credential = tokio::task::spawn_blocking(move || Credential::resolve_with(&lookup, |name| env.var(name)))
            .await
            .map_err(|err| RegistryError::CredentialHelper {
                helper: "credential lookup".to_owned(),
                reason: err.to_string(),
            })??;
        let timeouts = self.options.timeouts;
        let config = ClientConfig {
            protocol: match scheme {
                Scheme::Https => ClientProtocol::Https,
                Scheme::Http => ClientProtocol::Http,
            },
            extra_root_certificates: self.options.oci_certificates(),
            // Over plain HTTP, TLS only comes into play on a redirect to HTTPS storage, whose content is
            // checked against its digest anyway, over a connection already readable by anyone. Not
            // verifying it spares reading the system's roots, most of the CPU time of a pull or push
            // against a local registry.
            accept_invalid_certificates: scheme == Scheme::Http,
            connect_timeout: Some(timeouts.connect),
            read_timeout: Some(timeouts.read),
            // A bundle is small: one PUT per blob beats a chunked upload's round trips.
            use_monolithic_push: true,
            platform_resolver: None,
            ..Default::default()
        };
        let conn = Connection { oci: oci_client::Client::new(config), credential };
        self.connections.lock().unwrap_or_else(|it| it.into_inner()).insert(registry, conn.clone());
        Ok(conn)
    }
}

/// Reads a pulled manifest (its size limit, `MAX_MANIFEST_BYTES`, is enforced by `parse_manifest`).
fn read_manifest(reference: &Reference, bytes: &[u8]) -> Result<ImageManifest, RegistryError> {
    parse_manifest(bytes).map_err(|source| RegistryError::Artifact { reference: reference.to_string(), source })
}

/// Collects a blob in memory, refusing to grow past `limit` whatever the registry sends.
struct CappedBuffer<'a> {
    bytes: Vec<u8>,
    limit: u64,
    overflowed: bool,
    transfer: Transfer<'a>,
}

impl tokio::io::AsyncWrite for CappedBuffer<'_> {
    fn poll_write(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        if self.bytes.len() as u64 + buf.len() as u64 > self.limit {
            self.overflowed = true;
            return Poll::Ready(Err(std::io::Error::other("blob exceeds its size limit")));
        }
        self.bytes.extend_from_slice(buf);
        self.transfer.advance(buf.len() as u64);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn unreachable(reference: &Reference, cause: String) -> RegistryError {
    RegistryError::Unreachable { reference: reference.to_string(), cause }
}

/// What an HTTP status means for pacto (spec §5.5).
enum Status {
    Unauthorized(u16),
    NotFound,
    Other(String),
}

/// Maps `oci-client`'s error to ours. The registry's words go into the cause; the request's credentials
/// are never part of an `oci-client` error (they travel in a header), so none can leak here.
fn map_error(err: OciDistributionError, reference: &Reference, credential: &Credential) -> RegistryError {
    let status = match &err {
        OciDistributionError::UnauthorizedError { .. } => Some(Status::Unauthorized(401)),
        OciDistributionError::AuthenticationFailure(_) => Some(Status::Unauthorized(401)),
        OciDistributionError::ServerError { code, message, .. } => Some(match code {
            401 | 403 => Status::Unauthorized(*code),
            404 => Status::NotFound,
            _ => Status::Other(format!("the registry answered HTTP {code}{}", short_message(message))),
        }),
        OciDistributionError::RegistryError { envelope, .. } => {
            let codes: Vec<&OciErrorCode> = envelope.errors.iter().map(|it| &it.code).collect();
            if codes.iter().any(|it| matches!(it, OciErrorCode::Unauthorized)) {
                Some(Status::Unauthorized(401))
            } else if codes.iter().any(|it| matches!(it, OciErrorCode::Denied)) {
                Some(Status::Unauthorized(403))
            } else if codes.iter().any(|it| {
                matches!(
                    it,
                    OciErrorCode::ManifestUnknown
                        | OciErrorCode::NameUnknown
                        | OciErrorCode::BlobUnknown
                        | OciErrorCode::NotFound
                )
            }) {
                Some(Status::NotFound)
            } else {
                let messages: Vec<String> =
                    envelope.errors.iter().map(|it| format!("{:?}: {}", it.code, it.message)).collect();
                Some(Status::Other(format!("the registry refused: {}", messages.join("; "))))
            }
        }
        OciDistributionError::RequestError(inner) => inner.status().map(|status| match status.as_u16() {
            401 | 403 => Status::Unauthorized(status.as_u16()),
            404 => Status::NotFound,
            code => Status::Other(format!("the registry answered HTTP {code}")),
        }),
        _ => None,
    };
    let reference_text = reference.to_string();
    match status {
        Some(Status::Unauthorized(code)) => {
            let cause = match (code, credential) {
                (403, _) => "denied access (HTTP 403)".to_owned(),
                (_, Credential::Anonymous) => "requires credentials and none were found (HTTP 401)".to_owned(),
                _ => "refused the credentials (HTTP 401)".to_owned(),
            };
            RegistryError::Unauthorized { reference: reference_text, registry: reference.registry.clone(), cause }
        }
        Some(Status::NotFound) => RegistryError::NotFound { reference: reference_text },
        Some(Status::Other(cause)) => unreachable(reference, cause),
        None => match &err {
            OciDistributionError::RequestError(inner) => unreachable(reference, error_chain(inner)),
            other => unreachable(reference, error_chain(other)),
        },
    }
}

/// As [`map_error`], with `oci-client`'s own digest check (against the descriptor or the registry's
/// `Docker-Content-Digest`) named as the mismatch it is: the registry answered, wrongly.
fn map_pull_error(
    err: OciDistributionError,
    reference: &Reference,
    credential: &Credential,
    what: &'static str,
) -> RegistryError {
    if let OciDistributionError::DigestError(DigestError::VerificationError { expected, actual }) = &err {
        if let (Ok(expected), Ok(actual)) = (Digest::parse(expected), Digest::parse(actual)) {
            return RegistryError::DigestMismatch { reference: reference.to_string(), what, expected, actual };
        }
    }
    map_error(err, reference, credential)
}

/// The first line of a registry's message, bounded: an HTML error page is no message.
fn short_message(message: &str) -> String {
    let line = message.lines().map(str::trim).find(|it| !it.is_empty()).unwrap_or_default();
    if line.is_empty() || line.starts_with('<') {
        return String::new();
    }
    let cut: String = line.chars().take(200).collect();
    format!(": {cut}")
}

/// An error and its causes as one line, each cause once (a transport error's own text often repeats its
/// source's).
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(next) = source {
        let text = next.to_string();
        if !parts.iter().any(|it| it.contains(&text)) {
            parts.push(text);
        }
        source = next.source();
    }
    parts.join(": ")
}

/// Runs a registry operation to completion on a current-thread runtime, for synchronous callers (the CLI).
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime needs no resources that can be missing")
        .block_on(future)
}

#[cfg(test)]
mod tests {
    use oci_client::errors::{OciDistributionError, OciEnvelope, OciError, OciErrorCode};

    use std::time::Duration;

    use super::{Client, block_on, error_chain, map_error, short_message};
    use crate::credentials::Credential;
    use crate::error::RegistryError;
    use crate::layout::Descriptor;
    use crate::reference::Reference;
    use crate::transport::{self, ClientOptions, Timeouts};

    fn mapped(err: OciDistributionError, credential: &Credential) -> String {
        map_error(err, &Reference::parse("127.0.0.1:5000/acme/svc:1.0.0").unwrap(), credential).to_string()
    }

    fn envelope(code: OciErrorCode) -> OciDistributionError {
        OciDistributionError::RegistryError {
            envelope: OciEnvelope {
                errors: vec![OciError { code, message: "m".into(), detail: serde_json::Value::Null }],
            },
            url: "http://x/v2/".into(),
        }
    }

    #[test]
    fn statuses_map_to_the_spec_messages() {
        let anonymous = Credential::Anonymous;
        let basic = Credential::Basic { username: "u".into(), password: "secret-pw".into() };
        assert_eq!(
            mapped(OciDistributionError::UnauthorizedError { url: "u".into() }, &anonymous),
            "authentication failed for 127.0.0.1:5000/acme/svc:1.0.0: 127.0.0.1:5000 requires credentials and none were found (HTTP 401) — run `pacto login` or check PACTO_REGISTRY_TOKEN"
        );
        let refused = mapped(envelope(OciErrorCode::Unauthorized), &basic);
        assert!(refused.contains("127.0.0.1:5000 refused the credentials (HTTP 401)"), "{refused}");
        assert!(!refused.contains("secret-pw"));
        let server = |code| OciDistributionError::ServerError { code, url: "u".into(), message: "boom\nmore".into() };
        assert!(mapped(server(403), &basic).contains("denied access (HTTP 403)"));
        assert_eq!(mapped(server(404), &basic), "artifact not found: 127.0.0.1:5000/acme/svc:1.0.0");
        assert_eq!(
            mapped(envelope(OciErrorCode::ManifestUnknown), &basic),
            "artifact not found: 127.0.0.1:5000/acme/svc:1.0.0"
        );
        assert_eq!(
            mapped(envelope(OciErrorCode::NameUnknown), &basic),
            "artifact not found: 127.0.0.1:5000/acme/svc:1.0.0"
        );
        assert_eq!(
            mapped(server(503), &basic),
            "registry unreachable for 127.0.0.1:5000/acme/svc:1.0.0: the registry answered HTTP 503: boom"
        );
    }

    /// A "registry" that accepts connections and never answers.
    fn silent_registry() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                held.push(stream);
            }
        });
        addr
    }

    fn client(addr: &str, timeouts: Timeouts) -> Client {
        Client::new(ClientOptions { timeouts, insecure_registries: vec![addr.to_owned()], extra_roots: None })
    }

    #[test]
    fn operation_over_timeout_is_abandoned() {
        let addr = silent_registry();
        let timeouts = Timeouts { operation: Duration::from_millis(200), ..Timeouts::DEFAULT };
        let reference = Reference::parse(&format!("{addr}/acme/svc:1.0.0")).unwrap();
        let err = block_on(client(&addr, timeouts).pull_manifest(&reference)).unwrap_err();
        assert_eq!(err.to_string(), format!("registry unreachable for {reference}: no answer within 0.2 s"));
        assert!(err.is_unreachable());
    }

    #[test]
    fn default_timeouts_are_the_named_constants() {
        assert_eq!(ClientOptions::DEFAULT.timeouts, Timeouts::DEFAULT);
        assert_eq!(
            (Timeouts::DEFAULT.connect, Timeouts::DEFAULT.read, Timeouts::DEFAULT.operation),
            (transport::CONNECT_TIMEOUT, transport::READ_TIMEOUT, transport::OPERATION_TIMEOUT)
        );
    }

    fn layer(size: u64) -> Descriptor {
        Descriptor { media_type: crate::layout::LAYER_MEDIA_TYPE.into(), digest: crate::Digest::of(b""), size }
    }

    #[test]
    fn layer_over_limit_refused_before_download() {
        // Nothing listens on port 1: reaching the network would be a different error.
        let reference = Reference::parse("127.0.0.1:1/acme/svc:1.0.0").unwrap();
        let limit = 1024;
        let err = block_on(client("127.0.0.1:1", Timeouts::DEFAULT).pull_blob(&reference, &layer(limit + 1), limit))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("layer of {reference} is {} bytes, over the maximum compressed size of {limit} bytes", limit + 1)
        );
    }

    #[test]
    fn layer_at_limit_is_downloaded() {
        let reference = Reference::parse("127.0.0.1:1/acme/svc:1.0.0").unwrap();
        let limit = 1024;
        let err =
            block_on(client("127.0.0.1:1", Timeouts::DEFAULT).pull_blob(&reference, &layer(limit), limit)).unwrap_err();
        assert!(matches!(err, RegistryError::Unreachable { .. }), "{err}");
    }

    #[test]
    fn html_error_pages_are_not_quoted() {
        assert_eq!(short_message("<html><body>502</body></html>"), "");
        assert_eq!(short_message(&"x".repeat(500)).len(), 202);
    }

    #[test]
    fn error_chain_names_each_cause_once() {
        let inner = std::io::Error::other("connection refused");
        let outer = std::io::Error::other(format!("connect failed: {inner}"));
        assert_eq!(error_chain(&outer), "connect failed: connection refused");
    }
}
