//! The silent emergency alarm in-process: raised from a desk, shown to the staff on the same
//! floor, supervisors and security but not to another floor or the raiser's console;
//! acknowledged by responders, closed by the raiser or a supervisor with a note; audited;
//! devices can neither raise nor list it, and the event stream carries it to the staff it
//! notifies and to no kiosk or display.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::time::Duration;

use axum::body::{Body, BodyDataStream};
use axum::http::{Request, StatusCode, header};
use futures::StreamExt;
use lotse_protocol::{Alarm, Role};
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::storage::audit;
use tower::ServiceExt;

type Auth = Vec<(header::HeaderName, String)>;

async fn send(
    state: &AppState,
    method: &str,
    path: &str,
    auth: &Auth,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in auth {
        request = request.header(name, value);
    }
    let request = request
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    (status, support::body_json(response).await)
}

fn bearer(token: &str) -> Auth {
    vec![(header::AUTHORIZATION, format!("Bearer {token}"))]
}

/// A session of `name`, sitting at `desk` if one is given (through the console's form).
async fn session(state: &AppState, name: &str, desk: Option<&str>) -> Auth {
    let (cookie, csrf) = support::login(state, name).await;
    if let Some(desk) = desk {
        let request = Request::post("/staff/desk")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&desk={desk}")))
            .unwrap();
        let response = app(state.clone()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{desk}");
    }
    vec![
        (header::COOKIE, cookie),
        (header::HeaderName::from_static("x-csrf-token"), csrf),
    ]
}

async fn alarms_of(state: &AppState, auth: &Auth) -> Vec<Alarm> {
    let (status, body) = send(state, "GET", "/api/v1/alarms", auth, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// A building with two desks on the ground floor and one upstairs staffed; a supervisor, a
/// security account, a kiosk and a display.
async fn building() -> (AppState, [Auth; 5]) {
    let state = support::always_open_state();
    for (name, role) in [
        ("anna", Role::Staff),
        ("ben", Role::Staff),
        ("carl", Role::Staff),
        ("lead", Role::Supervisor),
        ("guard", Role::Security),
    ] {
        support::add_user(&state, name, role, "*").await;
    }
    support::add_device(&state, DeviceKind::Kiosk, "kiosk-secret").await;
    support::add_device(&state, DeviceKind::Display, "display-secret").await;
    let anna = session(&state, "anna", Some("eg-01")).await;
    let ben = session(&state, "ben", Some("eg-04")).await;
    let carl = session(&state, "carl", Some("room-1-02")).await;
    let lead = session(&state, "lead", None).await;
    let guard = session(&state, "guard", None).await;
    (state, [anna, ben, carl, lead, guard])
}

#[tokio::test]
async fn an_alarm_reaches_the_floor_supervisors_and_security_and_is_answered_and_closed() {
    let (state, [anna, ben, carl, lead, guard]) = building().await;
    for device in ["kiosk-secret", "display-secret"] {
        assert_eq!(
            send(&state, "POST", "/api/v1/alarms", &bearer(device), "")
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send(&state, "GET", "/api/v1/alarms", &bearer(device), "")
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        send(&state, "POST", "/api/v1/alarms", &guard, "").await.0,
        StatusCode::FORBIDDEN,
        "security raises none"
    );
    assert_eq!(
        send(&state, "POST", "/api/v1/alarms", &lead, "").await.0,
        StatusCode::FORBIDDEN,
        "no desk"
    );

    let (status, raised) = send(&state, "POST", "/api/v1/alarms", &anna, "").await;
    assert_eq!(status, StatusCode::OK, "{raised}");
    let id = raised["id"].as_i64().unwrap();
    assert_eq!(
        (raised["desk"].as_str(), raised["floor"].as_i64()),
        (Some("eg-01"), Some(0))
    );
    assert_eq!(raised["raised_by"], "anna");

    for (who, auth, shown) in [
        ("ben", &ben, 1),
        ("carl", &carl, 0),
        ("lead", &lead, 1),
        ("guard", &guard, 1),
        ("anna", &anna, 1),
    ] {
        assert_eq!(alarms_of(&state, auth).await.len(), shown, "{who}");
    }

    let acknowledge = format!("/api/v1/alarms/{id}/acknowledge");
    assert_eq!(
        send(&state, "POST", &acknowledge, &carl, "").await.0,
        StatusCode::NOT_FOUND,
        "another floor"
    );
    assert_eq!(
        send(&state, "POST", &acknowledge, &anna, "").await.0,
        StatusCode::FORBIDDEN,
        "the raiser"
    );
    assert_eq!(
        send(&state, "POST", &acknowledge, &ben[..1].to_vec(), "")
            .await
            .0,
        StatusCode::FORBIDDEN,
        "no CSRF token"
    );
    let (status, answered) = send(&state, "POST", &acknowledge, &ben, "").await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    send(&state, "POST", &acknowledge, &guard, "").await;
    send(&state, "POST", &acknowledge, &ben, "").await;
    let seen = alarms_of(&state, &lead).await;
    let responders: Vec<&str> = seen[0].responders.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        responders,
        ["ben", "guard"],
        "visible to the others, each once"
    );

    let close = format!("/api/v1/alarms/{id}/close");
    let note = r#"{"note":"Lage geklärt, Besucher gegangen"}"#;
    assert_eq!(
        send(&state, "POST", &close, &ben, note).await.0,
        StatusCode::FORBIDDEN,
        "a colleague"
    );
    assert_eq!(
        send(&state, "POST", &close, &guard, note).await.0,
        StatusCode::FORBIDDEN,
        "security"
    );
    assert_eq!(
        send(&state, "POST", &close, &lead, r#"{"note":"  "}"#)
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, closed) = send(&state, "POST", &close, &anna, note).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["closed_by"], "anna");
    assert_eq!(closed["note"], "Lage geklärt, Besucher gegangen");
    assert_eq!(
        send(&state, "POST", &close, &lead, note).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        send(&state, "POST", &acknowledge, &lead, "").await.0,
        StatusCode::CONFLICT
    );
    assert!(alarms_of(&state, &lead).await.is_empty());

    let entries = state.store.read(|c| audit::recent(c, 50)).await.unwrap();
    let actions: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.action.starts_with("alarm-"))
        .map(|e| (e.actor.clone(), e.action.clone()))
        .rev()
        .collect();
    let expected = [
        ("anna", "alarm-raise"),
        ("ben", "alarm-acknowledge"),
        ("guard", "alarm-acknowledge"),
        ("anna", "alarm-close"),
    ];
    assert_eq!(actions, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
}

async fn stream(state: &AppState, auth: &Auth) -> BodyDataStream {
    let mut request = Request::get("/api/v1/events");
    for (name, value) in auth {
        request = request.header(name, value);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().into_data_stream()
}

/// What `stream` sends until the event of the ticket numbered `marker` (which everyone gets).
async fn until(stream: &mut BodyDataStream, marker: &str) -> String {
    let mut text = String::new();
    while !text.contains(marker) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap_or_else(|_| panic!("no {marker} within 5 s; so far: {text}"))
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    text
}

#[tokio::test]
async fn the_event_stream_carries_an_alarm_to_the_staff_it_notifies_and_no_device() {
    let (state, [anna, ben, carl, lead, guard]) = building().await;
    let listeners = [
        ("kiosk", bearer("kiosk-secret"), false),
        ("display", bearer("display-secret"), false),
        ("raiser's console", anna.clone(), false),
        ("another floor", carl, false),
        ("same floor", ben, true),
        ("supervisor", lead, true),
        ("security", guard, true),
    ];
    let mut streams = Vec::new();
    for (who, auth, _) in &listeners {
        streams.push((who, stream(&state, auth).await));
    }
    let (status, _) = send(&state, "POST", "/api/v1/alarms", &anna, "").await;
    assert_eq!(status, StatusCode::OK);
    let (marker, _) = support::walk_in(&state, "eat-pickup", "de").await;
    for ((who, mut stream), (_, _, hears)) in streams.into_iter().zip(&listeners) {
        let text = until(&mut stream, &marker).await;
        assert_eq!(text.contains("event: alarm"), *hears, "{who}: {text}");
    }
    // A device resuming from the start of the day does not get it either.
    let mut request = Request::get("/api/v1/events").header("last-event-id", "0");
    for (name, value) in bearer("display-secret") {
        request = request.header(name, value);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let mut replay = response.into_body().into_data_stream();
    let text = until(&mut replay, &marker).await;
    assert!(!text.contains("alarm"), "{text}");
}
