//! The daily aggregates every report is computed from ("cells"): what the figures need of
//! the legs and visits of one local day, grouped by everything a figure can be split or
//! filtered by, with durations kept as counts per value. Recent days' cells are folded from
//! the leg rows for each report; days older than the retention period are folded once, kept
//! rounded to whole minutes (`in_minutes`), stored (`storage::aggregates`), and their rows
//! deleted. Pure: no SQL, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use lotse_protocol::Channel;

use strum::EnumCount;

use super::Leg;
use super::feedback::VisitScore;
use super::figures::{self, Outcome, Zone, outcome, service_time, wait, walk};

/// Durations in seconds, as counts per value (any order; a value may repeat), with their
/// exact sum (means stay exact when the values are rounded).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Durations {
    pub values: Vec<(i64, u32)>,
    pub sum: i64,
}

impl Durations {
    pub fn add(&mut self, seconds: i64) {
        self.values.push((seconds, 1));
        self.sum += seconds;
    }

    pub fn count(&self) -> usize {
        self.values.iter().map(|(_, n)| *n as usize).sum()
    }

    pub fn merge(&mut self, other: &Durations) {
        self.values.extend_from_slice(&other.values);
        self.sum += other.sum;
    }

    /// How many values are at most `limit`.
    pub fn at_most(&self, limit: i64) -> usize {
        self.values
            .iter()
            .filter(|(v, _)| *v <= limit)
            .map(|(_, n)| *n as usize)
            .sum()
    }

    /// The values rounded up to whole minutes, equal ones counted together; the sum stays.
    /// Rounding up keeps "at most a whole number of minutes" exact (the service level).
    pub fn in_minutes(&self) -> Durations {
        let mut minutes: BTreeMap<i64, u32> = BTreeMap::new();
        for (seconds, n) in &self.values {
            *minutes
                .entry((seconds + 59).div_euclid(60) * 60)
                .or_default() += n;
        }
        Durations {
            values: minutes.into_iter().collect(),
            sum: self.sum,
        }
    }
}

/// What a leg cell is grouped by: the visit's local arrival date (a report's period), the
/// local weekday (0 = Monday) and hour of the leg's start, and the leg's facts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegKey {
    pub date: NaiveDate,
    pub weekday: u8,
    pub hour: u8,
    pub service: String,
    pub desk: Option<String>,
    pub channel: Channel,
    pub language: String,
}

/// The legs of one key.
#[derive(Debug, Clone, PartialEq)]
pub struct LegCell {
    pub key: LegKey,
    pub legs: u32,
    /// Legs per outcome, indexed by `Outcome as usize`.
    pub outcomes: [u32; Outcome::COUNT],
    pub wait: Durations,
    pub walk: Durations,
    pub service: Durations,
    /// Seconds spent waiting in each local hour of the day.
    pub waited: [f64; 24],
}

/// Whether a visit that came by appointment checked in by its booked time.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr
)]
#[strum(serialize_all = "snake_case")]
pub enum Punctuality {
    NoAppointment,
    OnTime,
    Late,
}

/// What a visit cell is grouped by: the local arrival date, weekday and hour, the ticket's
/// channel and language, its punctuality, the visitor's score, and the services and desks
/// of its legs (sorted, each once).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VisitKey {
    pub date: NaiveDate,
    pub weekday: u8,
    pub hour: u8,
    pub channel: Channel,
    pub language: String,
    pub punctuality: Punctuality,
    pub score: Option<u8>,
    pub services: Vec<String>,
    pub desks: Vec<String>,
}

/// The visits of one key.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitCell {
    pub key: VisitKey,
    pub visits: u32,
    /// Transfers from one agency's service to another's.
    pub transfers_between_agencies: u32,
    /// Visits sent on to a planned next concern at another agency.
    pub planned_between_agencies: u32,
    /// From arrival to the end of the last served leg, for visits with one served.
    pub building_time: Durations,
}

/// The cells of some days.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cells {
    pub legs: Vec<LegCell>,
    pub visits: Vec<VisitCell>,
}

impl Cells {
    /// Folds leg rows (with the scores their visits gave) into cells. `agency_of` names a
    /// service's agency (hand-overs between agencies are counted when folding).
    pub fn fold<'a>(
        legs: &[Leg],
        scores: &[VisitScore],
        agency_of: impl Fn(&str) -> &'a str,
        zone: &Zone,
    ) -> Cells {
        let starts = figures::starts(legs);
        let mut leg_cells: HashMap<LegKey, LegCell> = HashMap::new();
        let mut by_visit: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, (leg, start)) in legs.iter().zip(&starts).enumerate() {
            by_visit.entry(leg.visit).or_default().push(i);
            let (weekday, hour) = zone.weekday_hour(*start);
            let key = LegKey {
                date: zone.date(leg.issued_at),
                weekday: weekday as u8,
                hour: hour as u8,
                service: leg.service.clone(),
                desk: leg.desk.clone(),
                channel: leg.channel,
                language: leg.language.clone(),
            };
            let cell = leg_cells.entry(key.clone()).or_insert_with(|| LegCell {
                key,
                legs: 0,
                outcomes: [0; Outcome::COUNT],
                wait: Durations::default(),
                walk: Durations::default(),
                service: Durations::default(),
                waited: [0.0; 24],
            });
            cell.legs += 1;
            cell.outcomes[outcome(leg) as usize] += 1;
            if let Some(seconds) = wait(leg, *start) {
                cell.wait.add(seconds);
            }
            if let Some(seconds) = walk(leg) {
                cell.walk.add(seconds);
            }
            if let Some(seconds) = service_time(leg) {
                cell.service.add(seconds);
            }
            if let Some(called) = leg.called_at {
                zone.seconds_per_hour(*start, called, &mut cell.waited);
            }
        }
        let scores: HashMap<i64, u8> = scores.iter().map(|s| (s.visit, s.score)).collect();
        let mut visit_cells: HashMap<VisitKey, VisitCell> = HashMap::new();
        for (visit, mut indices) in by_visit {
            indices.sort_by_key(|&i| (legs[i].position, legs[i].id));
            let visit_legs: Vec<&Leg> = indices.iter().map(|&i| &legs[i]).collect();
            let first = visit_legs[0];
            let (weekday, hour) = zone.weekday_hour(first.issued_at);
            let key = VisitKey {
                date: zone.date(first.issued_at),
                weekday: weekday as u8,
                hour: hour as u8,
                channel: first.channel,
                language: first.language.clone(),
                punctuality: match first.appointment_at {
                    None => Punctuality::NoAppointment,
                    Some(booked) if first.issued_at <= booked => Punctuality::OnTime,
                    Some(_) => Punctuality::Late,
                },
                score: scores.get(&visit).copied(),
                services: sorted(visit_legs.iter().map(|l| l.service.as_str())),
                desks: sorted(visit_legs.iter().filter_map(|l| l.desk.as_deref())),
            };
            let cell = visit_cells.entry(key.clone()).or_insert_with(|| VisitCell {
                key,
                visits: 0,
                transfers_between_agencies: 0,
                planned_between_agencies: 0,
                building_time: Durations::default(),
            });
            cell.visits += 1;
            for pair in visit_legs.windows(2) {
                if agency_of(&pair[0].service) == agency_of(&pair[1].service) {
                    continue;
                }
                match outcome(pair[0]) {
                    Outcome::Transferred => cell.transfers_between_agencies += 1,
                    Outcome::Served => cell.planned_between_agencies += 1,
                    _ => {}
                }
            }
            let last_served = visit_legs
                .iter()
                .filter(|l| outcome(l) == Outcome::Served)
                .filter_map(|l| l.finished_at)
                .max();
            if let Some(end) = last_served {
                cell.building_time
                    .add((end - first.issued_at).num_seconds().max(0));
            }
        }
        Cells {
            legs: leg_cells.into_values().collect(),
            visits: visit_cells.into_values().collect(),
        }
    }

    pub fn extend(&mut self, other: Cells) {
        self.legs.extend(other.legs);
        self.visits.extend(other.visits);
    }

    /// What is kept of days folded for good: durations rounded up to whole minutes, waiting
    /// seconds per hour to whole seconds.
    pub fn in_minutes(mut self) -> Cells {
        for cell in &mut self.legs {
            cell.wait = cell.wait.in_minutes();
            cell.walk = cell.walk.in_minutes();
            cell.service = cell.service.in_minutes();
            for seconds in &mut cell.waited {
                *seconds = seconds.round();
            }
        }
        for cell in &mut self.visits {
            cell.building_time = cell.building_time.in_minutes();
        }
        self
    }
}

fn sorted<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    values
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_round_up_and_keep_the_sum() {
        let mut d = Durations::default();
        for s in [0, 1, 59, 60, 61, 600] {
            d.add(s);
        }
        let m = d.in_minutes();
        assert_eq!(m.values, [(0, 1), (60, 3), (120, 1), (600, 1)]);
        assert_eq!(m.sum, 781);
        assert_eq!(m.count(), 6);
        // "Within 1 minute" counts the same before and after rounding.
        assert_eq!(d.at_most(60), 4);
        assert_eq!(m.at_most(60), 4);
    }
}
