//! Live event streams per credential, in-process: opening one more than allowed ends the
//! oldest stream of that token, and other tokens' streams are untouched.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, BodyDataStream};
use axum::http::{Request, StatusCode};
use chrono::Utc;
use futures::StreamExt;
use lotse_queue_server::auth::{DeviceKind, token_hash};
use lotse_queue_server::config::Config;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::accounts;
use tower::ServiceExt;

async fn open(state: &AppState, token: &str) -> BodyDataStream {
    let request = Request::get("/api/v1/events")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().into_data_stream()
}

/// Whether `stream` ends within a few seconds (after what it still had to say).
async fn ends(stream: &mut BodyDataStream) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(None) => return true,
            Ok(Some(chunk)) => {
                chunk.unwrap();
            }
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn a_new_stream_beyond_the_limit_ends_the_oldest_of_the_same_token() {
    let limits = Limits {
        max_streams_per_credential: 3,
        ..Limits::default()
    };
    let state = support::state_with(
        Config::embedded().unwrap().always_open(),
        Arc::new(Utc::now),
        limits,
    );
    for (name, token) in [("hall", "hall-secret"), ("floor", "floor-secret")] {
        let hash = token_hash(token);
        state
            .store
            .run(move |c| accounts::add_device(c, Utc::now(), DeviceKind::Display, name, &hash))
            .await
            .unwrap();
    }
    let mut other = open(&state, "floor-secret").await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        streams.push(open(&state, "hall-secret").await);
    }
    assert_eq!(state.streams.count(&token_hash("hall-secret")), 3);
    streams.push(open(&state, "hall-secret").await);
    assert!(ends(&mut streams[0]).await, "the oldest stream ended");
    assert_eq!(state.streams.count(&token_hash("hall-secret")), 3);
    assert_eq!(state.streams.count(&token_hash("floor-secret")), 1);
    // The others, and the other token's stream, stay open.
    for stream in streams.iter_mut().skip(1).chain([&mut other]) {
        let next = tokio::time::timeout(Duration::from_millis(200), stream.next()).await;
        assert!(
            next.is_err(),
            "an open stream has nothing to say yet: {next:?}"
        );
    }
    // A closed stream gives its place back.
    drop(streams.pop());
    assert_eq!(state.streams.count(&token_hash("hall-secret")), 2);
}
