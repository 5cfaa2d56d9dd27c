//! A sliding window of failures per key (e.g. wrong appointment codes per kiosk): after
//! `max` failures within `window` the key is refused until the oldest of them is older than
//! the window. An attempt is decided and counted as a failure in one step, under one lock,
//! and forgotten again when it did not fail: attempts sent together cannot all pass a count
//! none of them has raised yet. Time is passed in; the state is small and lives in memory (a
//! restart forgets it, which costs a guesser one window at most).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// How many keys are remembered at most; the quietest are forgotten first.
const MAX_KEYS: usize = 10_000;

pub struct FailureWindow {
    max: usize,
    window: Duration,
    state: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    next_id: u64,
    by_key: HashMap<String, VecDeque<(DateTime<Utc>, u64)>>,
}

/// An attempt let through and counted as a failure until [`FailureWindow::forget`].
#[derive(Debug)]
#[must_use = "an attempt counts as a failure until it is forgotten"]
pub struct Attempt {
    key: String,
    id: u64,
}

impl FailureWindow {
    pub fn new(max: usize, window: Duration) -> FailureWindow {
        FailureWindow {
            max,
            window,
            state: Mutex::new(Failures::default()),
        }
    }

    /// Whether `key` may try at `now`; if so the attempt counts as a failure from now on.
    pub fn begin(&self, key: &str, now: DateTime<Utc>) -> Option<Attempt> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let cutoff = now - self.window;
        if state.by_key.len() >= MAX_KEYS && !state.by_key.contains_key(key) {
            state.by_key.retain(|_, times| {
                forget_before(times, cutoff);
                !times.is_empty()
            });
        }
        let id = state.next_id;
        let times = state.by_key.entry(key.to_owned()).or_default();
        forget_before(times, cutoff);
        if times.len() >= self.max {
            return None;
        }
        times.push_back((now, id));
        state.next_id += 1;
        Some(Attempt {
            key: key.to_owned(),
            id,
        })
    }

    /// The attempt did not fail (it succeeded, or failed for a reason that is no guess).
    pub fn forget(&self, attempt: Attempt) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(times) = state.by_key.get_mut(&attempt.key) {
            times.retain(|(_, id)| *id != attempt.id);
            if times.is_empty() {
                state.by_key.remove(&attempt.key);
            }
        }
    }
}

fn forget_before(times: &mut VecDeque<(DateTime<Utc>, u64)>, cutoff: DateTime<Utc>) {
    while times.front().is_some_and(|(at, _)| *at <= cutoff) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_key_is_refused_after_max_failures_until_the_window_moves_on() {
        let window = FailureWindow::new(3, Duration::minutes(1));
        let start = Utc
            .with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
            .single()
            .expect("time");
        let at = |second| start + Duration::seconds(second);
        // Attempts count from the moment they are let through, before their outcome.
        let pending: Vec<Attempt> = (0..3)
            .map(|second| window.begin("kiosk-1", at(second)).expect("allowed"))
            .collect();
        assert!(window.begin("kiosk-1", at(10)).is_none());
        // One that did not fail gives its place back.
        let mut pending = pending.into_iter();
        window.forget(pending.next().expect("an attempt"));
        let again = window.begin("kiosk-1", at(11)).expect("allowed again");
        assert!(window.begin("kiosk-1", at(12)).is_none());
        assert!(window.begin("kiosk-2", at(12)).is_some(), "per key");
        assert!(window.begin("kiosk-1", at(59)).is_none());
        // The window moves on: the failures at 1 and 2 s are forgotten by 62 s.
        assert!(window.begin("kiosk-1", at(62)).is_some());
        drop((pending, again));
    }
}
