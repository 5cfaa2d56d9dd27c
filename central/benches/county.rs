//! The county benchmark (README "Several buildings"): one building's generated year
//! (`demo-history`) pushed under `BUILDINGS` building ids to a real `lotse-central` over a
//! real PostgreSQL: the initial ingest; the county year report across all of them once the
//! centre has kept its parts ahead (the first, then p50/p99 of `RUNS`), split by desk (not
//! kept ahead: the first computes its parts), narrowed (computed every time), and after every
//! building pushed a day again; a live summary's way from a building to the overview (p50/p99
//! of 200); the process's RSS. Each building's desks are named as its own (`b07/…`), as a
//! county's buildings have desks of their own (`SHARED_DESKS=1`: one set of desk names for
//! all). `cargo bench -p lotse-central --bench county` (release); `BUILDINGS`, `DAYS`,
//! `ARRIVALS`, `RUNS` override the defaults 50, 365, 600, 20.

// The tests' PostgreSQL fixture, shared; not every helper of it is used here.
#[path = "../tests/central/support/postgres.rs"]
#[allow(dead_code)]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::{NaiveDate, Utc};
use lotse_central::CentralConfig;
use lotse_protocol::Client;
use lotse_protocol::central::{CENTRAL_SCHEMA, DayPush, LiveSummary, ProfilePush};
use lotse_queue_server::auth::token_hash;
use lotse_queue_server::config::{Config, embedded_always_open};
use lotse_queue_server::stats::cells::{Name, Names};
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::stats::{Dimension, Period};
use lotse_queue_server::storage::{Store, aggregates, central_outbox};

/// The county admin's password.
const ADMIN_PASSWORD: &str = "bench-county-admin";

/// The token that reads the centre's `/metrics`.
const METRICS_TOKEN: &str = "bench-metrics";

/// `lotse_central_buildings_to_keep` from the centre's `/metrics`.
async fn buildings_to_keep(url: &str) -> anyhow::Result<u64> {
    let text = reqwest::Client::new()
        .get(format!("{url}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    text.lines()
        .find_map(|line| line.strip_prefix("lotse_central_buildings_to_keep "))
        .ok_or_else(|| anyhow::anyhow!("no lotse_central_buildings_to_keep"))?
        .trim()
        .parse()
        .map_err(Into::into)
}

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A memory figure of this process in MB: `VmRSS` now, `VmHWM` its peak.
fn memory_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn rss_mb() -> f64 {
    memory_mb("VmRSS:")
}

fn peak_rss_mb() -> f64 {
    memory_mb("VmHWM:")
}

/// `cells` of `date` with every desk named as `building`'s own.
fn with_own_desks(date: NaiveDate, cells: &[u8], building: &str) -> anyhow::Result<Vec<u8>> {
    let mut names = Names::default();
    let mut day = aggregates::decode(date, cells, &mut names)?;
    let own = |desk: &Name| -> Name { format!("{building}/{desk}").into() };
    for leg in &mut day.legs {
        leg.key.desk = leg.key.desk.as_ref().map(own);
    }
    for visit in &mut day.visits {
        visit.key.desks = visit.key.desks.iter().map(own).collect();
    }
    Ok(aggregates::encode(&day)?)
}

fn percentiles(mut values: Vec<Duration>) -> (f64, f64) {
    values.sort();
    let at = |q: f64| {
        let i = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len()) - 1;
        values[i].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.99))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (buildings, days, arrivals, runs, shared_desks) = (
        env("BUILDINGS", 50),
        env("DAYS", 365),
        env("ARRIVALS", 600),
        env("RUNS", 20),
        env("SHARED_DESKS", 0) == 1,
    );
    let Some(pg) = postgres::Postgres::start() else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    // One building's year, its days as the outbox would push them.
    let config = Config::parse("bench building.toml", &embedded_always_open())?;
    let db = dir.path().join("lotse.db");
    let started = Instant::now();
    lotse_queue_server::cli::demo_history(&db, &config, days, 1, arrivals).await?;
    println!(
        "history: {days} days in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let store = Store::open(&db)?;
    let mut pushes = Vec::new();
    loop {
        let (queue_config, now) = (config.clone(), Utc::now());
        let queued = store
            .run(move |c| central_outbox::enqueue_due(c, &queue_config, now))
            .await?;
        while let Some(day) = store.read(central_outbox::oldest).await? {
            let id = day.id;
            store
                .run(move |c| central_outbox::mark_sent(c, id, Utc::now()))
                .await?;
            pushes.push((day.day, day));
        }
        if queued == 0 {
            break;
        }
    }
    let visits: u32 = pushes.iter().map(|(_, d)| d.visits).sum();
    println!("one building: {} days, {visits} visits", pushes.len());
    // The centre, with `buildings` buildings.
    let ids: Vec<String> = (0..buildings).map(|i| format!("b{i:02}")).collect();
    // Each building's pushes, made before the clock runs.
    let mut building_pushes = Vec::new();
    for id in &ids {
        let mut own = Vec::new();
        for (date, day) in &pushes {
            let cells = if shared_desks {
                day.cells.clone()
            } else {
                with_own_desks(*date, &day.cells, id)?
            };
            own.push((
                *date,
                DayPush {
                    schema: CENTRAL_SCHEMA,
                    version: day.version,
                    cells_format: day.format as u32,
                    cells: base64::engine::general_purpose::STANDARD.encode(&cells),
                    visits: day.visits,
                    legs: day.legs,
                },
            ));
        }
        building_pushes.push(own);
    }
    let mut text = format!(
        "database_url = \"{}\"\npool_size = 16\nmetrics_token_sha256 = \"{}\"\n",
        pg.url(),
        token_hash(METRICS_TOKEN)
    );
    for id in &ids {
        text.push_str(&format!(
            "[[building]]\nid = \"{id}\"\nname = \"{id}\"\ntown = \"t\"\ntoken_sha256 = \"{}\"\n",
            token_hash(&format!("token-{id}"))
        ));
    }
    text.push_str(&format!(
        "[[account]]\nname = \"landkreis\"\npassword_hash = \"{}\"\nrole = \"county_admin\"\n",
        lotse_queue_server::auth::hash_password(ADMIN_PASSWORD)?
    ));
    let central_config = CentralConfig::parse("bench central.toml", &text)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(lotse_central::run(
        listener,
        central_config,
        Arc::new(Utc::now),
        None,
        std::future::pending(),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_mb();
    // Initial ingest: every building pushes its days, 8 buildings at a time.
    let started = Instant::now();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(8));
    let mut tasks = Vec::new();
    let newest: Vec<(NaiveDate, DayPush)> = building_pushes
        .iter()
        .filter_map(|own| own.last().cloned())
        .collect();
    for (id, own) in ids.iter().zip(building_pushes) {
        let (client, id) = (
            Client::new(&url)?.with_device_token(&format!("token-{id}")),
            id.clone(),
        );
        let semaphore = Arc::clone(&semaphore);
        let profile = ProfilePush {
            schema: CENTRAL_SCHEMA,
            building: config.building.clone(),
        };
        tasks.push(tokio::spawn(async move {
            let _permit = semaphore.acquire().await?;
            client.push_profile(&id, &profile).await?;
            for (day, push) in &own {
                client.push_day(&id, *day, push).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let ingest = started.elapsed().as_secs_f64();
    println!(
        "initial ingest: {} days of {buildings} buildings in {ingest:.1} s ({:.0} days/s); RSS {rss_idle:.0} → {:.0} MB",
        pushes.len() * ids.len(),
        (pushes.len() * ids.len()) as f64 / ingest,
        rss_mb()
    );
    // The county year report across every building.
    let pool = lotse_central::db::pool(&pg.url(), 4, None)?;
    let to = pushes.last().map(|(d, _)| *d).unwrap_or_default();
    let period = Period::new(to - chrono::Duration::days(364), to).expect("a year");
    let report = |turns: lotse_central::turns::Turns, split: Dimension| {
        let (pool, ids) = (pool.clone(), ids.clone());
        async move {
            let started = Instant::now();
            let narrowed = lotse_central::county_stats::Narrowed {
                split,
                ..Default::default()
            };
            let computed = lotse_central::county_stats::report(
                &pool,
                &turns,
                &ids,
                period,
                &narrowed,
                Lang::De,
            )
            .await?;
            assert!(computed.report.kpis.visits > 0);
            anyhow::Ok((started.elapsed(), computed.report))
        }
    };
    // The centre keeps the parts of the default report (split by service) ahead.
    let started = Instant::now();
    while buildings_to_keep(&url).await? > 0 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "report parts kept ahead: done {:.1} s after the last push; RSS {:.0} MB",
        started.elapsed().as_secs_f64(),
        rss_mb()
    );
    let client = pool.get().await?;
    let sizes = client
        .query_one(
            "SELECT pg_total_relation_size('stat_days'), pg_total_relation_size('report_parts'),
                    (SELECT COUNT(*) FROM report_parts)",
            &[],
        )
        .await?;
    let (days_bytes, parts_bytes, parts): (i64, i64, i64) =
        (sizes.get(0), sizes.get(1), sizes.get(2));
    drop(client);
    println!(
        "stored: the days {:.0} MB, the kept parts {:.0} MB ({parts} parts)",
        days_bytes as f64 / 1e6,
        parts_bytes as f64 / 1e6
    );
    // So the first report computes nothing (a limit of 0 would refuse anything to compute).
    let nothing = || lotse_central::turns::Turns::new(1, 0);
    let (first, computed) = report(nothing(), Dimension::Service).await?;
    println!(
        "county year report, {buildings} buildings, the first: {:.0} ms",
        first.as_secs_f64() * 1000.0
    );
    let mut times = Vec::new();
    for _ in 0..runs {
        let (time, again) = report(nothing(), Dimension::Service).await?;
        assert_eq!(again, computed, "kept parts give the same report");
        times.push(time);
    }
    let (p50, p99) = percentiles(times);
    println!(
        "county year report, {buildings} buildings, from kept parts: p50 {p50:.0} ms, p99 {p99:.0} ms ({runs} runs); RSS {:.0} MB",
        rss_mb()
    );
    // The page a county admin opens: the year of every building, in total and side by side,
    // over HTTP with a session.
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = admin
        .post(format!("{url}/county/login"))
        .form(&[("name", "landkreis"), ("password", ADMIN_PASSWORD)])
        .send()
        .await?;
    anyhow::ensure!(
        login.status() == 303,
        "the admin logs in: {}",
        login.status()
    );
    let page = format!(
        "{url}/county/stats?buildings={}&from={}&to={}",
        ids.join(","),
        period.from,
        period.to
    );
    let (mut times, mut bytes) = (Vec::new(), 0);
    for _ in 0..runs {
        let started = Instant::now();
        let answer = admin.get(&page).send().await?.error_for_status()?;
        bytes = answer.bytes().await?.len();
        times.push(started.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!(
        "county statistics page, the year of {buildings} buildings in total and side by side, over HTTP: p50 {p50:.0} ms, p99 {p99:.0} ms ({runs} runs, {bytes} bytes)"
    );
    // Split by desk, whose parts are not kept ahead: the first computes and keeps them.
    std::fs::write("/proc/self/clear_refs", "5")?;
    let everything = || lotse_central::turns::Turns::new(1, u64::MAX);
    let (time, _) = report(everything(), Dimension::Desk).await?;
    println!(
        "county year report split by desk, the first (computes and keeps every part): {:.1} s; peak RSS {:.0} MB",
        time.as_secs_f64(),
        peak_rss_mb()
    );
    let (time, _) = report(nothing(), Dimension::Desk).await?;
    println!(
        "county year report split by desk, the second: {:.0} ms",
        time.as_secs_f64() * 1000.0
    );
    // A narrowed report (kiosk tickets only) is computed from the cells every time.
    std::fs::write("/proc/self/clear_refs", "5")?;
    let started = Instant::now();
    let narrowed = lotse_central::county_stats::Narrowed {
        channel: Some(lotse_protocol::Channel::Kiosk),
        ..Default::default()
    };
    let kiosk = lotse_central::county_stats::report(
        &pool,
        &everything(),
        &ids,
        period,
        &narrowed,
        Lang::De,
    )
    .await?;
    assert!(kiosk.report.kpis.visits < computed.kpis.visits);
    println!(
        "county year report, {buildings} buildings, narrowed to kiosk tickets: {:.1} s; peak RSS {:.0} MB",
        started.elapsed().as_secs_f64(),
        peak_rss_mb()
    );
    // Every building pushes its newest day again (as after a re-fold): each one's newest
    // month is computed again.
    for (id, (day, push)) in ids.iter().zip(&newest) {
        let client = Client::new(&url)?.with_device_token(&format!("token-{id}"));
        client.push_day(id, *day, push).await?;
    }
    let (time, again) = report(everything(), Dimension::Service).await?;
    assert_eq!(again, computed, "the same days again give the same report");
    println!(
        "county year report after every building pushed its newest day again: {:.0} ms",
        time.as_secs_f64() * 1000.0
    );
    // A live summary from a building to the overview's data.
    let client = Client::new(&url)?.with_device_token("token-b00");
    let mut times = Vec::new();
    for i in 0..200 {
        let summary = LiveSummary {
            schema: CENTRAL_SCHEMA,
            at: Utc::now(),
            services: Vec::new(),
            desks_staffed: i,
            alerts: Vec::new(),
            printers: Vec::new(),
            last_event_at: None,
            outbox_backlog: 0,
        };
        let started = Instant::now();
        client.push_live("b00", &summary).await?;
        let latest = lotse_central::db::live::latest(&pool).await?;
        assert!(latest.iter().any(|l| l.summary.desks_staffed == i));
        times.push(started.elapsed());
    }
    let (p50, p99) = percentiles(times);
    println!(
        "live summary to the overview's data: p50 {p50:.1} ms, p99 {p99:.1} ms; RSS {:.0} MB (the benchmark's process: centre and client)",
        rss_mb()
    );
    Ok(())
}
