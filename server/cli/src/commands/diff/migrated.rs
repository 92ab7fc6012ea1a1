//! How `pacto diff` shows a 1.0/2.0 pair, which the core compares through the migration
//! (`pacto_core::diff::mixed`): the fields the migration left out, after the diff, as information.

use pacto_core::diff::Alignment;
use pacto_core::diff::render::alignment_lines;
use serde_json::{Value, json};

/// The root pair's failure to align, as the command's error.
pub(super) fn failure(alignment: &Alignment) -> Option<String> {
    alignment.failure.as_ref().map(|it| format!("{} contract: {it}", alignment.side.as_str()))
}

/// The text (and Markdown) section after the root's diff.
pub(super) fn text(alignment: &Alignment) -> String {
    let mut out = String::from("\n");
    alignment_lines(&mut out, "", alignment);
    out
}

/// `"migration"` in the JSON report (the root's and each dependency's).
pub(super) fn json(alignment: &Alignment) -> Value {
    let dropped: Vec<Value> =
        alignment.dropped.iter().map(|it| json!({"path": it.path, "message": it.message})).collect();
    let mut out = json!({"side": alignment.side.as_str(), "dropped": dropped});
    if let (Some(failure), Some(map)) = (&alignment.failure, out.as_object_mut()) {
        map.insert("failure".into(), json!(failure));
    }
    out
}
