//! `pacto login`: credentials checked against the registry (the reference never contacts it),
//! then stored where Docker keeps them: a credential helper when one is configured for the
//! registry, else `config.json` (mode 0600). Secrets never reach a message.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::error::RegistryError;
use crate::transport::{ClientOptions, Scheme, choose_scheme};

/// Where the credentials went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    Helper(String),
    ConfigFile(PathBuf),
}

/// Checks `username`/`password` against `registry`: `GET /v2/` with basic credentials, or, when
/// the registry answers with a bearer challenge, a token request to its realm.
pub async fn verify(
    registry: &str,
    username: &str,
    password: &str,
    options: &ClientOptions,
) -> Result<(), RegistryError> {
    let unreachable = |cause: String| RegistryError::Unreachable { reference: registry.to_owned(), cause };
    let scheme = choose_scheme(registry, options).await.map_err(|err| unreachable(err.to_string()))?;
    let base = match scheme {
        Scheme::Http => format!("http://{registry}"),
        Scheme::Https => format!("https://{registry}"),
    };
    let mut builder = reqwest::Client::builder()
        .connect_timeout(options.timeouts.connect)
        .timeout(options.timeouts.connect + options.timeouts.read);
    for cert in options.certificates() {
        builder = builder.add_root_certificate(cert);
    }
    let http = builder.build().map_err(|err| unreachable(err.to_string()))?;
    let answer = http
        .get(format!("{base}/v2/"))
        .basic_auth(username, Some(password))
        .send()
        .await
        .map_err(|err| unreachable(err.to_string()))?;
    let refused = || RegistryError::LoginRefused { registry: registry.to_owned() };
    match answer.status().as_u16() {
        200 => Ok(()),
        401 => {
            let challenge = answer
                .headers()
                .get(reqwest::header::WWW_AUTHENTICATE)
                .and_then(|it| it.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let Some(params) = challenge.strip_prefix("Bearer ") else {
                return Err(refused());
            };
            let field = |name: &str| {
                params.split(',').find_map(|it| {
                    let (key, value) = it.trim().split_once('=')?;
                    (key == name).then(|| value.trim_matches('"').to_owned())
                })
            };
            let realm = field("realm").ok_or_else(refused)?;
            let mut request = http.get(&realm).basic_auth(username, Some(password));
            if let Some(service) = field("service") {
                request = request.query(&[("service", service)]);
            }
            let token = request.send().await.map_err(|err| unreachable(err.to_string()))?;
            if token.status().is_success() { Ok(()) } else { Err(refused()) }
        }
        status => Err(unreachable(format!("unexpected status {status} from /v2/"))),
    }
}

/// Docker's `config.json`: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
pub fn docker_config_path(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let text = |name: &str| var(name).filter(|it| !it.is_empty());
    match text("DOCKER_CONFIG") {
        Some(dir) => Some(PathBuf::from(dir).join("config.json")),
        None => text("HOME").map(|home| PathBuf::from(home).join(".docker/config.json")),
    }
}

/// Stores the credentials: through `docker-credential-<helper> store` when `credHelpers` names
/// one for the registry or `credsStore` is set, else in `auths` of the config file.
pub fn store(config: &Path, registry: &str, username: &str, password: &str) -> Result<Stored, RegistryError> {
    let failed = |reason: String| RegistryError::CredentialsFile { path: config.display().to_string(), reason };
    let mut document: Map<String, Value> = match std::fs::read_to_string(config) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(failed("not a JSON object".to_owned())),
            Err(err) => return Err(failed(err.to_string())),
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(err) => return Err(failed(err.to_string())),
    };
    let helper = document
        .get("credHelpers")
        .and_then(|it| it.get(registry))
        .or_else(|| document.get("credsStore"))
        .and_then(Value::as_str)
        .filter(|it| !it.is_empty())
        .map(str::to_owned);
    if let Some(helper) = helper {
        run_helper(&helper, registry, username, password)?;
        return Ok(Stored::Helper(helper));
    }
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    let auths = document.entry("auths").or_insert_with(|| json!({}));
    if !auths.is_object() {
        *auths = json!({});
    }
    auths[registry] = json!({ "auth": auth });
    let text = serde_json::to_string_pretty(&Value::Object(document)).expect("a JSON value serialises") + "\n";
    write_private(config, text.as_bytes()).map_err(|err| failed(err.to_string()))?;
    Ok(Stored::ConfigFile(config.to_path_buf()))
}

/// Writes through a temp file in the same directory, mode 0600, then renames: a reader never
/// sees half a file, and no moment leaves the secret readable by others.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    let temp = dir.join(format!(".config.json.{}.tmp", std::process::id()));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temp)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(err) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(err);
    }
    Ok(())
}

fn run_helper(helper: &str, registry: &str, username: &str, password: &str) -> Result<(), RegistryError> {
    let request = json!({"ServerURL": registry, "Username": username, "Secret": password}).to_string();
    let output = crate::credentials::run_helper(helper, "store", request.as_bytes())?;
    if output.status.success() {
        return Ok(());
    }
    // The helper's own message, never our request (it holds the secret).
    let message = String::from_utf8_lossy(&output.stderr).replace(password, "***").trim().to_owned();
    let reason = if message.is_empty() { format!("exited with {}", output.status) } else { message };
    Err(RegistryError::CredentialHelper { helper: format!("docker-credential-{helper}"), reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_merges_into_config_json_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("docker/config.json");
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(&config, r#"{"auths":{"other:5000":{"auth":"eDp5"}},"experimental":"enabled"}"#).unwrap();
        assert_eq!(store(&config, "127.0.0.1:5001", "pacto", "s3cret").ok(), Some(Stored::ConfigFile(config.clone())));
        let written: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
        assert_eq!(
            written,
            json!({"auths": {"other:5000": {"auth": "eDp5"}, "127.0.0.1:5001": {"auth": "cGFjdG86czNjcmV0"}}, "experimental": "enabled"})
        );
        assert_eq!(std::fs::metadata(&config).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn store_refuses_a_config_it_cannot_parse_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.json");
        std::fs::write(&config, "{broken").unwrap();
        let err = store(&config, "r", "u", "p").unwrap_err().to_string();
        assert!(err.starts_with(&format!("failed to parse {}:", config.display())), "{err}");
        assert_eq!(std::fs::read_to_string(&config).unwrap(), "{broken");
    }
}
