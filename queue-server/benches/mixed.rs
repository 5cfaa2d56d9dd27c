//! Mixed load on the demo building, client on the same machine: kiosks issuing tickets
//! continuously, visitors' phones polling their status pages, idle SSE subscribers, and one
//! desk calling next, all at once against the release server program on a real SQLite file with
//! durable commits. Plus an idle baseline of status polls alone.
//!
//! `cargo bench -p lotse-queue-server --bench mixed`
//! (`MIXED_SECS`, default 20: length of the mixed phase; `MIXED_IDLE_SECS`, default 10: length
//! of the idle baseline; `LOTSE_SERVER_BIN`: another server program, e.g. an older build.)
//!
//! The load:
//! - 8 kiosk connections, each issuing tickets back to back (own idempotency key each), spread
//!   over the walk-in services that some desk serves, except the measured desk's, so the
//!   measured desk's line stays where it was pre-filled;
//! - status polls (`GET /tickets/{token}`) at a fixed rate (open loop: a request is started
//!   every tick whether or not earlier ones have answered, up to a cap in flight), spread over
//!   all tickets issued so far;
//! - 500 SSE subscribers with the display token, which only receive;
//! - desk `eg-01` as `staff`: call-next, finish, and one replacement ticket for its services
//!   (not counted as issue load), so call-next keeps running at about 500 waiting.
//!
//! Latencies are measured per request by the client from sending to the decoded answer.
//! Nothing here asserts timings: the machine is shared, so read the numbers with its load.

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use lotse_protocol::event_stream::{StreamItem, StreamOptions, subscribe};
use lotse_protocol::{Client, ClientError, Finish, IssueTicket};
use tokio::sync::Semaphore;
use tokio::time::MissedTickBehavior;

const ISSUERS: usize = 8;
const POLLS_PER_SECOND: u64 = 2_000;
const POLLERS: u64 = 16;
const MAX_POLLS_IN_FLIGHT: usize = 512;
const SUBSCRIBERS: usize = 500;
const WAITING: usize = 500;
const DESK: &str = "eg-01";

/// The latencies and failures of one kind of request.
#[derive(Default)]
struct Stats {
    ok: Vec<Duration>,
    /// Answers with an error status, by status code.
    refused: BTreeMap<u16, u64>,
    /// No answer (connection failed or broke) or an answer that was not the expected JSON.
    transport: u64,
}

impl Stats {
    fn record<T>(&mut self, started: Instant, result: &Result<T, ClientError>) {
        match result {
            Ok(_) => self.ok.push(started.elapsed()),
            Err(ClientError::Api { status, .. } | ClientError::Unexpected { status, .. })
                if !status.is_success() =>
            {
                *self.refused.entry(status.as_u16()).or_default() += 1;
            }
            Err(_) => self.transport += 1,
        }
    }

    fn errors(&self) -> String {
        let refused: u64 = self.refused.values().sum();
        if refused + self.transport == 0 {
            return "0".into();
        }
        let mut parts: Vec<String> = self
            .refused
            .iter()
            .map(|(status, n)| format!("{n}×{status}"))
            .collect();
        if self.transport > 0 {
            parts.push(format!("{}×transport", self.transport));
        }
        parts.join(" ")
    }
}

type Shared<T> = Arc<Mutex<T>>;

fn env_secs(name: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

fn percentile_ms(sorted: &[Duration], p: usize) -> String {
    if sorted.is_empty() {
        return "-".into();
    }
    let at = (sorted.len() * p / 100).min(sorted.len() - 1);
    format!("{:.2}", sorted[at].as_secs_f64() * 1000.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn issue_request(service: &str) -> IssueTicket {
    IssueTicket {
        services: vec![service.to_owned()],
        language: "de".into(),
        channel: None,
        priority: false,
        interpreter: false,
    }
}

#[tokio::main]
async fn main() {
    let mixed_secs = env_secs("MIXED_SECS", 20);
    let idle_secs = env_secs("MIXED_IDLE_SECS", 10);
    let dir = tempfile::tempdir().unwrap();
    let server = lotse_queue_server::local::ServerProcess::start_always_open(
        env!("CARGO_BIN_EXE_queue-server"),
        dir.path(),
        "warn",
    )
    .unwrap();
    let url = server.url.clone();

    let kiosk = Client::new(&url)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    let display = Client::new(&url)
        .unwrap()
        .with_device_token("demo-display-token");
    let staff = Client::new(&url).unwrap();
    staff.login("staff", "lotse-demo-staff").await.unwrap();

    // The measured desk's services, and those the issuing kiosks use: walk-in services some
    // desk serves, but not the measured desk.
    let building = display.config().await.unwrap();
    let desk_services = building
        .desks
        .iter()
        .find(|d| d.id == DESK)
        .unwrap()
        .services
        .clone();
    let issue_services: Vec<String> = building
        .services
        .iter()
        .filter(|s| s.walk_in && !desk_services.contains(&s.id))
        .filter(|s| building.desks.iter().any(|d| d.services.contains(&s.id)))
        .map(|s| s.id.clone())
        .collect();
    assert!(!issue_services.is_empty());

    // Pre-fill the measured desk's line.
    let tokens: Arc<RwLock<Vec<String>>> = Arc::new(RwLock::new(Vec::new()));
    for n in 0..WAITING {
        let service = &desk_services[n % desk_services.len()];
        let ticket = kiosk
            .issue_ticket(&issue_request(service), &format!("prefill-{n}"))
            .await
            .unwrap();
        tokens.write().unwrap().push(ticket.token);
    }

    // Idle baseline: status polls alone.
    let load_idle = load_average();
    let mut idle = run_polls(&url, tokens.clone(), Instant::now() + idle_secs).await;

    // 500 idle subscribers, on a runtime of their own: in a building they are other
    // devices, and sharing the load generator's runtime they would delay its poll ticks.
    let subscriber_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("subscribers")
        .enable_all()
        .build()
        .unwrap();
    let events_received = Arc::new(AtomicU64::new(0));
    let disconnects = Arc::new(AtomicU64::new(0));
    let opening = {
        let (display, received, disconnects) = (
            display.clone(),
            events_received.clone(),
            disconnects.clone(),
        );
        async move { open_subscribers(&display, &received, &disconnects).await }
    };
    subscriber_runtime.spawn(opening).await.unwrap();
    let events_before = events_received.load(Ordering::Relaxed);
    let waiting_before = waiting(&display, &desk_services).await;

    // The mixed phase.
    let load_start = load_average();
    let started = Instant::now();
    let deadline = started + mixed_secs;
    let issue_stats: Shared<Stats> = Arc::default();
    let mut issuers = Vec::new();
    for connection in 0..ISSUERS {
        // One client (one connection pool) per kiosk.
        let kiosk = Client::new(&url)
            .unwrap()
            .with_device_token("demo-kiosk-token");
        let (stats, tokens, services) =
            (issue_stats.clone(), tokens.clone(), issue_services.clone());
        issuers.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                let service = &services[(connection + n) % services.len()];
                let key = format!("mixed-{connection}-{n}");
                let sent = Instant::now();
                let result = kiosk.issue_ticket(&issue_request(service), &key).await;
                stats.lock().unwrap().record(sent, &result);
                if let Ok(ticket) = result {
                    tokens.write().unwrap().push(ticket.token);
                }
                n += 1;
            }
        }));
    }
    let desk = tokio::spawn(run_desk(
        staff.clone(),
        kiosk.clone(),
        desk_services.clone(),
        deadline,
    ));
    let mut loaded = run_polls(&url, tokens.clone(), deadline).await;
    for issuer in issuers {
        issuer.await.unwrap();
    }
    let issue_elapsed = started.elapsed();
    let desk = desk.await.unwrap();
    let load_end = load_average();
    let events = events_received.load(Ordering::Relaxed) - events_before;
    let waiting_after = waiting(&display, &desk_services).await;

    // The table.
    let mut issue_stats = Arc::try_unwrap(issue_stats)
        .ok()
        .unwrap()
        .into_inner()
        .unwrap();
    println!();
    println!(
        "mixed load: {} s, {ISSUERS} issuing connections, {POLLS_PER_SECOND} status polls/s target, \
         {SUBSCRIBERS} idle SSE subscribers, desk {DESK} at ~{WAITING} waiting; \
         server program beside the client on the same cores",
        mixed_secs.as_secs()
    );
    println!(
        "{:<34} {:>8} {:>9} {:>9} {:>9} {:>9}  errors (non-2xx / transport)",
        "", "ok", "per s", "p50 ms", "p99 ms", "max ms"
    );
    let row = |name: &str, stats: &mut Stats, elapsed: Duration| {
        stats.ok.sort();
        println!(
            "{:<34} {:>8} {:>9.1} {:>9} {:>9} {:>9}  {}",
            name,
            stats.ok.len(),
            stats.ok.len() as f64 / elapsed.as_secs_f64(),
            percentile_ms(&stats.ok, 50),
            percentile_ms(&stats.ok, 99),
            percentile_ms(&stats.ok, 100),
            stats.errors()
        );
    };
    row(
        "issue ticket (POST /tickets)",
        &mut issue_stats,
        issue_elapsed,
    );
    let mut desk = desk;
    row(
        &format!("call-next {DESK} (~{WAITING} waiting)"),
        &mut desk.call_next,
        desk.elapsed,
    );
    row(&format!("finish {DESK}"), &mut desk.finish, desk.elapsed);
    row("status poll, under load", &mut loaded.stats, loaded.elapsed);
    row("status poll, idle baseline", &mut idle.stats, idle.elapsed);
    println!();
    for (name, polls) in [("under load", &loaded), ("idle baseline", &idle)] {
        println!(
            "status polls {name}: target {POLLS_PER_SECOND}/s, started {} ({:.1}/s), answered {:.1}/s; \
             not started: {} ticks late (client runtime busy), {} at {MAX_POLLS_IN_FLIGHT} in flight",
            polls.started,
            polls.started as f64 / polls.elapsed.as_secs_f64(),
            polls.answered as f64 / polls.elapsed.as_secs_f64(),
            polls.late,
            polls.skipped
        );
    }
    println!(
        "desk {DESK}: {} calls, {} found nobody waiting, {} replacement tickets ({} refused)",
        desk.call_next.ok.len(),
        desk.empty,
        desk.refills,
        desk.refill_errors
    );
    println!(
        "waiting: desk {DESK}'s services {} → {}, whole building {} → {}",
        waiting_before.0, waiting_after.0, waiting_before.1, waiting_after.1
    );
    println!(
        "SSE: {events} events received over {SUBSCRIBERS} subscribers ({:.0}/s), {} disconnects",
        events as f64 / issue_elapsed.as_secs_f64(),
        disconnects.load(Ordering::Relaxed)
    );
    println!(
        "load average (1/5/15 min): idle baseline start {load_idle}; mixed start {load_start}; mixed end {load_end}"
    );
    subscriber_runtime.shutdown_background();
}

struct Polls {
    stats: Stats,
    started: u64,
    answered: u64,
    /// Ticks not taken because all permits were in flight.
    skipped: u64,
    /// Ticks missed because the client's runtime ran them late (skipped by the interval).
    late: u64,
    elapsed: Duration,
}

/// Polls status pages at `POLLS_PER_SECOND` until `deadline`, over the tickets in `tokens`.
async fn run_polls(url: &str, tokens: Arc<RwLock<Vec<String>>>, deadline: Instant) -> Polls {
    let stats: Shared<Stats> = Arc::default();
    let started = Arc::new(AtomicU64::new(0));
    let skipped = Arc::new(AtomicU64::new(0));
    let in_flight = Arc::new(Semaphore::new(MAX_POLLS_IN_FLIGHT));
    let period = Duration::from_nanos(1_000_000_000 * POLLERS / POLLS_PER_SECOND);
    let begin = Instant::now();
    let mut pollers = Vec::new();
    for poller in 0..POLLERS {
        let client = Client::new(url).unwrap();
        let (stats, started, skipped, in_flight, tokens) = (
            stats.clone(),
            started.clone(),
            skipped.clone(),
            in_flight.clone(),
            tokens.clone(),
        );
        pollers.push(tokio::spawn(async move {
            // Offset the pollers so their ticks interleave.
            let first = tokio::time::Instant::now() + period * poller as u32 / POLLERS as u32;
            let mut ticks = tokio::time::interval_at(first, period);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
            let mut requests = tokio::task::JoinSet::new();
            let mut n: u64 = 0;
            loop {
                ticks.tick().await;
                if Instant::now() >= deadline {
                    break;
                }
                let Ok(permit) = in_flight.clone().try_acquire_owned() else {
                    skipped.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                // Spread over all tickets so far (a multiplicative hash of a counter).
                let token = {
                    let tokens = tokens.read().unwrap();
                    let at = (n * POLLERS + poller).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
                    tokens[(at % tokens.len() as u64) as usize].clone()
                };
                n += 1;
                started.fetch_add(1, Ordering::Relaxed);
                let (client, stats) = (client.clone(), stats.clone());
                requests.spawn(async move {
                    let sent = Instant::now();
                    let result = client.ticket(&token).await;
                    stats.lock().unwrap().record(sent, &result);
                    drop(permit);
                });
                while requests.try_join_next().is_some() {}
            }
            while requests.join_next().await.is_some() {}
        }));
    }
    for poller in pollers {
        poller.await.unwrap();
    }
    let elapsed = begin.elapsed();
    let stats = Arc::try_unwrap(stats).ok().unwrap().into_inner().unwrap();
    let started = started.load(Ordering::Relaxed);
    let skipped = skipped.load(Ordering::Relaxed);
    let due = (elapsed.as_secs_f64() * POLLS_PER_SECOND as f64) as u64;
    Polls {
        answered: stats.ok.len() as u64,
        stats,
        started,
        skipped,
        late: due.saturating_sub(started + skipped),
        elapsed,
    }
}

struct Desk {
    call_next: Stats,
    finish: Stats,
    empty: u64,
    refills: u64,
    refill_errors: u64,
    elapsed: Duration,
}

/// Call-next and finish at `DESK` until `deadline`; each call is replaced by a new ticket for
/// the desk's services so its line stays at the pre-filled length.
async fn run_desk(staff: Client, kiosk: Client, services: Vec<String>, deadline: Instant) -> Desk {
    let begin = Instant::now();
    let mut desk = Desk {
        call_next: Stats::default(),
        finish: Stats::default(),
        empty: 0,
        refills: 0,
        refill_errors: 0,
        elapsed: Duration::ZERO,
    };
    let mut n = 0;
    while Instant::now() < deadline {
        let sent = Instant::now();
        let called = staff.call_next(DESK).await;
        desk.call_next.record(sent, &called);
        match called {
            Ok(Some(_)) => {
                let sent = Instant::now();
                let finished = staff.finish(DESK, &Finish::default()).await;
                desk.finish.record(sent, &finished);
            }
            Ok(None) => desk.empty += 1,
            Err(_) => {}
        }
        let service = &services[n % services.len()];
        match kiosk
            .issue_ticket(&issue_request(service), &format!("refill-{n}"))
            .await
        {
            Ok(_) => desk.refills += 1,
            Err(_) => desk.refill_errors += 1,
        }
        n += 1;
    }
    desk.elapsed = begin.elapsed();
    desk
}

/// Waiting tickets in `services`, and in the whole building.
async fn waiting(display: &Client, services: &[String]) -> (u32, u32) {
    let queues = display.queues().await.unwrap();
    let of_desk = queues
        .services
        .iter()
        .filter(|q| services.contains(&q.service))
        .map(|q| q.waiting)
        .sum();
    (of_desk, queues.services.iter().map(|q| q.waiting).sum())
}

/// Opens `SUBSCRIBERS` subscriptions and waits until all are connected; they count the
/// events and disconnects they see.
async fn open_subscribers(
    display: &Client,
    received: &Arc<AtomicU64>,
    disconnects: &Arc<AtomicU64>,
) {
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(SUBSCRIBERS);
    for _ in 0..SUBSCRIBERS {
        let mut items = subscribe(display.clone(), None, StreamOptions::default());
        let (received, disconnects, ready) =
            (received.clone(), disconnects.clone(), ready_tx.clone());
        tokio::spawn(async move {
            let mut connected = false;
            while let Some(item) = items.recv().await {
                match item {
                    StreamItem::Connected if !connected => {
                        connected = true;
                        let _ = ready.send(()).await;
                    }
                    StreamItem::Event(_) => {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                    StreamItem::Disconnected(_) => {
                        disconnects.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
        });
    }
    for _ in 0..SUBSCRIBERS {
        ready_rx.recv().await.unwrap();
    }
}
