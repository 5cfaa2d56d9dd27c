//! The report: every table the stats page shows and the exports write, computed from leg
//! rows by the definitions in `figures.rs`. Pure: no SQL, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use lotse_protocol::Building;
use strum::IntoEnumIterator;

use super::cells::{Cells, Durations, LegCell, Punctuality, VisitCell, add_waited};
use super::feedback::{Feedback, VisitScore, feedback};
use super::figures::{Outcome, Summary, Zone, share, summarise};
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
        self.building.agency_of(service)
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

/// The agencies of a visit's services, sorted, each once.
type Agencies<'a> = smallvec::SmallVec<[&'a str; 2]>;

/// A leg cell with what the figures look up for it once.
struct Kept<'a> {
    cell: &'a LegCell,
    agency: &'a str,
    /// The service's target wait in seconds.
    target: Option<i64>,
}

/// Computes the report for `period` from cells, keeping the legs `filter` matches, with a
/// breakdown by `split_by`. Visits count in the period of their local arrival date. Leg
/// figures keep the leg cells that match every filter value (hour and weekday: of the leg's
/// start); visit figures keep the visits that match it (agency, service and desk: one of the
/// visit's; hour and weekday: of its arrival).
pub fn compute(
    cells: &Cells,
    missed: &[MissedAppointment],
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
) -> Report {
    let zone = Zone::new(context.zone);
    let (kept, visits) = select(cells, context, period, filter);
    let (kpis, cross_agency) = kpis(&kept, &visits);
    let all: Vec<&Kept<'_>> = kept.iter().collect();
    let agency_of = |service: &str| context.agency_of(service);
    let mut visit_arrivals = [[0; 24]; 7];
    for (cell, _) in &visits {
        visit_arrivals[usize::from(cell.key.weekday)][usize::from(cell.key.hour)] +=
            cell.visits as usize;
    }
    let mut leg_arrivals = [[0; 24]; 7];
    for k in &kept {
        leg_arrivals[usize::from(k.cell.key.weekday)][usize::from(k.cell.key.hour)] +=
            k.cell.legs as usize;
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
        wait_distribution: distribution(kept.iter().map(|k| &k.cell.wait)),
        outcomes: outcomes(&all),
        services,
        split_by,
        split,
        languages: languages(&visits, &kept, context),
        agency_languages: agency_languages(&visits, filter),
        cross_agency,
        appointments: appointments(&visits, missed, period, filter, context),
        desks: desks(&kept),
        feedback: feedback(visits.iter().filter_map(|(cell, _)| {
            let score = cell.key.score?;
            let pairs = kept_services(cell, filter, &agency_of);
            Some((score, cell.visits as usize, pairs))
        })),
    }
}

/// The headline figures only (the tiles' "period before").
pub fn compute_kpis(cells: &Cells, context: Context<'_>, period: Period, filter: &Filter) -> Kpis {
    let (kept, visits) = select(cells, context, period, filter);
    kpis(&kept, &visits).0
}

/// A visit cell with its services' agencies.
type KeptVisit<'a> = (&'a VisitCell, Agencies<'a>);

/// The leg and visit cells of `period` that `filter` keeps.
fn select<'a>(
    cells: &'a Cells,
    context: Context<'a>,
    period: Period,
    filter: &Filter,
) -> (Vec<Kept<'a>>, Vec<KeptVisit<'a>>) {
    // Each service's agency and target, looked up once rather than per cell.
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
    let agency_of = |service: &str| services.get(service).map_or("", |(agency, _)| *agency);
    let visits: Vec<KeptVisit<'_>> = cells
        .visits
        .iter()
        .filter(|cell| period.contains(cell.key.date))
        .map(|cell| {
            let mut agencies: Agencies<'_> =
                cell.key.services.iter().map(|s| agency_of(s)).collect();
            agencies.sort_unstable();
            agencies.dedup();
            (cell, agencies)
        })
        .filter(|(cell, agencies)| visit_matches(cell, agencies, filter))
        .collect();
    (kept, visits)
}

fn kpis(kept: &[Kept<'_>], visits: &[KeptVisit<'_>]) -> (Kpis, CrossAgency) {
    let all: Vec<&Kept<'_>> = kept.iter().collect();
    let cross_agency = cross_agency(visits);
    let count = |outcome: Outcome| -> usize {
        kept.iter()
            .map(|k| k.cell.outcomes[outcome as usize] as usize)
            .sum()
    };
    let kpis = Kpis {
        visits: cross_agency.visits,
        legs: kept.iter().map(|k| k.cell.legs as usize).sum(),
        served: count(Outcome::Served),
        no_shows: count(Outcome::NoShow),
        walk_outs: count(Outcome::WalkOut),
        wait: summarise(kept.iter().map(|k| &k.cell.wait)),
        walk: summarise(kept.iter().map(|k| &k.cell.walk)),
        service: summarise(kept.iter().map(|k| &k.cell.service)),
        service_level: service_level(&all).2,
        cross_agency_visits: cross_agency.multi_agency_visits,
        building_time: cross_agency.building_time,
    };
    (kpis, cross_agency)
}

/// A visit's (agency, service) pairs the filter keeps.
fn kept_services<'a>(
    cell: &'a VisitCell,
    filter: &Filter,
    agency_of: &impl Fn(&str) -> &'a str,
) -> BTreeSet<(&'a str, &'a str)> {
    cell.key
        .services
        .iter()
        .map(|s| (agency_of(s), &**s))
        .filter(|(agency, service)| {
            filter.keeps_agency(agency) && filter.service.as_deref().is_none_or(|s| s == *service)
        })
        .collect()
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

/// Called legs, those within target, and the share.
fn service_level(kept: &[&Kept<'_>]) -> (usize, usize, Option<f64>) {
    let called: usize = kept.iter().map(|k| k.cell.wait.count()).sum();
    let within: usize = kept
        .iter()
        .filter_map(|k| Some(k.cell.wait.at_most(k.target?)))
        .sum();
    (called, within, share(within, called))
}

fn outcomes(kept: &[&Kept<'_>]) -> BTreeMap<Outcome, usize> {
    Outcome::iter()
        .map(|o| {
            let n = kept
                .iter()
                .map(|k| k.cell.outcomes[o as usize] as usize)
                .sum();
            (o, n)
        })
        .collect()
}

/// What a breakdown groups by, borrowed from the cell (no text made per cell).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Group<'a> {
    Text(&'a str),
    Hour(u8),
    Weekday(u8),
}

impl Group<'_> {
    fn label(&self) -> String {
        match self {
            Group::Text(text) => (*text).to_owned(),
            Group::Hour(hour) => format!("{hour:02}"),
            Group::Weekday(day) => day.to_string(),
        }
    }
}

fn group_of<'a>(k: &Kept<'a>, dimension: Dimension) -> Group<'a> {
    let key = &k.cell.key;
    match dimension {
        Dimension::Agency => Group::Text(k.agency),
        Dimension::Service => Group::Text(&key.service),
        Dimension::Desk => Group::Text(key.desk.as_deref().unwrap_or_default()),
        Dimension::Channel => Group::Text(key.channel.as_str()),
        Dimension::Language => Group::Text(&key.language),
        Dimension::Hour => Group::Hour(key.hour),
        Dimension::Weekday => Group::Weekday(key.weekday),
    }
}

fn rows(kept: &[Kept<'_>], dimension: Dimension) -> Vec<Row> {
    let mut groups: BTreeMap<Group<'_>, Vec<&Kept<'_>>> = BTreeMap::new();
    for k in kept {
        groups.entry(group_of(k, dimension)).or_default().push(k);
    }
    groups
        .into_iter()
        .map(|(group, members)| {
            let (called, within_target, service_level) = service_level(&members);
            Row {
                key: group.label(),
                legs: members.iter().map(|k| k.cell.legs as usize).sum(),
                outcomes: outcomes(&members),
                called,
                within_target,
                service_level,
                wait: summarise(members.iter().map(|k| &k.cell.wait)),
                service: summarise(members.iter().map(|k| &k.cell.service)),
            }
        })
        .collect()
}

fn distribution<'a>(waits: impl Iterator<Item = &'a Durations>) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = WAIT_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, from)| Bucket {
            from: *from,
            to: WAIT_BUCKETS.get(i + 1).copied(),
            count: 0,
        })
        .collect();
    for (seconds, n) in waits.flat_map(|d| &d.values) {
        let index = WAIT_BUCKETS
            .iter()
            .rposition(|from| *seconds >= from * 60)
            .unwrap_or(0);
        buckets[index].count += *n as usize;
    }
    buckets
}

fn waiting_per_hour(kept: &[Kept<'_>], period: Period, zone: &Zone) -> [f64; 24] {
    let mut waited = [0.0; 24];
    for k in kept {
        add_waited(&k.cell.waited, &mut waited);
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

fn cross_agency(visits: &[KeptVisit<'_>]) -> CrossAgency {
    let mut figures = CrossAgency::default();
    for (cell, agencies) in visits {
        let n = cell.visits as usize;
        figures.visits += n;
        if agencies.len() >= 2 {
            figures.multi_agency_visits += n;
        }
        figures.transfers_between_agencies += cell.transfers_between_agencies as usize;
        figures.planned_between_agencies += cell.planned_between_agencies as usize;
    }
    figures.building_time = summarise(visits.iter().map(|(cell, _)| &cell.building_time));
    figures
}

fn languages(
    visits: &[KeptVisit<'_>],
    kept: &[Kept<'_>],
    context: Context<'_>,
) -> Vec<LanguageRow> {
    let mut by_language: HashMap<&str, LanguageRow> = HashMap::new();
    for (cell, _) in visits {
        let language = &*cell.key.language;
        let entry = by_language.entry(language).or_insert_with(|| LanguageRow {
            language: language.to_owned(),
            ..LanguageRow::default()
        });
        entry.visits += cell.visits as usize;
        entry.per_hour[usize::from(cell.key.hour)] += cell.visits as usize;
    }
    for k in kept {
        let served = k.cell.outcomes[Outcome::Served as usize] as usize;
        let key = &k.cell.key;
        let Some(entry) = by_language.get_mut(&*key.language) else {
            continue;
        };
        entry.served += served;
        if key
            .desk
            .as_deref()
            .is_some_and(|desk| context.desk_speaks(desk, &key.language))
        {
            entry.served_in_language += served;
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

fn agency_languages(visits: &[KeptVisit<'_>], filter: &Filter) -> Vec<(String, String, usize)> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (cell, agencies) in visits {
        let agencies = agencies.iter().filter(|a| filter.keeps_agency(a));
        for agency in agencies {
            *counts.entry((agency, &cell.key.language)).or_default() += cell.visits as usize;
        }
    }
    counts
        .into_iter()
        .map(|((agency, language), n)| (agency.to_owned(), language.to_owned(), n))
        .collect()
}

fn appointments(
    visits: &[KeptVisit<'_>],
    missed: &[MissedAppointment],
    period: Period,
    filter: &Filter,
    context: Context<'_>,
) -> Appointments {
    let mut figures = Appointments::default();
    for (cell, _) in visits {
        match cell.key.punctuality {
            Punctuality::OnTime => figures.on_time += cell.visits as usize,
            Punctuality::Late => figures.late += cell.visits as usize,
            Punctuality::NoAppointment => {}
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

/// The desks of the served legs kept (staffed time is added by `staffing::with_staffed`).
fn desks(kept: &[Kept<'_>]) -> Vec<DeskRow> {
    let mut rows: BTreeMap<&str, DeskRow> = BTreeMap::new();
    for k in kept {
        let served = k.cell.outcomes[Outcome::Served as usize] as usize;
        let Some(desk) = k.cell.key.desk.as_deref() else {
            continue;
        };
        if served == 0 {
            continue;
        }
        let row = rows.entry(desk).or_insert_with(|| DeskRow {
            desk: desk.to_owned(),
            ..DeskRow::default()
        });
        row.served += served;
        row.serving_seconds += k.cell.service.sum;
    }
    rows.into_values().collect()
}

/// The weekday of an index of the heatmaps (0 = Monday).
pub fn weekday(index: usize) -> Weekday {
    Weekday::try_from(u8::try_from(index % 7).unwrap_or(0)).unwrap_or(Weekday::Mon)
}
