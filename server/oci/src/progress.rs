//! What a registry transfer reports while it runs, for a progress display. The library only counts bytes;
//! drawing belongs to the CLI, which shows a bar on a terminal and nothing anywhere else.

/// Which way the bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Upload,
    Download,
}

/// Told about each layer transfer: its start and size, the bytes as they move, its end (also on failure).
pub trait Progress: Send + Sync {
    fn start(&self, direction: Direction, total_bytes: u64);
    fn advance(&self, n_bytes: u64);
    fn finish(&self);
}

/// Calls [`Progress::finish`] when dropped, so a failed or abandoned transfer clears its display too.
pub(crate) struct Transfer<'a>(Option<&'a dyn Progress>);

impl<'a> Transfer<'a> {
    pub(crate) fn start(progress: Option<&'a dyn Progress>, direction: Direction, total_bytes: u64) -> Transfer<'a> {
        if let Some(progress) = progress {
            progress.start(direction, total_bytes);
        }
        Transfer(progress)
    }

    pub(crate) fn advance(&self, n_bytes: u64) {
        if let Some(progress) = self.0 {
            progress.advance(n_bytes);
        }
    }
}

impl Drop for Transfer<'_> {
    fn drop(&mut self) {
        if let Some(progress) = self.0 {
            progress.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::{Direction, Progress, Transfer};

    #[derive(Default)]
    struct Recorded(Mutex<Vec<String>>);

    impl Progress for Recorded {
        fn start(&self, direction: Direction, total_bytes: u64) {
            self.0.lock().unwrap().push(format!("start {direction:?} {total_bytes}"));
        }

        fn advance(&self, n_bytes: u64) {
            self.0.lock().unwrap().push(format!("advance {n_bytes}"));
        }

        fn finish(&self) {
            self.0.lock().unwrap().push("finish".to_owned());
        }
    }

    #[test]
    fn transfer_reports_start_bytes_and_finish_even_when_abandoned() {
        let recorded = Recorded::default();
        let transfer = Transfer::start(Some(&recorded), Direction::Download, 10);
        transfer.advance(4);
        transfer.advance(6);
        drop(transfer);
        // An upload that fails half way: the transfer is dropped early, and still finishes.
        let failed = || -> Result<(), ()> {
            let transfer = Transfer::start(Some(&recorded), Direction::Upload, 3);
            transfer.advance(1);
            Err(())
        };
        assert!(failed().is_err());
        assert_eq!(
            *recorded.0.lock().unwrap(),
            ["start Download 10", "advance 4", "advance 6", "finish", "start Upload 3", "advance 1", "finish"]
        );
        // Without a display, nothing to tell.
        Transfer::start(None, Direction::Upload, 3).advance(3);
    }
}
