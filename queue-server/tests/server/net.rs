//! The server on a real socket within short limits: what a client that sends nothing, half a
//! request or no body gets, the connection limit, and that live streams outlast the request
//! timeout; which answers go out compressed.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lotse_queue_server::auth::{DeviceKind, token_hash};
use lotse_queue_server::config::Config;
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::{Store, accounts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

const DISPLAY_TOKEN: &str = "display-token-for-the-net-tests";
const KIOSK_TOKEN: &str = "kiosk-token-for-the-net-tests";

/// Long enough for anything the tests wait for to happen on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(5);

/// Limits that let nothing happen by itself during a test unless the test shortens them.
fn patient() -> Limits {
    Limits {
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(60),
        ..Limits::default()
    }
}

/// Starts the server within `limits` on a free port with a display and a kiosk token.
async fn start(limits: Limits) -> SocketAddr {
    start_until(limits, std::future::pending()).await.0
}

/// [`start`], shutting down when `shutdown` completes; the handle ends when the server has.
async fn start_until(
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let store = Store::in_memory().unwrap();
    store
        .run(|c| {
            accounts::add_device(
                c,
                Utc::now(),
                DeviceKind::Display,
                "hall",
                &token_hash(DISPLAY_TOKEN),
            )?;
            accounts::add_device(
                c,
                Utc::now(),
                DeviceKind::Kiosk,
                "lobby",
                &token_hash(KIOSK_TOKEN),
            )
        })
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let config = Config::embedded().unwrap().always_open();
    let server = tokio::spawn(lotse_queue_server::run_with(
        listener,
        store,
        config,
        Arc::new(Utc::now),
        limits,
        shutdown,
    ));
    (address, server)
}

/// Whether the server closes `socket` within [`PATIENCE`] (end of stream or a reset).
async fn closed_by_server(socket: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// Sends `request` on a new connection and reads the answer until the server closes it.
async fn exchange(address: SocketAddr, request: &str) -> String {
    let mut socket = TcpStream::connect(address).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    timeout(PATIENCE, socket.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: lotse\r\nConnection: close\r\n\r\n")
}

/// Issues a ticket at the kiosk, which every live stream hears of (`ticket_issued`).
async fn issue_ticket(address: SocketAddr) {
    let body = r#"{"services":["address-change"],"language":"de"}"#;
    let issue = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: lotse\r\nAuthorization: Bearer {KIOSK_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    assert!(exchange(address, &issue).await.starts_with("HTTP/1.1 201"));
}

/// Opens a live event stream and reads its head; the stream stays open.
async fn open_stream(address: SocketAddr) -> TcpStream {
    let mut socket = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: lotse\r\nAuthorization: Bearer {DISPLAY_TOKEN}\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let head = read_until(&mut socket, "\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    socket
}

/// Reads from `socket` until `marker` has arrived; returns all that was read.
async fn read_until(socket: &mut TcpStream, marker: &str) -> String {
    let mut read = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&read).contains(marker) {
        let n = timeout(PATIENCE, socket.read(&mut buffer))
            .await
            .unwrap_or_else(|_| panic!("no {marker:?} in {:?}", String::from_utf8_lossy(&read)))
            .unwrap();
        assert!(n > 0, "closed before {marker:?}");
        read.extend_from_slice(&buffer[..n]);
    }
    String::from_utf8_lossy(&read).into_owned()
}

#[tokio::test]
async fn connections_that_send_nothing_or_half_a_request_line_are_closed() {
    let address = start(Limits {
        header_read_timeout: Duration::from_millis(300),
        ..patient()
    })
    .await;
    let mut silent = TcpStream::connect(address).await.unwrap();
    let mut half = TcpStream::connect(address).await.unwrap();
    half.write_all(b"GE").await.unwrap();
    assert!(closed_by_server(&mut half).await, "\"GE\" still open");
    assert!(
        closed_by_server(&mut silent).await,
        "a silent one still open"
    );
    // A complete request is still answered.
    assert!(
        exchange(address, &get("/healthz"))
            .await
            .starts_with("HTTP/1.1 200")
    );
}

#[tokio::test]
async fn a_connection_idle_in_the_middle_of_a_request_is_closed() {
    let address = start(Limits {
        idle_timeout: Duration::from_millis(300),
        ..patient()
    })
    .await;
    let mut socket = TcpStream::connect(address).await.unwrap();
    // The head promises a body that never comes; the handler waits for it.
    let head = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: lotse\r\nAuthorization: Bearer {KIOSK_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"services\":"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    assert!(closed_by_server(&mut socket).await);
}

#[tokio::test]
async fn a_request_not_answered_in_time_gets_408_but_live_streams_stay_open() {
    let address = start(Limits {
        request_timeout: Duration::from_millis(300),
        ..patient()
    })
    .await;
    let mut stream = open_stream(address).await;
    let request = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: lotse\r\nAuthorization: Bearer {KIOSK_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"services\":"
    );
    let answer = exchange(address, &request).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""error":"request_timeout""#), "{answer}");
    // Long after the request timeout the stream still delivers.
    tokio::time::sleep(Duration::from_millis(600)).await;
    issue_ticket(address).await;
    read_until(&mut stream, "event: ticket_issued").await;
}

#[tokio::test]
async fn at_the_connection_limit_the_oldest_idle_connection_makes_room() {
    let address = start(Limits {
        max_connections: 4,
        ..patient()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(address).await.unwrap());
        // Accepted in this order.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let answer = exchange(address, &get("/healthz")).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed_by_server(&mut idle[0]).await, "the oldest made room");
}

/// A connection from `from` (a loopback address) to `address`.
async fn connect_from(from: &str, address: SocketAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse().unwrap(), 0))
        .unwrap();
    socket.connect(address).await.unwrap()
}

#[tokio::test]
async fn one_host_holding_back_requests_closes_only_its_own_connections() {
    let address = start(Limits {
        max_connections: 8,
        max_opening_connections_per_address: 3,
        ..patient()
    })
    .await;
    // A kiosk's kept-alive connection, idle after its first answer.
    let mut kiosk = connect_from("127.0.0.2", address).await;
    let keep_alive = "GET /healthz HTTP/1.1\r\nHost: lotse\r\n\r\n";
    kiosk.write_all(keep_alive.as_bytes()).await.unwrap();
    assert!(
        read_until(&mut kiosk, "\r\n\r\n")
            .await
            .starts_with("HTTP/1.1 200")
    );
    // Another host opens twelve connections and sends half a request line on each.
    let mut held = Vec::new();
    for _ in 0..12 {
        let mut socket = connect_from("127.0.0.7", address).await;
        socket.write_all(b"GE").await.unwrap();
        held.push(socket);
        // Accepted in this order.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Its own oldest made room; the last three are still open.
    for socket in &mut held[..9] {
        assert!(
            closed_by_server(socket).await,
            "an older held-back connection closed"
        );
    }
    for socket in &mut held[9..] {
        socket
            .write_all(b"T /healthz HTTP/1.1\r\nHost: lotse\r\n\r\n")
            .await
            .unwrap();
        assert!(
            read_until(socket, "\r\n\r\n")
                .await
                .starts_with("HTTP/1.1 200")
        );
    }
    // The kiosk's connection was not the one to go.
    kiosk.write_all(keep_alive.as_bytes()).await.unwrap();
    assert!(
        read_until(&mut kiosk, "\r\n\r\n")
            .await
            .starts_with("HTTP/1.1 200")
    );
}

#[tokio::test]
async fn when_every_connection_is_busy_a_new_one_gets_503_busy() {
    let address = start(Limits {
        max_connections: 2,
        ..patient()
    })
    .await;
    let _first = open_stream(address).await;
    let _second = open_stream(address).await;
    let answer = exchange(address, &get("/healthz")).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 5"),
        "{answer}"
    );
    assert!(answer.contains(r#""error":"busy""#), "{answer}");
}

#[tokio::test]
async fn shutdown_does_not_wait_for_connections_without_a_request() {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (address, server) = start_until(patient(), async {
        let _ = stopped.await;
    })
    .await;
    let mut half = TcpStream::connect(address).await.unwrap();
    half.write_all(b"GE").await.unwrap();
    let _silent = TcpStream::connect(address).await.unwrap();
    let _stream = open_stream(address).await;
    // Let the server accept them before it is told to stop.
    assert!(
        exchange(address, &get("/healthz"))
            .await
            .starts_with("HTTP/1.1 200")
    );
    stop.send(()).unwrap();
    let ended = timeout(PATIENCE, server).await;
    assert!(ended.is_ok(), "still serving long after the shutdown");
    assert!(closed_by_server(&mut half).await);
}

/// The header `name` of an answer's head, lower-cased, if present.
fn header_of(answer: &str, name: &str) -> Option<String> {
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_ascii_lowercase())
    })
}

fn get_accepting(path: &str, encodings: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: lotse\r\nAccept-Encoding: {encodings}\r\nConnection: close\r\n\r\n"
    )
}

#[tokio::test]
async fn text_goes_out_compressed_through_our_accept_loop_but_fonts_and_live_streams_do_not() {
    let address = start(patient()).await;
    let json = exchange(address, &get_accepting("/api/v1/openapi.json", "gzip, br")).await;
    assert!(json.starts_with("HTTP/1.1 200"), "{json}");
    assert_eq!(header_of(&json, "content-encoding").as_deref(), Some("br"));
    assert!(header_of(&json, "vary").is_some_and(|vary| vary.contains("accept-encoding")));
    let page = exchange(address, &get_accepting("/staff/login", "gzip")).await;
    assert_eq!(
        header_of(&page, "content-encoding").as_deref(),
        Some("gzip")
    );
    let plain = exchange(address, &get("/staff/login")).await;
    assert_eq!(
        header_of(&plain, "content-encoding"),
        None,
        "none asked for"
    );
    let font = exchange(
        address,
        &get_accepting("/assets/fonts/NotoSans-Regular.woff2", "gzip, br"),
    )
    .await;
    assert!(font.starts_with("HTTP/1.1 200"), "{}", &font[..200]);
    assert_eq!(
        header_of(&font, "content-encoding"),
        None,
        "WOFF2 is compressed"
    );

    // A live stream is never compressed, so each event goes out at once.
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: lotse\r\nAuthorization: Bearer {DISPLAY_TOKEN}\r\n\
         Accept-Encoding: gzip, br\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let head = read_until(&mut stream, "\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(header_of(&head, "content-encoding"), None, "{head}");
    issue_ticket(address).await;
    read_until(&mut stream, "event: ticket_issued").await;
}

/// Sends `request` (the server may answer and close before all of it is sent) and reads the
/// answer.
async fn exchange_tolerant(address: SocketAddr, request: &[u8]) -> String {
    let socket = TcpStream::connect(address).await.unwrap();
    let (mut reading, mut writing) = socket.into_split();
    let request = request.to_vec();
    tokio::spawn(async move {
        let _ = writing.write_all(&request).await;
    });
    let mut answer = Vec::new();
    let _ = timeout(PATIENCE, reading.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn heads_that_cannot_be_read_get_answers_in_our_json_format() {
    let address = start(patient()).await;
    let garbage = exchange_tolerant(address, b"\x16\x03\x01 garbage\r\n\r\n").await;
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
    assert!(
        garbage.contains(r#""error":"malformed_request""#),
        "{garbage:?}"
    );
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: lotse\r\nX-Big: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let many = format!(
        "GET /healthz HTTP/1.1\r\nHost: lotse\r\n{}\r\n",
        (0..500)
            .map(|n| format!("X-{n}: a\r\n"))
            .collect::<String>()
    );
    for request in [huge, many] {
        let answer = exchange_tolerant(address, request.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 431"), "{:?}", &answer);
        assert!(
            answer.contains(r#""error":"payload_too_large""#),
            "{answer:?}"
        );
        assert_eq!(
            header_of(&answer, "content-type").as_deref(),
            Some("application/json")
        );
    }
    // Served as before afterwards.
    let fine = exchange(address, &get("/healthz")).await;
    assert!(fine.starts_with("HTTP/1.1 200"), "{fine}");
}
