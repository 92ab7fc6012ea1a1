//! What the providers (the registry resolver, the `oci://` policy bundles, the baselines, the workspace index) say when they learn
//! something. They fetch in the background and know neither the client nor the handlers: the server reads these
//! messages in one task and decides what to refresh.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::session::Session;

/// One piece of news from a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Learned {
    /// Dependency resolutions landed: inlay hints, lenses and diagnostics read them.
    Registry,
    /// A policy bundle arrived or changed: validation reads it, so the analyses are made again.
    Policies,
    /// A published version or a file at git HEAD arrived or changed.
    Baseline,
    /// How far a batch of dependency resolutions has come, for `$/progress`.
    Progress(Progress),
    /// The workspace index took in a scan or a file: what one contract shows of the others (the used-by lenses,
    /// the impact findings) may have changed.
    Workspace,
    /// How far a scan of the workspace folders has come, for `$/progress`.
    Indexing(Indexing),
}

/// The two steps of one workspace scan, under the scan's generation: a scan has no known total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Indexing {
    Begin {
        generation: u64,
    },
    /// `n_contracts` now indexed, or `None` when the scan failed.
    End {
        generation: u64,
        n_contracts: Option<usize>,
    },
}

/// The steps of one batch's progress, in order, under the batch's own id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    Begin { id: u64, n_total: usize },
    Report { id: u64, n_done: usize, n_total: usize },
    End { id: u64 },
}

/// What a provider works with: the session's stores and settings, and where to say what it learned.
#[derive(Clone)]
pub struct Ctx {
    pub session: Arc<Session>,
    learned: UnboundedSender<Learned>,
}

impl Ctx {
    pub fn new(session: Arc<Session>, learned: UnboundedSender<Learned>) -> Ctx {
        Ctx { session, learned }
    }

    pub fn say(&self, news: Learned) {
        // The receiver goes only with the server: then nobody is left to refresh.
        let _ = self.learned.send(news);
    }
}
