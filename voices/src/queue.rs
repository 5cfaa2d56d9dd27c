//! The announcement queue of a display: calls are said one after the other in the order they
//! came; a call that waited longer than `max_age` for its turn is dropped (its visitor has
//! seen the board by then). Pure: the time is an input.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct AnnouncementQueue<T> {
    pending: VecDeque<(T, Instant)>,
    max_age: Duration,
    dropped: u64,
}

impl<T> AnnouncementQueue<T> {
    pub fn new(max_age: Duration) -> AnnouncementQueue<T> {
        AnnouncementQueue {
            pending: VecDeque::new(),
            max_age,
            dropped: 0,
        }
    }

    /// A call that arrived at `at`.
    pub fn push(&mut self, item: T, at: Instant) {
        self.pending.push_back((item, at));
    }

    /// The next call to say at `now`, dropping those that are too old.
    pub fn next(&mut self, now: Instant) -> Option<T> {
        while let Some((item, at)) = self.pending.pop_front() {
            if now.saturating_duration_since(at) <= self.max_age {
                return Some(item);
            }
            self.dropped += 1;
        }
        None
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Calls dropped as too old so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_comes_out_in_order_and_stale_calls_are_dropped() {
        let start = Instant::now();
        let ms = |n: u64| start + Duration::from_millis(n);
        let mut queue = AnnouncementQueue::new(Duration::from_secs(10));
        queue.push("A-1", ms(0));
        queue.push("A-2", ms(100));
        queue.push("A-3", ms(200));
        assert_eq!(queue.next(ms(0)), Some("A-1"));
        // A-1 takes 9 s: A-2 is 8.9 s old, still said; A-3 waits for it.
        assert_eq!(queue.next(ms(9_000)), Some("A-2"));
        // A-2 takes 9 s as well: A-3 is now 17.8 s old.
        assert_eq!(queue.next(ms(18_000)), None);
        assert_eq!(queue.dropped(), 1);
        assert!(queue.is_empty());
    }
}
