//! The environment variables pacto reads (cache place, `PACTO_OFFLINE`, transport, credentials) through one
//! value: the process's by default, or a fixed set, so that a language server started inside a test gets its own
//! HOME, cache, offline flag and credentials while other tests run as threads of the same process.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `None`: the process's environment. A fixed set hides everything of the process's, so nothing of the
    /// machine's (a login, an old cache) takes part.
    fixed: Option<Arc<BTreeMap<String, OsString>>>,
}

impl Env {
    pub fn process() -> Env {
        Env::default()
    }

    /// Only these variables, whatever the process has.
    pub fn fixed<K: Into<String>, V: Into<OsString>>(vars: impl IntoIterator<Item = (K, V)>) -> Env {
        Env { fixed: Some(Arc::new(vars.into_iter().map(|(name, value)| (name.into(), value.into())).collect())) }
    }

    pub fn var(&self, name: &str) -> Option<OsString> {
        match &self.fixed {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var_os(name),
        }
    }

    /// Whether `PACTO_OFFLINE` forbids the network (CI jobs, air-gapped machines, tests that must stay on
    /// loopback): set, and neither `0` nor `false`.
    pub fn offline(&self) -> bool {
        self.var("PACTO_OFFLINE").is_some_and(|it| !it.is_empty() && it != "0" && it != "false")
    }
}

/// Names only: values can be credentials, and settings that hold an `Env` are logged.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            Some(vars) => f.debug_set().entries(vars.keys()).finish(),
            None => f.write_str("process"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_env_hides_the_process_one_and_shows_no_value() {
        let env = Env::fixed([("PACTO_OFFLINE", "1"), ("PACTO_REGISTRY_PASSWORD", "s3cret")]);
        assert!(env.offline());
        assert_eq!(env.var("PATH"), None);
        assert_eq!(format!("{env:?}"), r#"{"PACTO_OFFLINE", "PACTO_REGISTRY_PASSWORD"}"#);
        assert!(!Env::fixed([("PACTO_OFFLINE", "false")]).offline());
        assert!(!Env::fixed([("PACTO_OFFLINE", "")]).offline());
    }
}
