//! Limits per staff account through the real accept loop: one account holds only so many
//! sessions (logging in once more ends its oldest) and only so many live streams over all its
//! sessions, so one account cannot take the connections the kiosks need.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use lotse_protocol::Role;
use lotse_queue_server::config::Config;
use lotse_queue_server::limits::Limits;
use reqwest::StatusCode;
use support::served::{PATIENCE, Served, plain_client_from};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn logging_in_beyond_the_sessions_of_an_account_ends_its_oldest() {
    let server = Served::start().await;
    server.add_user("clerk", Role::Staff, "*").await;
    let at_most = Limits::default().max_sessions_per_account;
    let mut sessions = Vec::new();
    for n in 0..=at_most {
        let from = format!("127.0.0.{}", 2 + n % 5);
        sessions.push(server.session(&from, "clerk").await);
    }
    assert_eq!(
        works(&server, &sessions[0].0).await,
        StatusCode::UNAUTHORIZED
    );
    for (cookie, _) in &sessions[1..] {
        assert_eq!(works(&server, cookie).await, StatusCode::OK);
    }
}

/// The status of a staff request with the session cookie `cookie`.
async fn works(server: &Served, cookie: &str) -> StatusCode {
    plain_client_from("127.0.0.9")
        .get(server.url("/api/v1/queues"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
}

/// Opens a live stream with `cookie` from `from` and reads its head.
async fn open_stream(server: &Served, from: &str, cookie: &str) -> tokio::net::TcpStream {
    let mut socket = server.connect_from(from).await;
    let request = format!("GET /api/v1/events HTTP/1.1\r\nHost: lotse\r\nCookie: {cookie}\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(PATIENCE, socket.read(&mut byte))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 1, "closed: {:?}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200"));
    socket
}

/// Whether the server ends the stream (its last chunk, or the connection) within
/// [`PATIENCE`].
async fn ended(socket: &mut tokio::net::TcpStream) -> bool {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut read = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if read.windows(5).any(|w| w == b"0\r\n\r\n") {
            return true;
        }
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(n)) => read.extend_from_slice(&buffer[..n]),
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn an_account_keeps_only_so_many_live_streams_over_all_its_sessions() {
    let limits = Limits::default();
    let server = Served::start_with(Config::embedded().unwrap().always_open(), limits).await;
    server.add_user("clerk", Role::Staff, "*").await;
    // Sessions from several machines, each within its own limit per session.
    let per_session = limits.max_streams_per_credential;
    let mut streams = Vec::new();
    let mut n = 0;
    while streams.len() < limits.max_streams_per_account {
        let from = format!("127.0.0.{}", 2 + n);
        let (cookie, _) = server.session(&from, "clerk").await;
        for _ in 0..per_session.min(limits.max_streams_per_account - streams.len()) {
            streams.push(open_stream(&server, &from, &cookie).await);
        }
        n += 1;
    }
    // One more, from yet another session: the account's oldest stream ends.
    let (cookie, _) = server.session("127.0.0.200", "clerk").await;
    let _newest = open_stream(&server, "127.0.0.200", &cookie).await;
    assert!(
        ended(&mut streams[0]).await,
        "the account's oldest stream ended"
    );
}
