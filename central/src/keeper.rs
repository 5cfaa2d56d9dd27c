//! Keeps the county statistics page's default report ready ahead of requests. A building's
//! pushed days are noted (after a new profile: all its days); once the building has been
//! quiet for `QUIET`, the parts a report split by service would use for those days are
//! computed and kept (`county_stats::keep`), one building at a time, in the background. So
//! the first report after new days does not compute them, and a building pushing a year
//! computes each month once, not once per day. An instance keeps what it was pushed, and on
//! starting what any instance was pushed in the last `RECENT`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Tz;
use deadpool_postgres::Pool;
use lotse_queue_server::http::Clock;
use std::time::Instant;
use tokio::sync::Notify;

use crate::county_stats;
use crate::db::days;

/// How long a building must be quiet before its noted days are kept.
pub const QUIET: Duration = Duration::from_secs(2);

/// How long a building whose parts could not be kept waits before the next try.
pub const RETRY: Duration = Duration::from_secs(60);

/// How far back an instance starting looks for pushed days to keep.
pub const RECENT: chrono::Duration = chrono::Duration::days(7);

/// What a building pushed since its parts were last kept.
#[derive(Debug, Default)]
struct Noted {
    last: Option<Instant>,
    days: BTreeSet<NaiveDate>,
    /// Every stored day (its profile changed).
    all: bool,
}

#[derive(Debug, Default)]
pub struct Keeper {
    noted: Mutex<BTreeMap<String, Noted>>,
    /// Buildings taken out of the notes and being kept now.
    keeping: AtomicUsize,
    wake: Notify,
}

impl Keeper {
    /// Notes that `building` pushed `day`.
    pub fn day(&self, building: &str, day: NaiveDate) {
        self.note(building, Some(Instant::now()), |noted| {
            noted.days.insert(day);
        });
    }

    /// Notes that every day of `building` is to be kept again (a new profile).
    pub fn all_days(&self, building: &str) {
        self.note(building, Some(Instant::now()), |noted| noted.all = true);
    }

    /// Notes a change of `building` made `at` (none: long enough ago to be quiet).
    fn note(&self, building: &str, at: Option<Instant>, change: impl FnOnce(&mut Noted)) {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        let entry = noted.entry(building.to_owned()).or_default();
        change(entry);
        entry.last = entry.last.max(at);
        drop(noted);
        self.wake.notify_one();
    }

    /// Buildings whose noted days are not kept yet, being kept included (`/metrics`).
    pub fn waiting(&self) -> usize {
        self.noted.lock().map_or(0, |noted| noted.len()) + self.keeping.load(Ordering::SeqCst)
    }

    /// The buildings quiet since `QUIET` before `now`, taken out of the notes.
    fn take_quiet(&self, now: Instant) -> Vec<(String, Noted)> {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        let quiet: Vec<String> = noted
            .iter()
            .filter(|(_, n)| n.last.is_none_or(|last| now.duration_since(last) >= QUIET))
            .map(|(building, _)| building.clone())
            .collect();
        let taken: Vec<(String, Noted)> = quiet
            .into_iter()
            .filter_map(|building| noted.remove_entry(&building))
            .collect();
        self.keeping.fetch_add(taken.len(), Ordering::SeqCst);
        taken
    }

    /// Keeps noted days for ever (spawned by `lotse_central::run`). A building whose parts
    /// could not be kept (the database away) is noted again and tried after `RETRY`.
    pub async fn run(&self, pool: Pool, clock: Clock, zone: Tz) {
        // What arrived shortly before this instance started may not be kept yet (it was
        // stopped, or another instance took the pushes and stopped): noted as quiet.
        match days::received_since(&pool, clock() - RECENT).await {
            Ok(recent) => {
                for (building, day) in recent {
                    self.note(&building, None, |noted| {
                        noted.days.insert(day);
                    });
                }
            }
            Err(error) => tracing::warn!(%error, "could not read the recently pushed days"),
        }
        loop {
            let quiet = self.take_quiet(Instant::now());
            if quiet.is_empty() {
                let pending = self.noted.lock().map_or(true, |noted| !noted.is_empty());
                tokio::select! {
                    () = self.wake.notified(), if !pending => {}
                    () = tokio::time::sleep(QUIET / 2) => {}
                }
                continue;
            }
            for (building, noted) in quiet {
                let today = clock().with_timezone(&zone).date_naive();
                match keep(&pool, &building, &noted, today).await {
                    Ok(computed) => {
                        tracing::debug!(building, computed, "kept the report parts of new days");
                    }
                    Err(error) => {
                        tracing::warn!(building, %error, "could not keep report parts; trying again");
                        let mut again = self.noted.lock().unwrap_or_else(|e| e.into_inner());
                        let entry = again.entry(building).or_default();
                        entry.days.extend(noted.days);
                        entry.all |= noted.all;
                        // Quiet again `QUIET` after this instant.
                        entry.last = Some(Instant::now() + RETRY);
                    }
                }
                self.keeping.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

async fn keep(
    pool: &Pool,
    building: &str,
    noted: &Noted,
    today: NaiveDate,
) -> Result<usize, crate::error::CentralError> {
    let mut days = noted.days.clone();
    if noted.all {
        days.extend(days::stored(pool, building).await?);
    }
    county_stats::keep(pool, building, &days, today).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_building_is_kept_once_it_has_been_quiet() {
        let keeper = Keeper::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        let start = Instant::now();
        let add_day = |n: &mut Noted| {
            n.days.insert(day);
        };
        keeper.note("a", Some(start), add_day);
        keeper.note("b", Some(start), add_day);
        assert!(keeper.take_quiet(start).is_empty(), "not quiet yet");
        let later = start + QUIET;
        keeper.note("b", Some(later), |n| {
            n.days.insert(day.succ_opt().expect("a day"));
        });
        keeper.note("b", Some(later), |n| n.all = true);
        let quiet = keeper.take_quiet(later);
        assert_eq!(quiet.len(), 1);
        assert_eq!(quiet[0].0, "a");
        assert_eq!(keeper.waiting(), 2, "b is still pushing, a is being kept");
        keeper.keeping.fetch_sub(1, Ordering::SeqCst);
        let quiet = keeper.take_quiet(later + QUIET);
        assert_eq!(quiet[0].0, "b");
        assert_eq!(quiet[0].1.days.len(), 2);
        assert!(quiet[0].1.all);
        keeper.keeping.fetch_sub(1, Ordering::SeqCst);
        assert_eq!(keeper.waiting(), 0);
        // A building that failed waits `RETRY` before it is quiet again.
        keeper.note("c", Some(later + RETRY), add_day);
        assert!(keeper.take_quiet(later + QUIET).is_empty());
        assert_eq!(keeper.take_quiet(later + RETRY + QUIET).len(), 1);
    }
}
