//! Failed-login burst against the release server binary: 64 concurrent wrong logins with
//! random names (each from its own client address, through `--trusted-proxy`, so that the
//! per-address limit does not cut the burst short), the server's memory right after the burst
//! and 20 s later, and `/healthz` latency while the burst runs.
//! `cargo bench -p lotse-queue-server --bench logins` (`LOTSE_SERVER_BIN` another build)

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lotse_queue_server::local::{ServerProcess, rss_kib};
use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BURST: usize = 64;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let args = [
        "--trusted-proxy".as_ref(),
        "127.0.0.1".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
    ];
    let binary = std::env::var("LOTSE_SERVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_queue-server").to_owned());
    let server = ServerProcess::start(&binary, args, "error").unwrap();
    let address = server.url.trim_start_matches("http://").to_owned();
    let pid = server.pid;

    // One right login first: the server has done one password check before the burst.
    let first = login(&address, "staff", "lotse-demo-staff", "10.9.0.1").await;
    assert_eq!(first, 200);
    println!("server RSS before the burst: {} KiB", rss_kib(pid));

    let started = Instant::now();
    let burst: Vec<_> = (0..BURST)
        .map(|n| {
            let address = address.clone();
            tokio::spawn(async move {
                let name = random_name();
                let client = format!("10.1.{}.{}", n / 250, n % 250 + 1);
                login(&address, &name, "not the password", &client).await
            })
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let probe = tokio::spawn(health_latencies(address.clone(), stop.clone()));
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for task in burst {
        *statuses.entry(task.await.unwrap()).or_default() += 1;
    }
    let burst_time = started.elapsed();
    let right_after = rss_kib(pid);
    stop.store(true, Ordering::Relaxed);
    let latencies = summary(probe.await.unwrap());
    println!(
        "{BURST} concurrent wrong logins: {:.2} s, statuses {statuses:?}",
        burst_time.as_secs_f64()
    );
    println!("/healthz during the burst: {latencies}");
    println!("server RSS right after the burst: {right_after} KiB");
    tokio::time::sleep(Duration::from_secs(20)).await;
    println!("server RSS 20 s later: {} KiB", rss_kib(pid));
}

/// `/healthz` latencies, one request every 20 ms, until `stop`.
async fn health_latencies(address: String, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let mut samples = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let status = request(&address, "GET /healthz HTTP/1.1", &[], "").await;
        assert_eq!(status, 200);
        samples.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    samples
}

fn summary(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return "no samples".to_owned();
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(samples[samples.len() / 2]),
        ms(samples[(samples.len() * 99 / 100).min(samples.len() - 1)]),
        ms(samples[samples.len() - 1])
    )
}

fn random_name() -> String {
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(rng.random_range(b'a'..=b'z')))
        .collect()
}

/// A login over plain HTTP/1.1, as if forwarded by a proxy for `client`; the status code.
async fn login(address: &str, name: &str, password: &str, client: &str) -> u16 {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let forwarded = format!("X-Forwarded-For: {client}");
    let headers = ["Content-Type: application/json", forwarded.as_str()];
    request(address, "POST /api/v1/session HTTP/1.1", &headers, &body).await
}

/// One request on its own connection; the response's status code.
async fn request(address: &str, line: &str, headers: &[&str], body: &str) -> u16 {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut text = format!("{line}\r\nHost: {address}\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response)
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}
