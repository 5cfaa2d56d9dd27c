//! A simulated day of the demo building, called twice with the pure routing: once in today's
//! order (`DeskLanguages::none`) and once with the desks' languages and the building's
//! fairness share (and a few other shares for comparison). The same visitors arrive at the
//! same moments and take the same time at a desk in every run; only the order differs.
//!
//! `cargo run -p lotse-queue-server --example language_day`
//!
//! The day (`lotse_queue_server::simulation`): every desk staffed 08:00–15:00, walk-in
//! services only, opening hours ignored. Arrivals per service are random (exponential gaps,
//! fixed seed) at 90 % of the capacity its desks give it, one concern each; a visit takes its
//! service's typical duration × 0.5–1.5. Languages follow an assumed mix of the building's
//! visitors (`simulation::LANGUAGE_MIX`). Reported: the share of visitors not
//! speaking German who were served at a desk speaking their language, waits, and the largest
//! extra wait any visitor had compared with today's order.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // An example prints and may stop.

use lotse_queue_server::config::Config;
use lotse_queue_server::routing::{Candidate, DeskLanguages, choose_for_desk, choose_next};
use lotse_queue_server::simulation::{Rules, Visit, simulate, single_concern_day};
use lotse_queue_server::visit_order::{Dependencies, VisitOrder};

/// Today's order (`None`) or the desks' languages with a fairness `share`.
fn rules(config: &Config, share: Option<u32>) -> Rules {
    let building = &config.building;
    Rules {
        order: VisitOrder::Fixed,
        carry_on: false,
        returning_first: false,
        dependencies: Dependencies::none(),
        desk_languages: building
            .desks
            .iter()
            .map(|desk| match share {
                None => DeskLanguages::none(),
                Some(share) => {
                    DeskLanguages::new(&desk.languages, &building.site.default_language, share)
                }
            })
            .collect(),
    }
}

/// Per visitor: minutes waited and whether the desk spoke their language.
fn run(config: &Config, visitors: &[Visit], share: Option<u32>) -> Vec<(f64, bool)> {
    let building = &config.building;
    let outcome = simulate(config, visitors, &rules(config, share));
    visitors
        .iter()
        .zip(&outcome.served)
        .map(|(visitor, served)| {
            let served = served[0].unwrap();
            let waited = (served.called_at - visitor.arrival).num_seconds() as f64 / 60.0;
            let desk = &building.desks[served.desk];
            (waited, desk.languages.iter().any(|l| l == visitor.language))
        })
        .collect()
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
        let visitors = single_concern_day(&config, seed, 0.9);
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
    estimates(&config);
    routing_cost(&config);
}

/// How far the status page's estimate at joining was from the wait, with the building's
/// share: with every desk's whole time (before) and with each desk's time shared between its
/// lines (now), for visitors some desk of their service prefers and the rest.
fn estimates(config: &Config) {
    let building = &config.building;
    let share = building.queue.language_fairness_percent;
    println!(
        "estimate at joining vs wait, share {share} % | visitors | mean |error| whole desks / shared | mean (estimate − wait) whole desks / shared"
    );
    for seed in [1u64, 2, 3] {
        let visitors = single_concern_day(config, seed, 0.9);
        let outcome = simulate(config, &visitors, &rules(config, Some(share)));
        let preferred = |visit: usize, task: usize| {
            let visitor = &visitors[visit];
            let service = &visitor.tasks[task].service;
            visitor.language != building.site.default_language
                && building.desks.iter().any(|d| {
                    d.services.contains(service)
                        && d.languages.iter().any(|l| l == visitor.language)
                })
        };
        for group in [true, false] {
            let errors: Vec<(f64, f64)> = outcome
                .estimates
                .iter()
                .filter(|e| preferred(e.visit, e.task) == group)
                .filter_map(|e| {
                    let called = outcome.served[e.visit][e.task]?.called_at;
                    let waited = (called - e.at).num_seconds() as f64 / 60.0;
                    Some((
                        f64::from(e.whole_desks) - waited,
                        f64::from(e.shared_desks) - waited,
                    ))
                })
                .collect();
            let n = errors.len() as f64;
            let mean = |f: &dyn Fn(&(f64, f64)) -> f64| errors.iter().map(f).sum::<f64>() / n;
            println!(
                "seed {seed} | {} {:>4} | {:>5.1} / {:>5.1} min | {:>+5.1} / {:>+5.1} min",
                if group {
                    "a desk prefers their language:"
                } else {
                    "no desk prefers their language:"
                },
                errors.len(),
                mean(&|e| e.0.abs()),
                mean(&|e| e.1.abs()),
                mean(&|e| e.0),
                mean(&|e| e.1),
            );
        }
    }
}

/// What the language preference costs a call-next: the pure choice among 500 waiting, with
/// and without the desk's languages (mean of many runs; the machine's load shows in it).
fn routing_cost(config: &Config) {
    let visitors = single_concern_day(config, 1, 0.9);
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
