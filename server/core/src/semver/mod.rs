//! TEMPORARY placeholder until the Masterminds-compatible implementation lands (being written).
use std::fmt;
#[derive(Debug)]
pub struct VersionError;
impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid semantic version")
    }
}
pub struct Version;
impl Version {
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        if s.chars().next().is_some_and(|c| c.is_ascii_digit()) { Ok(Version) } else { Err(VersionError) }
    }
}
#[derive(Debug)]
pub struct ConstraintError(String);
impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "improper constraint: {}", self.0)
    }
}
pub struct Constraint;
impl Constraint {
    pub fn parse(s: &str) -> Result<Constraint, ConstraintError> {
        if s.trim().is_empty() || s == "latest" { Err(ConstraintError(s.to_owned())) } else { Ok(Constraint) }
    }
}
