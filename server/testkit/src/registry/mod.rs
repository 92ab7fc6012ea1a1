//! A real registry for tests: Debian's `docker-registry` (Distribution 2.8) on a free 127.0.0.1 port, plain,
//! with htpasswd basic auth, or with TLS from a CA generated per test; stopped by PID when dropped.
//! Debian's default config is broken (its htpasswd path is a directory), so every start writes its own. Shared by
//! the CLI's tests and the language server's in-process ones. Without `docker-registry` a test that starts one fails
//! and says how to install it (scripts/test does): a registry test never passes by skipping.

pub mod fake;
pub mod home;
pub mod raw;

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a started registry may take to answer `/v2/` (it takes ~50 ms) before the test fails.
pub const STARTUP_BUDGET: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);
const REGISTRY_BIN: &str = "docker-registry";

pub const USER: &str = "pacto";
pub const PASSWORD: &str = "s3cret";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Plain,
    /// htpasswd basic auth with [`USER`] / [`PASSWORD`].
    Auth,
    /// HTTPS with a leaf signed by a fresh CA (rustls refuses a self-signed CA:TRUE server certificate).
    Tls,
}

pub struct Registry {
    /// `127.0.0.1:<port>`.
    pub addr: String,
    pub mode: Mode,
    /// The CA to trust for [`Mode::Tls`].
    pub ca: Option<PathBuf>,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Registry {
    pub fn start(mode: Mode) -> Registry {
        let installed = Command::new(REGISTRY_BIN).arg("--version").output().is_ok_and(|it| it.status.success());
        assert!(
            installed,
            "`{REGISTRY_BIN}` is not installed: the registry tests need it (scripts/test installs it: \
             apt-get install docker-registry apache2-utils openssl)"
        );
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("127.0.0.1:{}", free_port());
        let mut extra = String::new();
        let mut ca = None;
        match mode {
            Mode::Plain => {}
            Mode::Auth => {
                let out = run("htpasswd", &["-Bbn", USER, PASSWORD], dir.path());
                fs::write(dir.path().join("htpasswd"), out).unwrap();
                extra.push_str(&format!(
                    "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                    dir.path().join("htpasswd").display()
                ));
            }
            Mode::Tls => {
                make_certs(dir.path());
                ca = Some(dir.path().join("ca.pem"));
            }
        }
        let tls = if mode == Mode::Tls {
            format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                dir.path().join("server.pem").display(),
                dir.path().join("server.key").display()
            )
        } else {
            String::new()
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
             http:\n  addr: {addr}\n  secret: pacto-test-secret\n{tls}{extra}",
            dir.path().join("data").display()
        );
        fs::write(dir.path().join("config.yml"), config).unwrap();
        let mut registry = Registry { addr, mode, ca, dir, child: None };
        registry.spawn();
        registry
    }

    /// Starts the registry process (again, after [`Registry::stop`]), keeping its data.
    pub fn spawn(&mut self) {
        let log = fs::File::create(self.dir.path().join("registry.log")).unwrap();
        let child = Command::new(REGISTRY_BIN)
            .arg("serve")
            .arg(self.dir.path().join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + STARTUP_BUDGET;
        while !self.answers() {
            if let Some(status) = self.child.as_mut().and_then(|it| it.try_wait().unwrap()) {
                panic!("{REGISTRY_BIN} exited with {status}: {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "{REGISTRY_BIN} did not answer /v2/ within {STARTUP_BUDGET:?}: {}",
                self.log()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Kills the registry process by its PID and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// Whether `/v2/` answers as a registry does: 200, or 401 with auth. TLS is not spoken here, so a TLS
    /// registry counts as up once it accepts connections.
    fn answers(&self) -> bool {
        if self.mode == Mode::Tls {
            return TcpStream::connect(&self.addr).is_ok();
        }
        match http_get(&self.addr, "/v2/", None) {
            Some((status, _)) => status == 200 || status == 401,
            None => false,
        }
    }

    /// A raw `GET` over plain HTTP (no auth): status and body.
    pub fn get(&self, path: &str, accept: Option<&str>) -> (u16, Vec<u8>) {
        assert_ne!(self.mode, Mode::Tls, "raw GET speaks plain HTTP only");
        http_get(&self.addr, path, accept).unwrap_or_else(|| panic!("GET {path} failed"))
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port nothing listens on right now (the OS picked it; it is released before the registry binds it).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn run(program: &str, args: &[&str], dir: &Path) -> Vec<u8> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {program} (apt-get install apache2-utils openssl): {err}"));
    assert!(out.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A CA and a server leaf for localhost and 127.0.0.1 (CA:FALSE, serverAuth), as the toolchain notes give.
fn make_certs(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend(["-days", "2", "-subj", "/CN=pacto-test-ca", "-keyout", "ca.key", "-out", "ca.pem"]);
    run("openssl", &ca, dir);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend(["-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]);
    run("openssl", &csr, dir);
    fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "server.pem",
        ],
        dir,
    );
}

/// A plain-HTTP GET without credentials: status and body.
fn http_get(addr: &str, path: &str, accept: Option<&str>) -> Option<(u16, Vec<u8>)> {
    let accept: Vec<(&str, &str)> = accept.map(|it| ("Accept", it)).into_iter().collect();
    raw::request(addr, "GET", path, &accept, b"").map(|it| (it.status, it.body))
}

/// Pushes the bundle in `dir` to `target` (`oci://host/repository[:tag]`, the contract's version when no tag) in this
/// process, as `pacto push` does,
/// reading only `vars` (credentials, CA) of the environment; the manifest, layer and tag go into `cache` (a cache
/// root, `<XDG_CACHE_HOME>/pacto`) too, as `pacto push` stores them. Returns the manifest's digest.
pub fn push(dir: &Path, target: &str, vars: &[(&str, &str)], cache: Option<&Path>) -> String {
    use pacto_oci::graph_fetch::{parse_contract, read_local};
    use pacto_oci::layout::{Artifact, Labels};

    let env = pacto_oci::Env::fixed(vars.iter().copied());
    let (file, text) = read_local(&dir.display().to_string()).expect("a bundle to push");
    let contract = parse_contract(&file, &text).expect("a contract to push").contract;
    let mut labels = Labels::from_contract(&contract);
    // A 2.0 contract parses as its 1.0 projection; its label keeps the version it was written in.
    if text.contains("pactoVersion: \"2.0\"") {
        labels.pacto_version = "2.0".to_owned();
    }
    let archive = pacto_oci::pack(dir, &pacto_oci::PackOptions::DEFAULT).expect("the bundle packed");
    let artifact = Artifact::new(archive, &labels);
    let mut reference = pacto_oci::Reference::parse(target.trim_start_matches("oci://")).expect("a reference");
    reference.tag = reference.tag.or(Some(labels.version.clone()));
    let options = pacto_oci::ClientOptions::from_vars(|name| env.var(name)).expect("transport options");
    let client = pacto_oci::Client::new(options).with_env(env);
    let digest = pacto_oci::block_on(client.push(&reference, &artifact)).unwrap_or_else(|err| panic!("push: {err}"));
    if let Some(cache) = cache.map(|it| pacto_oci::Cache::new(it.to_path_buf())) {
        cache.put(&artifact.manifest.bytes).expect("the manifest cached");
        cache.put(&artifact.layer.bytes).expect("the layer cached");
        cache.put_tag(&reference.to_string(), &digest).expect("the tag cached");
    }
    digest.to_string()
}

/// Pulls `target` (`oci://host/repository:tag`) into `output` in this process, as `pacto pull -o` does: through the
/// cache at `cache` (a cache root), where it records where the bundle came from.
pub fn pull(target: &str, output: &Path, cache: &Path) {
    let reference = pacto_oci::Reference::parse(target.trim_start_matches("oci://")).expect("a reference");
    let client =
        pacto_oci::Client::new(pacto_oci::ClientOptions::DEFAULT).with_env(pacto_oci::Env::fixed::<&str, &str>([]));
    let cache = pacto_oci::Cache::new(cache.to_path_buf());
    let fetched = pacto_oci::block_on(async {
        let resolved = pacto_oci::resolve(&client, &reference).await?;
        pacto_oci::fetch(&client, Some(&cache), &resolved, &pacto_oci::Limits::DEFAULT).await
    })
    .unwrap_or_else(|err| panic!("pull: {err}"));
    fetched.bundle.write_to(output).expect("the bundle written");
    pacto_oci::origin::record(&cache, output, &reference).expect("the origin recorded");
}
