//! One module per LSP capability: each takes an analysis, what the registry and the baselines already know
//! ([`Known`]) and a byte offset, merges the contract's answer with theirs, and returns plain data with byte spans.

pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod hover;
pub mod inlay_hint;
pub mod links;
pub mod migrate;
pub mod references;
pub mod rename;
pub mod structure;
pub mod symbols;

#[cfg(test)]
mod tests;

use crate::{deps, lens, workspace};

/// What the registry, the baselines and the workspace index have already answered, read-only: a feature reads it and
/// never waits for the network or a scan.
/// The handler builds one per request from the session's stores.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    pub registry: &'a deps::State,
    pub policies: &'a deps::policy_refs::State,
    pub baselines: &'a lens::State,
    pub workspace: &'a workspace::State,
}

impl<'a> Known<'a> {
    /// What the session's stores know now.
    pub fn of(session: &'a crate::session::Session) -> Known<'a> {
        Known {
            registry: &session.deps,
            policies: &session.policy_refs,
            baselines: &session.lens,
            workspace: &session.workspace,
        }
    }
}
