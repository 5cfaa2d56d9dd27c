//! In-process HTTP tests of the router (no sockets): the OpenAPI document, health, and the
//! JSON error format.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use lotse_queue_server::config::Config;
use lotse_queue_server::http::{AppState, app};
use tower::ServiceExt;

fn state() -> AppState {
    support::state(
        Config::embedded().unwrap(),
        Arc::new(|| Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap()),
    )
}

async fn get(path: &str) -> (StatusCode, serde_json::Value) {
    let response = app(state())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = support::body_bytes(response).await;
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
        "/api/v1/tickets/{token}/feedback",
        "/api/v1/desks/{desk}/call-next",
        "/api/v1/desks/{desk}/recall",
        "/api/v1/desks/{desk}/start",
        "/api/v1/desks/{desk}/finish",
        "/api/v1/desks/{desk}/no-show",
        "/api/v1/desks/{desk}/park",
        "/api/v1/desks/{desk}/transfer",
        "/api/v1/queues",
        "/api/v1/display",
        "/api/v1/events",
        "/api/v1/appointments",
        "/api/v1/checkins",
        "/api/v1/session",
        "/api/v1/alerts",
        "/api/v1/alerts/{id}/acknowledge",
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
        "Alert",
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

/// Sends `request` to a router over `state` and returns the status.
async fn status_of(state: &AppState, request: Request<Body>) -> StatusCode {
    app(state.clone()).oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn a_display_cookie_reads_the_board_and_acts_on_nothing() {
    use lotse_queue_server::auth::{DeviceKind, token_hash};
    use lotse_queue_server::storage::accounts;

    let state = state();
    for (kind, token) in [
        (DeviceKind::Display, "display-secret"),
        (DeviceKind::Kiosk, "kiosk-secret"),
    ] {
        let hash = token_hash(token);
        state
            .store
            .run(move |c| accounts::add_device(c, Utc::now(), kind, token, &hash))
            .await
            .unwrap();
    }
    let with_cookie = |method: &str, path: &str, token: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header("cookie", format!("lotse_display={token}"))
            .body(Body::empty())
            .unwrap()
    };
    let board = with_cookie("GET", "/api/v1/display?zone=lobby", "display-secret");
    assert_eq!(status_of(&state, board).await, StatusCode::OK);
    let page = with_cookie("GET", "/display?zone=floor-1", "display-secret");
    assert_eq!(status_of(&state, page).await, StatusCode::OK);
    // Only display tokens count in this cookie.
    let kiosk = with_cookie("GET", "/api/v1/display", "kiosk-secret");
    assert_eq!(status_of(&state, kiosk).await, StatusCode::UNAUTHORIZED);
    let nowhere = with_cookie("GET", "/api/v1/display?zone=nowhere", "display-secret");
    assert_eq!(
        status_of(&state, nowhere).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let page = with_cookie("GET", "/display?zone=nowhere", "display-secret");
    assert_eq!(status_of(&state, page).await, StatusCode::NOT_FOUND);
    let call = with_cookie("POST", "/api/v1/desks/eg-01/call-next", "display-secret");
    assert_eq!(status_of(&state, call).await, StatusCode::FORBIDDEN);
    let issue = Request::post("/api/v1/tickets")
        .header("cookie", "lotse_display=display-secret")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"services":["residence-permit"],"language":"de"}"#,
        ))
        .unwrap();
    assert_eq!(status_of(&state, issue).await, StatusCode::FORBIDDEN);
    let anonymous = Request::get("/display/board").body(Body::empty()).unwrap();
    assert_eq!(status_of(&state, anonymous).await, StatusCode::UNAUTHORIZED);
}

/// Sends `request` and returns the status, the content type and the body as JSON.
async fn answer(
    state: &AppState,
    request: Request<Body>,
) -> (StatusCode, String, serde_json::Value) {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = support::body_bytes(response).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn a_query_or_path_that_does_not_parse_is_a_json_error() {
    use lotse_queue_server::auth::{DeviceKind, token_hash};
    use lotse_queue_server::storage::accounts;

    let state = state();
    let hash = token_hash("display-secret");
    state
        .store
        .run(move |c| accounts::add_device(c, Utc::now(), DeviceKind::Display, "hall", &hash))
        .await
        .unwrap();
    let requests = [
        Request::get("/api/v1/display?limit=-1")
            .header("authorization", "Bearer display-secret")
            .body(Body::empty())
            .unwrap(),
        Request::get("/t/%FF").body(Body::empty()).unwrap(),
        Request::get("/api/v1/tickets/%FF")
            .body(Body::empty())
            .unwrap(),
    ];
    for request in requests {
        let uri = request.uri().clone();
        let (status, content_type, body) = answer(&state, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(content_type, "application/json", "{uri}");
        assert_eq!(body["error"], "malformed_request", "{uri}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{uri}"
        );
    }
    // A wrong method too, which axum answers without a body.
    let wrong = Request::delete("/healthz").body(Body::empty()).unwrap();
    let (status, content_type, body) = answer(&state, wrong).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(content_type, "application/json");
    assert_eq!(body["error"], "method_not_allowed");
}

/// Found by schemathesis: the JSON error of a wrong method lost axum's `Allow` header.
#[tokio::test]
async fn a_wrong_method_names_the_allowed_ones() {
    let state = support::always_open_state();
    for (method, uri, allowed) in [
        ("TRACE", "/api/v1/config", "GET"),
        ("DELETE", "/api/v1/tickets", "POST"),
        ("PATCH", "/healthz", "GET"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let response = app(state.clone()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        let allow = response
            .headers()
            .get(header::ALLOW)
            .unwrap_or_else(|| panic!("{method} {uri}: no Allow header"))
            .to_str()
            .unwrap();
        assert!(allow.contains(allowed), "{method} {uri}: Allow: {allow}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    }
}

#[tokio::test]
async fn openapi_lists_the_statuses_operations_return() {
    let (_, document) = get("/api/v1/openapi.json").await;
    let statuses = |path: &str, method: &str| -> Vec<String> {
        document["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} missing"))
            .keys()
            .cloned()
            .collect()
    };
    let check = |path: &str, method: &str, expected: &[&str]| {
        let listed = statuses(path, method);
        for status in expected {
            assert!(
                listed.iter().any(|s| s == status),
                "{method} {path} lacks {status}: {listed:?}"
            );
        }
    };
    check("/healthz", "get", &["200", "500", "503"]);
    check(
        "/api/v1/tickets",
        "post",
        &["201", "400", "401", "403", "409", "422", "503"],
    );
    check(
        "/api/v1/desks/{desk}/recall",
        "post",
        &["200", "400", "401", "403", "404", "409", "503"],
    );
    check(
        "/api/v1/session",
        "post",
        &["200", "400", "401", "429", "503"],
    );
    check(
        "/api/v1/session/password",
        "put",
        &["204", "400", "401", "403", "422", "429", "503"],
    );
    check("/api/v1/events", "get", &["200", "401", "503"]);
    // Found by schemathesis: a transfer with no current ticket is 409, an unknown outcome
    // 422, a kiosk trying too many codes gets 429.
    check(
        "/api/v1/desks/{desk}/transfer",
        "post",
        &["200", "409", "422"],
    );
    check(
        "/api/v1/desks/{desk}/finish",
        "post",
        &["200", "409", "422"],
    );
    check(
        "/api/v1/checkins",
        "post",
        &["201", "401", "404", "409", "429"],
    );
    let tickets = statuses("/api/v1/tickets/{token}", "get");
    assert!(
        !tickets.contains(&"401".to_owned()),
        "the status page is public"
    );
    let services = &document["components"]["schemas"]["IssueTicket"]["properties"]["services"];
    assert_eq!(services["minItems"], 1, "{services}");
}

#[tokio::test]
async fn a_display_fetches_the_spoken_call_of_a_call_event_in_its_zone() {
    use lotse_protocol::{Change, Channel};
    use lotse_queue_server::auth::{DeviceKind, token_hash};
    use lotse_queue_server::storage::{accounts, events};

    let state = state();
    let hash = token_hash("display-secret");
    state
        .store
        .run(move |c| {
            accounts::add_device(c, Utc::now(), DeviceKind::Display, "display-secret", &hash)?;
            let now = Utc::now();
            events::record(
                c,
                now,
                &Change::TicketIssued {
                    number: "A-042".into(),
                    services: vec!["residence-permit".into()],
                    channel: Channel::Kiosk,
                },
            )?;
            events::record(
                c,
                now,
                &Change::TicketCalled {
                    number: "A-042".into(),
                    service: "residence-permit".into(),
                    desk: "eg-01".into(),
                    recall: 0,
                    language: Some("ar".into()),
                },
            )?;
            Ok::<_, support::TestError>(events::last_id(c)?)
        })
        .await
        .unwrap();
    let called = state.store.run(events::last_id).await.unwrap();
    let request = |path: String| {
        Request::get(path)
            .header("cookie", "lotse_display=display-secret")
            .body(Body::empty())
            .unwrap()
    };
    let response = app(state.clone())
        .oneshot(request(format!(
            "/display/announcement/{called}?zone=lobby"
        )))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "audio/wav");
    let wav = support::body_bytes(response).await;
    assert_eq!(&wav[..4], b"RIFF");
    let elsewhere = request(format!("/display/announcement/{called}?zone=floor-1"));
    assert_eq!(status_of(&state, elsewhere).await, StatusCode::NO_CONTENT);
    let issued = request(format!("/display/announcement/{}", called - 1));
    assert_eq!(status_of(&state, issued).await, StatusCode::NOT_FOUND);
    let unknown = request(format!("/display/announcement/{}", called + 100));
    assert_eq!(status_of(&state, unknown).await, StatusCode::NOT_FOUND);
    let anonymous = Request::get(format!("/display/announcement/{called}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(status_of(&state, anonymous).await, StatusCode::UNAUTHORIZED);
}

/// The browser display shows each agency's pictogram beside its waiting line, inline and
/// coloured by SVG attributes (its Content Security Policy refuses inline styles).
#[tokio::test]
async fn the_browser_display_shows_the_agencies_pictograms() {
    use http_body_util::BodyExt;
    use lotse_queue_server::auth::{DeviceKind, token_hash};
    use lotse_queue_server::storage::accounts;

    let state = state();
    let hash = token_hash("display-secret");
    state
        .store
        .run(move |c| {
            accounts::add_device(c, Utc::now(), DeviceKind::Display, "display-secret", &hash)
        })
        .await
        .unwrap();
    let request = Request::get("/display/board?zone=lobby")
        .header("cookie", "lotse_display=display-secret")
        .body(Body::empty())
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8(body.to_vec()).unwrap();
    let building = &state.config.building;
    for agency in &building.agencies {
        let svg = building.agency_pictogram(&agency.id).unwrap().trim();
        let circle = format!("fill=\"{}\"></circle>", agency.colour);
        let at = page
            .find(svg)
            .unwrap_or_else(|| panic!("{}: {page}", agency.id));
        assert!(
            page[..at].ends_with(&format!(
                "{circle}<g transform=\"translate(5 5) scale(0.5833)\" color=\"#fff\">"
            )),
            "{}",
            agency.id
        );
    }
    assert!(!page.contains(" style="));
}
