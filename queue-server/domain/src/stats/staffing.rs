//! Desk utilisation: how long each desk was staffed per local day, and the share of that
//! time spent serving. Two sessions at one desk at once staff it once: the union of their
//! shifts counts, not the sum. A shift over midnight counts on both days. Pure.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use lotse_protocol::Building;

use super::figures::Zone;
use super::report::DeskRow;
use super::{Filter, Period};

/// Spans of time, from and to.
pub type Spans = Vec<(DateTime<Utc>, DateTime<Utc>)>;

/// A desk staffed from `started_at` to `ended_at` (no account: statistics name desks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub desk: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
}

/// The seconds a desk was staffed on one local date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffedDay {
    pub desk: String,
    pub date: NaiveDate,
    pub seconds: i64,
}

/// Each desk's staffed seconds per local date, ordered by desk and date.
pub fn staffed_days(shifts: &[Shift], zone: &Zone) -> Vec<StaffedDay> {
    let mut by_desk: BTreeMap<&str, Spans> = BTreeMap::new();
    for shift in shifts.iter().filter(|s| s.started_at < s.ended_at) {
        by_desk
            .entry(shift.desk.as_str())
            .or_default()
            .push((shift.started_at, shift.ended_at));
    }
    let mut days = Vec::new();
    for (desk, mut spans) in by_desk {
        let mut millis: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for (from, to) in join(&mut spans, chrono::Duration::zero()) {
            let mut t = from;
            while t < to {
                let date = zone.date(t);
                let midnight = date.succ_opt().map_or(to, |next| zone.day_start(next));
                let next = midnight.clamp(t + chrono::Duration::milliseconds(1), to);
                *millis.entry(date).or_default() += (next - t).num_milliseconds();
                t = next;
            }
        }
        days.extend(millis.into_iter().map(|(date, ms)| StaffedDay {
            desk: desk.to_owned(),
            date,
            seconds: ms / 1000,
        }));
    }
    days
}

/// Merges spans that overlap, touch or lie less than `gap` apart (the gap counts then).
pub fn join(spans: &mut Spans, gap: chrono::Duration) -> Spans {
    spans.sort();
    let mut merged: Spans = Vec::new();
    for &(from, to) in spans.iter() {
        match merged.last_mut() {
            Some(last) if from - last.1 <= gap => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// Each desk's staffed seconds on the dates of `period`.
pub fn staffed_in(days: &[StaffedDay], period: Period) -> BTreeMap<&str, i64> {
    let mut seconds: BTreeMap<&str, i64> = BTreeMap::new();
    for day in days.iter().filter(|d| period.contains(d.date)) {
        *seconds.entry(day.desk.as_str()).or_default() += day.seconds;
    }
    seconds
}

/// The desk rows with each desk's staffed time in `period` and its utilisation; a desk the
/// filter keeps (`Filter::keeps_desk`) that was staffed but served nobody kept gets a row.
/// Staffed time is not split by channel, language, hour or weekday: with such a filter the
/// utilisation is the share of the staffed time spent serving those legs.
pub fn with_staffed(
    desks: Vec<DeskRow>,
    staffed: &[StaffedDay],
    period: Period,
    filter: &Filter,
    building: &Building,
) -> Vec<DeskRow> {
    let mut rows: BTreeMap<String, DeskRow> =
        desks.into_iter().map(|d| (d.desk.clone(), d)).collect();
    for (desk, seconds) in staffed_in(staffed, period) {
        if rows.contains_key(desk) || filter.keeps_desk(building, desk) {
            rows.entry(desk.to_owned())
                .or_insert_with(|| DeskRow {
                    desk: desk.to_owned(),
                    ..DeskRow::default()
                })
                .staffed_seconds = seconds;
        }
    }
    rows.into_values()
        .map(|row| DeskRow {
            utilisation: utilisation(row.serving_seconds, row.staffed_seconds),
            ..row
        })
        .collect()
}

/// Time serving ÷ time staffed; none for a desk not staffed.
pub fn utilisation(serving_seconds: i64, staffed_seconds: i64) -> Option<f64> {
    (staffed_seconds > 0).then(|| serving_seconds as f64 / staffed_seconds as f64)
}

#[cfg(test)]
#[path = "staffing_tests.rs"]
mod tests;
