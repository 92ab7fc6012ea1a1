//! Memory given back to the system once the server has been quiet a moment. glibc keeps in its arenas the pages a
//! burst of edits freed (a big contract's analyses, its publish frames); `malloc_trim` returns them, so an editor
//! left open on the 5,000-line contract holds ~18 MB instead of ~23 MB (bench/README.md, session 10). Never on the
//! keystroke path: a trim walks the heap, and the next burst touches the pages again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Quiet time after the last finished analysis before memory is trimmed.
pub const TRIM_AFTER: Duration = Duration::from_secs(2);

pub struct Idle {
    after: Duration,
    /// Analyses finished so far: a trim waits for this to stand still.
    finished: AtomicU64,
    trims: AtomicU64,
}

impl Default for Idle {
    fn default() -> Idle {
        Idle::after(TRIM_AFTER)
    }
}

impl Idle {
    pub fn after(quiet: Duration) -> Idle {
        Idle { after: quiet, finished: AtomicU64::new(0), trims: AtomicU64::new(0) }
    }

    /// A document's work finished: memory is trimmed unless more finishes within the quiet time.
    pub fn finished(self: &Arc<Self>) {
        let mark = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        let idle = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(idle.after).await;
            if idle.finished.load(Ordering::SeqCst) == mark && crate::pool::spawn(trim).await.is_ok() {
                idle.trims.fetch_add(1, Ordering::SeqCst);
            }
        });
    }

    #[cfg(test)]
    fn trims(&self) -> u64 {
        self.trims.load(Ordering::SeqCst)
    }
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free pages of glibc's own arenas back; no allocation is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::Idle;

    /// One trim after a burst, once it has been quiet for the whole delay; none while work keeps finishing.
    #[tokio::test]
    async fn a_burst_is_trimmed_once_after_the_quiet_time() {
        let idle = Arc::new(Idle::after(Duration::from_millis(200)));
        for _ in 0..5 {
            idle.finished();
        }
        assert_eq!(idle.trims(), 0, "not before the quiet time");
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(idle.trims(), 1, "the burst's last analysis trims, the earlier ones see it and do not");
        idle.finished();
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(idle.trims(), 2);
    }
}
