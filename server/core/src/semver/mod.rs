//! Masterminds/semver v3.4.0-compatible versions and constraints (spec §2.9), and the tag choice
//! built on them for tag-less OCI references (spec §4.3).

mod constraint;
mod tags;
mod version;

pub use constraint::{Constraint, ConstraintError};
pub use tags::{best_tag, has_explicit_tag};
pub use version::{Version, VersionError};
