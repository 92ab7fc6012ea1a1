//! The client's settings (section `pacto`): from `initializationOptions` first, then from
//! `workspace/configuration`, re-read on `workspace/didChangeConfiguration`. Reading is lenient: a
//! value of the wrong type is ignored with a warning, never a reason to drop the other settings.

use std::collections::BTreeMap;
use std::time::Duration;

use pacto_oci::{Cache, ClientOptions, Env, Timeouts};
use serde_json::Value;

/// Every setting the server reads, dotted. The VS Code extension's `package.json` declares the same
/// set (a test compares them), beside its client-only `pacto.server.path` and `pacto.trace.server`.
pub const SETTING_NAMES: &[&str] = &[
    "pacto.publish.repository",
    "pacto.registry.insecure",
    "pacto.registry.timeoutSeconds",
    "pacto.offline",
    "pacto.cache.tagTtlSeconds",
    "pacto.migration.hint",
    "pacto.generate.options",
];

/// The registry timeout when none is set: an editor waits in the background, so shorter than the CLI's.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest timeout a setting may ask for; a typo of `600` for `60` should not hang resolution.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Glob (relative to a workspace folder, or absolute) → `oci://` repository the contract is published to.
    pub publish_repository: BTreeMap<String, String>,
    /// Hosts (`host` or `host:port`) reached over plain HTTP, beside `PACTO_INSECURE_REGISTRIES`.
    pub insecure: Vec<String>,
    pub timeout: Duration,
    /// Cache only: the network is never used.
    pub offline: bool,
    /// `None`: the cache's own default.
    pub tag_ttl: Option<Duration>,
    /// The information hint "Migrate to Pacto 2.0" (and the migration's review items) on valid 1.0 contracts.
    pub migration_hint: bool,
    /// `--option key=value`s every `pacto.generate` run gets (a request's own options win): what a 2.0
    /// contract no longer carries and the Kubernetes plugin needs (`image`, `port.<interface>`, `replicas`).
    pub generate_options: BTreeMap<String, String>,
    /// Where the registry settings below start from (cache place, `PACTO_OFFLINE`, transport, credentials): the
    /// process's environment, but for a server a test starts with its own. Set with the session, never by the client.
    pub env: Env,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            publish_repository: BTreeMap::new(),
            insecure: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            offline: false,
            tag_ttl: None,
            migration_hint: true,
            generate_options: BTreeMap::new(),
            env: Env::process(),
        }
    }
}

impl Settings {
    /// Settings from the `pacto` section's JSON value (`null` or absent keys keep their defaults), and a
    /// warning per value that was ignored.
    pub fn from_json(section: &Value) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut warnings = Vec::new();
        let mut warn = |name: &str, expected: &str| {
            warnings.push(format!("setting pacto.{name} ignored: expected {expected}"));
        };
        let get = |path: &[&str]| path.iter().try_fold(section, |value, key| value.get(key)).filter(|it| !it.is_null());

        if let Some(value) = get(&["publish", "repository"]) {
            match value.as_object() {
                Some(map) => {
                    for (glob, repository) in map {
                        match repository.as_str() {
                            Some(repository) => {
                                settings.publish_repository.insert(glob.clone(), repository.to_owned());
                            }
                            None => warn(&format!("publish.repository.{glob}"), "a string such as oci://host/repo"),
                        }
                    }
                }
                None => warn("publish.repository", "an object mapping globs to oci:// repositories"),
            }
        }
        if let Some(value) = get(&["registry", "insecure"]) {
            match value.as_array().and_then(|it| it.iter().map(|it| it.as_str().map(str::to_owned)).collect()) {
                Some(hosts) => settings.insecure = hosts,
                None => warn("registry.insecure", "a list of host names"),
            }
        }
        if let Some(value) = get(&["registry", "timeoutSeconds"]) {
            match value.as_f64().filter(|it| *it > 0.0) {
                Some(seconds) => settings.timeout = Duration::from_secs_f64(seconds.min(MAX_TIMEOUT.as_secs_f64())),
                None => warn("registry.timeoutSeconds", "a positive number of seconds"),
            }
        }
        if let Some(value) = get(&["offline"]) {
            match value.as_bool() {
                Some(offline) => settings.offline = offline,
                None => warn("offline", "true or false"),
            }
        }
        if let Some(value) = get(&["cache", "tagTtlSeconds"]) {
            match value.as_f64().filter(|it| *it >= 0.0) {
                Some(seconds) => settings.tag_ttl = Some(Duration::from_secs_f64(seconds.min(1e9))),
                None => warn("cache.tagTtlSeconds", "a number of seconds, 0 or more"),
            }
        }
        if let Some(value) = get(&["migration", "hint"]) {
            match value.as_bool() {
                Some(on) => settings.migration_hint = on,
                None => warn("migration.hint", "true or false"),
            }
        }
        if let Some(value) = get(&["generate", "options"]) {
            match value.as_object() {
                Some(map) => {
                    for (key, option) in map {
                        // A number is what a user types for a port or a count: taken as its text.
                        match option {
                            Value::String(it) => {
                                settings.generate_options.insert(key.clone(), it.clone());
                            }
                            Value::Number(it) => {
                                settings.generate_options.insert(key.clone(), it.to_string());
                            }
                            _ => warn(&format!("generate.options.{key}"), "a string or a number"),
                        }
                    }
                }
                None => warn("generate.options", "an object mapping option names to values"),
            }
        }
        (settings, warnings)
    }

    /// The transport options: the environment's (`PACTO_INSECURE_REGISTRIES`, `PACTO_CA_FILE`) with these
    /// settings on top.
    pub fn client_options(&self) -> Result<ClientOptions, pacto_oci::RegistryError> {
        let mut options = ClientOptions::from_vars(|name| self.env.var(name))?;
        options.insecure_registries.extend(self.insecure.iter().cloned());
        let connect = options.timeouts.connect.min(self.timeout);
        options.timeouts = Timeouts { connect, read: self.timeout, operation: self.timeout };
        Ok(options)
    }

    /// The shared disk cache (the CLI's), with the tag time to live of these settings.
    pub fn cache(&self) -> Option<Cache> {
        let cache = Cache::new(pacto_oci::cache::locate(false, |name| self.env.var(name))?);
        Some(match self.tag_ttl {
            Some(ttl) => cache.with_tag_ttl(ttl),
            None => cache,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_setting_is_read() {
        let (settings, warnings) = Settings::from_json(&json!({
            "publish": { "repository": { "**/pacto.yaml": "oci://127.0.0.1:5000/team/api" } },
            "registry": { "insecure": ["registry.local:5000"], "timeoutSeconds": 2.5 },
            "offline": true,
            "cache": { "tagTtlSeconds": 0 },
            "migration": { "hint": false },
            "generate": { "options": { "image": "ghcr.io/acme/api:1.0.0", "port.api": 8080 } }
        }));
        assert_eq!(warnings, Vec::<String>::new());
        assert!(!settings.migration_hint);
        assert_eq!(settings.publish_repository["**/pacto.yaml"], "oci://127.0.0.1:5000/team/api");
        assert_eq!(settings.insecure, ["registry.local:5000"]);
        assert_eq!(settings.timeout, Duration::from_millis(2500));
        assert!(settings.offline);
        assert_eq!(settings.tag_ttl, Some(Duration::ZERO));
        let options: Vec<(&str, &str)> =
            settings.generate_options.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
        assert_eq!(options, [("image", "ghcr.io/acme/api:1.0.0"), ("port.api", "8080")]);
    }

    #[test]
    fn wrong_types_are_ignored_one_by_one() {
        let (settings, warnings) = Settings::from_json(&json!({
            "publish": { "repository": { "a": 1, "b": "oci://h/b" } },
            "registry": { "insecure": "h", "timeoutSeconds": -1 },
            "offline": "yes",
            "cache": { "tagTtlSeconds": "1m" },
            "generate": { "options": { "replicas": true } }
        }));
        assert_eq!(
            warnings,
            [
                "setting pacto.publish.repository.a ignored: expected a string such as oci://host/repo",
                "setting pacto.registry.insecure ignored: expected a list of host names",
                "setting pacto.registry.timeoutSeconds ignored: expected a positive number of seconds",
                "setting pacto.offline ignored: expected true or false",
                "setting pacto.cache.tagTtlSeconds ignored: expected a number of seconds, 0 or more",
                "setting pacto.generate.options.replicas ignored: expected a string or a number",
            ]
        );
        assert_eq!(settings.publish_repository.len(), 1);
        assert_eq!(
            settings,
            Settings { publish_repository: settings.publish_repository.clone(), ..Settings::default() }
        );
    }

    #[test]
    fn a_huge_timeout_is_capped() {
        let (settings, _) = Settings::from_json(&json!({ "registry": { "timeoutSeconds": 1e12 } }));
        assert_eq!(settings.timeout, MAX_TIMEOUT);
    }

    #[test]
    fn null_and_missing_sections_are_the_defaults() {
        assert_eq!(Settings::from_json(&Value::Null), (Settings::default(), Vec::new()));
        assert_eq!(Settings::from_json(&json!({ "offline": null })), (Settings::default(), Vec::new()));
    }
}
