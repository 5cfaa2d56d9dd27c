//! The definitions of the figures, each once: a leg's start, wait, walk and service time,
//! its outcome, and the summaries (mean, median, p90, max) over them. Pure: no SQL, no
//! clock. README ("Statistics") lists the same definitions in words.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use lotse_protocol::StopStatus;

use super::Leg;

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
    strum::EnumIter
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
        starts[i] = before.map_or(leg.queued_at, |end| end.max(leg.queued_at));
        previous = Some((leg.visit, leg.finished_at));
    }
    starts
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
pub fn summary(mut values: Vec<i64>) -> Summary {
    if values.is_empty() {
        return Summary::default();
    }
    values.sort_unstable();
    let n = values.len();
    let rank = |share: f64| {
        let rank = (share * n as f64).ceil() as usize;
        values[rank.clamp(1, n) - 1]
    };
    Summary {
        count: n,
        mean: values.iter().sum::<i64>() as f64 / n as f64,
        median: rank(0.5),
        p90: rank(0.9),
        max: values[n - 1],
    }
}

/// A share in 0..=1, or none when there is nothing to share.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The local weekday (0 = Monday) and hour of an instant.
pub fn weekday_hour(at: DateTime<Utc>, zone: Tz) -> (usize, usize) {
    let local = at.with_timezone(&zone);
    (
        local.weekday().num_days_from_monday() as usize,
        local.hour() as usize,
    )
}

pub fn local_date(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The start of a local date (on a daylight-saving day the earliest midnight there is).
pub fn day_start(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    zone.from_local_datetime(&midnight).earliest().map_or_else(
        || Utc.from_utc_datetime(&midnight),
        |t| t.with_timezone(&Utc),
    )
}

/// Seconds of `[from, to)` falling into each local hour of the day (daylight-saving days
/// have 23 or 25 hours: an hour can be missing or counted twice).
pub fn seconds_per_hour(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz, into: &mut [f64; 24]) {
    let mut t = from;
    while t < to {
        let local = t.with_timezone(&zone);
        let into_hour = i64::from(local.minute() * 60 + local.second()) * 1000
            + i64::from(local.nanosecond() / 1_000_000);
        let boundary = t + chrono::Duration::milliseconds(3_600_000 - into_hour);
        let end = boundary.min(to);
        into[local.hour() as usize] += (end - t).num_milliseconds() as f64 / 1000.0;
        t = end;
    }
}

#[cfg(test)]
#[path = "figures_tests.rs"]
pub(crate) mod tests;
