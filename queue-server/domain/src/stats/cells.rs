//! The daily aggregates every report is computed from ("cells"): what the figures need of
//! the legs and visits of one local day, grouped by everything a figure can be split or
//! filtered by, with durations kept as counts per value. Recent days' cells are folded from
//! the leg rows for each report; days older than the retention period are folded once, kept
//! rounded to whole minutes (`in_minutes`), stored (`storage::aggregates`), and their rows
//! deleted. Pure: no SQL, no clock.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use lotse_protocol::{Building, Channel};
use smallvec::SmallVec;

use strum::EnumCount;

use super::Leg;
use super::feedback::VisitScore;
use super::figures::{self, Outcome, Zone, outcome, service_time, wait, walk};

/// Durations in seconds, as counts per value (any order; a value may repeat), with their
/// exact sum (means stay exact when the values are rounded).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Durations {
    /// Most cells hold one or two legs: those values need no allocation.
    pub values: SmallVec<[(u32, u32); 2]>,
    pub sum: i64,
}

impl Durations {
    pub fn add(&mut self, seconds: i64) {
        self.values
            .push((u32::try_from(seconds.max(0)).unwrap_or(u32::MAX), 1));
        self.sum += seconds;
    }

    pub fn count(&self) -> usize {
        self.values.iter().map(|(_, n)| *n as usize).sum()
    }

    pub fn merge(&mut self, other: &Durations) {
        self.values.extend_from_slice(&other.values);
        self.sum += other.sum;
    }

    /// Sorts the values and counts equal ones together.
    pub fn compact(&mut self) {
        self.values.sort_unstable_by_key(|(value, _)| *value);
        let mut compact: SmallVec<[(u32, u32); 2]> = SmallVec::with_capacity(self.values.len());
        for (value, n) in self.values.drain(..) {
            match compact.last_mut() {
                Some((last, count)) if *last == value => *count += n,
                _ => compact.push((value, n)),
            }
        }
        self.values = compact;
    }

    /// Adds `other`'s values, both compact (`compact`), keeping them compact.
    pub fn add_sorted(&mut self, other: &Durations) {
        let (ours, theirs) = (&self.values, &other.values);
        let mut merged: SmallVec<[(u32, u32); 2]> =
            SmallVec::with_capacity(ours.len() + theirs.len());
        let (mut i, mut j) = (0, 0);
        while i < ours.len() || j < theirs.len() {
            let next = match (ours.get(i), theirs.get(j)) {
                (Some(a), Some(b)) if a.0 == b.0 => {
                    (i, j) = (i + 1, j + 1);
                    (a.0, a.1 + b.1)
                }
                (Some(a), Some(b)) if a.0 < b.0 => {
                    i += 1;
                    *a
                }
                (Some(a), None) => {
                    i += 1;
                    *a
                }
                (_, Some(b)) => {
                    j += 1;
                    *b
                }
                (None, None) => break,
            };
            merged.push(next);
        }
        self.values = merged;
        self.sum += other.sum;
    }

    /// How many values are at most `limit`.
    pub fn at_most(&self, limit: i64) -> usize {
        self.values
            .iter()
            .filter(|(v, _)| i64::from(*v) <= limit)
            .map(|(_, n)| *n as usize)
            .sum()
    }

    /// The values rounded up to whole minutes, equal ones counted together; the sum stays.
    /// Rounding up keeps "at most a whole number of minutes" exact (the service level).
    pub fn in_minutes(&self) -> Durations {
        let mut minutes: BTreeMap<u32, u32> = BTreeMap::new();
        for (seconds, n) in &self.values {
            *minutes
                .entry(seconds.div_ceil(60).saturating_mul(60))
                .or_default() += n;
        }
        Durations {
            values: minutes.into_iter().collect(),
            sum: self.sum,
        }
    }
}

/// (local hour, seconds) pairs: a wait spans an hour or two.
pub type Waited = SmallVec<[(u8, f64); 2]>;

/// Adds `waited` to seconds per hour.
pub fn add_waited(waited: &Waited, hours: &mut [f64; 24]) {
    for (hour, seconds) in waited {
        if let Some(sum) = hours.get_mut(usize::from(*hour)) {
            *sum += seconds;
        }
    }
}

/// The hours with any seconds.
pub fn waited_of(hours: &[f64; 24]) -> Waited {
    (0..24u8)
        .zip(hours)
        .filter(|(_, seconds)| **seconds > 0.0)
        .map(|(hour, seconds)| (hour, *seconds))
        .collect()
}

/// A service, desk or language id, shared by every cell naming it (a report holds hundreds
/// of thousands of cells; cloning a name only counts a reference).
pub type Name = Arc<str>;

/// Hands out one shared `Name` per id and one shared list per list of ids.
#[derive(Default)]
pub struct Names {
    names: HashMap<Box<str>, Name>,
    lists: HashMap<Box<str>, Arc<[Name]>>,
}

impl Names {
    pub fn name(&mut self, id: &str) -> Name {
        if let Some(name) = self.names.get(id) {
            return Name::clone(name);
        }
        let name: Name = id.into();
        self.names.insert(id.into(), Name::clone(&name));
        name
    }

    /// The ids of a space-separated list.
    pub fn list(&mut self, ids: &str) -> Arc<[Name]> {
        if let Some(list) = self.lists.get(ids) {
            return Arc::clone(list);
        }
        let list: Arc<[Name]> = ids.split_whitespace().map(|id| self.name(id)).collect();
        self.lists.insert(ids.into(), Arc::clone(&list));
        list
    }
}

/// What a leg cell is grouped by: the visit's local arrival date (a report's period), the
/// local weekday (0 = Monday) and hour of the leg's start, and the leg's facts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegKey {
    pub date: NaiveDate,
    pub weekday: u8,
    pub hour: u8,
    pub service: Name,
    pub desk: Option<Name>,
    pub channel: Channel,
    pub language: Name,
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
    /// Seconds spent waiting in a local hour of the day, for the hours with any.
    pub waited: Waited,
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
    pub language: Name,
    pub punctuality: Punctuality,
    pub score: Option<u8>,
    pub services: Arc<[Name]>,
    pub desks: Arc<[Name]>,
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
    /// Folds leg rows (with the scores their visits gave) into cells: one per leg and one per
    /// visit (`in_minutes` merges equal keys). Hand-overs between the building's agencies
    /// are counted when folding.
    pub fn fold(legs: &[Leg], scores: &[VisitScore], building: &Building, zone: &Zone) -> Cells {
        let mut names = Names::default();
        let starts = figures::starts(legs);
        let mut leg_cells = Vec::with_capacity(legs.len());
        let mut by_visit: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, (leg, start)) in legs.iter().zip(&starts).enumerate() {
            by_visit.entry(leg.visit).or_default().push(i);
            let (weekday, hour) = zone.weekday_hour(*start);
            let key = LegKey {
                date: zone.date(leg.issued_at),
                weekday: weekday as u8,
                hour: hour as u8,
                service: names.name(&leg.service),
                desk: leg.desk.as_deref().map(|desk| names.name(desk)),
                channel: leg.channel,
                language: names.name(&leg.language),
            };
            let mut cell = LegCell::empty(key);
            cell.legs = 1;
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
                let mut hours = [0.0; 24];
                zone.seconds_per_hour(*start, called, &mut hours);
                cell.waited = waited_of(&hours);
            }
            leg_cells.push(cell);
        }
        let scores: HashMap<i64, u8> = scores.iter().map(|s| (s.visit, s.score)).collect();
        let mut visit_cells = Vec::with_capacity(by_visit.len());
        for (visit, mut indices) in by_visit {
            indices.sort_by_key(|&i| (legs[i].position, legs[i].id));
            let visit_legs: Vec<&Leg> = indices.iter().map(|&i| &legs[i]).collect();
            let first = visit_legs[0];
            let (weekday, hour) = zone.weekday_hour(first.issued_at);
            let services = ids(visit_legs.iter().map(|l| l.service.as_str()));
            let desks = ids(visit_legs.iter().filter_map(|l| l.desk.as_deref()));
            let key = VisitKey {
                date: zone.date(first.issued_at),
                weekday: weekday as u8,
                hour: hour as u8,
                channel: first.channel,
                language: names.name(&first.language),
                punctuality: match first.appointment_at {
                    None => Punctuality::NoAppointment,
                    Some(booked) if first.issued_at <= booked => Punctuality::OnTime,
                    Some(_) => Punctuality::Late,
                },
                score: scores.get(&visit).copied(),
                services: names.list(&services),
                desks: names.list(&desks),
            };
            let mut cell = VisitCell::empty(key);
            cell.visits = 1;
            for pair in visit_legs.windows(2) {
                if building.agency_of(&pair[0].service) == building.agency_of(&pair[1].service) {
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
            visit_cells.push(cell);
        }
        Cells {
            legs: leg_cells,
            visits: visit_cells,
        }
    }

    pub fn extend(&mut self, other: Cells) {
        self.legs.extend(other.legs);
        self.visits.extend(other.visits);
    }

    /// What is kept of days folded for good: cells of equal keys merged, durations rounded
    /// up to whole minutes, waiting seconds per hour to whole seconds.
    pub fn in_minutes(self) -> Cells {
        let mut legs: HashMap<LegKey, LegCell> = HashMap::new();
        for cell in self.legs {
            match legs.entry(cell.key.clone()) {
                Entry::Vacant(slot) => {
                    slot.insert(cell);
                }
                Entry::Occupied(mut slot) => slot.get_mut().merge(&cell),
            }
        }
        let mut visits: HashMap<VisitKey, VisitCell> = HashMap::new();
        for cell in self.visits {
            match visits.entry(cell.key.clone()) {
                Entry::Vacant(slot) => {
                    slot.insert(cell);
                }
                Entry::Occupied(mut slot) => slot.get_mut().merge(&cell),
            }
        }
        Cells {
            legs: legs.into_values().collect(),
            visits: visits.into_values().collect(),
        }
        .rounded()
    }

    fn rounded(mut self) -> Cells {
        for cell in &mut self.legs {
            cell.wait = cell.wait.in_minutes();
            cell.walk = cell.walk.in_minutes();
            cell.service = cell.service.in_minutes();
            for (_, seconds) in &mut cell.waited {
                *seconds = seconds.round();
            }
        }
        for cell in &mut self.visits {
            cell.building_time = cell.building_time.in_minutes();
        }
        self
    }
}

/// Ids sorted, each once, space-separated (how lists of ids are stored).
pub fn ids<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" ")
}

impl LegCell {
    fn merge(&mut self, other: &LegCell) {
        self.legs += other.legs;
        for (sum, n) in self.outcomes.iter_mut().zip(other.outcomes) {
            *sum += n;
        }
        self.wait.merge(&other.wait);
        self.walk.merge(&other.walk);
        self.service.merge(&other.service);
        let mut hours = [0.0; 24];
        add_waited(&self.waited, &mut hours);
        add_waited(&other.waited, &mut hours);
        self.waited = waited_of(&hours);
    }

    pub fn empty(key: LegKey) -> LegCell {
        LegCell {
            key,
            legs: 0,
            outcomes: [0; Outcome::COUNT],
            wait: Durations::default(),
            walk: Durations::default(),
            service: Durations::default(),
            waited: Waited::new(),
        }
    }
}

impl VisitCell {
    fn merge(&mut self, other: &VisitCell) {
        self.visits += other.visits;
        self.transfers_between_agencies += other.transfers_between_agencies;
        self.planned_between_agencies += other.planned_between_agencies;
        self.building_time.merge(&other.building_time);
    }

    pub fn empty(key: VisitKey) -> VisitCell {
        VisitCell {
            key,
            visits: 0,
            transfers_between_agencies: 0,
            planned_between_agencies: 0,
            building_time: Durations::default(),
        }
    }
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
        assert_eq!(m.values.as_slice(), [(0, 1), (60, 3), (120, 1), (600, 1)]);
        assert_eq!(m.sum, 781);
        assert_eq!(m.count(), 6);
        // "Within 1 minute" counts the same before and after rounding.
        assert_eq!(d.at_most(60), 4);
        assert_eq!(m.at_most(60), 4);
    }
}
