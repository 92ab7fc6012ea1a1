//! Layer 3: the semantic rules of spec §2.6 (warnings only).

use crate::contract::{Contract, text};
use crate::diagnostic::{Code, Diagnostic, Layer, Severity};
use crate::syntax::{FieldPath, Node, PathStyle};

use super::anchor_span;

pub fn check(root: &Node, contract: &Contract) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(runtime) = &contract.runtime else {
        return out;
    };
    let Some(lifecycle) = &runtime.lifecycle else {
        return out;
    };
    if text(&lifecycle.upgrade_strategy) == "ordered" && text(&runtime.state.kind) == "stateless" {
        let path = FieldPath::root().key("runtime").key("lifecycle").key("upgradeStrategy");
        out.push(Diagnostic {
            code: Code::UpgradeStrategyStateMismatch,
            severity: Severity::Warning,
            layer: Layer::Semantic,
            span: anchor_span(root, &path),
            path,
            path_style: PathStyle::Bracketed,
            message: "ordered upgrade strategy is typically used with stateful services, but state is stateless"
                .to_owned(),
            related: Vec::new(),
            rule: None,
        });
    }
    out
}
