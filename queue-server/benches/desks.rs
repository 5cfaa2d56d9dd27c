//! Every desk of the demo building calling at once while kiosks issue visits with one to three
//! concerns in the building's languages, against the release server over real sockets (the
//! requests of all desks and kiosks meet in the writer's group commits). Call-next p50/p99 and
//! how many were called; then, from the event log in the stopped server's database file, that
//! no concern was called twice and no visitor was ever at two desks at once.
//!
//! `cargo bench -p lotse-queue-server --bench desks` (`DESKS_SECS`, default 30: how long the
//! desks call; `LOTSE_SERVER_BIN`: another server program). Nothing here asserts timings.

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lotse_protocol::{Change, Client, ClientError, Finish, IssueTicket};
use rand::seq::IndexedRandom;
use rusqlite::Connection;

const ISSUERS: usize = 4;

/// What one desk did.
#[derive(Default)]
struct Desk {
    calls: Vec<Duration>,
    empty: u64,
    /// Refused or failed requests, by what went wrong.
    errors: HashMap<String, u64>,
}

fn error_kind(error: &ClientError) -> String {
    match error {
        ClientError::Api { status, body } => format!("{status} {:?}", body.error),
        other => format!("{other}"),
    }
}

#[tokio::main]
async fn main() {
    let seconds = std::env::var("DESKS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let server = lotse_queue_server::local::ServerProcess::start_always_open(
        env!("CARGO_BIN_EXE_queue-server"),
        dir.path(),
        "warn",
    )
    .unwrap();
    let kiosk = Client::new(&server.url)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    let staff = Client::new(&server.url).unwrap();
    staff.login("staff", "lotse-demo-staff").await.unwrap();
    let building = kiosk.config().await.unwrap();
    let services: Vec<String> = building
        .services
        .iter()
        .filter(|s| s.walk_in && building.desks.iter().any(|d| d.services.contains(&s.id)))
        .map(|s| s.id.clone())
        .collect();
    let languages = building.site.languages.clone();
    let deadline = Instant::now() + Duration::from_secs(seconds);

    let mut issuers = Vec::new();
    for issuer in 0..ISSUERS {
        let (kiosk, services, languages) = (kiosk.clone(), services.clone(), languages.clone());
        issuers.push(tokio::spawn(async move {
            let (mut issued, mut refused) = (0u64, 0u64);
            let mut n = 0;
            while Instant::now() < deadline {
                let (concerns, language) = {
                    let mut rng = rand::rng();
                    let count = *[1, 1, 1, 2, 2, 3].choose(&mut rng).unwrap();
                    let mut concerns: Vec<String> = Vec::new();
                    while concerns.len() < count {
                        let service = services.choose(&mut rng).unwrap().clone();
                        if !concerns.contains(&service) {
                            concerns.push(service);
                        }
                    }
                    (concerns, languages.choose(&mut rng).unwrap().clone())
                };
                let request = IssueTicket {
                    services: concerns,
                    language,
                    channel: None,
                    priority: false,
                    interpreter: false,
                };
                match kiosk.issue_ticket(&request, &format!("{issuer}-{n}")).await {
                    Ok(_) => issued += 1,
                    Err(_) => refused += 1,
                }
                n += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (issued, refused)
        }));
    }
    let mut desks = Vec::new();
    for desk in &building.desks {
        let (staff, id) = (staff.clone(), desk.id.clone());
        desks.push(tokio::spawn(async move {
            let mut done = Desk::default();
            while Instant::now() < deadline {
                let sent = Instant::now();
                match staff.call_next(&id).await {
                    Ok(Some(_)) => {
                        done.calls.push(sent.elapsed());
                        if let Err(error) = staff.finish(&id, &Finish::default()).await {
                            *done.errors.entry(error_kind(&error)).or_default() += 1;
                        }
                    }
                    Ok(None) => {
                        done.empty += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(error) => {
                        *done.errors.entry(error_kind(&error)).or_default() += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
            (id, done)
        }));
    }
    let (mut issued, mut refused) = (0, 0);
    for issuer in issuers {
        let (i, r) = issuer.await.unwrap();
        issued += i;
        refused += r;
    }
    let mut calls = Vec::new();
    let (mut calling, mut errors) = (0, HashMap::<String, u64>::new());
    for desk in desks {
        let (_, done) = desk.await.unwrap();
        calling += usize::from(!done.calls.is_empty());
        calls.extend(done.calls);
        for (kind, count) in done.errors {
            *errors.entry(kind).or_default() += count;
        }
    }
    drop(server);
    calls.sort();
    let at = |p: usize| calls[(calls.len() * p / 100).min(calls.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "{seconds} s: {issued} visits issued ({refused} refused), {} desks, {calling} of them called",
        building.desks.len()
    );
    println!(
        "call-next: {} calls, p50 {:.1} ms, p99 {:.1} ms; errors {errors:?}",
        calls.len(),
        at(50),
        at(99)
    );
    let connection = Connection::open(dir.path().join("bench.db")).unwrap();
    let (twice, most_desks) = check_events(&connection);
    let violations = lotse_queue_server::storage::desks::invariant_violations(&connection).unwrap();
    println!(
        "from the event log: concerns called twice {twice}; most desks one visitor was at at once \
         {most_desks}; invariant violations at the end {}",
        violations.len()
    );
}

/// Concerns called more than once, and the most desks one visitor was at at the same time,
/// from the events in order.
fn check_events(connection: &Connection) -> (usize, u32) {
    let mut statement = connection
        .prepare("SELECT body FROM events ORDER BY id")
        .unwrap();
    let bodies = statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap();
    let mut called: HashMap<(String, String), u32> = HashMap::new();
    let mut at_desks: HashMap<String, u32> = HashMap::new();
    let mut most = 0;
    for body in bodies {
        let change: Change = serde_json::from_str(&body.unwrap()).unwrap();
        match change {
            Change::TicketCalled {
                number,
                service,
                recall: 0,
                ..
            } => {
                *called.entry((number.clone(), service)).or_default() += 1;
                let desks = at_desks.entry(number).or_default();
                *desks += 1;
                most = most.max(*desks);
            }
            Change::StopFinished { number, .. } | Change::NoShow { number, .. } => {
                if let Some(desks) = at_desks.get_mut(&number) {
                    *desks = desks.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    (called.values().filter(|&&n| n > 1).count(), most)
}
