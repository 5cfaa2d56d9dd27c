//! What a failed login writes to the log: never the typed name (it may be a password, or
//! carry a line break that forges a log line), only a short hash of it. Its own test binary,
//! because it installs the process-wide log subscriber.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

#[path = "server/support/mod.rs"]
mod support;

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use lotse_protocol::Role;
use lotse_queue_server::http::app;
use support::captured_log::captured_log;
use tower::ServiceExt;

fn login_from(client: &str, name: &str, password: &str) -> Request<Body> {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let mut request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let ip: IpAddr = client.parse().unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(ip, 50_000)));
    request
}

#[tokio::test]
async fn typed_names_never_reach_the_log() {
    let log = captured_log();
    let state = support::always_open_state();
    support::add_user(&state, "clerk", Role::Staff, "*").await;
    let forged = "ghost\n2026-11-30T09:00:00Z  INFO staff logged in name=boss role=admin";
    let typed = [forged, "hunter2-hunter2", "clerk", "ghost\u{202e}nimda"];
    for name in typed {
        let request = login_from("10.0.0.66", name, "wrong password");
        let response = app(state.clone()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let text = log.text();
    assert_eq!(text.matches("failed login").count(), typed.len(), "{text}");
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("2026-11-30T09:00:00Z")),
        "a forged line: {text}"
    );
    for secret in ["ghost", "boss", "hunter2", "clerk", "nimda"] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
}
