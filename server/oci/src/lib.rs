//! Pacto bundles as OCI artifacts: reproducible archives and safe extraction (`bundle`), the artifact's
//! manifest and config (`layout`), the content-addressed disk cache (`cache`), and the registry side:
//! references, transport, credentials, the client and pulls through the cache.

pub mod atomic;
pub mod bundle;
pub mod cache;
pub mod client;
pub mod credentials;
pub mod digest;
pub mod env;
pub mod error;
pub mod extracted;
pub mod fetch;
pub mod graph_fetch;
pub mod layout;
pub mod limits;
pub mod lock;
pub mod login;
pub mod origin;
pub mod progress;
pub mod reference;
pub mod resolver;
pub mod transport;

pub use bundle::{Archive, Bundle, Entry, PackOptions, extract, pack};
pub use cache::{Cache, Network, TagEntry};
pub use client::{Client, Pulled, block_on};
pub use credentials::Credential;
pub use digest::Digest;
pub use env::Env;
pub use error::{CacheError, Error, RegistryError};
pub use fetch::{Fetched, Source, fetch, resolve, resolve_within};
pub use limits::Limits;
pub use progress::{Direction, Progress};
pub use reference::Reference;
pub use transport::{ClientOptions, Timeouts};
