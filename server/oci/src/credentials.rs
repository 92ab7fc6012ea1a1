//! Credentials for a registry (spec §6.1, a slice of it): the environment, pacto's own `config.json`,
//! Docker's `config.json` (its credential helpers, then `auths`), for ghcr.io the GitHub CLI's token,
//! else anonymous. The first source with an answer wins.
//!
//! Not yet: `identitytoken` and Podman's auth file.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use crate::error::RegistryError;
use crate::reference::DOCKER_HUB;

pub const TOKEN_VAR: &str = "PACTO_REGISTRY_TOKEN";
pub const USERNAME_VAR: &str = "PACTO_REGISTRY_USERNAME";
pub const PASSWORD_VAR: &str = "PACTO_REGISTRY_PASSWORD";

/// The one registry the GitHub CLI's token is offered to.
const GITHUB_REGISTRY: &str = "ghcr.io";

/// The user name GitHub's registry takes with a token as the password (the reference's too).
const GITHUB_TOKEN_USER: &str = "x-access-token";

/// Docker's key for Docker Hub in `auths`, which predates the registry's own host name.
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// What is sent to one registry. `Debug` never shows a secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    Anonymous,
    Basic {
        username: String,
        password: String,
    },
    /// Sent as `Authorization: Bearer <token>`, without a token exchange.
    Bearer {
        token: String,
    },
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Anonymous => write!(f, "Anonymous"),
            Credential::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credential::Bearer { .. } => write!(f, "Bearer(***)"),
        }
    }
}

impl Credential {
    /// The credential for `registry` (the host as parsed from the reference) from this process's environment.
    pub fn resolve(registry: &str) -> Result<Credential, RegistryError> {
        Credential::resolve_with(registry, |name| std::env::var_os(name))
    }

    /// As [`Credential::resolve`], reading the environment through `var` (tests inject it).
    pub fn resolve_with(registry: &str, var: impl Fn(&str) -> Option<OsString>) -> Result<Credential, RegistryError> {
        let text = |name: &str| var(name).map(|it| it.to_string_lossy().into_owned()).filter(|it| !it.is_empty());
        if let Some(token) = text(TOKEN_VAR) {
            return Ok(Credential::Bearer { token });
        }
        // One of the pair alone is ignored, as the reference does.
        if let (Some(username), Some(password)) = (text(USERNAME_VAR), text(PASSWORD_VAR)) {
            return Ok(Credential::Basic { username, password });
        }
        let home = text("HOME").map(PathBuf::from);
        let pacto_dir = match text("XDG_CONFIG_HOME") {
            Some(dir) => Some(PathBuf::from(dir).join("pacto")),
            None => home.as_ref().map(|it| it.join(".config").join("pacto")),
        };
        // The reference skips an unreadable pacto config file; a broken Docker one is a hard error (§6.1).
        if let Some(Ok(Some(found))) = pacto_dir.map(|dir| from_config_file(&dir.join("config.json"), registry)) {
            return Ok(found);
        }
        let docker_dir = text("DOCKER_CONFIG").map(PathBuf::from).or_else(|| home.map(|it| it.join(".docker")));
        if let Some(dir) = docker_dir {
            if let Some(found) = from_config_file(&dir.join("config.json"), registry)? {
                return Ok(found);
            }
        }
        // Deviation: the reference asks `gh` before Docker's config and also for docker.pkg.github.com;
        // here it is the last resort and for ghcr.io only, so an explicit Docker login always wins and
        // the GitHub token is offered to no other host.
        if registry == GITHUB_REGISTRY {
            if let Some(found) = from_github_cli(var("PATH")) {
                return Ok(found);
            }
        }
        Ok(Credential::Anonymous)
    }

    pub(crate) fn to_oci(&self) -> oci_client::secrets::RegistryAuth {
        use oci_client::secrets::RegistryAuth;
        match self {
            Credential::Anonymous => RegistryAuth::Anonymous,
            Credential::Basic { username, password } => RegistryAuth::Basic(username.clone(), password.clone()),
            Credential::Bearer { token } => RegistryAuth::Bearer(token.clone()),
        }
    }
}

/// The entry for `registry` in a Docker-format `config.json`; a missing file is no answer.
fn from_config_file(path: &std::path::Path, registry: &str) -> Result<Option<Credential>, RegistryError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(RegistryError::CredentialsFile {
                path: path.display().to_string(),
                reason: crate::error::reason(&err),
            });
        }
    };
    let broken = |reason: String| RegistryError::CredentialsFile { path: path.display().to_string(), reason };
    let config: Value = serde_json::from_slice(&bytes).map_err(|err| broken(err.to_string()))?;
    // A helper named for this registry, or the default store, answers before `auths` (as Docker).
    let helper = config
        .get("credHelpers")
        .and_then(Value::as_object)
        .and_then(|it| it.iter().find(|(key, _)| matches_registry(key, registry)).map(|(_, it)| it))
        .or_else(|| config.get("credsStore"))
        .and_then(Value::as_str)
        .filter(|it| !it.is_empty());
    if let Some(helper) = helper {
        if let Some(found) = from_helper(helper, registry)? {
            return Ok(Some(found));
        }
    }
    let Some(auths) = config.get("auths").and_then(Value::as_object) else {
        return Ok(None);
    };
    let entry = auths.iter().find(|(key, _)| matches_registry(key, registry)).map(|(_, entry)| entry);
    let Some(entry) = entry else {
        return Ok(None);
    };
    let field = |name: &str| entry.get(name).and_then(Value::as_str).filter(|it| !it.is_empty());
    if let Some(auth) = field("auth") {
        // Never quote the value: it is the secret.
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()
            .and_then(|it| String::from_utf8(it).ok())
            .ok_or_else(|| broken(format!("the auth entry for {registry} is not base64 of user:password")))?;
        let (username, password) = decoded
            .split_once(':')
            .ok_or_else(|| broken(format!("the auth entry for {registry} is not base64 of user:password")))?;
        return Ok(Some(Credential::Basic { username: username.to_owned(), password: password.to_owned() }));
    }
    if let (Some(username), Some(password)) = (field("username"), field("password")) {
        return Ok(Some(Credential::Basic { username: username.to_owned(), password: password.to_owned() }));
    }
    if let Some(token) = field("registrytoken") {
        return Ok(Some(Credential::Bearer { token: token.to_owned() }));
    }
    Ok(None)
}

/// How long a credential command (a Docker helper, `gh auth token`) may take: one that waits on
/// a locked keychain or a prompt must not hang a pull, a push or the editor's resolution.
pub const CREDENTIAL_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `docker-credential-<helper> <action>` with `input` on stdin, as Docker does: a real
/// subprocess. Its output is returned whole; the caller decides what failure means.
pub(crate) fn run_helper(helper: &str, action: &str, input: &[u8]) -> Result<std::process::Output, RegistryError> {
    let program = format!("docker-credential-{helper}");
    let mut command = std::process::Command::new(&program);
    command.arg(action);
    run_bounded(command, input, CREDENTIAL_COMMAND_TIMEOUT)
        .map_err(|reason| RegistryError::CredentialHelper { helper: program, reason })
}

/// Runs `command` with `input` on stdin and its output captured, killed (and its output dropped)
/// when it is not done within `limit`. The pipes are drained on their own threads so a chatty
/// command cannot block on a full pipe while we wait.
fn run_bounded(
    mut command: std::process::Command,
    input: &[u8],
    limit: Duration,
) -> Result<std::process::Output, String> {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| err.to_string())?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|it| Box::new(it) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|it| Box::new(it) as Box<dyn Read + Send>));
    if let Some(mut stdin) = child.stdin.take() {
        // A command that exits without reading its input closes the pipe: not an error here,
        // its exit status says what happened.
        let _ = stdin.write_all(input);
    }
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        match child.try_wait().map_err(|err| err.to_string())? {
            Some(status) => break status,
            None if std::time::Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not answer within {} s and was stopped", limit.as_secs_f64()));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(std::process::Output { status, stdout, stderr })
}

/// Asks the helper for `registry`'s credentials; "not found" is no answer, any other failure an
/// error naming the helper, never the secret.
fn from_helper(helper: &str, registry: &str) -> Result<Option<Credential>, RegistryError> {
    let output = run_helper(helper, "get", registry.as_bytes())?;
    let failed =
        |reason: String| RegistryError::CredentialHelper { helper: format!("docker-credential-{helper}"), reason };
    if !output.status.success() {
        if String::from_utf8_lossy(&output.stdout).contains("credentials not found") {
            return Ok(None);
        }
        return Err(failed(format!("exited with {}", output.status)));
    }
    let answer: Value =
        serde_json::from_slice(&output.stdout).map_err(|_| failed("answered with invalid JSON".into()))?;
    let field = |name: &str| answer.get(name).and_then(Value::as_str).filter(|it| !it.is_empty()).map(str::to_owned);
    match (field("Username"), field("Secret")) {
        // Docker's convention: the username `<token>` marks an identity token.
        (Some(username), Some(secret)) if username == "<token>" => Ok(Some(Credential::Bearer { token: secret })),
        (Some(username), Some(password)) => Ok(Some(Credential::Basic { username, password })),
        _ => Ok(None),
    }
}

/// `gh auth token` from the `gh` on `path` (the `PATH` value): the GitHub CLI's login, used for
/// ghcr.io. No `gh`, a failing one (not logged in) or an empty answer is no answer, silently, as in
/// the reference: a public image must still pull. Nothing here ever prints or logs the token.
fn from_github_cli(path: Option<OsString>) -> Option<Credential> {
    let gh = std::env::split_paths(&path?).map(|dir| dir.join("gh")).find(|it| it.is_file())?;
    let mut command = std::process::Command::new(&gh);
    command.args(["auth", "token"]);
    let output = run_bounded(command, b"", CREDENTIAL_COMMAND_TIMEOUT).ok()?;
    if !output.status.success() {
        return None;
    }
    let token = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    if token.is_empty() {
        return None;
    }
    Some(Credential::Basic { username: GITHUB_TOKEN_USER.to_owned(), password: token })
}

/// Docker writes keys as hosts or URLs (`https://host/v1/`); both name the same registry.
fn matches_registry(key: &str, registry: &str) -> bool {
    if registry == DOCKER_HUB && (key == DOCKER_HUB_KEY || key == "docker.io") {
        return true;
    }
    let host = key.strip_prefix("https://").or_else(|| key.strip_prefix("http://")).unwrap_or(key);
    host.split('/').next() == Some(registry)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::ffi::OsString;

    use super::Credential;

    fn resolve(registry: &str, vars: &[(&str, &str)]) -> Result<Credential, String> {
        let vars: HashMap<String, OsString> = vars.iter().map(|(k, v)| ((*k).to_owned(), OsString::from(v))).collect();
        Credential::resolve_with(registry, |name| vars.get(name).cloned()).map_err(|err| err.to_string())
    }

    fn basic(username: &str, password: &str) -> Credential {
        Credential::Basic { username: username.into(), password: password.into() }
    }

    #[test]
    fn token_wins_over_username_and_password() {
        let vars =
            [("PACTO_REGISTRY_TOKEN", "t0k"), ("PACTO_REGISTRY_USERNAME", "u"), ("PACTO_REGISTRY_PASSWORD", "p")];
        assert_eq!(resolve("ghcr.io", &vars), Ok(Credential::Bearer { token: "t0k".into() }));
        assert_eq!(resolve("ghcr.io", &vars[1..]), Ok(basic("u", "p")));
        // One of the pair alone is ignored.
        assert_eq!(resolve("ghcr.io", &vars[1..2]), Ok(Credential::Anonymous));
    }

    #[test]
    fn docker_config_auths_are_read_by_host_or_url() {
        let dir = tempfile::tempdir().unwrap();
        // base64("pacto:s3cret") and base64("hub:pw").
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths":{"127.0.0.1:5001":{"auth":"cGFjdG86czNjcmV0"},"https://index.docker.io/v1/":{"auth":"aHViOnB3"},"https://reg.example/v2/":{"username":"a","password":"b"}}}"#,
        )
        .unwrap();
        let docker = dir.path().to_str().unwrap();
        let vars = [("DOCKER_CONFIG", docker), ("HOME", "/nonexistent")];
        assert_eq!(resolve("127.0.0.1:5001", &vars), Ok(basic("pacto", "s3cret")));
        assert_eq!(resolve("index.docker.io", &vars), Ok(basic("hub", "pw")));
        assert_eq!(resolve("reg.example", &vars), Ok(basic("a", "b")));
        assert_eq!(resolve("ghcr.io", &vars), Ok(Credential::Anonymous));
    }

    #[test]
    fn pacto_config_comes_before_docker_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("xdg/pacto")).unwrap();
        std::fs::write(dir.path().join("xdg/pacto/config.json"), r#"{"auths":{"r.example":{"auth":"cDp4"}}}"#).unwrap();
        std::fs::create_dir_all(dir.path().join("docker")).unwrap();
        std::fs::write(dir.path().join("docker/config.json"), r#"{"auths":{"r.example":{"auth":"ZDp5"}}}"#).unwrap();
        let xdg = dir.path().join("xdg");
        let docker = dir.path().join("docker");
        let vars = [("XDG_CONFIG_HOME", xdg.to_str().unwrap()), ("DOCKER_CONFIG", docker.to_str().unwrap())];
        assert_eq!(resolve("r.example", &vars), Ok(basic("p", "x")));
        assert_eq!(resolve("r.example", &vars[1..]), Ok(basic("d", "y")));
    }

    #[test]
    fn broken_docker_config_is_an_error_that_shows_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), r#"{"auths":{"r.example":{"auth":"bm8tY29sb24="}}}"#).unwrap();
        let vars = [("DOCKER_CONFIG", dir.path().to_str().unwrap())];
        let err = resolve("r.example", &vars).unwrap_err();
        assert!(err.ends_with("the auth entry for r.example is not base64 of user:password"), "{err}");
        assert!(!err.contains("bm8tY29sb24=") && !err.contains("no-colon"));
        std::fs::write(dir.path().join("config.json"), "{").unwrap();
        assert!(resolve("r.example", &vars).unwrap_err().starts_with("failed to parse "));
    }

    /// A directory holding a fake `gh` that logs its arguments to `calls` beside it and runs `body`.
    /// The script is installed by `install`, not written here: a file this test process had open for
    /// writing could still be open in a child forked meanwhile by another test, and exec would fail.
    fn fake_gh(body: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("gh.sh");
        std::fs::write(&source, format!("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/calls\"\n{body}\n")).unwrap();
        let status = std::process::Command::new("install")
            .arg("-m755")
            .arg(&source)
            .arg(dir.path().join("gh"))
            .status()
            .unwrap();
        assert!(status.success());
        dir
    }

    fn gh_calls(dir: &tempfile::TempDir) -> String {
        std::fs::read_to_string(dir.path().join("calls")).unwrap_or_default()
    }

    #[test]
    fn a_credential_command_that_hangs_is_stopped_at_the_limit() {
        let mut command = std::process::Command::new("sh");
        command.args(["-c", "sleep 30"]);
        let started = std::time::Instant::now();
        let err = super::run_bounded(command, b"", std::time::Duration::from_millis(300)).unwrap_err();
        assert_eq!(err, "did not answer within 0.3 s and was stopped");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        // One that answers in time gets its input and gives its output and status.
        let mut command = std::process::Command::new("sh");
        command.args(["-c", "tr a-z A-Z; echo oops >&2; exit 3"]);
        let output = super::run_bounded(command, b"ghcr.io", std::time::Duration::from_secs(10)).unwrap();
        assert_eq!((output.stdout.as_slice(), output.stderr.as_slice()), (&b"GHCR.IO"[..], &b"oops\n"[..]));
        assert_eq!(output.status.code(), Some(3));
    }

    #[test]
    fn github_cli_token_is_the_last_resort_for_ghcr_only() {
        let gh = fake_gh("echo gho_faketoken");
        let path = format!("/nonexistent:{}", gh.path().display());
        let vars = [("PATH", path.as_str()), ("HOME", "/nonexistent")];
        assert_eq!(resolve("ghcr.io", &vars), Ok(basic("x-access-token", "gho_faketoken")));
        assert_eq!(gh_calls(&gh), "auth token\n");
        // Never offered to another registry, not even GitHub's older one: gh is not even asked.
        assert_eq!(resolve("docker.pkg.github.com", &vars), Ok(Credential::Anonymous));
        assert_eq!(resolve("127.0.0.1:5000", &vars), Ok(Credential::Anonymous));
        assert_eq!(gh_calls(&gh), "auth token\n");
    }

    #[test]
    fn github_cli_comes_after_every_other_source() {
        let gh = fake_gh("echo gho_faketoken");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), r#"{"auths":{"ghcr.io":{"auth":"ZDp5"}}}"#).unwrap();
        let path = gh.path().to_str().unwrap();
        let docker = dir.path().to_str().unwrap();
        assert_eq!(
            resolve("ghcr.io", &[("PATH", path), ("PACTO_REGISTRY_TOKEN", "t0k")]),
            Ok(Credential::Bearer { token: "t0k".into() })
        );
        assert_eq!(resolve("ghcr.io", &[("PATH", path), ("DOCKER_CONFIG", docker)]), Ok(basic("d", "y")));
        assert_eq!(gh_calls(&gh), "");
    }

    #[test]
    fn github_cli_missing_or_failing_means_anonymous() {
        let empty = tempfile::tempdir().unwrap();
        let vars = [("PATH", empty.path().to_str().unwrap()), ("HOME", "/nonexistent")];
        assert_eq!(resolve("ghcr.io", &vars), Ok(Credential::Anonymous));
        assert_eq!(resolve("ghcr.io", &[("HOME", "/nonexistent")]), Ok(Credential::Anonymous));
        for body in ["echo 'not logged in' >&2; exit 1", "echo", "printf '\\377\\n'"] {
            let gh = fake_gh(body);
            let vars = [("PATH", gh.path().to_str().unwrap()), ("HOME", "/nonexistent")];
            assert_eq!(resolve("ghcr.io", &vars), Ok(Credential::Anonymous), "{body}");
            assert_eq!(gh_calls(&gh), "auth token\n");
        }
    }

    #[test]
    fn debug_hides_secrets() {
        assert_eq!(format!("{:?}", basic("u", "hunter2")), "Basic(u, ***)");
        assert_eq!(format!("{:?}", Credential::Bearer { token: "t".into() }), "Bearer(***)");
    }
}
