//! County reports take turns and have a size: computing days whose sums are not kept yet
//! takes both cores for a while (a year of 50 buildings with 600 visits a day: about 17
//! million legs and visits, 11 s), so only `reports_at_once` are computed at a time, the rest
//! wait (counted for `/metrics`), and a report with more than `report_cells_max` legs and
//! visits still to compute is refused before anything is read.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

#[derive(Debug)]
pub struct Turns {
    permits: Semaphore,
    at_once: usize,
    waiting: AtomicUsize,
    /// The most legs and visits one report may have to compute.
    pub cells_max: u64,
}

impl Turns {
    /// At most `at_once` turns at a time (at least one), each report of at most `cells_max`
    /// legs and visits.
    pub fn new(at_once: usize, cells_max: u64) -> Turns {
        let at_once = at_once.max(1);
        Turns {
            permits: Semaphore::new(at_once),
            at_once,
            waiting: AtomicUsize::new(0),
            cells_max,
        }
    }

    /// Waits for a turn; the turn ends when the returned permit is dropped. A caller that
    /// gives up waiting (its request dropped) stops counting as waiting.
    pub async fn take(&self) -> SemaphorePermit<'_> {
        let _waiting = Waiting::count(&self.waiting);
        let permit = self.permits.acquire().await;
        match permit {
            Ok(permit) => permit,
            Err(_) => unreachable!("the turns' semaphore is never closed"),
        }
    }

    /// Turns being taken now.
    pub fn running(&self) -> usize {
        self.at_once - self.permits.available_permits()
    }

    /// Callers waiting for a turn.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

/// One caller counted in `Turns::waiting` for as long as it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(waiting: &'a AtomicUsize) -> Waiting<'a> {
        waiting.fetch_add(1, Ordering::SeqCst);
        Waiting(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_report_waits_until_the_first_is_done() {
        let turns = std::sync::Arc::new(Turns::new(1, u64::MAX));
        let first = turns.take().await;
        assert_eq!((turns.running(), turns.waiting()), (1, 0));
        let (started, mut told) = tokio::sync::oneshot::channel();
        let second = tokio::spawn({
            let turns = std::sync::Arc::clone(&turns);
            async move {
                let _turn = turns.take().await;
                let _ = started.send(());
            }
        });
        while turns.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(
            told.try_recv().is_err(),
            "the second runs only after the first"
        );
        drop(first);
        second.await.unwrap();
        assert_eq!((turns.running(), turns.waiting()), (0, 0));
        assert_eq!(Turns::new(0, u64::MAX).at_once, 1, "at least one");
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_waiting_stops_counting() {
        let turns = Turns::new(1, u64::MAX);
        let _first = turns.take().await;
        let gave_up =
            tokio::time::timeout(std::time::Duration::from_millis(20), turns.take()).await;
        assert!(gave_up.is_err(), "no turn while the first holds it");
        assert_eq!(turns.waiting(), 0);
    }
}
