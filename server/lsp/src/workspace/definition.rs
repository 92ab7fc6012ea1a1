//! Go to definition on an `oci://` dependency ref that a workspace contract is published to: the
//! contract's source in the workspace, offered before the pulled bundle (issue #18), since that is
//! the file one edits.

use std::path::{Path, PathBuf};

use pacto_core::contract::oci_ref::DependencyRef;
use pacto_core::workspace::{Dependency, Index, target_of};

use crate::analysis::Analysis;
use crate::cursor::{Hit, node_at};

/// The workspace contracts the `oci://` ref under the cursor points at (the buffer's own file aside),
/// by path. A local ref already goes to its bundle's file.
pub fn sources(index: &Index, analysis: &Analysis, path: &Path, offset: usize) -> Vec<PathBuf> {
    let Some((field, Hit::Value(node))) = analysis.root().and_then(|it| node_at(it, offset)) else {
        return Vec::new();
    };
    let reference = node.scalar_text().unwrap_or_default();
    if field.keys().as_slice() != ["dependencies", "ref"]
        || !matches!(DependencyRef::classify(reference), DependencyRef::Oci(_))
    {
        return Vec::new();
    }
    let dependency = Dependency {
        name: String::new(),
        reference: reference.to_owned(),
        compatibility: String::new(),
        line: 0,
        compatibility_line: 0,
        target: target_of(reference, path.parent().unwrap_or(Path::new(""))),
    };
    (index.targets(&dependency).into_iter()).filter(|it| it.path != path).map(|it| it.path.clone()).collect()
}
