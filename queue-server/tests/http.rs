//! In-process HTTP tests of the router (no sockets): the OpenAPI document, health, and the
//! JSON error format.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use lotse_queue_server::api::{AppState, app};
use lotse_queue_server::config::Config;
use lotse_queue_server::storage::Store;
use tower::ServiceExt;

fn state() -> AppState {
    let (_stop, shutdown) = tokio::sync::watch::channel(false);
    AppState {
        store: Store::in_memory().unwrap(),
        config: Arc::new(Config::embedded().unwrap()),
        clock: Arc::new(|| Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap()),
        shutdown,
    }
}

async fn get(path: &str) -> (StatusCode, serde_json::Value) {
    let response = app(state())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn openapi_document_lists_the_contract() {
    let (status, document) = get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/healthz",
        "/api/v1/config",
        "/api/v1/tickets",
        "/api/v1/tickets/{token}",
        "/api/v1/desks/{desk}/call-next",
        "/api/v1/desks/{desk}/recall",
        "/api/v1/desks/{desk}/start",
        "/api/v1/desks/{desk}/finish",
        "/api/v1/desks/{desk}/no-show",
        "/api/v1/desks/{desk}/park",
        "/api/v1/desks/{desk}/transfer",
        "/api/v1/queues",
        "/api/v1/events",
        "/api/v1/appointments",
        "/api/v1/checkins",
        "/api/v1/session",
        "/api/v1/openapi.json",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for schema in [
        "Ticket",
        "IssueTicket",
        "DeskTicket",
        "CallReason",
        "Event",
        "ApiErrorBody",
    ] {
        assert!(schemas.contains_key(schema), "schema {schema} missing");
    }
}

#[tokio::test]
async fn health_and_unknown_paths() {
    let response = app(state())
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = get("/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
}
