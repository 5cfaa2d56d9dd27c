//! A report's sums before its summaries: what cells of some days add up to for a filter and
//! a split, with durations kept as counts per value. Tallies add up: the tally of two
//! periods, or of two buildings, is the `merge` of theirs, and `report.rs` computes the same
//! figures from either. So the county's centre keeps one per building and month and adds a
//! year from them (`lotse-central`). Pure: no SQL, no clock.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use strum::EnumCount;

use super::cells::{Cells, Durations, LegCell, Punctuality, VisitCell, add_waited};
use super::feedback::{Feedback, feedback};
use super::figures::Outcome;
use super::report::{Context, MissedAppointment};
use super::{Dimension, Filter, Period};

/// Counts per outcome, indexed by `Outcome as usize`.
pub type Outcomes = [usize; Outcome::COUNT];

/// The sums of some legs: a breakdown line, or all kept legs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RowTally {
    pub legs: usize,
    pub outcomes: Outcomes,
    /// Legs called (those with a wait).
    pub called: usize,
    /// Called legs whose wait was within their service's target.
    pub within_target: usize,
    pub wait: Durations,
    pub service: Durations,
}

/// Visits in one language: in all, and per local hour of arrival.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LanguageVisits {
    pub visits: usize,
    pub per_hour: [usize; 24],
}

/// Served legs of visitors of one language, and those at a desk speaking it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LanguageServed {
    pub served: usize,
    pub in_language: usize,
}

/// A desk's served legs and the seconds spent serving them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DeskTally {
    pub served: usize,
    pub serving_seconds: i64,
}

/// The sums of the kept visits and legs (see `tally`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tally {
    pub split_by: Dimension,
    pub visits: usize,
    /// Visits with concerns at two agencies or more.
    pub multi_agency_visits: usize,
    pub transfers_between_agencies: usize,
    pub planned_between_agencies: usize,
    pub building_time: Durations,
    /// Visits by local weekday (0 = Monday) and hour of arrival.
    pub visit_arrivals: [[usize; 24]; 7],
    pub on_time: usize,
    pub late: usize,
    /// Appointments imported for the period and never checked in.
    pub not_came: usize,
    pub language_visits: BTreeMap<String, LanguageVisits>,
    /// Visits per (agency, language).
    pub agency_languages: BTreeMap<(String, String), usize>,
    pub feedback: Feedback,
    /// Every kept leg.
    pub legs: RowTally,
    pub walk: Durations,
    /// Legs by local weekday and hour of their start.
    pub leg_arrivals: [[usize; 24]; 7],
    /// Seconds spent waiting in each local hour of the day.
    pub waited: [f64; 24],
    pub services: BTreeMap<String, RowTally>,
    /// By `split_by`; empty when that is `Service` (`services` is the split).
    pub split: BTreeMap<String, RowTally>,
    pub language_served: BTreeMap<String, LanguageServed>,
    pub desks: BTreeMap<String, DeskTally>,
}

/// A leg cell with what the figures look up for it once.
struct Kept<'a> {
    cell: &'a LegCell,
    agency: &'a str,
    /// The service's target wait in seconds.
    target: Option<i64>,
}

/// The agencies of a visit's services, sorted, each once.
type Agencies<'a> = smallvec::SmallVec<[&'a str; 2]>;

/// A visit cell with its services' agencies.
type KeptVisit<'a> = (&'a VisitCell, Agencies<'a>);

/// Tallies the cells of `period` that `filter` keeps, with a breakdown by `split_by`. Visits
/// count in the period of their local arrival date. Leg figures keep the leg cells that match
/// every filter value (hour and weekday: of the leg's start); visit figures keep the visits
/// that match it (agency, service and desk: one of the visit's; hour and weekday: of its
/// arrival).
pub fn tally(
    cells: &Cells,
    missed: &[MissedAppointment],
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
) -> Tally {
    let services = services_of(context);
    let (kept, visits) = select(cells, &services, period, filter);
    let mut tally = Tally {
        split_by,
        ..Tally::default()
    };
    tally.add_visits(&visits, filter, &services);
    tally.add_legs(&kept, context);
    tally.not_came = missed
        .iter()
        .filter(|m| period.contains(m.date))
        .filter(|m| filter.service.as_deref().is_none_or(|s| s == m.service))
        .filter(|m| filter.keeps_agency(context.building.agency_of(&m.service)))
        .count();
    tally.compact();
    tally
}

/// Each service's agency and target wait in seconds, looked up once rather than per cell.
type ServiceFacts<'a> = HashMap<&'a str, (&'a str, Option<i64>)>;

fn services_of<'a>(context: Context<'a>) -> ServiceFacts<'a> {
    context
        .building
        .services
        .iter()
        .map(|s| {
            let target = i64::from(s.target_wait_minutes) * 60;
            (s.id.as_str(), (s.agency.as_str(), Some(target)))
        })
        .collect()
}

/// The leg and visit cells of `period` that `filter` keeps.
fn select<'a>(
    cells: &'a Cells,
    services: &ServiceFacts<'a>,
    period: Period,
    filter: &Filter,
) -> (Vec<Kept<'a>>, Vec<KeptVisit<'a>>) {
    let kept: Vec<Kept<'_>> = cells
        .legs
        .iter()
        .filter(|cell| period.contains(cell.key.date))
        .map(|cell| {
            let (agency, target) = services
                .get(&*cell.key.service)
                .copied()
                .unwrap_or(("", None));
            Kept {
                cell,
                agency,
                target,
            }
        })
        .filter(|k| leg_matches(k, filter))
        .collect();
    let visits: Vec<KeptVisit<'_>> = cells
        .visits
        .iter()
        .filter(|cell| period.contains(cell.key.date))
        .map(|cell| {
            let mut agencies: Agencies<'_> = cell
                .key
                .services
                .iter()
                .map(|s| agency_of(services, s))
                .collect();
            agencies.sort_unstable();
            agencies.dedup();
            (cell, agencies)
        })
        .filter(|(cell, agencies)| visit_matches(cell, agencies, filter))
        .collect();
    (kept, visits)
}

fn agency_of<'a>(services: &ServiceFacts<'a>, service: &str) -> &'a str {
    services.get(service).map_or("", |(agency, _)| *agency)
}

fn leg_matches(k: &Kept<'_>, filter: &Filter) -> bool {
    let key = &k.cell.key;
    filter.keeps_agency(k.agency)
        && filter.service.as_deref().is_none_or(|s| s == &*key.service)
        && filter
            .desk
            .as_deref()
            .is_none_or(|desk| key.desk.as_deref() == Some(desk))
        && filter.keeps_channel_language_and_time(key.channel, &key.language, key.hour, key.weekday)
}

fn visit_matches(cell: &VisitCell, agencies: &[&str], filter: &Filter) -> bool {
    let key = &cell.key;
    agencies.iter().any(|a| filter.keeps_agency(a))
        && filter
            .service
            .as_deref()
            .is_none_or(|s| key.services.iter().any(|x| &**x == s))
        && filter
            .desk
            .as_deref()
            .is_none_or(|d| key.desks.iter().any(|x| &**x == d))
        && filter.keeps_channel_language_and_time(key.channel, &key.language, key.hour, key.weekday)
}

/// What a breakdown groups a leg by, as its line's label (hours as two digits, weekdays
/// 0 = Monday), so that labels sort as the groups do.
fn group_of(k: &Kept<'_>, dimension: Dimension) -> String {
    let key = &k.cell.key;
    match dimension {
        Dimension::Agency => k.agency.to_owned(),
        Dimension::Service => key.service.to_string(),
        Dimension::Desk => key.desk.as_deref().unwrap_or_default().to_owned(),
        Dimension::Channel => key.channel.as_str().to_owned(),
        Dimension::Language => key.language.to_string(),
        Dimension::Hour => format!("{:02}", key.hour),
        Dimension::Weekday => key.weekday.to_string(),
    }
}

/// Adds `value` at `key` of `map` without making an owned key when it is there already.
fn entry<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

impl Tally {
    fn add_visits(&mut self, visits: &[KeptVisit<'_>], filter: &Filter, services: &ServiceFacts) {
        let mut agency_languages: HashMap<(&str, &str), usize> = HashMap::new();
        for (cell, agencies) in visits {
            let key = &cell.key;
            let n = cell.visits as usize;
            self.visits += n;
            if agencies.len() >= 2 {
                self.multi_agency_visits += n;
            }
            self.transfers_between_agencies += cell.transfers_between_agencies as usize;
            self.planned_between_agencies += cell.planned_between_agencies as usize;
            self.building_time.merge(&cell.building_time);
            self.visit_arrivals[usize::from(key.weekday)][usize::from(key.hour)] += n;
            match key.punctuality {
                Punctuality::OnTime => self.on_time += n,
                Punctuality::Late => self.late += n,
                Punctuality::NoAppointment => {}
            }
            let language = entry(&mut self.language_visits, &key.language);
            language.visits += n;
            language.per_hour[usize::from(key.hour)] += n;
            for agency in agencies.iter().filter(|a| filter.keeps_agency(a)) {
                *agency_languages.entry((agency, &key.language)).or_default() += n;
            }
        }
        self.agency_languages = agency_languages
            .into_iter()
            .map(|((agency, language), n)| ((agency.to_owned(), language.to_owned()), n))
            .collect();
        self.feedback = feedback(visits.iter().filter_map(|(cell, _)| {
            let score = cell.key.score?;
            let pairs = cell
                .key
                .services
                .iter()
                .map(|s| (agency_of(services, s), &**s))
                .filter(|(agency, service)| {
                    filter.keeps_agency(agency)
                        && filter.service.as_deref().is_none_or(|s| s == *service)
                })
                .collect();
            Some((score, cell.visits as usize, pairs))
        }));
    }

    fn add_legs(&mut self, kept: &[Kept<'_>], context: Context<'_>) {
        let mut split: HashMap<String, RowTally> = HashMap::new();
        for k in kept {
            let cell = k.cell;
            let key = &cell.key;
            self.legs.add(k);
            self.walk.merge(&cell.walk);
            self.leg_arrivals[usize::from(key.weekday)][usize::from(key.hour)] +=
                cell.legs as usize;
            add_waited(&cell.waited, &mut self.waited);
            entry(&mut self.services, &key.service).add(k);
            if self.split_by != Dimension::Service {
                split.entry(group_of(k, self.split_by)).or_default().add(k);
            }
            let served = cell.outcomes[Outcome::Served as usize] as usize;
            let language = entry(&mut self.language_served, &key.language);
            language.served += served;
            if let Some(desk) = key.desk.as_deref() {
                if context.desk_speaks(desk, &key.language) {
                    language.in_language += served;
                }
                if served > 0 {
                    let row = entry(&mut self.desks, desk);
                    row.served += served;
                    row.serving_seconds += cell.service.sum;
                }
            }
        }
        self.split = split.into_iter().collect();
    }

    /// Adds `other`'s sums: tallies of the same filter and split of other days or buildings.
    pub fn merge(&mut self, other: &Tally) {
        debug_assert_eq!(self.split_by, other.split_by, "tallies of one split add up");
        self.visits += other.visits;
        self.multi_agency_visits += other.multi_agency_visits;
        self.transfers_between_agencies += other.transfers_between_agencies;
        self.planned_between_agencies += other.planned_between_agencies;
        self.building_time.add_sorted(&other.building_time);
        add_grid(&mut self.visit_arrivals, &other.visit_arrivals);
        self.on_time += other.on_time;
        self.late += other.late;
        self.not_came += other.not_came;
        for (language, theirs) in &other.language_visits {
            let ours = entry(&mut self.language_visits, language);
            ours.visits += theirs.visits;
            for (sum, n) in ours.per_hour.iter_mut().zip(theirs.per_hour) {
                *sum += n;
            }
        }
        for (key, n) in &other.agency_languages {
            *self.agency_languages.entry(key.clone()).or_default() += n;
        }
        self.feedback.merge(&other.feedback);
        self.legs.merge(&other.legs);
        self.walk.add_sorted(&other.walk);
        add_grid(&mut self.leg_arrivals, &other.leg_arrivals);
        for (sum, seconds) in self.waited.iter_mut().zip(other.waited) {
            *sum += seconds;
        }
        merge_rows(&mut self.services, &other.services);
        merge_rows(&mut self.split, &other.split);
        for (language, theirs) in &other.language_served {
            let ours = entry(&mut self.language_served, language);
            ours.served += theirs.served;
            ours.in_language += theirs.in_language;
        }
        for (desk, theirs) in &other.desks {
            let ours = entry(&mut self.desks, desk);
            ours.served += theirs.served;
            ours.serving_seconds += theirs.serving_seconds;
        }
    }

    /// Every duration's values sorted, equal ones counted together (what `merge` expects).
    fn compact(&mut self) {
        self.building_time.compact();
        self.legs.compact();
        self.walk.compact();
        for row in self.services.values_mut().chain(self.split.values_mut()) {
            row.compact();
        }
    }
}

fn add_grid(into: &mut [[usize; 24]; 7], other: &[[usize; 24]; 7]) {
    for (ours, theirs) in into.iter_mut().zip(other) {
        for (sum, n) in ours.iter_mut().zip(theirs) {
            *sum += n;
        }
    }
}

fn merge_rows(into: &mut BTreeMap<String, RowTally>, other: &BTreeMap<String, RowTally>) {
    for (key, row) in other {
        entry(into, key).merge(row);
    }
}

impl RowTally {
    fn add(&mut self, k: &Kept<'_>) {
        let cell = k.cell;
        self.legs += cell.legs as usize;
        for (sum, n) in self.outcomes.iter_mut().zip(cell.outcomes) {
            *sum += n as usize;
        }
        self.called += cell.wait.count();
        if let Some(target) = k.target {
            self.within_target += cell.wait.at_most(target);
        }
        self.wait.merge(&cell.wait);
        self.service.merge(&cell.service);
    }

    fn merge(&mut self, other: &RowTally) {
        self.legs += other.legs;
        for (sum, n) in self.outcomes.iter_mut().zip(other.outcomes) {
            *sum += n;
        }
        self.called += other.called;
        self.within_target += other.within_target;
        self.wait.add_sorted(&other.wait);
        self.service.add_sorted(&other.service);
    }

    fn compact(&mut self) {
        self.wait.compact();
        self.service.compact();
    }
}

#[cfg(test)]
#[path = "tally_tests.rs"]
mod tests;
