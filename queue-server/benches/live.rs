//! Desk and live-update numbers against the release server binary on a real SQLite file:
//! call-next latency with a few hundred tickets waiting, and call → event delivered to 1,000
//! SSE subscribers, with the server's memory per idle subscriber.
//! `cargo bench -p lotse-queue-server --bench live`

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lotse_protocol::event_stream::{StreamItem, StreamOptions, subscribe};
use lotse_protocol::{Change, Client, Finish, IssueTicket};
use lotse_queue_server::local::{ServerProcess, rss_kib};
use tokio::sync::Mutex;

const SUBSCRIBERS: usize = 1_000;

/// Each call event's id and when a subscriber received it.
type Arrivals = Arc<Mutex<Vec<(i64, Instant)>>>;
const WAITING: usize = 300;

fn percentile(samples: &mut [Duration], p: usize) -> f64 {
    samples.sort();
    samples[(samples.len() * p / 100).min(samples.len() - 1)].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        ServerProcess::start_always_open(env!("CARGO_BIN_EXE_queue-server"), dir.path(), "warn")
            .unwrap();
    let (url, pid) = (server.url.clone(), server.pid);

    let kiosk = Client::new(&url)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    let staff = Client::new(&url).unwrap();
    staff.login("staff", "lotse-demo-staff").await.unwrap();
    let services = ["residence-permit", "eat-pickup", "address-change"];
    for n in 0..WAITING + 200 {
        let request = IssueTicket {
            services: vec![services[n % services.len()].to_owned()],
            language: "de".into(),
            channel: None,
            priority: false,
            interpreter: false,
        };
        kiosk
            .issue_ticket(&request, &format!("bench-{n}"))
            .await
            .unwrap();
    }
    println!(
        "server RSS with {} tickets, no subscribers: {} KiB",
        WAITING + 200,
        rss_kib(pid)
    );

    // Call-next with 300-500 waiting: call, then finish so the desk is free again.
    let mut call_next = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        staff.call_next("eg-01").await.unwrap().unwrap();
        call_next.push(started.elapsed());
        staff.finish("eg-01", &Finish::default()).await.unwrap();
    }
    println!(
        "call-next over HTTP with {}-{} waiting: p50 {:.2} ms, p99 {:.2} ms",
        WAITING,
        WAITING + 200,
        percentile(&mut call_next, 50),
        percentile(&mut call_next, 99)
    );

    // 1,000 subscribers.
    let idle_before = rss_kib(pid);
    let display = Client::new(&url)
        .unwrap()
        .with_device_token("demo-display-token");
    let received: Arrivals = Arc::new(Mutex::new(Vec::new()));
    open_subscribers(&display, SUBSCRIBERS, Some(received.clone())).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_after = rss_kib(pid);
    println!(
        "server RSS with {SUBSCRIBERS} idle SSE subscribers: {idle_after} KiB (+{:.1} KiB per subscriber)",
        (idle_after.saturating_sub(idle_before)) as f64 / SUBSCRIBERS as f64
    );

    let mut delivery = Vec::new();
    for _ in 0..20 {
        received.lock().await.clear();
        let started = Instant::now();
        let called = staff.call_next("eg-02").await.unwrap().unwrap();
        let _ = called;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if received.lock().await.len() >= SUBSCRIBERS || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let got = received.lock().await.clone();
        assert_eq!(got.len(), SUBSCRIBERS, "every subscriber got the call");
        delivery.extend(got.iter().map(|(_, at)| at.duration_since(started)));
        staff.finish("eg-02", &Finish::default()).await.unwrap();
    }
    println!(
        "call-next → event at {SUBSCRIBERS} subscribers ({} deliveries, client in the same 2 cores): p50 {:.1} ms, p99 {:.1} ms",
        delivery.len(),
        percentile(&mut delivery, 50),
        percentile(&mut delivery, 99)
    );

    // The first thousand also grow the allocator's and the runtime's pools once; the next
    // thousand show what one more idle subscriber costs.
    let before_more = rss_kib(pid);
    open_subscribers(&display, SUBSCRIBERS, None).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_more = rss_kib(pid);
    println!(
        "server RSS with {} idle SSE subscribers: {after_more} KiB (+{:.1} KiB per subscriber for the second thousand)",
        2 * SUBSCRIBERS,
        (after_more.saturating_sub(before_more)) as f64 / SUBSCRIBERS as f64
    );
}

/// Opens `count` subscriptions and waits until all are connected; with `received`, they
/// record when each call event arrives.
async fn open_subscribers(display: &Client, count: usize, received: Option<Arrivals>) {
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(count);
    for _ in 0..count {
        let mut items = subscribe(display.clone(), None, StreamOptions::default());
        let (received, ready) = (received.clone(), ready_tx.clone());
        tokio::spawn(async move {
            while let Some(item) = items.recv().await {
                match item {
                    StreamItem::Connected => {
                        let _ = ready.send(()).await;
                    }
                    StreamItem::Event(event) => {
                        if let Some(received) = &received
                            && matches!(event.change, Change::TicketCalled { .. })
                        {
                            received.lock().await.push((event.id, Instant::now()));
                        }
                    }
                    _ => {}
                }
            }
        });
    }
    for _ in 0..count {
        ready_rx.recv().await.unwrap();
    }
}
