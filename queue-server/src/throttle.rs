//! A sliding window of failures per key (e.g. wrong appointment codes per kiosk): after
//! `max` failures within `window` the key is refused until the oldest of them is older than
//! the window. Time is passed in; the state is small and lives in memory (a restart forgets
//! it, which costs a guesser one window at most).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// How many keys are remembered at most; the quietest are forgotten first.
const MAX_KEYS: usize = 10_000;

pub struct FailureWindow {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl FailureWindow {
    pub fn new(max: usize, window: Duration) -> FailureWindow {
        FailureWindow {
            max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` may try again at `now`.
    pub fn allows(&self, key: &str, now: DateTime<Utc>) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        match failures.get_mut(key) {
            Some(times) => {
                forget_before(times, now - self.window);
                times.len() < self.max
            }
            None => true,
        }
    }

    /// Counts a failure of `key` at `now`.
    pub fn fail(&self, key: &str, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= MAX_KEYS && !failures.contains_key(key) {
            let cutoff = now - self.window;
            failures.retain(|_, times| {
                forget_before(times, cutoff);
                !times.is_empty()
            });
        }
        let times = failures.entry(key.to_owned()).or_default();
        forget_before(times, now - self.window);
        times.push_back(now);
    }
}

fn forget_before(times: &mut VecDeque<DateTime<Utc>>, cutoff: DateTime<Utc>) {
    while times.front().is_some_and(|at| *at <= cutoff) {
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
        for second in 0..3 {
            assert!(window.allows("kiosk-1", start + Duration::seconds(second)));
            window.fail("kiosk-1", start + Duration::seconds(second));
        }
        assert!(!window.allows("kiosk-1", start + Duration::seconds(10)));
        assert!(
            window.allows("kiosk-2", start + Duration::seconds(10)),
            "per key"
        );
        assert!(!window.allows("kiosk-1", start + Duration::seconds(59)));
        assert!(window.allows("kiosk-1", start + Duration::seconds(61)));
    }
}
