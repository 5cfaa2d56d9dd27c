//! Crash safety: kill -9 the server while 8 clients issue 500 tickets with retries on the
//! same idempotency keys. Afterwards every acknowledged ticket exists exactly once and no
//! number is used twice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lotse_queue_server::api::tickets::stored_idempotency_key;

use crate::util::{DEMO_KIOSK_TOKEN, Server, integrity_ok, issue, new_key, open_db};

const CLIENTS: usize = 8;
const TICKETS: usize = 500;
/// Kills per run; `LOTSE_CRASH_ROUNDS` overrides.
const DEFAULT_ROUNDS: usize = 3;

const SERVICES: [&str; 4] = [
    "residence-permit",
    "payment-card",
    "citizens-income",
    "school-enrolment",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_server_loses_no_acknowledged_ticket_and_reuses_no_number() {
    let rounds = std::env::var("LOTSE_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let mut server = Server::start();
    let kiosk = server.kiosk();
    let acknowledged = Arc::new(AtomicUsize::new(0));

    let mut workers = Vec::new();
    for worker in 0..CLIENTS {
        let kiosk = kiosk.clone();
        let acknowledged = acknowledged.clone();
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for n in (worker..TICKETS).step_by(CLIENTS) {
                let key = new_key();
                let request = issue(&[SERVICES[n % SERVICES.len()]], "de");
                let mut attempts = 0;
                let ticket = loop {
                    attempts += 1;
                    match kiosk.issue_ticket(&request, &key).await {
                        Ok(ticket) => break ticket,
                        Err(error) if error.is_retryable() && attempts < 600 => {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        Err(error) => panic!("ticket {n} failed for good: {error}"),
                    }
                };
                acknowledged.fetch_add(1, Ordering::SeqCst);
                mine.push((key, ticket.number, ticket.token));
            }
            mine
        }));
    }

    // Kill the server at evenly spread points of the run, restarting it each time.
    for round in 1..=rounds {
        let target = TICKETS * round / (rounds + 1);
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while acknowledged.load(Ordering::SeqCst) < target {
            assert!(
                std::time::Instant::now() < deadline && !workers.iter().any(|w| w.is_finished()),
                "issuing stalled at {} tickets",
                acknowledged.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server = tokio::task::spawn_blocking(move || {
            server.kill();
            std::thread::sleep(Duration::from_millis(200));
            server.restart();
            server
        })
        .await
        .unwrap();
    }

    let mut tickets = Vec::new();
    for worker in workers {
        tickets.extend(worker.await.unwrap());
    }
    assert_eq!(tickets.len(), TICKETS);

    // Every acknowledged ticket is still there with its number.
    let public = server.client();
    for (_, number, token) in tickets.iter().step_by(7) {
        let stored = public.ticket(token).await.unwrap();
        assert_eq!(&stored.number, number);
    }
    let numbers: HashSet<&String> = tickets.iter().map(|(_, number, _)| number).collect();
    assert_eq!(numbers.len(), TICKETS, "a number was acknowledged twice");

    server.kill();
    let db = open_db(&server.db_path());
    let mut stored: HashMap<String, String> = HashMap::new();
    let mut statement = db
        .prepare("SELECT idempotency_key, number FROM tickets")
        .unwrap();
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .unwrap();
    for row in rows {
        let (key, number) = row.unwrap();
        assert!(stored.insert(key, number).is_none(), "a key stored twice");
    }
    assert_eq!(
        stored.len(),
        TICKETS,
        "every request made exactly one ticket"
    );
    // Keys are stored hashed with the kiosk's token (each device's keys are its own).
    let kiosk_token = lotse_queue_server::auth::token_hash(DEMO_KIOSK_TOKEN);
    for (key, number, _) in &tickets {
        let key = stored_idempotency_key(&kiosk_token, key);
        assert_eq!(
            stored.get(&key),
            Some(number),
            "acknowledged ticket lost or renumbered"
        );
    }
    let distinct: HashSet<&String> = stored.values().collect();
    assert_eq!(distinct.len(), TICKETS, "no number stored twice");
    drop(statement);
    drop(db);
    assert!(integrity_ok(&server.db_path()));
    eprintln!("crash test: {rounds} kill -9 rounds, {TICKETS} tickets, none lost or duplicated");
}
