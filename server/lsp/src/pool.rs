//! The threads that analyse documents and answer requests, apart from the runtime's blocking pool.
//!
//! The registry client looks host names up on the runtime's blocking pool (`getaddrinfo` cannot be awaited), and a
//! resolver that does not answer holds each of those threads for its whole timeout (5 s per try with glibc). When
//! analyses shared that pool, a contract with many `oci://` dependencies on an unreachable registry queued every
//! publish behind the lookups (issue #15: ~5 s per edit, some never published). Here nothing but analyses and
//! feature work runs, so the network can only ever delay what comes from the network.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::JoinHandle;

/// Threads for analyses and requests: a few, since each may hold a large document's memory for a while (the replay
/// benchmark measures peak RSS), yet more than one so a request is not queued behind a big version's analysis.
pub const ANALYSIS_THREADS: usize = 4;

/// Analyses of texts from this size on are freed on the analysis threads, off the path of the edit that replaced them.
pub const DROP_APART_FROM_BYTES: usize = 64 * 1024;

/// Runs `work` on the analysis threads. Awaiting the handle works from any runtime.
pub fn spawn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> JoinHandle<T> {
    match pool() {
        Some(handle) => handle.spawn_blocking(work),
        // No thread could be made for the pool: the caller's runtime does the work, as before it existed.
        None => tokio::task::spawn_blocking(work),
    }
}

fn pool() -> Option<&'static Handle> {
    static POOL: OnceLock<Option<Runtime>> = OnceLock::new();
    let runtime = POOL.get_or_init(|| {
        // Only its blocking pool is used: nothing is ever spawned on its scheduler, so it needs no driving thread.
        let built =
            Builder::new_current_thread().max_blocking_threads(ANALYSIS_THREADS).thread_name("pacto-analysis").build();
        built.inspect_err(|err| tracing::error!("no analysis threads: {err}")).ok()
    });
    runtime.as_ref().map(Runtime::handle)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// With the runtime's blocking pool full of work that does not end (lookups of a silent resolver), analyses still
    /// run at once. The runtime is built as the server builds its own, with a small blocking pool.
    #[test]
    fn analyses_do_not_queue_behind_the_runtimes_blocking_pool() {
        let runtime =
            Builder::new_multi_thread().worker_threads(1).max_blocking_threads(2).enable_all().build().unwrap();
        let mut releases = Vec::new();
        for _ in 0..2 {
            let (release, wait) = mpsc::channel::<()>();
            releases.push(release);
            runtime.spawn_blocking(move || wait.recv_timeout(Duration::from_secs(60)));
        }
        let analysed = runtime.block_on(async {
            let work = async { futures_of(8).await };
            tokio::time::timeout(Duration::from_secs(10), work).await
        });
        assert_eq!(analysed.ok(), Some((0..8).collect::<Vec<_>>()));
        drop(releases);
    }

    async fn futures_of(n: usize) -> Vec<usize> {
        let handles: Vec<_> = (0..n).map(|idx| spawn(move || idx)).collect();
        let mut out = Vec::new();
        for handle in handles {
            out.push(handle.await.unwrap());
        }
        out
    }
}
