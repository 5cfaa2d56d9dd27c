//! Request bodies through the real accept loop: nobody's body is read before the caller is
//! known and allowed (a voice recording only from an admin), bodies anyone may send (logins,
//! feedback) are refused beyond a few kilobytes without being read, and refusals for size are
//! 413 `payload_too_large` in our JSON format.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use lotse_protocol::Role;
use support::served::{Served, read_answer};
use tokio::io::AsyncWriteExt;

/// Sends a request head (and `body`, which need not be complete) from `from` and returns the
/// answer, read while the rest of the body is never sent.
async fn answer_to(server: &Served, from: &str, head: &str, body: &[u8]) -> String {
    let mut socket = server.connect_from(from).await;
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(body).await.unwrap();
    read_answer(&mut socket).await
}

#[tokio::test]
async fn a_recording_from_anyone_but_an_admin_is_refused_before_its_body_is_read() {
    let server = Served::start().await;
    server.add_user("clerk", Role::Staff, "*").await;
    server.add_user("olga", Role::Interpreter, "*").await;
    let (clerk, clerk_csrf) = server.session("127.0.0.2", "clerk").await;
    // Two megabytes announced, a few bytes sent: the answer must not wait for the rest.
    let head = format!(
        "POST /staff/admin/voices/ar/desk HTTP/1.1\r\nHost: lotse\r\nCookie: {clerk}\r\n\
         X-CSRF-Token: {clerk_csrf}\r\nContent-Type: audio/wav\r\nContent-Length: 2000000\r\n\r\n"
    );
    let answer = answer_to(&server, "127.0.0.2", &head, b"RIFF").await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer:?}");

    let (olga, _) = server.session("127.0.0.3", "olga").await;
    let head = format!(
        "POST /staff/admin/voices/ar/desk HTTP/1.1\r\nHost: lotse\r\nCookie: {olga}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let chunk = format!("{:x}\r\n{}\r\n", 60_000, "a".repeat(60_000));
    let answer = answer_to(&server, "127.0.0.3", &head, chunk.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer:?}");
}

#[tokio::test]
async fn admin_forms_from_anyone_but_an_admin_are_refused_before_their_body_is_read() {
    let server = Served::start().await;
    server.add_user("clerk", Role::Staff, "*").await;
    let (clerk, _) = server.session("127.0.0.5", "clerk").await;
    for path in [
        "/staff/admin/users",
        "/staff/admin/users/password",
        "/staff/admin/devices",
        "/staff/admin/voices/ar/desk/delete",
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: lotse\r\nCookie: {clerk}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200000\r\n\r\n"
        );
        let answer = answer_to(&server, "127.0.0.5", &head, b"csrf=").await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{path}: {answer:?}");
    }
}

#[tokio::test]
async fn bodies_anyone_may_send_are_limited_to_a_few_kilobytes() {
    let server = Served::start().await;
    let anonymous = [
        ("/api/v1/session", "application/json"),
        ("/api/v1/tickets/abc/feedback", "application/json"),
        ("/staff/login", "application/x-www-form-urlencoded"),
        ("/t/abc/feedback", "application/x-www-form-urlencoded"),
    ];
    for (n, (path, content_type)) in anonymous.into_iter().enumerate() {
        let from = format!("127.0.0.{}", 10 + n);
        // 100 KB announced (below the general limit), nothing sent.
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: lotse\r\nContent-Type: {content_type}\r\n\
             Content-Length: 100000\r\n\r\n"
        );
        let answer = answer_to(&server, &from, &head, b"").await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer:?}");
        assert!(
            answer.contains(r#""error":"payload_too_large""#),
            "{path}: {answer:?}"
        );
        // Without a length: refused once a few kilobytes have come, not at 256 KB.
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: lotse\r\nContent-Type: {content_type}\r\n\
             Transfer-Encoding: chunked\r\n\r\n"
        );
        let chunk = format!("{:x}\r\n{}\r\n", 20_000, "a".repeat(20_000));
        let answer = answer_to(&server, &from, &head, chunk.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer:?}");
    }
}

#[tokio::test]
async fn an_upload_beyond_the_limit_is_413_in_our_format() {
    let server = Served::start().await;
    server.add_user("boss", Role::Admin, "*").await;
    let (boss, csrf) = server.session("127.0.0.4", "boss").await;
    let mut body = format!(
        "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --x\r\nContent-Disposition: form-data; name=\"wav\"; filename=\"a.wav\"\r\n\
         Content-Type: audio/wav\r\n\r\n"
    )
    .into_bytes();
    body.resize(body.len() + 3 * 1024 * 1024, 0);
    body.extend_from_slice(b"\r\n--x--\r\n");
    // Announced with its length (refused at once), and chunked (refused in the middle of
    // the form, once the limit is reached).
    let head = |framing: String| {
        format!(
            "POST /staff/admin/voices/ar/desk HTTP/1.1\r\nHost: lotse\r\nCookie: {boss}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\n{framing}\r\n\r\n"
        )
    };
    let mut chunked = format!("{:x}\r\n", body.len()).into_bytes();
    chunked.extend_from_slice(&body);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let sends = [
        (head(format!("Content-Length: {}", body.len())), body),
        (head("Transfer-Encoding: chunked".to_owned()), chunked),
    ];
    for (head, body) in sends {
        let socket = server.connect_from("127.0.0.4").await;
        let (mut reading, mut writing) = socket.into_split();
        // The server may answer and close before all is sent: the sending side's errors
        // are expected then.
        let framing = head.lines().nth(4).unwrap_or_default().to_owned();
        tokio::spawn(async move {
            let _ = writing.write_all(head.as_bytes()).await;
            let _ = writing.write_all(&body).await;
        });
        let answer = support::served::read_half(&mut reading).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{framing}: {answer:?}");
        assert!(
            answer.contains(r#""error":"payload_too_large""#),
            "{framing}: {answer:?}"
        );
    }
}
