//! `queue-server demo-history`: a realistic past for the sample building, so the statistics
//! page is meaningful in the demo and in benchmarks. Pure and deterministic for a seed: the
//! visits of a day are generated here and written by `storage::history` with the columns
//! real tickets fill (a documented bulk path: a past day is written in its final state).
//!
//! The patterns: about 230 visits per working day, each service's share as its desks can
//! serve them within about its target wait (Monday and Tuesday busier, Wednesday and
//! Friday quieter, August quieter), mornings busiest, only within each service's opening
//! hours; the building's languages in the shares of the county's visitors; 12 % booked
//! appointments (some late, 8 % of bookings missed), 6 % walk-ins; 14 % of visits with a
//! second concern, mostly at another agency; 3 % walk-outs, 3 % no-shows, 4 % transfers,
//! 1 % parked and never finished.
//!
//! The desks are simulated as servers, one visitor at a time: concerns are called in the
//! order they become ready, each by the desk of its service free first (one speaking the
//! visitor's language if it is free within the building's fairness share of the target
//! wait), while the service is open or closed less than 30 minutes; a concern still waiting
//! then waits for the service to reopen that day or is closed at the end of the day. Each
//! desk that called anyone is staffed from a little before its first visitor to a little
//! after its last, with a break where it served nobody for 90 minutes or more (desk
//! shifts: desk utilisation, ≤ 100 % by construction).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use lotse_protocol::{Channel, StopStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Config;
use crate::stats::staffing::{Shift, Spans, join};

/// A ticket of a past day, in its final state.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoricVisit {
    pub day: NaiveDate,
    pub prefix: String,
    pub seq: i64,
    pub token: String,
    pub language: String,
    pub channel: Channel,
    pub issued_at: DateTime<Utc>,
    pub appointment_at: Option<DateTime<Utc>>,
    pub stops: Vec<HistoricStop>,
    /// The score (1-5) the visitor gave on the status page, and when.
    pub feedback: Option<(u8, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoricStop {
    pub position: i64,
    pub service: String,
    pub status: StopStatus,
    pub queued_at: DateTime<Utc>,
    pub front: bool,
    pub desk: Option<String>,
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub recalls: u32,
    pub outcome: Option<&'static str>,
}

impl HistoricStop {
    /// A concern never called, closed at `closing` (the end of the day).
    fn closed(
        position: i64,
        service: &str,
        queued_at: DateTime<Utc>,
        closing: DateTime<Utc>,
    ) -> HistoricStop {
        HistoricStop {
            position,
            service: service.to_owned(),
            status: StopStatus::Cancelled,
            queued_at,
            front: false,
            desk: None,
            called_at: None,
            started_at: None,
            finished_at: Some(closing),
            recalls: 0,
            outcome: None,
        }
    }
}

/// One generated day: its visits, the appointments nobody came to (service, count) and when
/// the desks were staffed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoricDay {
    pub visits: Vec<HistoricVisit>,
    pub missed: Vec<(String, u32)>,
    pub shifts: Vec<Shift>,
}

/// A desk idle this long is left (a break, the end of a shift).
const BREAK: Duration = Duration::minutes(90);

/// Visitors still waiting this long after their service closed are called; later ones wait
/// for it to open again that day or are sent home.
const GRACE: Duration = Duration::minutes(30);

/// Visitors' languages and their shares (per mille).
const LANGUAGES: [(&str, u32); 10] = [
    ("de", 340),
    ("ar", 180),
    ("uk", 120),
    ("fa", 80),
    ("ru", 70),
    ("tr", 60),
    ("ps", 50),
    ("en", 45),
    ("ti", 35),
    ("fr", 20),
];

/// Arrivals per local hour (relative).
const HOURS: [(u32, u32); 11] = [
    (7, 3),
    (8, 16),
    (9, 18),
    (10, 15),
    (11, 11),
    (12, 4),
    (13, 7),
    (14, 8),
    (15, 6),
    (16, 4),
    (17, 2),
];

/// Arrivals drawn per working day on average (an hour from [`HOURS`], a service by
/// [`demand`]); those at a service closed then are dropped. About 230 visits a day remain:
/// what the sample building's desks serve with waits near the services' targets.
pub const ARRIVALS_PER_DAY: f64 = 340.0;

/// A generator seeded once; days come out in the order asked.
pub struct Generator<'a> {
    config: &'a Config,
    /// Arrivals drawn per working day on average ([`ARRIVALS_PER_DAY`] unless asked).
    arrivals: f64,
    rng: StdRng,
    /// When each desk (by id) is free again on the day being generated.
    free: HashMap<String, DateTime<Utc>>,
    /// Each service (its index) weighted by the visitors its desks can serve.
    demand: Vec<(usize, u32)>,
}

/// A concern waiting to be called: from `ready` (its visit's arrival, the end of the concern
/// before, or a transfer).
#[derive(Debug, Clone)]
struct Leg {
    ready: DateTime<Utc>,
    visit: usize,
    position: i64,
    service: String,
    /// The position of the visit's next concern.
    next: usize,
    /// After a transfer: whether the leg was put at the front of the line.
    onward: Option<bool>,
}

/// Each service weighted by how many visitors an hour its desks can take: a desk's hour is
/// shared among its services, a visitor takes the service's typical minutes × 1.15 on
/// average (`service_time`) plus about two minutes to be called and to walk up.
fn demand(config: &Config) -> Vec<(usize, u32)> {
    let building = &config.building;
    building
        .services
        .iter()
        .enumerate()
        .map(|(index, service)| {
            let minutes = f64::from(service.typical_minutes) * 1.15 + 2.0;
            let desks = building.desk_share(&service.id);
            let per_hour = desks * 60.0 / minutes;
            // Busy at a share of its capacity that keeps the wait near the target: a
            // queue's wait grows like minutes × load ÷ (desks × (1 − load)).
            let target = desks * f64::from(service.target_wait_minutes);
            let load = target / (target + 2.0 * minutes);
            (index, (per_hour * load * 100.0).round() as u32)
        })
        .collect()
}

impl<'a> Generator<'a> {
    pub fn new(config: &'a Config, seed: u64) -> Generator<'a> {
        Generator::with_arrivals(config, seed, ARRIVALS_PER_DAY)
    }

    /// A busier (or quieter) building: `arrivals` drawn per working day. Beyond what the desks
    /// serve, waits grow and more visitors are still waiting when their service closes.
    pub fn with_arrivals(config: &'a Config, seed: u64, arrivals: f64) -> Generator<'a> {
        Generator {
            config,
            arrivals,
            rng: StdRng::seed_from_u64(seed),
            free: HashMap::new(),
            demand: demand(config),
        }
    }

    /// The visits of `date` (none on weekends).
    pub fn day(&mut self, date: NaiveDate) -> HistoricDay {
        let weekday_factor = match date.weekday() {
            Weekday::Mon => 1.2,
            Weekday::Tue => 1.25,
            Weekday::Wed => 0.8,
            Weekday::Thu => 1.05,
            Weekday::Fri => 0.7,
            Weekday::Sat | Weekday::Sun => return HistoricDay::default(),
        };
        let season = if date.month() == 8 { 0.8 } else { 1.0 };
        let planned = (self.arrivals * weekday_factor * season) as usize;
        let mut day = HistoricDay::default();
        let mut concerns = Vec::new();
        let mut missed: BTreeMap<String, u32> = Default::default();
        for _ in 0..planned {
            let Some((service, arrival)) = self.arrival(date) else {
                continue;
            };
            let channel = match self.rng.random_range(0..100) {
                0..12 => Channel::Appointment,
                12..18 => Channel::WalkIn,
                _ => Channel::Kiosk,
            };
            if channel == Channel::Appointment && self.rng.random_range(0..100) < 8 {
                *missed.entry(service).or_default() += 1;
                continue;
            }
            let Some(prefix) = self.config.prefix_of(&service).map(str::to_owned) else {
                continue;
            };
            let (visit, services) = self.visit(date, prefix, service, arrival, channel);
            day.visits.push(visit);
            concerns.push(services);
        }
        // Numbers in the order of arrival, per prefix.
        let mut order: Vec<usize> = (0..day.visits.len()).collect();
        order.sort_by_key(|&i| (day.visits[i].issued_at, i));
        let mut seqs: HashMap<String, i64> = Default::default();
        for &i in &order {
            let seq = seqs.entry(day.visits[i].prefix.clone()).or_insert(0);
            *seq += 1;
            day.visits[i].seq = *seq;
        }
        self.serve(&mut day.visits, &concerns);
        for visit in &mut day.visits {
            visit.feedback = self.feedback(visit);
        }
        day.missed = missed.into_iter().collect();
        day.shifts = self.shifts(&day.visits);
        day
    }

    /// One visitor in five whose concerns were all served answers the feedback question a few
    /// minutes after the last one: mostly 4 or 5 after a short wait, lower the longer the
    /// first concern waited.
    fn feedback(&mut self, visit: &HistoricVisit) -> Option<(u8, DateTime<Utc>)> {
        if visit.stops.is_empty() || visit.stops.iter().any(|s| s.status != StopStatus::Done) {
            return None;
        }
        if self.rng.random_range(0..100) >= 20 {
            return None;
        }
        let first = &visit.stops[0];
        let waited = (first.called_at? - visit.issued_at).num_minutes();
        let base: i64 = match waited {
            ..=10 => 5,
            11..=30 => 4,
            31..=60 => 3,
            _ => 2,
        };
        let score = match self.rng.random_range(0..100) {
            0..3 => 1,
            3..20 => base - 1,
            20..30 => base + 1,
            _ => base,
        }
        .clamp(1, 5);
        let last = visit.stops.iter().filter_map(|s| s.finished_at).max()?;
        let given = last + Duration::minutes(self.rng.random_range(1..10));
        Some((u8::try_from(score).unwrap_or(3), given))
    }

    /// The desks serve the day's concerns one at a time each, in the order they become
    /// ready: a concern goes to the desk free first among those serving its service (one
    /// speaking the visitor's language when it is free within the building's fairness
    /// share of the target wait), called when that desk is free and the service open.
    fn serve(&mut self, visits: &mut [HistoricVisit], concerns: &[Vec<String>]) {
        self.free.clear();
        let mut legs: Vec<Leg> = Vec::new();
        let mut ready: BinaryHeap<Reverse<(DateTime<Utc>, usize)>> = BinaryHeap::new();
        for (visit, v) in visits.iter().enumerate() {
            ready.push(Reverse((v.issued_at, legs.len())));
            legs.push(Leg {
                ready: v.issued_at,
                visit,
                position: 0,
                service: concerns[visit][0].clone(),
                next: 1,
                onward: None,
            });
        }
        while let Some(Reverse((_, id))) = ready.pop() {
            let leg = legs[id].clone();
            let visit = &visits[leg.visit];
            let (issued_at, language) = (visit.issued_at, visit.language.clone());
            let closing = self.closing(issued_at);
            let queued_at = match leg.onward {
                Some(false) => leg.ready,
                _ => issued_at,
            };
            let mut stop = HistoricStop {
                front: leg.onward == Some(true),
                ..HistoricStop::closed(leg.position, &leg.service, queued_at, closing)
            };
            // A leg handed on is served; of the others 3 % walk out, 3 % do not come when
            // called, 4 % are transferred and 1 % parked and forgotten.
            let roll = match leg.onward {
                Some(_) => 99,
                None => self.rng.random_range(0..100),
            };
            let called = if roll < 3 {
                None
            } else {
                self.call(&leg.service, &language, leg.ready)
            };
            let Some((desk, called)) = called else {
                // Walked out, or still waiting when the service closed.
                visits[leg.visit].stops.push(stop);
                self.never_reached(&mut visits[leg.visit], &concerns[leg.visit], leg.next);
                continue;
            };
            stop.called_at = Some(called);
            stop.desk = Some(desk.clone());
            let mut onward = None;
            let busy_until = match roll {
                3..6 => {
                    stop.status = StopStatus::NoShow;
                    stop.recalls = 2;
                    stop.finished_at = Some(called + Duration::minutes(4));
                    called + Duration::minutes(4)
                }
                6..10 => {
                    let started = called + self.walk();
                    let handed = started + Duration::minutes(self.rng.random_range(2..8));
                    stop.status = StopStatus::Transferred;
                    stop.started_at = Some(started);
                    stop.finished_at = Some(handed);
                    let target = self.second_concern(&leg.service);
                    onward = Some(Leg {
                        ready: handed,
                        service: target,
                        onward: Some(self.rng.random_bool(0.5)),
                        ..leg.clone()
                    });
                    handed
                }
                10 => {
                    let started = called + self.walk();
                    stop.started_at = Some(started);
                    stop.desk = None;
                    started
                }
                _ => {
                    let started = called + self.walk();
                    let finished = started + self.service_time(&leg.service);
                    stop.status = StopStatus::Done;
                    stop.started_at = Some(started);
                    stop.finished_at = Some(finished);
                    stop.recalls = u32::from(self.rng.random_range(0..10) == 0);
                    stop.outcome = Some(self.outcome());
                    if let Some(service) = concerns[leg.visit].get(leg.next) {
                        onward = Some(Leg {
                            ready: finished,
                            position: leg.next as i64,
                            service: service.clone(),
                            next: leg.next + 1,
                            onward: None,
                            ..leg.clone()
                        });
                    }
                    finished
                }
            };
            self.free.insert(desk, busy_until);
            let gone = matches!(roll, 3..6 | 10);
            visits[leg.visit].stops.push(stop);
            if gone {
                self.never_reached(&mut visits[leg.visit], &concerns[leg.visit], leg.next);
            }
            if let Some(next) = onward {
                ready.push(Reverse((next.ready, legs.len())));
                legs.push(next);
            }
        }
    }

    /// The concerns from `next` on of a visitor who left: closed at the end of the day.
    fn never_reached(&self, visit: &mut HistoricVisit, services: &[String], next: usize) {
        let closing = self.closing(visit.issued_at);
        for (position, service) in services.iter().enumerate().skip(next) {
            let stop = HistoricStop::closed(position as i64, service, visit.issued_at, closing);
            visit.stops.push(stop);
        }
    }

    /// The desk that calls a leg of `service` ready at `ready`, and when: none when no desk
    /// serves it or the service closes before one is free.
    fn call(
        &mut self,
        service: &str,
        language: &str,
        ready: DateTime<Utc>,
    ) -> Option<(String, DateTime<Utc>)> {
        let config = self.config;
        let fairness = Duration::seconds(
            i64::from(config.target_wait_minutes(service))
                * 60
                * i64::from(config.building.queue.language_fairness_percent)
                / 100,
        );
        let mut first: Option<(DateTime<Utc>, &str)> = None;
        let mut speaking: Option<(DateTime<Utc>, &str)> = None;
        for desk in config
            .building
            .desks
            .iter()
            .filter(|d| d.services.iter().any(|s| s == service))
        {
            let free = self.free.get(&desk.id).map_or(ready, |&f| f.max(ready));
            if first.is_none_or(|(at, _)| free < at) {
                first = Some((free, &desk.id));
            }
            if desk.languages.iter().any(|l| l == language)
                && speaking.is_none_or(|(at, _)| free < at)
            {
                speaking = Some((free, &desk.id));
            }
        }
        let (free, desk) = match (first, speaking) {
            (Some(first), Some(speaking)) if speaking.0 <= first.0 + fairness => speaking,
            (first, _) => first?,
        };
        let desk = desk.to_owned();
        // A moment between two visitors.
        let pause = Duration::seconds(self.rng.random_range(0..90));
        Some((desk, self.open_from(service, free + pause)?))
    }

    /// `at`, when the service is open then or closed less than [`GRACE`] ago (those who
    /// came before closing are still called); else when it opens again that day, if it does.
    fn open_from(&self, service: &str, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.config.is_open(service, at) || self.config.is_open(service, at - GRACE) {
            return Some(at);
        }
        let step = 300;
        let closing = self.closing(at);
        let mut t = DateTime::from_timestamp((at.timestamp() / step + 1) * step, 0)?;
        while t < closing {
            if self.config.is_open(service, t) {
                return Some(t);
            }
            t += Duration::seconds(step);
        }
        None
    }

    /// A visitor's time at the desk: the service's typical minutes × 0.5 to 1.8.
    fn service_time(&mut self, service: &str) -> Duration {
        let typical = self
            .config
            .service(service)
            .map_or(10, |s| s.typical_minutes);
        let seconds = f64::from(typical) * 60.0 * self.rng.random_range(0.5..1.8);
        Duration::seconds(seconds as i64)
    }

    fn outcome(&mut self) -> &'static str {
        match self.rng.random_range(0..100) {
            0..80 => "completed",
            80..90 => "documents_missing",
            90..97 => "follow_up",
            _ => "referred",
        }
    }

    /// Each desk's shifts: the spans it called and served visitors in, joined across gaps
    /// shorter than [`BREAK`], each begun 5 to 20 minutes before the first and ended 5 to
    /// 20 after the last.
    fn shifts(&mut self, visits: &[HistoricVisit]) -> Vec<Shift> {
        let mut serving: BTreeMap<&str, Spans> = Default::default();
        for stop in visits.iter().flat_map(|v| &v.stops) {
            if let (Some(desk), Some(from), Some(to)) =
                (stop.desk.as_deref(), stop.called_at, stop.finished_at)
            {
                serving.entry(desk).or_default().push((from, to));
            }
        }
        let mut shifts = Vec::new();
        for (desk, mut spans) in serving {
            for (from, to) in join(&mut spans, BREAK) {
                let before = Duration::minutes(self.rng.random_range(5..=20));
                let after = Duration::minutes(self.rng.random_range(5..=20));
                shifts.push(Shift {
                    desk: desk.to_owned(),
                    started_at: from - before,
                    ended_at: to + after,
                });
            }
        }
        shifts
    }

    /// A sampled local time of `date` and service, when the service is open then: each
    /// service gets arrivals in proportion to what its desks can serve while it is open.
    fn arrival(&mut self, date: NaiveDate) -> Option<(String, DateTime<Utc>)> {
        let hour = pick(&mut self.rng, &HOURS);
        let minute = self.rng.random_range(0..60);
        let second = self.rng.random_range(0..60);
        let time = NaiveTime::from_hms_opt(hour, minute, second)?;
        let local = self
            .config
            .time_zone
            .from_local_datetime(&date.and_time(time))
            .earliest()?;
        let service = &self.config.building.services[pick(&mut self.rng, &self.demand)];
        let at = local.with_timezone(&Utc);
        self.config
            .is_open(&service.id, at)
            .then(|| (service.id.clone(), at))
    }

    /// A visit without its stops (numbered later), and the services of its concerns.
    fn visit(
        &mut self,
        day: NaiveDate,
        prefix: String,
        service: String,
        arrival: DateTime<Utc>,
        channel: Channel,
    ) -> (HistoricVisit, Vec<String>) {
        let language = pick(&mut self.rng, &LANGUAGES).to_owned();
        let (issued_at, appointment_at) = if channel == Channel::Appointment {
            // Booked on a quarter hour; most come a little early, some late.
            let booked = arrival - Duration::minutes(arrival.timestamp() / 60 % 15);
            let lateness = self.rng.random_range(-15..12);
            (booked + Duration::minutes(lateness), Some(booked))
        } else {
            (arrival, None)
        };
        let mut services = vec![service];
        if self.rng.random_range(0..100) < 14 {
            services.push(self.second_concern(&services[0]));
            if self.rng.random_range(0..100) < 12 {
                services.push(self.second_concern(&services[1]));
            }
        }
        let token: String = (0..24)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.random_range(0..16)]))
            .collect();
        let visit = HistoricVisit {
            day,
            prefix,
            seq: 0,
            token,
            language,
            channel,
            issued_at,
            appointment_at,
            stops: Vec::new(),
            feedback: None,
        };
        (visit, services)
    }

    /// A next concern: at another agency seven times in ten.
    fn second_concern(&mut self, first: &str) -> String {
        let services = &self.config.building.services;
        let agency = self.config.service(first).map(|s| s.agency.clone());
        let other = self.rng.random_range(0..10) < 7;
        let candidates: Vec<&String> = services
            .iter()
            .filter(|s| s.id != first && (s.agency != agency.clone().unwrap_or_default()) == other)
            .map(|s| &s.id)
            .collect();
        if candidates.is_empty() {
            return first.to_owned();
        }
        candidates[self.rng.random_range(0..candidates.len())].clone()
    }

    /// Where the end-of-day purge closes open stops: the start of the next local day.
    fn closing(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.config
            .day_start(self.config.day_start(at) + Duration::hours(36))
    }

    fn walk(&mut self) -> Duration {
        Duration::seconds(self.rng.random_range(20..150))
    }
}

fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (value, weight) in weighted {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    weighted[0].0
}

#[cfg(test)]
#[path = "demo_history_tests.rs"]
mod tests;
