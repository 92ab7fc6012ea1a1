//! "Who depends on this contract?" in the editor: on `service` or `service.name`, every dependency
//! entry of the workspace that points at the contract (its local path resolving to the bundle, or its
//! `oci://` repository being where the contract is published), each at the line of its `ref`.

use std::path::PathBuf;

use pacto_core::syntax::Span;
use pacto_core::workspace::{Entry, Index};

use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};

/// Why `service.name` is not renamed: the prepareRename error an editor shows.
pub const NOT_RENAMED: &str = "renaming a service is not offered across files: other contracts point at it by its \
oci:// repository or its path, not by service.name (find them with references on the name)";

/// A dependency entry pointing at the contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The depending contract's file.
    pub path: PathBuf,
    /// 1-based line of its `ref`.
    pub line: usize,
}

/// The service's declaration when the cursor is on the `service` key or on `service.name` (key or
/// value): the span of the name's value, else of the `service` key.
pub fn service_at(analysis: &Analysis, offset: usize) -> Option<Span> {
    let root = analysis.root()?;
    let (path, hit) = node_at(root, offset)?;
    let on_service = matches!((path.keys().as_slice(), hit), (["service"], Hit::Key { .. }) | (["service", "name"], _));
    if !on_service {
        return None;
    }
    let service = root.entry("service")?;
    Some(service.value.get("name").map_or(service.key.span, |it| it.span))
}

/// The dependency entries of the workspace pointing at `entry` (the buffer's reading of the contract,
/// which may be newer than the index's), sorted by file then position.
pub fn dependents(index: &Index, entry: &Entry) -> Vec<Site> {
    (index.dependents_of(entry).iter())
        .filter_map(|id| Some(Site { path: id.path.clone(), line: index.dependency(id)?.line }))
        .collect()
}

/// How many services depend on the contract: depending contracts, each counted once however many of
/// its entries point here.
pub fn n_services(sites: &[Site]) -> usize {
    let mut paths: Vec<&PathBuf> = sites.iter().map(|it| &it.path).collect();
    paths.dedup();
    paths.len()
}

/// The title of the lens on `service`; `None` while the first scan runs.
pub fn lens_title(n_services: Option<usize>) -> String {
    match n_services {
        None => "used by: indexing the workspace…".to_owned(),
        Some(1) => "used by 1 service".to_owned(),
        Some(n) => format!("used by {n} services"),
    }
}
