//! The report: every table the stats page shows and the exports write, computed from leg
//! rows by the definitions in `figures.rs`. Pure: no SQL, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use lotse_protocol::Building;
use strum::IntoEnumIterator;

use super::feedback::{Feedback, VisitScore, feedback};
use super::figures::{
    self, Outcome, Summary, Zone, outcome, service_time, share, summary, wait, walk,
};
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
    fn agency_of(&self, service: &str) -> &str {
        self.building
            .service(service)
            .map_or("", |service| service.agency.as_str())
    }

    fn target_seconds(&self, service: &str) -> Option<i64> {
        self.building
            .service(service)
            .map(|service| i64::from(service.target_wait_minutes) * 60)
    }

    fn desk_speaks(&self, desk: &str, language: &str) -> bool {
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

/// A leg with what the figures derive for it once.
struct Derived<'a> {
    leg: &'a Leg,
    agency: &'a str,
    start: DateTime<Utc>,
    wait: Option<i64>,
    /// The service's target wait in seconds.
    target: Option<i64>,
    outcome: Outcome,
    /// The local weekday (0 = Monday) and hour of `start`, converted once.
    weekday: usize,
    hour: usize,
}

/// Computes the report for `period`, keeping the legs `filter` matches, with a breakdown by
/// `split_by`. Visits count in the period of their local arrival date.
pub fn compute(
    legs: &[Leg],
    missed: &[MissedAppointment],
    scores: &[VisitScore],
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
) -> Report {
    let zone = Zone::new(context.zone);
    // Each service's agency and target, looked up once rather than per leg.
    let services: HashMap<&str, (&str, Option<i64>)> = context
        .building
        .services
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                (s.agency.as_str(), context.target_seconds(&s.id)),
            )
        })
        .collect();
    let starts = figures::starts(legs);
    let in_period: Vec<Derived<'_>> = legs
        .iter()
        .zip(starts)
        .filter(|(leg, _)| period.contains(zone.date(leg.issued_at)))
        .map(|(leg, start)| {
            let (weekday, hour) = zone.weekday_hour(start);
            let (agency, target) = services
                .get(leg.service.as_str())
                .copied()
                .unwrap_or(("", None));
            Derived {
                leg,
                agency,
                start,
                wait: wait(leg, start),
                target,
                outcome: outcome(leg),
                weekday,
                hour,
            }
        })
        .collect();
    let kept: Vec<&Derived<'_>> = in_period.iter().filter(|d| matches(d, filter)).collect();
    let visit_ids: BTreeSet<i64> = kept.iter().map(|d| d.leg.visit).collect();
    // Visit-level figures look at all legs of a kept visit (a filter on one agency must
    // still see that the visit went on to another).
    let mut visits: BTreeMap<i64, Vec<&Derived<'_>>> = BTreeMap::new();
    for d in in_period
        .iter()
        .filter(|d| visit_ids.contains(&d.leg.visit))
    {
        visits.entry(d.leg.visit).or_default().push(d);
    }
    for legs in visits.values_mut() {
        legs.sort_by_key(|d| (d.leg.position, d.leg.id));
    }
    let cross_agency = cross_agency(&visits);
    let kpis = Kpis {
        visits: visits.len(),
        legs: kept.len(),
        served: kept.iter().filter(|d| d.outcome == Outcome::Served).count(),
        no_shows: kept.iter().filter(|d| d.outcome == Outcome::NoShow).count(),
        walk_outs: kept
            .iter()
            .filter(|d| d.outcome == Outcome::WalkOut)
            .count(),
        wait: summary(kept.iter().filter_map(|d| d.wait).collect()),
        walk: summary(kept.iter().filter_map(|d| walk(d.leg)).collect()),
        service: summary(kept.iter().filter_map(|d| service_time(d.leg)).collect()),
        service_level: service_level(&kept).2,
        cross_agency_visits: cross_agency.multi_agency_visits,
        building_time: cross_agency.building_time,
    };
    let mut visit_arrivals = [[0; 24]; 7];
    for legs in visits.values() {
        let (day, hour) = zone.weekday_hour(legs[0].leg.issued_at);
        visit_arrivals[day][hour] += 1;
    }
    let mut leg_arrivals = [[0; 24]; 7];
    for d in &kept {
        leg_arrivals[d.weekday][d.hour] += 1;
    }
    let services = rows(&kept, Dimension::Service);
    let split = if split_by == Dimension::Service {
        services.clone()
    } else {
        rows(&kept, split_by)
    };
    Report {
        period,
        kpis,
        visit_arrivals,
        leg_arrivals,
        waiting_per_hour: waiting_per_hour(&kept, period, &zone),
        wait_distribution: distribution(kept.iter().filter_map(|d| d.wait)),
        outcomes: outcomes(&kept),
        services,
        split_by,
        split,
        languages: languages(&visits, &kept, context, &zone),
        agency_languages: agency_languages(&visits, filter),
        cross_agency,
        appointments: appointments(&visits, missed, period, filter, context),
        desks: desks(&kept),
        feedback: feedback(scores, &kept_services(&kept)),
    }
}

/// Each kept visit's agencies and services (of the legs the filter keeps).
fn kept_services<'a>(kept: &[&'a Derived<'a>]) -> BTreeMap<i64, BTreeSet<(&'a str, &'a str)>> {
    let mut visits: BTreeMap<i64, BTreeSet<(&str, &str)>> = BTreeMap::new();
    for d in kept {
        visits
            .entry(d.leg.visit)
            .or_default()
            .insert((d.agency, d.leg.service.as_str()));
    }
    visits
}

fn matches(d: &Derived<'_>, filter: &Filter) -> bool {
    let leg = d.leg;
    let (weekday, hour) = (d.weekday, d.hour);
    filter.keeps_agency(d.agency)
        && filter.service.as_deref().is_none_or(|s| s == leg.service)
        && filter
            .desk
            .as_deref()
            .is_none_or(|desk| leg.desk.as_deref() == Some(desk))
        && filter.channel.is_none_or(|c| c == leg.channel)
        && filter.language.as_deref().is_none_or(|l| l == leg.language)
        && filter.hour.is_none_or(|h| h as usize == hour)
        && filter
            .weekday
            .is_none_or(|w| w.num_days_from_monday() as usize == weekday)
}

/// Called legs, those within target, and the share.
fn service_level(legs: &[&Derived<'_>]) -> (usize, usize, Option<f64>) {
    let called: Vec<(i64, Option<i64>)> = legs
        .iter()
        .filter_map(|d| d.wait.map(|w| (w, d.target)))
        .collect();
    let within = called
        .iter()
        .filter(|(w, target)| target.is_some_and(|t| *w <= t))
        .count();
    (called.len(), within, share(within, called.len()))
}

fn outcomes(legs: &[&Derived<'_>]) -> BTreeMap<Outcome, usize> {
    let mut counts: BTreeMap<Outcome, usize> = Outcome::iter().map(|o| (o, 0)).collect();
    for d in legs {
        *counts.entry(d.outcome).or_default() += 1;
    }
    counts
}

fn key_of(d: &Derived<'_>, dimension: Dimension) -> String {
    let leg = d.leg;
    match dimension {
        Dimension::Agency => d.agency.to_owned(),
        Dimension::Service => leg.service.clone(),
        Dimension::Desk => leg.desk.clone().unwrap_or_default(),
        Dimension::Channel => leg.channel.as_str().to_owned(),
        Dimension::Language => leg.language.clone(),
        Dimension::Hour => format!("{:02}", d.hour),
        Dimension::Weekday => d.weekday.to_string(),
    }
}

fn rows(legs: &[&Derived<'_>], dimension: Dimension) -> Vec<Row> {
    let mut groups: BTreeMap<String, Vec<&Derived<'_>>> = BTreeMap::new();
    for d in legs {
        groups.entry(key_of(d, dimension)).or_default().push(d);
    }
    groups
        .into_iter()
        .map(|(key, legs)| {
            let (called, within_target, service_level) = service_level(&legs);
            Row {
                key,
                legs: legs.len(),
                outcomes: outcomes(&legs),
                called,
                within_target,
                service_level,
                wait: summary(legs.iter().filter_map(|d| d.wait).collect()),
                service: summary(legs.iter().filter_map(|d| service_time(d.leg)).collect()),
            }
        })
        .collect()
}

fn distribution(waits: impl Iterator<Item = i64>) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = WAIT_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, from)| Bucket {
            from: *from,
            to: WAIT_BUCKETS.get(i + 1).copied(),
            count: 0,
        })
        .collect();
    for seconds in waits {
        let index = WAIT_BUCKETS
            .iter()
            .rposition(|from| seconds >= i64::from(*from) * 60)
            .unwrap_or(0);
        buckets[index].count += 1;
    }
    buckets
}

fn waiting_per_hour(legs: &[&Derived<'_>], period: Period, zone: &Zone) -> [f64; 24] {
    let mut waited = [0.0; 24];
    for d in legs {
        if let Some(called) = d.leg.called_at {
            zone.seconds_per_hour(d.start, called, &mut waited);
        }
    }
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

fn cross_agency(visits: &BTreeMap<i64, Vec<&Derived<'_>>>) -> CrossAgency {
    let mut figures = CrossAgency {
        visits: visits.len(),
        ..CrossAgency::default()
    };
    let mut times = Vec::new();
    for legs in visits.values() {
        let agencies: BTreeSet<&str> = legs.iter().map(|d| d.agency).collect();
        if agencies.len() >= 2 {
            figures.multi_agency_visits += 1;
        }
        for pair in legs.windows(2) {
            if pair[0].agency == pair[1].agency {
                continue;
            }
            match pair[0].outcome {
                Outcome::Transferred => figures.transfers_between_agencies += 1,
                Outcome::Served => figures.planned_between_agencies += 1,
                _ => {}
            }
        }
        let last_served = legs
            .iter()
            .filter(|d| d.outcome == Outcome::Served)
            .filter_map(|d| d.leg.finished_at)
            .max();
        if let Some(end) = last_served {
            times.push((end - legs[0].leg.issued_at).num_seconds().max(0));
        }
    }
    figures.building_time = summary(times);
    figures
}

fn languages(
    visits: &BTreeMap<i64, Vec<&Derived<'_>>>,
    kept: &[&Derived<'_>],
    context: Context<'_>,
    zone: &Zone,
) -> Vec<LanguageRow> {
    let mut by_language: HashMap<String, LanguageRow> = HashMap::new();
    for legs in visits.values() {
        let first = legs[0].leg;
        let entry = by_language
            .entry(first.language.clone())
            .or_insert_with(|| LanguageRow {
                language: first.language.clone(),
                ..LanguageRow::default()
            });
        entry.visits += 1;
        entry.per_hour[zone.weekday_hour(first.issued_at).1] += 1;
    }
    for d in kept.iter().filter(|d| d.outcome == Outcome::Served) {
        let Some(entry) = by_language.get_mut(&d.leg.language) else {
            continue;
        };
        entry.served += 1;
        if d.leg
            .desk
            .as_deref()
            .is_some_and(|desk| context.desk_speaks(desk, &d.leg.language))
        {
            entry.served_in_language += 1;
        }
    }
    let mut list: Vec<LanguageRow> = by_language
        .into_values()
        .map(|mut row| {
            row.share_in_language = share(row.served_in_language, row.served);
            row
        })
        .collect();
    list.sort_by(|a, b| b.visits.cmp(&a.visits).then(a.language.cmp(&b.language)));
    list
}

fn agency_languages(
    visits: &BTreeMap<i64, Vec<&Derived<'_>>>,
    filter: &Filter,
) -> Vec<(String, String, usize)> {
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for legs in visits.values() {
        let agencies: BTreeSet<&str> = legs
            .iter()
            .map(|d| d.agency)
            .filter(|a| filter.keeps_agency(a))
            .collect();
        for agency in agencies {
            *counts
                .entry((agency.to_owned(), legs[0].leg.language.clone()))
                .or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|((agency, language), n)| (agency, language, n))
        .collect()
}

fn appointments(
    visits: &BTreeMap<i64, Vec<&Derived<'_>>>,
    missed: &[MissedAppointment],
    period: Period,
    filter: &Filter,
    context: Context<'_>,
) -> Appointments {
    let mut figures = Appointments::default();
    for legs in visits.values() {
        let first = legs[0].leg;
        if let Some(booked) = first.appointment_at {
            if first.issued_at <= booked {
                figures.on_time += 1;
            } else {
                figures.late += 1;
            }
        }
    }
    figures.not_came = missed
        .iter()
        .filter(|m| period.contains(m.date))
        .filter(|m| filter.service.as_deref().is_none_or(|s| s == m.service))
        .filter(|m| filter.keeps_agency(context.agency_of(&m.service)))
        .count();
    figures
}

/// The desks of the served legs kept and the desks the filter keeps that were staffed.
fn desks(legs: &[&Derived<'_>]) -> Vec<DeskRow> {
    let mut rows: BTreeMap<&str, DeskRow> = BTreeMap::new();
    for d in legs.iter().filter(|d| d.outcome == Outcome::Served) {
        let Some(desk) = d.leg.desk.as_deref() else {
            continue;
        };
        let row = rows.entry(desk).or_insert_with(|| DeskRow {
            desk: desk.to_owned(),
            ..DeskRow::default()
        });
        row.served += 1;
        row.serving_seconds += service_time(d.leg).unwrap_or(0);
    }
    rows.into_values().collect()
}

/// The weekday of an index of the heatmaps (0 = Monday).
pub fn weekday(index: usize) -> Weekday {
    Weekday::try_from(u8::try_from(index % 7).unwrap_or(0)).unwrap_or(Weekday::Mon)
}
