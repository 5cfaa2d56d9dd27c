//! A simulated day of the demo building, called twice with the pure routing: once in today's
//! order (`DeskLanguages::none`) and once with the desks' languages and the building's
//! fairness share (and a few other shares for comparison). The same visitors arrive at the
//! same moments and take the same time at a desk in every run; only the order differs.
//!
//! `cargo run -p lotse-queue-server --example language_day`
//!
//! The day: every desk staffed 08:00–15:00, walk-in services only, opening hours ignored.
//! Arrivals per service are random (exponential gaps, fixed seed) at 90 % of the capacity its
//! desks give it; a visit takes its service's typical duration × 0.5–1.5. Languages follow an
//! assumed mix of the building's visitors (below). Reported: the share of visitors not
//! speaking German who were served at a desk speaking their language, waits, and the largest
//! extra wait any visitor had compared with today's order.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // An example prints and may stop.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_queue_server::config::Config;
use lotse_queue_server::routing::{Candidate, DeskLanguages, choose_for_desk, choose_next};

/// Assumed language mix, per mille.
const MIX: [(&str, u32); 10] = [
    ("de", 300),
    ("ar", 170),
    ("uk", 130),
    ("fa", 90),
    ("ru", 80),
    ("tr", 70),
    ("ps", 50),
    ("ti", 40),
    ("en", 40),
    ("fr", 30),
];

/// SplitMix64: deterministic and independent of any crate's version.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Visitor {
    service: String,
    language: &'static str,
    arrival: DateTime<Utc>,
    duration: Duration,
}

fn day(config: &Config, seed: u64) -> Vec<Visitor> {
    let building = &config.building;
    let open = Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap();
    let close = open + Duration::hours(7);
    let mut random = Random(seed);
    let mut visitors = Vec::new();
    for service in building.services.iter().filter(|s| s.walk_in) {
        let per_minute =
            0.9 * building.desk_share(&service.id) / f64::from(service.typical_minutes);
        let mut at = open;
        loop {
            let gap = -(1.0 - random.unit()).ln() / per_minute;
            at += Duration::seconds((gap * 60.0) as i64);
            if at >= close {
                break;
            }
            let mut pick = (random.unit() * 1000.0) as u32;
            let language = MIX
                .iter()
                .find(|(_, share)| {
                    let hit = pick < *share;
                    pick = pick.saturating_sub(*share);
                    hit
                })
                .map_or("de", |(code, _)| code);
            let minutes = f64::from(service.typical_minutes) * (0.5 + random.unit());
            visitors.push(Visitor {
                service: service.id.clone(),
                language,
                arrival: at,
                duration: Duration::seconds((minutes * 60.0) as i64),
            });
        }
    }
    visitors.sort_by_key(|v| v.arrival);
    visitors
}

/// Per visitor: minutes waited and whether the desk spoke their language.
fn run(config: &Config, visitors: &[Visitor], share: Option<u32>) -> Vec<(f64, bool)> {
    let building = &config.building;
    let desk_languages: Vec<DeskLanguages> = building
        .desks
        .iter()
        .map(|desk| match share {
            None => DeskLanguages::none(),
            Some(share) => {
                DeskLanguages::new(&desk.languages, &building.site.default_language, share)
            }
        })
        .collect();
    let mut free_at = vec![visitors[0].arrival; building.desks.len()];
    let mut outcome = vec![(0.0, false); visitors.len()];
    let mut waiting: Vec<usize> = Vec::new();
    let mut next = 0;
    let mut now = visitors[0].arrival;
    while next < visitors.len() || !waiting.is_empty() {
        while next < visitors.len() && visitors[next].arrival <= now {
            waiting.push(next);
            next += 1;
        }
        for (d, desk) in building.desks.iter().enumerate() {
            if free_at[d] > now {
                continue;
            }
            let candidates: Vec<Candidate> = waiting
                .iter()
                .filter(|i| desk.services.contains(&visitors[**i].service))
                .map(|i| Candidate {
                    stop_id: *i as i64,
                    queued_at: visitors[*i].arrival,
                    priority: false,
                    front: false,
                    appointment_at: None,
                    target_wait_minutes: config
                        .service(&visitors[*i].service)
                        .unwrap()
                        .target_wait_minutes,
                    language: Some(visitors[*i].language.to_owned()),
                })
                .collect();
            let Some(choice) = choose_for_desk(&candidates, &desk_languages[d], now) else {
                continue;
            };
            let i = choice.stop_id as usize;
            waiting.retain(|w| *w != i);
            let visitor = &visitors[i];
            let waited = (now - visitor.arrival).num_seconds() as f64 / 60.0;
            let spoken = desk.languages.iter().any(|l| l == visitor.language);
            outcome[i] = (waited, spoken);
            free_at[d] = now + visitor.duration;
        }
        now += Duration::seconds(15);
    }
    outcome
}

fn percentile(mut values: Vec<f64>, p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let config = Config::embedded().unwrap();
    let default = config.building.site.default_language.clone();
    println!(
        "share | visitors | other languages served in their language | mean wait | p95 wait | max wait | better/worse off | worst extra wait | p99 extra wait"
    );
    for seed in [1u64, 2, 3] {
        let visitors = day(&config, seed);
        let before = run(&config, &visitors, None);
        for share in [None, Some(10), Some(25), Some(50), Some(100)] {
            let after = run(&config, &visitors, share);
            let others: Vec<bool> = visitors
                .iter()
                .zip(&after)
                .filter(|(v, _)| v.language != default)
                .map(|(_, (_, spoken))| *spoken)
                .collect();
            let served = others.iter().filter(|s| **s).count();
            let waits: Vec<f64> = after.iter().map(|(w, _)| *w).collect();
            let extra: Vec<f64> = before
                .iter()
                .zip(&after)
                .map(|((b, _), (a, _))| a - b)
                .collect();
            let worse = extra.iter().filter(|e| **e > 0.01).count();
            let better = extra.iter().filter(|e| **e < -0.01).count();
            println!(
                "seed {seed} {:>5} | {:>4} | {:>5.1} % ({served}/{}) | {:>5.1} min | {:>5.1} min | {:>5.1} min | {:>4}/{:<4} | {:>5.1} min | {:>5.1} min",
                share.map_or("today".to_owned(), |s| format!("{s} %")),
                visitors.len(),
                100.0 * served as f64 / others.len() as f64,
                others.len(),
                waits.iter().sum::<f64>() / waits.len() as f64,
                percentile(waits.clone(), 0.95),
                percentile(waits, 1.0),
                better,
                worse,
                percentile(extra.clone(), 1.0),
                percentile(extra, 0.99),
            );
        }
    }
    routing_cost(&config);
}

/// What the language preference costs a call-next: the pure choice among 500 waiting, with
/// and without the desk's languages (mean of many runs; the machine's load shows in it).
fn routing_cost(config: &Config) {
    let visitors = day(config, 1);
    let now = visitors[499].arrival;
    let line: Vec<Candidate> = visitors[..500]
        .iter()
        .enumerate()
        .map(|(i, v)| Candidate {
            stop_id: i as i64,
            queued_at: v.arrival,
            priority: false,
            front: false,
            appointment_at: None,
            target_wait_minutes: 30,
            language: Some(v.language.to_owned()),
        })
        .collect();
    let desk = &config.building.desks[1];
    let languages = DeskLanguages::new(&desk.languages, "de", 25);
    let runs = 2000;
    let started = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(choose_next(std::hint::black_box(&line), now));
    }
    let plain = started.elapsed() / runs;
    let started = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(choose_for_desk(
            std::hint::black_box(&line),
            &languages,
            now,
        ));
    }
    let with_languages = started.elapsed() / runs;
    println!("choice among 500 waiting: choose_next {plain:?}, choose_for_desk {with_languages:?}");
}
