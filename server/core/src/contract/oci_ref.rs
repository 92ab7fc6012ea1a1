//! TEMPORARY placeholder until the reference-compatible parser lands (being written).
use std::fmt;
pub struct OciRef {
    pub registry: String,
    pub repository: String,
    pub tag: String,
    pub digest: String,
}
#[derive(Debug)]
pub struct OciRefError(String);
impl fmt::Display for OciRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
pub enum DependencyRef {
    Oci(String),
    Local(String),
}
pub fn classify(s: &str) -> DependencyRef {
    match s.strip_prefix("oci://") {
        Some(r) => DependencyRef::Oci(r.to_owned()),
        None => DependencyRef::Local(s.to_owned()),
    }
}
pub fn parse(s: &str) -> Result<OciRef, OciRefError> {
    let (s, digest) = match s.split_once('@') {
        Some((a, b)) => (a, b.to_owned()),
        None => (s, String::new()),
    };
    let (s, tag) = match s.rfind(':') {
        Some(i) if s.rfind('/').is_none_or(|j| i > j) => (&s[..i], s[i + 1..].to_owned()),
        _ => (s, String::new()),
    };
    let Some((registry, repository)) = s.split_once('/') else {
        return Err(OciRefError(format!("invalid OCI reference: missing repository in {s:?}")));
    };
    Ok(OciRef { registry: registry.into(), repository: repository.into(), tag, digest })
}
