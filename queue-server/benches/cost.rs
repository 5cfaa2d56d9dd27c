//! What a request costs the server in processor time, against the release server binary on a
//! real SQLite file with durable commits. The server's own CPU time (all threads, from
//! /proc) is read before and after a fixed amount of work, so the figures stay steady when
//! other programs load the machine, unlike wall-clock throughput.
//!
//! `cargo bench -p lotse-queue-server --bench cost`
//! (`LOTSE_SERVER_BIN` runs another queue-server program, e.g. an older build, for a
//! before/after comparison; `COST_REQUESTS`, default 4,000: requests per measurement.)
//!
//! Measured:
//! - a status poll (`GET /tickets/{token}`) when 0 and when 5,000 visitors wait ahead in
//!   the same line (the design's bar: at most 1.2× apart);
//! - issuing a ticket into an empty line and into a line of 5,000;
//! - issuing while 500 live-stream subscribers receive every event (the fan-out), as the
//!   cost per event delivered beyond issuing alone.

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lotse_protocol::event_stream::{StreamItem, StreamOptions, subscribe};
use lotse_protocol::{Client, IssueTicket};
use lotse_queue_server::local::{ServerProcess, cpu_time};

const CONNECTIONS: usize = 8;
const LONG_LINE: usize = 5_000;
const SUBSCRIBERS: usize = 500;
/// A line nobody else uses in this benchmark, so its length is what the phase sets.
const POLLED_SERVICE: &str = "residence-permit";
const ISSUE_SERVICE_EMPTY: &str = "eat-pickup";
/// Another empty line, for issuing while subscribers listen.
const FAN_OUT_SERVICE: &str = "address-change";

fn request(service: &str) -> IssueTicket {
    IssueTicket {
        services: vec![service.to_owned()],
        language: "ar".into(),
        channel: None,
        priority: false,
        interpreter: false,
    }
}

/// Issues `count` tickets for `service` over `CONNECTIONS` connections; their tokens.
async fn issue(kiosk: &Client, service: &str, count: usize, tag: &str) -> Vec<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (kiosk, next) = (kiosk.clone(), next.clone());
        let (service, tag) = (service.to_owned(), tag.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut tokens = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return tokens;
                }
                let ticket = kiosk
                    .issue_ticket(&request(&service), &format!("{tag}-{n}"))
                    .await
                    .unwrap();
                tokens.push(ticket.token);
            }
        }));
    }
    let mut tokens = Vec::new();
    for task in tasks {
        tokens.extend(task.await.unwrap());
    }
    tokens
}

/// Polls `token`'s status page `count` times over `CONNECTIONS` connections.
async fn poll(client: &Client, token: &str, count: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, next, token) = (client.clone(), next.clone(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < count {
                client.ticket(&token).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// The server's processor time per request of `work`, in microseconds.
async fn measure<F: Future<Output = ()>>(pid: u32, requests: usize, work: F) -> f64 {
    let before = cpu_time(pid);
    work.await;
    let used = cpu_time(pid).saturating_sub(before);
    used.as_secs_f64() * 1e6 / requests as f64
}

#[tokio::main]
async fn main() {
    let requests: usize = std::env::var("COST_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4_000);
    let dir = tempfile::tempdir().unwrap();
    let server =
        ServerProcess::start_always_open(env!("CARGO_BIN_EXE_queue-server"), dir.path(), "warn")
            .unwrap();
    let (url, pid) = (server.url.clone(), server.pid);
    let kiosk = Client::new(&url)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    let phone = Client::new(&url).unwrap();

    println!("server processor time per request, {requests} requests each");
    println!("{:<58} {:>10}", "", "µs CPU");
    // Warm up: connections, prepared statements, the page cache.
    let first = issue(&kiosk, POLLED_SERVICE, 1, "warm").await;
    poll(&phone, &first[0], 500).await;

    let poll_short = measure(pid, requests, poll(&phone, &first[0], requests)).await;
    let issue_empty = measure(pid, requests, async {
        issue(&kiosk, ISSUE_SERVICE_EMPTY, requests, "empty").await;
    })
    .await;

    let long = issue(&kiosk, POLLED_SERVICE, LONG_LINE, "fill").await;
    let last = long.last().unwrap().clone();
    let poll_long = measure(pid, requests, poll(&phone, &last, requests)).await;
    let issue_long = measure(pid, requests, async {
        issue(&kiosk, POLLED_SERVICE, requests, "long").await;
    })
    .await;

    // Subscribers that only count what they receive.
    let received = Arc::new(AtomicUsize::new(0));
    let display = Client::new(&url)
        .unwrap()
        .with_device_token("demo-display-token");
    let mut streams = Vec::new();
    for _ in 0..SUBSCRIBERS {
        let (display, received) = (display.clone(), received.clone());
        streams.push(tokio::spawn(async move {
            let mut events = subscribe(display, None, StreamOptions::default());
            while let Some(item) = events.recv().await {
                if matches!(item, StreamItem::Event(_)) {
                    received.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received_before = received.load(Ordering::Relaxed);
    let issue_fan_out = measure(pid, requests, async {
        issue(&kiosk, FAN_OUT_SERVICE, requests, "fan-out").await;
    })
    .await;
    // Let the last events reach everyone before counting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let delivered = received.load(Ordering::Relaxed) - received_before;
    for stream in streams {
        stream.abort();
    }

    let per_delivery = (issue_fan_out - issue_empty) * requests as f64 / delivered.max(1) as f64;
    let row = |name: &str, value: f64| println!("{name:<58} {value:>10.1}");
    row("status poll, 0 ahead", poll_short);
    row(&format!("status poll, {LONG_LINE} ahead"), poll_long);
    row("issue, empty line", issue_empty);
    row(&format!("issue, line of {LONG_LINE}"), issue_long);
    row(
        &format!("issue with {SUBSCRIBERS} live subscribers"),
        issue_fan_out,
    );
    row(
        "  of which per event delivered to a subscriber",
        per_delivery,
    );
    println!(
        "status poll {LONG_LINE} ahead / 0 ahead: {:.2}×; issue line of {LONG_LINE} / empty: {:.2}×",
        poll_long / poll_short,
        issue_long / issue_empty
    );
    println!("events delivered during the fan-out phase: {delivered}");
}
