//! What a county report adds up: each building's days of the period and of the period
//! before, cut into spans. Spans whose tallies are kept (`db::parts`) are whole calendar
//! months inside a period and single days for the rest, so that a kept month serves every
//! period that covers it; each has the basis its tally is computed from. Pure.

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate};
use lotse_queue_server::stats::Period;
use sha2::{Digest, Sha256};

use crate::db::days::Listed;
use crate::db::parts::{self, Key};

/// Which of a report's two periods a span belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Period,
    /// The period of the same length before (the tiles compare with it).
    Before,
}

/// One building's days to add up.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub building: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub of: Of,
    /// A hash of what its tally is computed from: the tally's stored format, the building's
    /// profile, and each day with its version and arrival. A kept tally with another basis
    /// is out of date.
    pub basis: String,
    /// Legs and visits of its days.
    pub size: i64,
}

impl Span {
    pub fn key(&self) -> Key {
        (self.building.clone(), self.first, self.last)
    }
}

/// The whole months inside `period` and single days for the rest, in order.
pub fn cut(period: Period) -> Vec<(NaiveDate, NaiveDate)> {
    let mut spans = Vec::new();
    let mut day = period.from;
    while day <= period.to {
        let last = match month_of(day) {
            Some((first, last)) if first == day && last <= period.to => last,
            _ => day,
        };
        spans.push((day, last));
        let Some(next) = last.succ_opt() else { break };
        day = next;
    }
    spans
}

/// The spans of the days in `listing` (sorted by building and day) for `period` and the
/// period before: months and days when their tallies are kept (`kept`), else each period
/// whole. `profile_of` gives a building's profile as stored text. Spans without a day are
/// left out.
pub fn plan(
    listing: &[Listed],
    period: Period,
    kept: bool,
    profile_of: impl Fn(&str) -> String,
) -> Vec<Span> {
    let mut spans = Vec::new();
    for building in listing.chunk_by(|a, b| a.building == b.building) {
        let id = &building[0].building;
        let profile = profile_of(id);
        for (of, range) in [(Of::Period, period), (Of::Before, period.previous())] {
            let ranges = if kept {
                cut(range)
            } else {
                vec![(range.from, range.to)]
            };
            for (first, last) in ranges {
                spans.extend(span(building, first, last, of, &profile));
            }
        }
    }
    spans
}

/// The calendar month of `day`: its first and last day.
fn month_of(day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = day.with_day(1)?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last))
}

/// The span of `building`'s listed days (one building's, sorted) from `first` to `last`;
/// none without a day.
fn span(
    building: &[Listed],
    first: NaiveDate,
    last: NaiveDate,
    of: Of,
    profile: &str,
) -> Option<Span> {
    let from = building.partition_point(|d| d.day < first);
    let to = building.partition_point(|d| d.day <= last);
    let days = building.get(from..to).filter(|days| !days.is_empty())?;
    Some(Span {
        building: days[0].building.clone(),
        first,
        last,
        of,
        basis: basis(profile, days),
        size: days.iter().map(|d| d.size).sum(),
    })
}

/// What to keep ahead of requests for `days` (`keeper.rs`): each day, and each month of them
/// that ended before `today` (a month still running is never whole inside a period).
pub fn to_keep(days: &BTreeSet<NaiveDate>, today: NaiveDate) -> BTreeSet<(NaiveDate, NaiveDate)> {
    let mut ranges = BTreeSet::new();
    for day in days {
        ranges.insert((*day, *day));
        if let Some((first, last)) = month_of(*day)
            && last < today
        {
            ranges.insert((first, last));
        }
    }
    ranges
}

/// The spans of `ranges` of one building's listed days (sorted by day), each with a day.
pub fn of_ranges(
    building: &[Listed],
    ranges: &BTreeSet<(NaiveDate, NaiveDate)>,
    profile: &str,
) -> Vec<Span> {
    ranges
        .iter()
        .filter_map(|(first, last)| span(building, *first, *last, Of::Period, profile))
        .collect()
}

fn basis(profile: &str, days: &[Listed]) -> String {
    let mut hash = Sha256::new();
    hash.update(parts::FORMAT);
    hash.update([0]);
    hash.update(profile);
    for day in days {
        hash.update(format!(
            "\0{}:{}:{}",
            day.day,
            day.version,
            day.received_at.timestamp_micros()
        ));
    }
    format!("{:x}", hash.finalize())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn day(building: &str, text: &str, version: i32) -> Listed {
        Listed {
            building: building.into(),
            day: date(text),
            version,
            received_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
            size: 10,
        }
    }

    #[test]
    fn a_rolling_year_is_its_whole_months_and_the_days_around_them() {
        let year = Period::new(date("2025-12-07"), date("2026-12-06")).unwrap();
        let spans = cut(year);
        assert_eq!(spans.len(), 25 + 11 + 6);
        assert_eq!(spans[0], (date("2025-12-07"), date("2025-12-07")));
        assert_eq!(spans[25], (date("2026-01-01"), date("2026-01-31")));
        assert_eq!(spans[26], (date("2026-02-01"), date("2026-02-28")));
        assert_eq!(spans[35], (date("2026-11-01"), date("2026-11-30")));
        assert_eq!(spans[36], (date("2026-12-01"), date("2026-12-01")));
        // Every day once, in order.
        let days: u64 = spans
            .iter()
            .map(|(a, b)| (*b - *a).num_days() as u64 + 1)
            .sum();
        assert_eq!(days, year.days());
        let february = Period::new(date("2024-02-01"), date("2024-02-29")).unwrap();
        assert_eq!(cut(february), [(date("2024-02-01"), date("2024-02-29"))]);
    }

    #[test]
    fn a_basis_changes_with_a_day_s_version_its_arrival_or_the_profile() {
        let period = Period::new(date("2026-11-01"), date("2026-11-30")).unwrap();
        let listing = vec![day("a", "2026-11-03", 1), day("a", "2026-11-04", 1)];
        let plan_of =
            |listing: &[Listed], profile: &str| plan(listing, period, true, |_| profile.to_owned());
        let spans = plan_of(&listing, "p");
        assert_eq!(spans.len(), 1, "November whole; October has no day");
        assert_eq!((spans[0].first, spans[0].last), (period.from, period.to));
        assert_eq!(spans[0].size, 20);
        let base = spans[0].basis.clone();
        assert_eq!(plan_of(&listing, "p")[0].basis, base);
        assert_ne!(plan_of(&listing, "q")[0].basis, base);
        let mut refolded = listing.clone();
        refolded[1].version = 2;
        assert_ne!(plan_of(&refolded, "p")[0].basis, base);
        let mut again = listing.clone();
        again[0].received_at += chrono::Duration::seconds(1);
        assert_ne!(plan_of(&again, "p")[0].basis, base);
        let mut more = listing.clone();
        more.push(day("a", "2026-11-05", 1));
        assert_ne!(plan_of(&more, "p")[0].basis, base);
    }

    #[test]
    fn kept_ahead_are_the_days_and_their_ended_months() {
        let days = BTreeSet::from([date("2026-11-27"), date("2026-11-30"), date("2026-12-01")]);
        let ranges: Vec<_> = to_keep(&days, date("2026-12-02")).into_iter().collect();
        assert_eq!(
            ranges,
            [
                (date("2026-11-01"), date("2026-11-30")),
                (date("2026-11-27"), date("2026-11-27")),
                (date("2026-11-30"), date("2026-11-30")),
                (date("2026-12-01"), date("2026-12-01")),
            ]
        );
        let listing = vec![day("a", "2026-11-27", 1), day("a", "2026-11-30", 2)];
        let spans = of_ranges(&listing, &to_keep(&days, date("2026-12-02")), "p");
        let sizes: Vec<(NaiveDate, i64)> = spans.iter().map(|s| (s.first, s.size)).collect();
        // December 1st has no stored day: no span.
        assert_eq!(
            sizes,
            [
                (date("2026-11-01"), 20),
                (date("2026-11-27"), 10),
                (date("2026-11-30"), 10)
            ]
        );
        // The same days as a report cuts them: the same bases, so a report uses them.
        let november = Period::new(date("2026-11-01"), date("2026-11-30")).unwrap();
        let planned = plan(&listing, november, true, |_| "p".to_owned());
        assert_eq!(planned[0].basis, spans[0].basis);
    }

    #[test]
    fn uncached_spans_are_each_period_whole_per_building() {
        let period = Period::new(date("2026-11-10"), date("2026-11-16")).unwrap();
        let listing = vec![
            day("a", "2026-11-05", 1),
            day("a", "2026-11-12", 1),
            day("b", "2026-11-12", 1),
        ];
        let spans = plan(&listing, period, false, |_| String::new());
        let shape: Vec<(&str, Of, i64)> = spans
            .iter()
            .map(|s| (s.building.as_str(), s.of, s.size))
            .collect();
        assert_eq!(
            shape,
            [
                ("a", Of::Period, 10),
                ("a", Of::Before, 10),
                ("b", Of::Period, 10)
            ]
        );
    }
}
