//! The definitions of the figures, each once: a leg's start, wait, walk and service time,
//! its outcome, and the summaries (mean, median, p90, max) over them. Pure: no SQL, no
//! clock. README ("Statistics") lists the same definitions in words.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use lotse_protocol::StopStatus;

use super::Leg;
use super::cells::Durations;

/// How a leg ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumCount
)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// Finished at a desk.
    Served,
    /// Called, recalled, not come.
    NoShow,
    /// Left before being called: cancelled (the day closed) without a call, planned later
    /// concerns never reached included.
    WalkOut,
    /// Handed to another service (the new service is a new leg).
    Transferred,
    /// Parked and not finished: still parked, or called and closed unfinished when the day
    /// ended.
    Parked,
    /// Still running (today): waiting, pending, called or being served.
    Open,
}

/// The outcome of a leg.
pub fn outcome(leg: &Leg) -> Outcome {
    match leg.status {
        StopStatus::Done => Outcome::Served,
        StopStatus::NoShow => Outcome::NoShow,
        StopStatus::Transferred => Outcome::Transferred,
        StopStatus::Parked => Outcome::Parked,
        StopStatus::Cancelled if leg.called_at.is_some() => Outcome::Parked,
        StopStatus::Cancelled => Outcome::WalkOut,
        StopStatus::Pending | StopStatus::Waiting | StopStatus::Called | StopStatus::Serving => {
            Outcome::Open
        }
    }
}

/// When each leg began to wait, in the order of `legs`: its queue time, but not before the
/// previous leg of the same visit ended (a later concern and a transfer placed at the front
/// keep the visit's arrival as their queue time, for fairness in the line; their wait
/// starts when the visitor is sent on).
pub fn starts(legs: &[Leg]) -> Vec<DateTime<Utc>> {
    let mut order: Vec<usize> = (0..legs.len()).collect();
    order.sort_by_key(|&i| (legs[i].visit, legs[i].position, legs[i].id));
    let mut starts = vec![DateTime::<Utc>::MIN_UTC; legs.len()];
    let mut previous: Option<(i64, Option<DateTime<Utc>>)> = None;
    for i in order {
        let leg = &legs[i];
        let before = match previous {
            Some((visit, end)) if visit == leg.visit => end,
            _ => None,
        };
        starts[i] = wait_start(leg.queued_at, before);
        previous = Some((leg.visit, leg.finished_at));
    }
    starts
}

/// When a leg queued at `queued_at` began to wait, the previous leg of its visit having
/// ended at `previous_end`: not before that end. The one rule for the statistics and the
/// lines' longest waits now (`storage::waits`).
pub fn wait_start(queued_at: DateTime<Utc>, previous_end: Option<DateTime<Utc>>) -> DateTime<Utc> {
    previous_end.map_or(queued_at, |end| end.max(queued_at))
}

/// Waiting time: the (last) call minus the leg's start; none before a call.
pub fn wait(leg: &Leg, start: DateTime<Utc>) -> Option<i64> {
    leg.called_at
        .map(|called| (called - start).num_seconds().max(0))
}

/// Walking time: start of service minus the (last) call.
pub fn walk(leg: &Leg) -> Option<i64> {
    Some((leg.started_at? - leg.called_at?).num_seconds().max(0))
}

/// Service time: finish minus start of service, for served legs.
pub fn service_time(leg: &Leg) -> Option<i64> {
    if leg.status != StopStatus::Done {
        return None;
    }
    Some((leg.finished_at? - leg.started_at?).num_seconds().max(0))
}

/// Mean, median, 90th percentile and maximum of durations in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub count: usize,
    pub mean: f64,
    pub median: i64,
    pub p90: i64,
    pub max: i64,
}

/// The summary of `values`; percentiles by nearest rank (the smallest value with at least
/// that share of values at or below it), so the median of 1, 2, 3, 4 is 2.
pub fn summary(values: Vec<i64>) -> Summary {
    let mut durations = Durations::default();
    for value in values {
        durations.add(value);
    }
    summarise([&durations])
}

/// The summary of durations kept as counts per value, by the same nearest rank; the mean
/// from their exact sum.
pub fn summarise<'a>(parts: impl IntoIterator<Item = &'a Durations>) -> Summary {
    let mut values: Vec<(u32, u32)> = Vec::new();
    let mut sum = 0;
    for part in parts {
        values.extend_from_slice(&part.values);
        sum += part.sum;
    }
    let n: usize = values.iter().map(|(_, count)| *count as usize).sum();
    if n == 0 {
        return Summary::default();
    }
    values.sort_unstable();
    let rank = |share: f64| {
        let rank = ((share * n as f64).ceil() as usize).clamp(1, n);
        let mut seen = 0;
        for (value, count) in &values {
            seen += *count as usize;
            if seen >= rank {
                return i64::from(*value);
            }
        }
        i64::from(values[values.len() - 1].0)
    };
    Summary {
        count: n,
        mean: sum as f64 / n as f64,
        median: rank(0.5),
        p90: rank(0.9),
        max: i64::from(values[values.len() - 1].0),
    }
}

/// A share in 0..=1, or none when there is nothing to share.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The building's time zone with the UTC offset cached per UTC hour: chrono-tz looks the
/// offset up in the zone's transition table on every conversion, and a year's report converts
/// hundreds of thousands of instants. (Offsets change at whole UTC hours in the zones of
/// Europe, where Lotse runs.)
pub struct Zone {
    tz: Tz,
    offsets: RefCell<HashMap<i64, i64>>,
}

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

impl Zone {
    pub fn new(tz: Tz) -> Zone {
        Zone {
            tz,
            offsets: RefCell::new(HashMap::new()),
        }
    }

    /// Milliseconds since 1970-01-01 00:00 on the local wall clock.
    fn local_ms(&self, at: DateTime<Utc>) -> i64 {
        let ms = at.timestamp_millis();
        let hour = ms.div_euclid(HOUR_MS);
        let offset = *self.offsets.borrow_mut().entry(hour).or_insert_with(|| {
            i64::from(
                self.tz
                    .offset_from_utc_datetime(&at.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )
        });
        ms + offset * 1000
    }

    /// The local weekday (0 = Monday) and hour of an instant.
    pub fn weekday_hour(&self, at: DateTime<Utc>) -> (usize, usize) {
        let local = self.local_ms(at);
        // 1970-01-01 was a Thursday (3 days after a Monday).
        let weekday = (local.div_euclid(DAY_MS) + 3).rem_euclid(7);
        let hour = local.rem_euclid(DAY_MS) / HOUR_MS;
        (weekday as usize, hour as usize)
    }

    /// The local date of an instant.
    pub fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        let days = self.local_ms(at).div_euclid(DAY_MS) + UNIX_EPOCH_DAYS_FROM_CE;
        i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or_else(|| at.with_timezone(&self.tz).date_naive())
    }

    /// The start of a local date (on a daylight-saving day the earliest midnight there is).
    pub fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        self.tz
            .from_local_datetime(&midnight)
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&midnight),
                |t| t.with_timezone(&Utc),
            )
    }

    /// Seconds of `[from, to)` falling into each local hour of the day (daylight-saving days
    /// have 23 or 25 hours: an hour can be missing or counted twice).
    pub fn seconds_per_hour(&self, from: DateTime<Utc>, to: DateTime<Utc>, into: &mut [f64; 24]) {
        let (mut t, end) = (from.timestamp_millis(), to.timestamp_millis());
        while t < end {
            let local = self.local_ms(DateTime::from_timestamp_millis(t).unwrap_or(from));
            let into_hour = local.rem_euclid(HOUR_MS);
            let next = (t + HOUR_MS - into_hour).min(end);
            into[(local.rem_euclid(DAY_MS) / HOUR_MS) as usize] += (next - t) as f64 / 1000.0;
            t = next;
        }
    }
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
