//! A simulated day of the demo building with visits of several concerns, run once per visit
//! order (`[queue] visit_order`): the same visitors arrive at the same moments and take the
//! same time at each desk in every run; desks call with the real routing (languages and
//! fairness share of the building); only the order in which visits wait for their concerns
//! differs. Three seeds.
//!
//! `cargo run --release -p lotse-queue-server --example day [LOAD]` (LOAD 0.9 unless given)
//!
//! The day (`lotse_queue_server::simulation`): every desk staffed 08:00–15:00 and on until its
//! line is empty, walk-in services only; visits arrive at random (fixed seeds) so that each
//! service is asked for 90 % of what its desks can serve; 55 % of the visits have one concern,
//! 35 % two, 10 % three (different services, chosen in proportion to their desks); a concern
//! takes its service's typical duration × 0.5–1.5. No walking time between desks.
//!
//! Besides the three orders, two ideas are measured that are not settings: a desk that
//! carries on with the same visitor's next concern when it serves it (`Rules::carry_on`),
//! and a visitor who finished a concern going to the front of their other lines
//! (`Rules::returning_first`, which gives places away).
//!
//! Reported per order: time in the building of visitors with several concerns (mean, p90; of
//! it, at desks and until the first call),
//! wait of visitors with one concern (mean, p90), how many visitors waited more than a
//! minute less or more than with the fixed order and the largest extra wait any visitor had, and the desks' idle share during opening hours (desks with
//! walk-in services).

#![allow(clippy::unwrap_used, clippy::print_stdout)] // An example prints and may stop.

use chrono::Duration;
use lotse_queue_server::config::Config;
use lotse_queue_server::simulation::{Outcome, Rules, Visit, mixed_day, opening, simulate};
use lotse_queue_server::stats::figures::summary;
use lotse_queue_server::visit_order::VisitOrder;

/// The share of the desks' capacity asked for, unless the first argument names another.
const LOAD: f64 = 0.9;
/// Shares of visits with two and with three concerns.
const SEVERAL: [f64; 2] = [0.35, 0.10];
/// The orders compared, whether a desk carries on with the same visitor's next concern it
/// serves, and whether a visitor who finished a concern goes to the front of their other
/// lines (ideas under evaluation, not settings of the server).
const ORDERS: [(VisitOrder, bool, bool, &str); 5] = [
    (VisitOrder::Fixed, false, false, "fixed"),
    (VisitOrder::NextShortest, false, false, "next shortest"),
    (VisitOrder::SeveralLines, false, false, "several lines"),
    (
        VisitOrder::SeveralLines,
        true,
        false,
        "several lines, desk carries on",
    ),
    (
        VisitOrder::SeveralLines,
        false,
        true,
        "several lines, returning visitors first",
    ),
];

/// Minutes of a duration in seconds.
fn minutes(seconds: f64) -> f64 {
    seconds / 60.0
}

/// Per visit: seconds in the building and seconds waiting (in the building, not at a desk).
fn stays(visits: &[Visit], outcome: &Outcome) -> Vec<(i64, i64)> {
    visits
        .iter()
        .enumerate()
        .map(|(v, visit)| {
            let left = outcome.left_at(v).unwrap();
            let stay = (left - visit.arrival).num_seconds();
            let at_desks: i64 = visit.tasks.iter().map(|t| t.duration.num_seconds()).sum();
            (stay, stay - at_desks)
        })
        .collect()
}

struct Row {
    /// Time at the desks of visitors with several concerns, mean: no order can go below it.
    at_desks: f64,
    /// Wait of visitors with several concerns until their first call, mean.
    first_call: f64,
    stay_mean: f64,
    stay_p90: f64,
    wait_mean: f64,
    wait_p90: f64,
    worst_extra: f64,
    /// Visitors who waited more than a minute less / more than with the fixed order.
    better: usize,
    worse: usize,
    idle: f64,
}

fn row(visits: &[Visit], outcome: &Outcome, fixed: &[(i64, i64)], config: &Config) -> Row {
    let stays = stays(visits, outcome);
    let several = summary(
        visits
            .iter()
            .zip(&stays)
            .filter(|(v, _)| v.tasks.len() > 1)
            .map(|(_, (stay, _))| *stay)
            .collect(),
    );
    let single = summary(
        visits
            .iter()
            .zip(&stays)
            .filter(|(v, _)| v.tasks.len() == 1)
            .map(|(_, (_, wait))| *wait)
            .collect(),
    );
    let extra: Vec<i64> = stays
        .iter()
        .zip(fixed)
        .map(|((_, wait), (_, before))| wait - before)
        .collect();
    let worst_extra = extra.iter().copied().max().unwrap_or(0);
    let (open, close) = opening();
    let desks: Vec<usize> = (0..config.building.desks.len())
        .filter(|d| {
            config.building.desks[*d]
                .services
                .iter()
                .any(|s| config.service(s).is_some_and(|s| s.walk_in))
        })
        .collect();
    let busy: Duration = desks.iter().map(|d| outcome.busy_in_hours[*d]).sum();
    let staffed = (close - open).num_seconds() as f64 * desks.len() as f64;
    let at_desks = summary(
        visits
            .iter()
            .zip(&stays)
            .filter(|(v, _)| v.tasks.len() > 1)
            .map(|(_, (stay, wait))| stay - wait)
            .collect(),
    );
    let first_call = summary(
        visits
            .iter()
            .enumerate()
            .filter(|(_, v)| v.tasks.len() > 1)
            .filter_map(|(i, v)| {
                let first = outcome.served[i]
                    .iter()
                    .flatten()
                    .map(|s| s.called_at)
                    .min()?;
                Some((first - v.arrival).num_seconds())
            })
            .collect(),
    );
    Row {
        at_desks: minutes(at_desks.mean),
        first_call: minutes(first_call.mean),
        stay_mean: minutes(several.mean),
        stay_p90: minutes(several.p90 as f64),
        wait_mean: minutes(single.mean),
        wait_p90: minutes(single.p90 as f64),
        worst_extra: minutes(worst_extra as f64),
        better: extra.iter().filter(|e| **e < -60).count(),
        worse: extra.iter().filter(|e| **e > 60).count(),
        idle: 1.0 - busy.num_seconds() as f64 / staffed,
    }
}

fn main() {
    let config = Config::embedded().unwrap();
    let load = std::env::args()
        .nth(1)
        .map_or(LOAD, |a| a.parse().expect("a load such as 0.9"));
    println!("load {load}");
    println!(
        "| seed | order | visits (several) | stay, several: mean / p90 (at desks; until first call) | wait, one concern: mean / p90 | better / worse off | worst extra wait | desks idle |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut changes: Vec<(usize, f64, f64)> = Vec::new();
    for seed in [1u64, 2, 3] {
        let visits = mixed_day(&config, seed, load, &SEVERAL);
        let several = visits.iter().filter(|v| v.tasks.len() > 1).count();
        let fixed_outcome = simulate(&config, &visits, &Rules::of(&config, VisitOrder::Fixed));
        let fixed = stays(&visits, &fixed_outcome);
        let base = row(&visits, &fixed_outcome, &fixed, &config);
        for (n, (order, carry_on, returning_first, name)) in ORDERS.into_iter().enumerate() {
            let rules = Rules {
                carry_on,
                returning_first,
                ..Rules::of(&config, order)
            };
            let outcome = simulate(&config, &visits, &rules);
            let r = row(&visits, &outcome, &fixed, &config);
            let stay_change = 100.0 * (r.stay_mean / base.stay_mean - 1.0);
            let p90_change = 100.0 * (r.wait_p90 / base.wait_p90 - 1.0);
            changes.push((n, stay_change, p90_change));
            println!(
                "| {seed} | {name} | {} ({several}) | {:.1} / {:.1} min ({stay_change:+.0} %) ({:.1}; {:.1}) | {:.1} / {:.1} min (p90 {p90_change:+.0} %) | {} / {} | {:.1} min | {:.1} % |",
                visits.len(),
                r.stay_mean,
                r.stay_p90,
                r.at_desks,
                r.first_call,
                r.wait_mean,
                r.wait_p90,
                r.better,
                r.worse,
                r.worst_extra,
                100.0 * r.idle,
            );
        }
    }
    println!();
    for (n, (_, _, _, name)) in ORDERS.iter().enumerate().skip(1) {
        let mine: Vec<&(usize, f64, f64)> = changes.iter().filter(|(o, _, _)| *o == n).collect();
        let stay = mine.iter().map(|c| c.1).sum::<f64>() / mine.len() as f64;
        let p90 = mine.iter().map(|c| c.2).sum::<f64>() / mine.len() as f64;
        let met = stay <= -25.0 && mine.iter().all(|c| c.2 <= 5.0);
        println!(
            "{name}: stay with several concerns {stay:+.1} %, p90 wait with one {p90:+.1} % (mean of seeds); goal (-25 % at <= +5 % in every seed) {}",
            if met { "met" } else { "not met" }
        );
    }
}
