//! The cost of one live-alert evaluation (`commands::alerts::pending`: read the lines with
//! their wait starts and the 15-minute window, the kiosks, the active alerts, and decide) on
//! a SQLite file with the sample building (21 services) and 0, 500 and 5,000 people waiting
//! spread over its services; and the pure decision (`domain::alerts::step`) alone for 1,000
//! services. The server runs one evaluation every 5 s on a read-only connection.
//!
//! `cargo bench -p lotse-queue-server --bench alerts`
//!
//! Nothing here asserts timings: the machine is shared, so read the numbers with its load.

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use lotse_protocol::Channel;
use lotse_queue_server::config::Config;
use lotse_queue_server::domain::alerts::{Facts, LineFacts, step};
use lotse_queue_server::services::commands::alerts::pending;
use lotse_queue_server::services::commands::issue::{NewTicket, issue};
use lotse_queue_server::storage::prepare;

const ROUNDS: usize = 200;

fn percentiles(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    format!("p50 {:>9.1} µs  p99 {:>9.1} µs", us(at(50)), us(at(99)))
}

fn main() {
    let config = Config::embedded().unwrap().always_open();
    let services: Vec<String> = config
        .building
        .services
        .iter()
        .filter(|s| s.walk_in)
        .map(|s| s.id.clone())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut connection = rusqlite::Connection::open(dir.path().join("alerts.db")).unwrap();
    prepare(&mut connection).unwrap();
    let mut waiting = 0;
    for target in [0, 500, 5_000] {
        let now = Utc::now();
        let transaction = connection.transaction().unwrap();
        while waiting < target {
            let chosen = [services[waiting % services.len()].clone()];
            let new = NewTicket {
                services: &chosen,
                language: "de",
                channel: Channel::Kiosk,
                priority: false,
                appointment_at: None,
                idempotency: None,
                interpreter: false,
            };
            issue(&transaction, &config, now, new).unwrap();
            waiting += 1;
        }
        transaction.commit().unwrap();
        let now = Utc::now();
        let mut times = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let transitions = pending(&connection, &config, now).unwrap();
            times.push(started.elapsed());
            std::hint::black_box(transitions);
        }
        println!(
            "evaluation, {} services, {waiting:>5} waiting: {}",
            config.building.services.len(),
            percentiles(times)
        );
    }

    let facts = Facts {
        lines: (0..1_000)
            .map(|n| LineFacts {
                service: format!("service-{n}"),
                waiting: 7,
                longest_wait_seconds: 60 * (n % 60),
                target_wait_minutes: 30,
                alert_factor: 1.0,
                arrivals: 9,
                calls: 3,
            })
            .collect(),
        printers: Vec::new(),
    };
    let active = BTreeSet::new();
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        std::hint::black_box(step(&active, &facts));
        times.push(started.elapsed());
    }
    println!(
        "step alone, 1,000 services:            {}",
        percentiles(times)
    );
}
