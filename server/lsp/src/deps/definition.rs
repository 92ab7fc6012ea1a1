//! Go to definition on an `oci://` ref: the pulled bundle extracted once below the cache, read-only,
//! as real files, so every editor can open its `pacto.yaml` (and its own refs navigate further).

use std::path::PathBuf;

use pacto_oci::extracted::extracted_bundle;

use super::resolve::State;
use super::{Field, at};
use crate::analysis::Analysis;

pub fn definition(analysis: &Analysis, state: &State, offset: usize) -> Option<PathBuf> {
    let at = at(analysis, offset)?;
    if at.field != Field::Ref {
        return None;
    }
    let outcome = state.outcome(at.key.as_ref()?)?;
    let found = outcome.result.as_ref().ok()?;
    let resolved = &found.resolved;
    match extracted_bundle(&state.extraction_cache(), &resolved.digest, &resolved.bundle) {
        Ok(dir) => Some(dir.join("pacto.yaml")),
        Err(err) => {
            tracing::warn!("extracting {} failed: {err}", resolved.reference);
            None
        }
    }
}
