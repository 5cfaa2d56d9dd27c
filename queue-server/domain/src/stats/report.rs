//! The report: every table the stats page shows and the exports write, computed from a
//! tally of cells (`tally.rs`) by the definitions in `figures.rs`. Pure: no SQL, no clock.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use lotse_protocol::Building;
use strum::IntoEnumIterator;

use super::cells::{Cells, Durations};
use super::feedback::{Feedback, VisitScore};
use super::figures::{Outcome, Summary, Zone, share, summarise};
use super::tally::{Outcomes, RowTally, Tally, tally};
use super::{Dimension, Filter, Leg, Period};

/// An appointment imported but never checked in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedAppointment {
    pub date: NaiveDate,
    pub service: String,
}

/// The building facts the figures need.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub building: &'a Building,
    pub zone: Tz,
}

impl Context<'_> {
    pub(super) fn desk_speaks(&self, desk: &str, language: &str) -> bool {
        self.building
            .desk(desk)
            .is_some_and(|desk| desk.languages.iter().any(|l| l == language))
    }
}

/// The headline figures (KPI tiles).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpis {
    pub visits: usize,
    pub legs: usize,
    pub served: usize,
    pub no_shows: usize,
    pub walk_outs: usize,
    pub wait: Summary,
    pub walk: Summary,
    pub service: Summary,
    /// Called legs whose wait was within their service's target, as a share of called legs.
    pub service_level: Option<f64>,
    /// Visits with concerns at two agencies or more.
    pub cross_agency_visits: usize,
    /// From arrival to the end of the last served concern, for visits with one served.
    pub building_time: Summary,
}

/// One line of a breakdown table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub key: String,
    pub legs: usize,
    pub outcomes: BTreeMap<Outcome, usize>,
    pub called: usize,
    pub within_target: usize,
    pub service_level: Option<f64>,
    pub wait: Summary,
    pub service: Summary,
}

/// Visits per language (the interpreters' planning).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LanguageRow {
    pub language: String,
    pub visits: usize,
    /// Visits arriving in each local hour.
    pub per_hour: [usize; 24],
    pub served: usize,
    /// Served legs at a desk whose staff speak the visitor's language.
    pub served_in_language: usize,
    pub share_in_language: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrossAgency {
    pub visits: usize,
    pub multi_agency_visits: usize,
    /// Transfers from one agency's service to another's.
    pub transfers_between_agencies: usize,
    /// A visit sent on to its next planned concern at another agency.
    pub planned_between_agencies: usize,
    pub building_time: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Appointments {
    /// Checked in at or before the booked time.
    pub on_time: usize,
    /// Checked in after the booked time.
    pub late: usize,
    /// Imported, never checked in.
    pub not_came: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeskRow {
    pub desk: String,
    pub served: usize,
    /// Seconds spent serving (start to finish of served legs).
    pub serving_seconds: i64,
    /// Seconds the desk was staffed on the period's dates, and serving ÷ staffed: added by
    /// `staffing::with_staffed` (staffed time is no leg figure).
    pub staffed_seconds: i64,
    pub utilisation: Option<f64>,
}

/// A bucket of the waiting-time distribution, in minutes `[from, to)`; `to` none = open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub from: u32,
    pub to: Option<u32>,
    pub count: usize,
}

/// The bucket limits of the waiting-time distribution, in minutes.
pub const WAIT_BUCKETS: [u32; 9] = [0, 5, 10, 15, 20, 30, 45, 60, 90];

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: Period,
    pub kpis: Kpis,
    /// Visits by local weekday (0 = Monday) and hour of arrival.
    pub visit_arrivals: [[usize; 24]; 7],
    /// Legs by local weekday and hour of their start.
    pub leg_arrivals: [[usize; 24]; 7],
    /// People waiting on average during each local hour of the day over the period
    /// (waiting = from a leg's start to its call; walk-outs, whose leaving is unknown, are
    /// not counted).
    pub waiting_per_hour: [f64; 24],
    pub wait_distribution: Vec<Bucket>,
    pub outcomes: BTreeMap<Outcome, usize>,
    /// By service, with the target and the service level.
    pub services: Vec<Row>,
    pub split_by: Dimension,
    pub split: Vec<Row>,
    pub languages: Vec<LanguageRow>,
    /// Visits per agency and language (a visit counts at each agency it has a concern at).
    pub agency_languages: Vec<(String, String, usize)>,
    pub cross_agency: CrossAgency,
    pub appointments: Appointments,
    pub desks: Vec<DeskRow>,
    /// Visitors' scores of the kept visits (`feedback.rs`).
    pub feedback: Feedback,
}

/// Computes the report of leg rows (folded into cells first): tests and fixtures.
pub fn compute_from_legs(
    legs: &[Leg],
    missed: &[MissedAppointment],
    scores: &[VisitScore],
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
) -> Report {
    let cells = Cells::fold(legs, scores, context.building, &Zone::new(context.zone));
    compute(&cells, missed, context, period, filter, split_by)
}

/// Computes the report for `period` from cells, keeping the legs `filter` matches, with a
/// breakdown by `split_by` (what is kept: `tally::tally`).
pub fn compute(
    cells: &Cells,
    missed: &[MissedAppointment],
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
) -> Report {
    tally(cells, missed, context, period, filter, split_by).report(period, context.zone)
}

/// The headline figures only (the tiles' "period before").
pub fn compute_kpis(cells: &Cells, context: Context<'_>, period: Period, filter: &Filter) -> Kpis {
    tally(cells, &[], context, period, filter, Dimension::Service).kpis()
}

impl Tally {
    /// The headline figures of the tallied legs and visits.
    pub fn kpis(&self) -> Kpis {
        let outcome = |o: Outcome| self.legs.outcomes[o as usize];
        Kpis {
            visits: self.visits,
            legs: self.legs.legs,
            served: outcome(Outcome::Served),
            no_shows: outcome(Outcome::NoShow),
            walk_outs: outcome(Outcome::WalkOut),
            wait: summarise([&self.legs.wait]),
            walk: summarise([&self.walk]),
            service: summarise([&self.legs.service]),
            service_level: share(self.legs.within_target, self.legs.called),
            cross_agency_visits: self.multi_agency_visits,
            building_time: summarise([&self.building_time]),
        }
    }

    /// The report of `period` (in the building's time zone `zone`) from its tally.
    pub fn report(&self, period: Period, zone: Tz) -> Report {
        let services: Vec<Row> = rows(&self.services);
        let split = if self.split_by == Dimension::Service {
            services.clone()
        } else {
            rows(&self.split)
        };
        Report {
            period,
            kpis: self.kpis(),
            visit_arrivals: self.visit_arrivals,
            leg_arrivals: self.leg_arrivals,
            waiting_per_hour: waiting_per_hour(&self.waited, period, &Zone::new(zone)),
            wait_distribution: distribution(&self.legs.wait),
            outcomes: outcomes(&self.legs.outcomes),
            services,
            split_by: self.split_by,
            split,
            languages: self.languages(),
            agency_languages: self
                .agency_languages
                .iter()
                .map(|((agency, language), n)| (agency.clone(), language.clone(), *n))
                .collect(),
            cross_agency: CrossAgency {
                visits: self.visits,
                multi_agency_visits: self.multi_agency_visits,
                transfers_between_agencies: self.transfers_between_agencies,
                planned_between_agencies: self.planned_between_agencies,
                building_time: summarise([&self.building_time]),
            },
            appointments: Appointments {
                on_time: self.on_time,
                late: self.late,
                not_came: self.not_came,
            },
            desks: self
                .desks
                .iter()
                .map(|(desk, tally)| DeskRow {
                    desk: desk.clone(),
                    served: tally.served,
                    serving_seconds: tally.serving_seconds,
                    ..DeskRow::default()
                })
                .collect(),
            feedback: self.feedback.clone(),
        }
    }

    /// The languages the visits came in, most visits first.
    fn languages(&self) -> Vec<LanguageRow> {
        let mut list: Vec<LanguageRow> = self
            .language_visits
            .iter()
            .map(|(language, visits)| {
                let served = self
                    .language_served
                    .get(language)
                    .copied()
                    .unwrap_or_default();
                LanguageRow {
                    language: language.clone(),
                    visits: visits.visits,
                    per_hour: visits.per_hour,
                    served: served.served,
                    served_in_language: served.in_language,
                    share_in_language: share(served.in_language, served.served),
                }
            })
            .collect();
        list.sort_by(|a, b| b.visits.cmp(&a.visits).then(a.language.cmp(&b.language)));
        list
    }
}

fn outcomes(counts: &Outcomes) -> BTreeMap<Outcome, usize> {
    Outcome::iter().map(|o| (o, counts[o as usize])).collect()
}

fn rows(tallies: &BTreeMap<String, RowTally>) -> Vec<Row> {
    tallies
        .iter()
        .map(|(key, tally)| Row {
            key: key.clone(),
            legs: tally.legs,
            outcomes: outcomes(&tally.outcomes),
            called: tally.called,
            within_target: tally.within_target,
            service_level: share(tally.within_target, tally.called),
            wait: summarise([&tally.wait]),
            service: summarise([&tally.service]),
        })
        .collect()
}

fn distribution(waits: &Durations) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = WAIT_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, from)| Bucket {
            from: *from,
            to: WAIT_BUCKETS.get(i + 1).copied(),
            count: 0,
        })
        .collect();
    for (seconds, n) in &waits.values {
        let index = WAIT_BUCKETS
            .iter()
            .rposition(|from| *seconds >= from * 60)
            .unwrap_or(0);
        buckets[index].count += *n as usize;
    }
    buckets
}

/// People waiting on average in each local hour: the seconds waited in it over the seconds
/// the period has of it.
fn waiting_per_hour(waited: &[f64; 24], period: Period, zone: &Zone) -> [f64; 24] {
    let mut hours = [0.0; 24];
    zone.seconds_per_hour(
        zone.day_start(period.from),
        zone.day_start(period.to.succ_opt().unwrap_or(period.to)),
        &mut hours,
    );
    std::array::from_fn(|h| {
        if hours[h] > 0.0 {
            waited[h] / hours[h]
        } else {
            0.0
        }
    })
}

/// The weekday of an index of the heatmaps (0 = Monday).
pub fn weekday(index: usize) -> Weekday {
    Weekday::try_from(u8::try_from(index % 7).unwrap_or(0)).unwrap_or(Weekday::Mon)
}
