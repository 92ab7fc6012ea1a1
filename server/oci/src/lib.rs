//! Pacto bundles as OCI artifacts: reproducible archives and safe extraction (`bundle`), the artifact's
//! manifest and config (`layout`) and the content-addressed disk cache (`cache`). No network code yet.

mod atomic;
pub mod bundle;
pub mod cache;
pub mod digest;
pub mod error;
pub mod layout;
pub mod limits;

pub use bundle::{Archive, Bundle, Entry, PackOptions, extract, pack};
pub use cache::{Cache, Network, TagEntry};
pub use digest::Digest;
pub use error::{CacheError, Error};
pub use limits::Limits;
