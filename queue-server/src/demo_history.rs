//! `queue-server demo-history`: a realistic past for the sample building, so the statistics
//! page is meaningful in the demo and in benchmarks. Pure and deterministic for a seed: the
//! visits of a day are generated here and written by `storage::history` with the columns
//! real tickets fill (a documented bulk path: a past day is written in its final state).
//!
//! The patterns: about 400 visits per working day, each service's share as its desks can
//! serve them (Monday and Tuesday busier, Wednesday and
//! Friday quieter, August quieter), mornings busiest, only within each service's opening
//! hours; the building's languages in the shares of the county's visitors; 12 % booked
//! appointments (some late, 8 % of bookings missed), 6 % walk-ins; 14 % of visits with a
//! second concern, mostly at another agency; 3 % walk-outs, 3 % no-shows, 4 % transfers,
//! 1 % parked and never finished; waits that grow with the hour's load. Each desk that served
//! is staffed from a little before its first visitor to a little after its last, with a
//! break where it served nobody for 90 minutes or more (desk shifts: desk utilisation).

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

/// The visits planned per working day on average.
pub const VISITS_PER_DAY: f64 = 400.0;

/// A generator seeded once; days come out in the order asked.
pub struct Generator<'a> {
    config: &'a Config,
    rng: StdRng,
    /// The day's legs served so far at each desk: a visitor is served at a free desk when
    /// one can take them.
    serving: std::collections::HashMap<String, Spans>,
    /// Each service (its index) weighted by the visitors its desks can serve.
    demand: Vec<(usize, u32)>,
}

/// Each service weighted by how many visitors an hour its desks can take: a desk's hour is
/// shared among its services, a visitor takes the service's typical minutes.
fn demand(config: &Config) -> Vec<(usize, u32)> {
    let building = &config.building;
    building
        .services
        .iter()
        .enumerate()
        .map(|(index, service)| {
            let per_hour =
                building.desk_share(&service.id) * 60.0 / f64::from(service.typical_minutes.max(1));
            (index, (per_hour * 100.0).round() as u32)
        })
        .collect()
}

impl<'a> Generator<'a> {
    pub fn new(config: &'a Config, seed: u64) -> Generator<'a> {
        Generator {
            config,
            rng: StdRng::seed_from_u64(seed),
            serving: Default::default(),
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
        let planned = (VISITS_PER_DAY * weekday_factor * season) as usize;
        self.serving.clear();
        let mut day = HistoricDay::default();
        let mut seqs: std::collections::HashMap<String, i64> = Default::default();
        let mut missed: std::collections::BTreeMap<String, u32> = Default::default();
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
            let seq = seqs.entry(prefix.clone()).or_insert(0);
            *seq += 1;
            let seq = *seq;
            day.visits
                .push(self.visit(date, prefix, seq, service, arrival, channel));
        }
        day.missed = missed.into_iter().collect();
        day.shifts = self.shifts(&day.visits);
        day
    }

    /// Each desk's shifts: its served legs' spans, joined across gaps shorter than
    /// [`BREAK`], each begun 5 to 20 minutes before the first and ended 5 to 20 after the last.
    fn shifts(&mut self, visits: &[HistoricVisit]) -> Vec<Shift> {
        let mut serving: std::collections::BTreeMap<&str, Spans> = Default::default();
        for stop in visits.iter().flat_map(|v| &v.stops) {
            if let (Some(desk), Some(from), Some(to)) =
                (stop.desk.as_deref(), stop.started_at, stop.finished_at)
                && stop.status == StopStatus::Done
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

    /// A service open at a sampled local time of `date`.
    fn arrival(&mut self, date: NaiveDate) -> Option<(String, DateTime<Utc>)> {
        let services = &self.config.building.services;
        for _ in 0..30 {
            let hour = pick(&mut self.rng, &HOURS);
            let minute = self.rng.random_range(0..60);
            let second = self.rng.random_range(0..60);
            let time = NaiveTime::from_hms_opt(hour, minute, second)?;
            let local = self
                .config
                .time_zone
                .from_local_datetime(&date.and_time(time))
                .earliest()?;
            let service = &services[pick(&mut self.rng, &self.demand)];
            let at = local.with_timezone(&Utc);
            if self.config.is_open(&service.id, at) {
                return Some((service.id.clone(), at));
            }
        }
        None
    }

    fn visit(
        &mut self,
        day: NaiveDate,
        prefix: String,
        seq: i64,
        service: String,
        arrival: DateTime<Utc>,
        channel: Channel,
    ) -> HistoricVisit {
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
        let stops = self.stops(&services, &language, issued_at);
        HistoricVisit {
            day,
            prefix,
            seq,
            token,
            language,
            channel,
            issued_at,
            appointment_at,
            stops,
        }
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

    fn stops(
        &mut self,
        services: &[String],
        language: &str,
        issued_at: DateTime<Utc>,
    ) -> Vec<HistoricStop> {
        let mut stops = Vec::new();
        let mut free_at = issued_at;
        let mut gone = false;
        for (position, service) in services.iter().enumerate() {
            let position = position as i64;
            let mut stop = HistoricStop {
                position,
                service: service.clone(),
                status: StopStatus::Cancelled,
                queued_at: issued_at,
                front: false,
                desk: None,
                called_at: None,
                started_at: None,
                finished_at: None,
                recalls: 0,
                outcome: None,
            };
            if gone {
                // Never reached: closed at the end of the day.
                stop.finished_at = Some(self.closing(issued_at));
                stops.push(stop);
                continue;
            }
            let roll = self.rng.random_range(0..100);
            if roll < 3 {
                stop.finished_at = Some(self.closing(issued_at));
                stops.push(stop);
                gone = true;
                continue;
            }
            let called = free_at + self.wait(service, free_at);
            stop.called_at = Some(called);
            stop.desk = self.desk(service, language);
            match roll {
                3..6 => {
                    stop.status = StopStatus::NoShow;
                    stop.recalls = 2;
                    stop.finished_at = Some(called + Duration::minutes(4));
                    stops.push(stop);
                    gone = true;
                }
                6..10 => {
                    let started = called + self.walk();
                    let handed = started + Duration::minutes(self.rng.random_range(2..8));
                    stop.status = StopStatus::Transferred;
                    stop.started_at = Some(started);
                    stop.finished_at = Some(handed);
                    stops.push(stop);
                    let target = self.second_concern(service);
                    let front = self.rng.random_bool(0.5);
                    let mut onward = self.served(position, &target, language, handed);
                    onward.front = front;
                    onward.queued_at = if front { issued_at } else { handed };
                    free_at = onward.finished_at.unwrap_or(handed);
                    stops.push(onward);
                }
                10 => {
                    stop.started_at = Some(called + self.walk());
                    stop.desk = None;
                    stop.finished_at = Some(self.closing(issued_at));
                    stops.push(stop);
                    gone = true;
                }
                _ => {
                    let served = self.served(position, service, language, free_at);
                    free_at = served.finished_at.unwrap_or(free_at);
                    let mut served = served;
                    served.queued_at = issued_at;
                    stops.push(served);
                }
            }
        }
        stops
    }

    /// A leg served in full: waiting from `from`.
    fn served(
        &mut self,
        position: i64,
        service: &str,
        language: &str,
        from: DateTime<Utc>,
    ) -> HistoricStop {
        let called = from + self.wait(service, from);
        let started = called + self.walk();
        let typical = self
            .config
            .service(service)
            .map_or(10, |s| s.typical_minutes);
        let seconds = f64::from(typical) * 60.0 * self.rng.random_range(0.5..1.8);
        let finished = started + Duration::seconds(seconds as i64);
        let outcome = match self.rng.random_range(0..100) {
            0..80 => "completed",
            80..90 => "documents_missing",
            90..97 => "follow_up",
            _ => "referred",
        };
        HistoricStop {
            position,
            service: service.to_owned(),
            status: StopStatus::Done,
            queued_at: from,
            front: false,
            desk: self.free_desk(service, language, (started, finished)),
            called_at: Some(called),
            started_at: Some(started),
            finished_at: Some(finished),
            recalls: u32::from(self.rng.random_range(0..10) == 0),
            outcome: Some(outcome),
        }
    }

    /// A wait that grows with the hour's load: around the service's target at the peak.
    fn wait(&mut self, service: &str, from: DateTime<Utc>) -> Duration {
        let target = self
            .config
            .service(service)
            .map_or(20, |s| s.target_wait_minutes);
        let hour = from
            .with_timezone(&self.config.time_zone)
            .format("%H")
            .to_string();
        let hour: u32 = hour.parse().unwrap_or(12);
        let load = HOURS
            .iter()
            .find(|(h, _)| *h == hour)
            .map_or(0.2, |(_, w)| f64::from(*w) / 18.0);
        let spread: f64 = -self.rng.random_range(0.001f64..1.0).ln();
        let minutes = f64::from(target) * (0.15 + 0.9 * load * spread);
        Duration::seconds((minutes.min(150.0) * 60.0) as i64)
    }

    /// Where the end-of-day purge closes open stops: the start of the next local day.
    fn closing(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.config
            .day_start(self.config.day_start(at) + Duration::hours(36))
    }

    fn walk(&mut self) -> Duration {
        Duration::seconds(self.rng.random_range(20..150))
    }

    /// A desk serving `service` that serves nobody else during `span` (any when none is
    /// free), noted as serving then.
    fn free_desk(
        &mut self,
        service: &str,
        language: &str,
        span: (DateTime<Utc>, DateTime<Utc>),
    ) -> Option<String> {
        let busy = |desk: &str, serving: &std::collections::HashMap<String, Spans>| {
            serving
                .get(desk)
                .is_some_and(|spans| spans.iter().any(|s| s.0 < span.1 && span.0 < s.1))
        };
        let mut desk = None;
        for _ in 0..8 {
            let candidate = self.desk(service, language);
            if candidate
                .as_deref()
                .is_some_and(|d| !busy(d, &self.serving))
            {
                desk = candidate;
                break;
            }
            desk = desk.or(candidate);
        }
        if let Some(desk) = &desk {
            self.serving.entry(desk.clone()).or_default().push(span);
        }
        desk
    }

    /// A desk serving `service`; one speaking the visitor's language six times in ten.
    fn desk(&mut self, service: &str, language: &str) -> Option<String> {
        let desks: Vec<&lotse_protocol::Desk> = self
            .config
            .building
            .desks
            .iter()
            .filter(|d| d.services.iter().any(|s| s == service))
            .collect();
        let speaking: Vec<&&lotse_protocol::Desk> = desks
            .iter()
            .filter(|d| d.languages.iter().any(|l| l == language))
            .collect();
        if !speaking.is_empty() && self.rng.random_range(0..10) < 6 {
            return Some(
                speaking[self.rng.random_range(0..speaking.len())]
                    .id
                    .clone(),
            );
        }
        (!desks.is_empty()).then(|| desks[self.rng.random_range(0..desks.len())].id.clone())
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
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn the_same_seed_gives_the_same_days_and_weekends_are_empty() {
        let config = Config::embedded().expect("the sample building");
        let first = Generator::new(&config, 7).day(date("2026-11-17"));
        let again = Generator::new(&config, 7).day(date("2026-11-17"));
        assert_eq!(first, again);
        assert_ne!(first, Generator::new(&config, 8).day(date("2026-11-17")));
        assert!(
            Generator::new(&config, 7)
                .day(date("2026-11-21"))
                .visits
                .is_empty()
        );
    }

    #[test]
    fn a_day_has_the_building_s_patterns() {
        let config = Config::embedded().expect("the sample building");
        let mut generator = Generator::new(&config, 1);
        let days: Vec<HistoricDay> = date("2026-11-16")
            .iter_days()
            .take(5)
            .map(|d| generator.day(d))
            .collect();
        let visits: Vec<&HistoricVisit> = days.iter().flat_map(|d| &d.visits).collect();
        let per_day = visits.len() as f64 / 5.0;
        assert!((300.0..=450.0).contains(&per_day), "{per_day} visits a day");
        let share = |f: &dyn Fn(&HistoricVisit) -> bool| {
            visits.iter().filter(|v| f(v)).count() as f64 / visits.len() as f64
        };
        assert!(share(&|v| v.language == "ar") > 0.1);
        assert!(share(&|v| v.channel == Channel::Appointment) > 0.05);
        assert!(share(&|v| v.stops.len() > 1) > 0.1);
        let stops: Vec<&HistoricStop> = visits.iter().flat_map(|v| &v.stops).collect();
        for status in [
            StopStatus::Done,
            StopStatus::NoShow,
            StopStatus::Transferred,
            StopStatus::Cancelled,
        ] {
            assert!(stops.iter().any(|s| s.status == status), "{status:?}");
        }
        assert!(days.iter().any(|d| !d.missed.is_empty()));
        // Every served leg lies within a shift of its desk.
        for day in &days {
            for stop in day.visits.iter().flat_map(|v| &v.stops) {
                if stop.status == StopStatus::Done {
                    assert!(
                        day.shifts
                            .iter()
                            .any(|s| Some(&s.desk) == stop.desk.as_ref()
                                && s.started_at < stop.started_at.unwrap()
                                && stop.finished_at.unwrap() < s.ended_at)
                    );
                }
            }
        }
        // Every walk-in and kiosk arrival lies within its service's opening hours; numbers
        // count per prefix and day.
        for v in visits.iter().filter(|v| v.appointment_at.is_none()) {
            assert!(config.is_open(&v.stops[0].service, v.issued_at), "{v:?}");
        }
        let numbers: std::collections::HashSet<(NaiveDate, &str, i64)> = visits
            .iter()
            .map(|v| (v.day, v.prefix.as_str(), v.seq))
            .collect();
        assert_eq!(numbers.len(), visits.len());
    }
}
