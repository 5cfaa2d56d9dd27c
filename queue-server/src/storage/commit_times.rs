//! How long the writer's commits take (`fsync` included): a histogram with fixed buckets,
//! counted with atomics by the writer thread and read by `GET /metrics`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The upper bounds of the buckets, in seconds.
pub const BOUNDS: [f64; 10] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

#[derive(Debug, Default)]
pub struct CommitTimes {
    /// Commits at or below each bound (not cumulative; the last slot counts the rest).
    buckets: [AtomicU64; BOUNDS.len() + 1],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// A reading: cumulative counts per bound (Prometheus `le`), count and sum in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitSnapshot {
    pub cumulative: Vec<(f64, u64)>,
    pub count: u64,
    pub sum_seconds: f64,
}

impl CommitTimes {
    pub fn record(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        let index = BOUNDS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BOUNDS.len());
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> CommitSnapshot {
        let mut running = 0;
        let cumulative = BOUNDS
            .iter()
            .zip(&self.buckets)
            .map(|(bound, n)| {
                running += n.load(Ordering::Relaxed);
                (*bound, running)
            })
            .collect();
        CommitSnapshot {
            cumulative,
            count: self.count.load(Ordering::Relaxed),
            sum_seconds: self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_count_into_their_bucket_and_every_bucket_above() {
        let times = CommitTimes::default();
        times.record(Duration::from_micros(300));
        times.record(Duration::from_millis(3));
        times.record(Duration::from_secs(2));
        let s = times.snapshot();
        assert_eq!(s.count, 3);
        assert_eq!(s.cumulative[0], (0.0005, 1));
        assert_eq!(s.cumulative[3], (0.005, 2));
        assert_eq!(
            s.cumulative[9],
            (1.0, 2),
            "2 s is above every bound (+Inf only)"
        );
        assert!((s.sum_seconds - 2.0033).abs() < 1e-9);
    }
}
