//! Bursts against the release server binary over real sockets from several loopback
//! addresses (127.0.0.2, .3, …): oversized voice uploads, half-open sockets, unauthenticated
//! bodies, admin password resets, one account's many sessions and streams. For each: the
//! server's memory before, at its peak and 20 s after, `/healthz` and a kiosk's ticket request
//! p50/p99 while it runs, and what the burst's requests got.
//! `cargo bench -p lotse-queue-server --bench bursts` (`BURSTS=uploads,half-open` picks some).

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::future::join_all;
use lotse_queue_server::local::{ServerProcess, rss_kib};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const KIOSK_TOKEN: &str = "demo-kiosk-token";
const SETTLE: Duration = Duration::from_secs(20);

#[tokio::main]
async fn main() {
    lotse_queue_server::limits::raise_open_file_limit();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let args = ["--always-open".as_ref(), "--db".as_ref(), db.as_os_str()];
    let binary = std::env::var("LOTSE_SERVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_queue-server").to_owned());
    let server = ServerProcess::start(&binary, args, "error").unwrap();
    let address: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let pid = server.pid;
    // Warm up as a building would be: a login, a ticket, a stream.
    let _ = login(address, "127.0.0.2", "admin", "lotse-demo-admin").await;
    let _ = issue(address).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    println!("idle RSS: {} KiB", rss_kib(pid));
    let chosen = std::env::var("BURSTS").unwrap_or_default();
    let wanted = |name: &str| chosen.is_empty() || chosen.split(',').any(|c| c == name);
    if wanted("uploads") {
        measure(pid, address, "uploads", uploads(address)).await;
    }
    if wanted("half-open") {
        measure(pid, address, "half-open", half_open(address)).await;
    }
    if wanted("bodies") {
        measure(pid, address, "bodies", anonymous_bodies(address)).await;
    }
    if wanted("resets") {
        measure(pid, address, "resets", resets(address)).await;
    }
    if wanted("sessions") {
        measure(pid, address, "sessions", one_account(address)).await;
    }
}

/// Runs `burst` while sampling the server's memory, `/healthz` and a kiosk's ticket requests;
/// prints the figures and the memory 20 s later.
async fn measure(
    pid: u32,
    address: SocketAddr,
    name: &str,
    burst: impl std::future::Future<Output = BTreeMap<String, usize>>,
) {
    let before = rss_kib(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let peak = tokio::spawn(peak_rss(pid, stop.clone()));
    let health = tokio::spawn(latencies(stop.clone(), move || healthz(address)));
    let kiosk = tokio::spawn(latencies(stop.clone(), move || issue(address)));
    let started = Instant::now();
    let outcome = burst.await;
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let peak = peak.await.unwrap();
    let (health, kiosk) = (health.await.unwrap(), kiosk.await.unwrap());
    let right_after = rss_kib(pid);
    tokio::time::sleep(SETTLE).await;
    let settled = rss_kib(pid);
    println!(
        "{name}: {:.1} s, {outcome:?}\n  RSS before {} MB, peak {} MB, right after {} MB, 20 s after {} MB (+{} MB)\n  /healthz {}\n  kiosk issue {}",
        took.as_secs_f64(),
        before / 1024,
        peak / 1024,
        right_after / 1024,
        settled / 1024,
        settled.saturating_sub(before) / 1024,
        health,
        kiosk,
    );
}

async fn peak_rss(pid: u32, stop: Arc<AtomicBool>) -> u64 {
    let mut peak = 0;
    while !stop.load(Ordering::Relaxed) {
        peak = peak.max(rss_kib(pid));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    peak.max(rss_kib(pid))
}

/// Latencies of `probe` every 50 ms until `stop`: "n, p50, p99, failures".
async fn latencies<F, Fut>(stop: Arc<AtomicBool>, probe: F) -> String
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    let mut samples = Vec::new();
    let mut failed = BTreeMap::<u16, usize>::new();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let status = probe().await;
        if (200..300).contains(&status) {
            samples.push(started.elapsed());
        } else {
            *failed.entry(status).or_default() += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: usize| samples[(samples.len() * q / 100).min(samples.len().saturating_sub(1))];
    if samples.is_empty() {
        return format!("no answers, failures {failed:?}");
    }
    format!(
        "{} ok, p50 {:.1} ms, p99 {:.1} ms, failures {failed:?}",
        samples.len(),
        ms(at(50)),
        ms(at(99))
    )
}

/// A connection to `address` from the loopback address `from`.
async fn connect_from(from: &str, address: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from.parse().unwrap(), 0))?;
    socket.connect(address).await
}

/// Sends `head` and `body` (the server may answer before all of it is sent) and returns the
/// answer's status and text.
async fn exchange(from: &str, address: SocketAddr, head: String, body: Vec<u8>) -> (u16, String) {
    let Ok(stream) = connect_from(from, address).await else {
        return (0, String::new());
    };
    let (mut reading, mut writing) = stream.into_split();
    let sending = tokio::spawn(async move {
        let _ = writing.write_all(head.as_bytes()).await;
        let _ = writing.write_all(&body).await;
        writing
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), reading.read_to_end(&mut answer)).await;
    sending.abort();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn tally(statuses: impl IntoIterator<Item = u16>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for status in statuses {
        *counts.entry(status.to_string()).or_default() += 1;
    }
    counts
}

async fn healthz(address: SocketAddr) -> u16 {
    let head = "GET /healthz HTTP/1.1\r\nHost: lotse\r\nConnection: close\r\n\r\n".to_owned();
    exchange("127.0.0.4", address, head, Vec::new()).await.0
}

async fn issue(address: SocketAddr) -> u16 {
    let body = br#"{"services":["address-change"],"language":"de"}"#.to_vec();
    let head = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: lotse\r\nAuthorization: Bearer {KIOSK_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    exchange("127.0.0.3", address, head, body).await.0
}

/// Logs in from `from`; the session cookie (`name=value`) and CSRF token, or the status.
async fn login(
    address: SocketAddr,
    from: &str,
    name: &str,
    password: &str,
) -> Result<(String, String), u16> {
    let body = serde_json::json!({ "name": name, "password": password })
        .to_string()
        .into_bytes();
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: lotse\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (status, text) = exchange(from, address, head, body).await;
    if status != 200 {
        return Err(status);
    }
    let cookie = text
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .and_then(|value| value.split(';').next())
        .unwrap()
        .to_owned();
    let json = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    Ok((
        cookie,
        json["csrf_token"].as_str().unwrap_or_default().to_owned(),
    ))
}

/// 20 oversized recordings (3 MB) from an admin, and 100 from an interpreter (each 3 MB,
/// announced with their length).
async fn uploads(address: SocketAddr) -> BTreeMap<String, usize> {
    let (admin, csrf) = login(address, "127.0.0.2", "admin", "lotse-demo-admin")
        .await
        .unwrap();
    let (interpreter, _) = login(
        address,
        "127.0.0.5",
        "interpreter",
        "lotse-demo-interpreter",
    )
    .await
    .unwrap();
    let form = |csrf: &str| {
        let mut body = format!(
            "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--x\r\n\
             Content-Disposition: form-data; name=\"wav\"; filename=\"a.wav\"\r\n\
             Content-Type: audio/wav\r\n\r\n"
        )
        .into_bytes();
        body.resize(body.len() + 3 * 1024 * 1024, b'a');
        body.extend_from_slice(b"\r\n--x--\r\n");
        body
    };
    let head = |cookie: &str, length: usize| {
        format!(
            "POST /staff/admin/voices/ps/desk HTTP/1.1\r\nHost: lotse\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\
             Connection: close\r\n\r\n"
        )
    };
    let body = form(&csrf);
    let mut sends: Vec<_> = (0..20)
        .map(|_| exchange("127.0.0.2", address, head(&admin, body.len()), body.clone()))
        .collect();
    sends.extend((0..100).map(|_| {
        exchange(
            "127.0.0.5",
            address,
            head(&interpreter, body.len()),
            body.clone(),
        )
    }));
    tally(join_all(sends).await.into_iter().map(|(status, _)| status))
}

/// 5,000 connections that send half a request line, from 127.0.0.10-14, held a second.
async fn half_open(address: SocketAddr) -> BTreeMap<String, usize> {
    let opened = join_all((0..5_000).map(|n| async move {
        let from = format!("127.0.0.{}", 10 + n % 5);
        let mut stream = connect_from(&from, address).await.ok()?;
        stream.write_all(b"GE").await.ok()?;
        Some(stream)
    }))
    .await;
    let open = opened.iter().filter(|s| s.is_some()).count();
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(opened);
    BTreeMap::from([("opened".to_owned(), open)])
}

/// 400 chunked 300 KB bodies to the login, from 127.0.0.20-23.
async fn anonymous_bodies(address: SocketAddr) -> BTreeMap<String, usize> {
    let chunk = format!("{:x}\r\n{}\r\n", 300 * 1024, "a".repeat(300 * 1024));
    let mut body = chunk.into_bytes();
    body.extend_from_slice(b"0\r\n\r\n");
    let sends = (0..400).map(|n| {
        let head =
            "POST /api/v1/session HTTP/1.1\r\nHost: lotse\r\nContent-Type: application/json\r\n\
                    Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                .to_owned();
        let from = format!("127.0.0.{}", 20 + n % 4);
        let body = body.clone();
        async move { exchange(&from, address, head, body).await.0 }
    });
    tally(join_all(sends).await)
}

/// 64 password resets at once by an admin.
async fn resets(address: SocketAddr) -> BTreeMap<String, usize> {
    let (admin, csrf) = login(address, "127.0.0.2", "admin", "lotse-demo-admin")
        .await
        .unwrap();
    let sends = (0..64).map(|n| {
        let body =
            format!("csrf={csrf}&name=supervisor&password=a-new-password-{n:04}").into_bytes();
        let head = format!(
            "POST /staff/admin/users/password HTTP/1.1\r\nHost: lotse\r\nCookie: {admin}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        );
        async move { exchange("127.0.0.2", address, head, body).await.0 }
    });
    tally(join_all(sends).await)
}

/// 520 logins of one staff account (8 at a time, from 127.0.0.30-39), then 8 live streams
/// for each session, held two seconds.
async fn one_account(address: SocketAddr) -> BTreeMap<String, usize> {
    let mut sessions = Vec::new();
    let mut counts = BTreeMap::<String, usize>::new();
    for round in 0..65 {
        let logins = (0..8).map(|n| {
            let from = format!("127.0.0.{}", 30 + (round * 8 + n) % 10);
            async move { login(address, &from, "staff", "lotse-demo-staff").await }
        });
        for result in join_all(logins).await {
            match result {
                Ok(session) => sessions.push(session),
                Err(status) => *counts.entry(format!("login {status}")).or_default() += 1,
            }
        }
    }
    *counts.entry("login 200".to_owned()).or_default() += sessions.len();
    let streams = join_all(sessions.iter().enumerate().flat_map(|(n, (cookie, _))| {
        (0..8).map(move |_| async move {
            let from = format!("127.0.0.{}", 30 + n % 10);
            let mut stream = connect_from(&from, address).await.ok()?;
            let head =
                format!("GET /api/v1/events HTTP/1.1\r\nHost: lotse\r\nCookie: {cookie}\r\n\r\n");
            stream.write_all(head.as_bytes()).await.ok()?;
            let mut first = [0u8; 12];
            stream.read_exact(&mut first).await.ok()?;
            let status = String::from_utf8_lossy(&first[9..12]).into_owned();
            Some((status, stream))
        })
    }))
    .await;
    for (status, _) in streams.iter().flatten() {
        *counts.entry(format!("stream {status}")).or_default() += 1;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop(streams);
    counts
}
