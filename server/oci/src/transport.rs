//! How pacto reaches a registry (spec §5.7, §6.3, "Our decisions": registries): HTTPS first, plain HTTP
//! only for local and private hosts or hosts the user lists, extra CA roots, and a timeout on every request.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::error::RegistryError;

/// Comma-separated registries (`host` or `host:port`) always spoken to over plain HTTP.
pub const INSECURE_REGISTRIES_VAR: &str = "PACTO_INSECURE_REGISTRIES";
/// A PEM file of extra root certificates, trusted besides the system's (for a private CA).
pub const CA_FILE_VAR: &str = "PACTO_CA_FILE";
/// Seconds (a decimal number) one registry operation may take, replacing [`OPERATION_TIMEOUT`]; the connect
/// and read timeouts never exceed it. For slow links, and for tests that cross the timeout quickly.
pub const TIMEOUT_VAR: &str = "PACTO_REGISTRY_TIMEOUT";

/// Connection set-up (TCP and TLS) gives up here: a registry that takes longer is as good as down, and
/// the language server must not hang on one.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A response that stalls this long between reads is abandoned.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// One whole operation (push, pull, tag list, existence check) gives up here: a 20 MiB layer needs
/// well under a minute on any usable link.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// The timeouts of [`ClientOptions`], each configurable so tests can cross them quickly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
    pub operation: Duration,
}

impl Timeouts {
    pub const DEFAULT: Timeouts =
        Timeouts { connect: CONNECT_TIMEOUT, read: READ_TIMEOUT, operation: OPERATION_TIMEOUT };

    /// The default timeouts with the whole operation bounded by `operation`.
    pub fn with_operation(operation: Duration) -> Timeouts {
        Timeouts { connect: CONNECT_TIMEOUT.min(operation), read: READ_TIMEOUT.min(operation), operation }
    }

    /// Reads [`TIMEOUT_VAR`]'s value: a positive number of seconds.
    fn parse(value: &str) -> Result<Timeouts, RegistryError> {
        let invalid = || RegistryError::InvalidTimeout { value: value.to_owned() };
        let seconds: f64 = value.trim().parse().map_err(|_| invalid())?;
        match Duration::try_from_secs_f64(seconds) {
            Ok(operation) if !operation.is_zero() => Ok(Timeouts::with_operation(operation)),
            _ => Err(invalid()),
        }
    }
}

/// Everything about the transport that comes from the user, not from the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    pub timeouts: Timeouts,
    /// Registries always reached over plain HTTP, as written in [`INSECURE_REGISTRIES_VAR`].
    pub insecure_registries: Vec<String>,
    /// PEM text of extra roots and where it came from, from [`CA_FILE_VAR`].
    pub extra_roots: Option<(String, Vec<u8>)>,
}

impl ClientOptions {
    pub const DEFAULT: ClientOptions =
        ClientOptions { timeouts: Timeouts::DEFAULT, insecure_registries: Vec::new(), extra_roots: None };

    /// Options from this process's environment.
    pub fn from_env() -> Result<ClientOptions, RegistryError> {
        ClientOptions::from_vars(|name| std::env::var_os(name))
    }

    /// Options from `var`, injectable for tests. An unreadable CA file is an error: silently ignoring it
    /// would turn a configuration mistake into a confusing certificate error later.
    pub fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Result<ClientOptions, RegistryError> {
        let insecure_registries = var(INSECURE_REGISTRIES_VAR)
            .map(|it| {
                it.to_string_lossy().split(',').map(str::trim).filter(|it| !it.is_empty()).map(str::to_owned).collect()
            })
            .unwrap_or_default();
        let extra_roots = match var(CA_FILE_VAR).filter(|it| !it.is_empty()) {
            None => None,
            Some(path) => {
                let path = path.to_string_lossy().into_owned();
                let pem = std::fs::read(&path)
                    .map_err(|err| RegistryError::CaFile { path: path.clone(), reason: crate::error::reason(&err) })?;
                if reqwest::Certificate::from_pem_bundle(&pem).map_or(true, |it| it.is_empty()) {
                    return Err(RegistryError::CaFile { path, reason: "no PEM certificate in it".to_owned() });
                }
                Some((path, pem))
            }
        };
        let timeouts = match var(TIMEOUT_VAR).filter(|it| !it.is_empty()) {
            Some(value) => Timeouts::parse(&value.to_string_lossy())?,
            None => Timeouts::DEFAULT,
        };
        Ok(ClientOptions { timeouts, insecure_registries, extra_roots })
    }

    /// Whether `registry` (`host` or `host:port`) is listed as insecure; a listed bare host covers every port.
    pub fn is_listed_insecure(&self, registry: &str) -> bool {
        let host = host_of(registry);
        self.insecure_registries.iter().any(|it| it == registry || it == host)
    }

    pub(crate) fn certificates(&self) -> Vec<reqwest::Certificate> {
        match &self.extra_roots {
            Some((_, pem)) => reqwest::Certificate::from_pem_bundle(pem).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    pub(crate) fn oci_certificates(&self) -> Vec<oci_client::client::Certificate> {
        match &self.extra_roots {
            Some((_, pem)) => vec![oci_client::client::Certificate {
                encoding: oci_client::client::CertificateEncoding::Pem,
                data: pem.clone(),
            }],
            None => Vec::new(),
        }
    }
}

/// How one registry is spoken to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Https,
    Http,
}

/// Whether plain HTTP may be tried for `registry` when HTTPS fails, as go-containerregistry allows:
/// `localhost`, `*.local`, `*.localhost`, loopback and RFC 1918 addresses, each with or without a port.
pub fn is_local_registry(registry: &str) -> bool {
    let host = host_of(registry);
    if host == "localhost" || host.ends_with(".local") || host.ends_with(".localhost") {
        return true;
    }
    // The reference matches these as substrings of the whole registry string.
    if registry.contains("127.0.0.1") || registry.contains("::1") {
        return true;
    }
    match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => is_private(ip),
        Ok(IpAddr::V6(ip)) => ip.is_loopback(),
        Err(_) => false,
    }
}

fn is_private(ip: Ipv4Addr) -> bool {
    ip.is_private() || ip.is_loopback()
}

/// The host of `host:port` or `[v6]:port`.
fn host_of(registry: &str) -> &str {
    if let Some(rest) = registry.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match registry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|it| it.is_ascii_digit()) => host,
        _ => registry,
    }
}

/// Picks the scheme for `registry`: HTTP without asking for a listed one, HTTPS for any other non-local
/// one. A local registry is asked `/v2/` over plain HTTP first and spoken to over HTTP if it answers as a
/// registry does (200 or 401), else over HTTPS. When HTTPS fails too, its failure is reported: for a TLS
/// registry with an unknown CA, the certificate error is what the user can act on. The probe carries no
/// credentials.
///
/// Deviation ("Our decisions": registries): the reference tries HTTPS first and has no insecure list. One
/// port serves one scheme, so the answer is the same, and asking HTTP first spares a TLS set-up (~50 ms)
/// on every command against a plain local registry.
pub(crate) async fn choose_scheme(registry: &str, options: &ClientOptions) -> Result<Scheme, reqwest::Error> {
    if options.is_listed_insecure(registry) {
        return Ok(Scheme::Http);
    }
    if !is_local_registry(registry) {
        return Ok(Scheme::Https);
    }
    if let Ok(answer) = plain_probe_client(options)?.get(format!("http://{registry}/v2/")).send().await {
        if matches!(answer.status().as_u16(), 200 | 401) {
            return Ok(Scheme::Http);
        }
    }
    tls_probe_client(options)?.get(format!("https://{registry}/v2/")).send().await.map(|_| Scheme::Https)
}

fn probe_builder(options: &ClientOptions) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(options.timeouts.connect)
        .timeout(options.timeouts.connect + options.timeouts.read)
        .redirect(reqwest::redirect::Policy::none())
}

/// The plain-HTTP probe speaks no TLS (it follows no redirect), so it trusts no root: reading the system's
/// roots is most of the CPU time of a command against a local registry, and a probe must stay cheap.
fn plain_probe_client(options: &ClientOptions) -> Result<reqwest::Client, reqwest::Error> {
    probe_builder(options).tls_certs_only(Vec::new()).build()
}

fn tls_probe_client(options: &ClientOptions) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = probe_builder(options);
    for cert in options.certificates() {
        builder = builder.add_root_certificate(cert);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use std::time::Duration;

    use super::{ClientOptions, Timeouts, is_local_registry};

    #[test]
    fn local_registries_are_loopback_private_and_dot_local() {
        for local in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "[::1]:5000",
            "registry.local",
            "svc.localhost:80",
            "10.1.2.3",
            "172.16.0.1:5000",
            "192.168.1.10:443",
        ] {
            assert!(is_local_registry(local), "{local}");
        }
        for remote in ["ghcr.io", "index.docker.io", "172.32.0.1", "8.8.8.8:5000", "local", "mylocal:5000"] {
            assert!(!is_local_registry(remote), "{remote}");
        }
    }

    #[test]
    fn insecure_list_is_comma_separated_and_a_bare_host_covers_every_port() {
        let options = ClientOptions::from_vars(|name| {
            (name == super::INSECURE_REGISTRIES_VAR).then(|| OsString::from(" reg.example:5000, other.example ,"))
        })
        .unwrap();
        assert_eq!(options.insecure_registries, ["reg.example:5000", "other.example"]);
        assert!(options.is_listed_insecure("reg.example:5000"));
        assert!(!options.is_listed_insecure("reg.example:6000"));
        assert!(options.is_listed_insecure("other.example:6000"));
    }

    fn timeouts_from(value: &str) -> Result<Timeouts, String> {
        ClientOptions::from_vars(|name| (name == super::TIMEOUT_VAR).then(|| OsString::from(value)))
            .map(|it| it.timeouts)
            .map_err(|err| err.to_string())
    }

    #[test]
    fn timeout_var_bounds_the_operation_and_caps_connect_and_read() {
        assert_eq!(timeouts_from(""), Ok(Timeouts::DEFAULT));
        let short =
            Timeouts { connect: Duration::from_millis(500), read: Duration::from_millis(500), ..Timeouts::DEFAULT };
        assert_eq!(timeouts_from("0.5"), Ok(Timeouts { operation: Duration::from_millis(500), ..short }));
        let long = timeouts_from("600").unwrap();
        assert_eq!(
            (long.connect, long.read, long.operation),
            (super::CONNECT_TIMEOUT, super::READ_TIMEOUT, Duration::from_secs(600))
        );
        for bad in ["0", "-1", "soon", "1e400", "NaN"] {
            assert_eq!(
                timeouts_from(bad),
                Err(format!("invalid PACTO_REGISTRY_TIMEOUT {bad:?}: expected a positive number of seconds")),
                "{bad}"
            );
        }
    }

    #[test]
    fn unreadable_or_empty_ca_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").unwrap();
        let err = |path: &std::path::Path| {
            let path = path.as_os_str().to_owned();
            ClientOptions::from_vars(|name| (name == super::CA_FILE_VAR).then(|| path.clone())).unwrap_err().to_string()
        };
        assert_eq!(
            err(&dir.path().join("missing.pem")),
            format!(
                "failed to read {} (PACTO_CA_FILE): no such file or directory",
                dir.path().join("missing.pem").display()
            )
        );
        assert_eq!(
            err(&empty),
            format!("failed to read {} (PACTO_CA_FILE): no PEM certificate in it", empty.display())
        );
    }
}
