//! Statistics on a generated year (`demo-history --arrivals-per-day 600`, about 400 visits per
//! working day: a busy building, the volume the goals are set for) against
//! the in-process server on a real SQLite file: the stats page for a month and for a year,
//! the year's XLSX export, and call-next with and without a year's report being computed at
//! the same time (the report reads on the read-only connections; the writer must not wait);
//! `GET /metrics`.
//!
//! `cargo bench -p lotse-queue-server --bench stats`
//! (`STATS_ROUNDS`, default 30: page requests per range; `STATS_CALLS`, default 400:
//! call-next requests in each phase; `STATS_DAYS`, default 365: days of generated history;
//! `STATS_ARRIVALS`, default 600: arrivals drawn per working day.)
//!
//! Nothing here asserts timings: the machine is shared, so read the numbers with its load.

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use lotse_protocol::{Client, Finish, IssueTicket};
use lotse_queue_server::config::Config;

const DESK: &str = "eg-01";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// p50, p99 and max in milliseconds.
fn summary(mut times: Vec<Duration>) -> String {
    if times.is_empty() {
        return "-".into();
    }
    times.sort();
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "n={:>4}  p50 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms",
        times.len(),
        ms(at(50)),
        ms(at(99)),
        ms(times[times.len() - 1])
    )
}

async fn timed_get(http: &reqwest::Client, url: &str) -> (Duration, usize) {
    let started = Instant::now();
    let response = http.get(url).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let bytes = response.bytes().await.unwrap();
    (started.elapsed(), bytes.len())
}

/// `calls` times call-next then finish at `DESK`; the call-next latencies.
async fn call_next_times(staff: &Client, calls: usize) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..calls {
        let started = Instant::now();
        let called = staff.call_next(DESK).await.unwrap();
        times.push(started.elapsed());
        if called.is_none() {
            break;
        }
        staff.finish(DESK, &Finish { outcome: None }).await.unwrap();
    }
    times
}

#[tokio::main]
async fn main() {
    let rounds = env_number("STATS_ROUNDS", 30) as usize;
    let calls = env_number("STATS_CALLS", 400) as usize;
    // 730: the year page's "period before" has a year of (folded) days too.
    let days = env_number("STATS_DAYS", 365) as u32;
    // 600 arrivals drawn per working day: about 400 visits, the volume the goals are set for
    // (the sample building's desks serve about 230 near their targets; the rest wait long).
    let arrivals = env_number("STATS_ARRIVALS", 600) as u32;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stats.db");
    let config = Config::embedded().unwrap();
    let started = Instant::now();
    let (visits, stops) = lotse_queue_server::cli::demo_history(&db, &config, days, 1, arrivals)
        .await
        .unwrap();
    println!(
        "demo-history: {visits} visits, {stops} stops over {days} days in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Where a year's time goes, in-process: reading the legs and aggregates and folding the
    // legs, computing the figures.
    {
        use lotse_queue_server::stats::load::{compute_all, load};
        use lotse_queue_server::stats::tables::Lang;
        use lotse_queue_server::stats::{Dimension, Filter, Period};
        let store = lotse_queue_server::storage::Store::open(&db).unwrap();
        let today = Utc::now().with_timezone(&config.time_zone).date_naive();
        let year = Period::new(
            today - chrono::Duration::days(365),
            today.pred_opt().unwrap(),
        )
        .unwrap();
        let (mut reads, mut computes) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let started = Instant::now();
            let at = lotse_queue_server::stats::load::ReadAt::new(Utc::now(), &Default::default());
            let loaded = load(&store, &config, year, at).await.unwrap();
            reads.push(started.elapsed());
            let started = Instant::now();
            compute_all(
                &loaded,
                &config,
                year,
                &Filter::default(),
                Dimension::Service,
                Lang::De,
            );
            computes.push(started.elapsed());
        }
        println!("year: read and fold          {}", summary(reads));
        println!("year: compute figures        {}", summary(computes));
    }
    let metrics_token = lotse_queue_server::cli::add_device(
        &db,
        lotse_queue_server::auth::DeviceKind::Metrics,
        "monitoring",
    )
    .await
    .unwrap();
    let url = lotse_queue_server::local::start_demo_server(&db).unwrap();
    let monitoring = reqwest::Client::new();
    let mut scrapes = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let response = monitoring
            .get(format!("{url}/metrics"))
            .bearer_auth(&metrics_token)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap();
        scrapes.push(started.elapsed());
    }
    println!("GET /metrics                 {}", summary(scrapes));

    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = http
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({"name": "supervisor", "password": "lotse-demo-supervisor"}))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());

    let today = Utc::now().with_timezone(&config.time_zone).date_naive();
    let yesterday = today.pred_opt().unwrap();
    let month_from = yesterday - chrono::Duration::days(29);
    let year_from = yesterday - chrono::Duration::days(364);
    let page = |from: chrono::NaiveDate| {
        format!("{url}/staff/stats?range=custom&from={from}&to={yesterday}")
    };
    for (name, from) in [("month", month_from), ("year", year_from)] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..rounds {
            let (time, bytes) = timed_get(&http, &page(from)).await;
            times.push(time);
            size = bytes;
        }
        println!("stats page, {name:<5} ({size} bytes)   {}", summary(times));
    }
    let mut exports = Vec::new();
    for _ in 0..3 {
        let (time, bytes) = timed_get(
            &http,
            &format!("{}&format=xlsx", page(year_from))
                .replace("/staff/stats?", "/staff/stats/export?"),
        )
        .await;
        exports.push(time);
        println!("  year XLSX: {bytes} bytes");
    }
    println!("year XLSX export             {}", summary(exports));

    // call-next with and without a year's report running.
    let kiosk = Client::new(&url)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    for n in 0..2 * calls + 10 {
        let request = IssueTicket {
            services: vec!["eat-pickup".to_owned()],
            language: "de".to_owned(),
            channel: None,
            priority: false,
            interpreter: false,
        };
        kiosk
            .issue_ticket(&request, &format!("bench-{n}"))
            .await
            .unwrap();
    }
    let staff = Client::new(&url).unwrap();
    staff.login("staff", "lotse-demo-staff").await.unwrap();
    let alone = call_next_times(&staff, calls).await;
    println!("call-next alone              {}", summary(alone));
    let running = Arc::new(AtomicBool::new(true));
    let reports = Arc::new(AtomicU64::new(0));
    let background = {
        let (http, url, running, reports) = (
            http.clone(),
            page(year_from),
            running.clone(),
            reports.clone(),
        );
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                timed_get(&http, &url).await;
                reports.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let during = call_next_times(&staff, calls).await;
    running.store(false, Ordering::Relaxed);
    background.await.unwrap();
    println!(
        "call-next during year reports {}  ({} year reports meanwhile)",
        summary(during),
        reports.load(Ordering::Relaxed)
    );
}
