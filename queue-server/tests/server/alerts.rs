//! Live alerts in-process, with the injected clock: a line waiting past its target raises an
//! alert (event on the log), shown to the supervisors of its agency only, acknowledged once
//! (audit entry, event), not raised again while it lasts, cleared when the wait drops; a
//! kiosk's failing printer raises one at once.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use lotse_protocol::{Alert, AlertKind, AlertState, Change, Role};
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::evaluate_alerts;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::services::commands::desk::DeskRequest;
use lotse_queue_server::storage::{audit, events};
use tower::ServiceExt;

async fn send(
    state: &AppState,
    method: &str,
    path: &str,
    auth: &[(header::HeaderName, String)],
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
    let bytes = support::body_bytes(response).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

async fn session(state: &AppState, name: &str) -> Vec<(header::HeaderName, String)> {
    let (cookie, csrf) = support::login(state, name).await;
    vec![
        (header::COOKIE, cookie),
        (header::HeaderName::from_static("x-csrf-token"), csrf),
    ]
}

async fn alerts_of(state: &AppState, auth: &[(header::HeaderName, String)]) -> Vec<Alert> {
    let (status, body) = send(state, "GET", "/api/v1/alerts", auth, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// The alert changes on the event log, in order.
async fn alert_events(state: &AppState) -> Vec<(i64, AlertKind, AlertState)> {
    let since = state.now() - Duration::hours(8);
    let logged = state
        .store
        .read(move |c| events::after(c, 0, since, 1000))
        .await
        .unwrap();
    logged
        .into_iter()
        .filter_map(|event| match event.change {
            Change::Alert {
                alert, kind, state, ..
            } => Some((alert, kind, state)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_line_past_its_target_alerts_its_supervisors_until_the_wait_drops() {
    let (state, clock) = support::state_with_clock();
    support::add_user(&state, "lead", Role::Supervisor, "asylum-benefits").await;
    support::add_user(&state, "other", Role::Supervisor, "immigration").await;
    // payment-card: target 20 minutes, no alert factor (1.0).
    support::walk_in(&state, "payment-card", "de").await;
    *clock.lock().unwrap() += Duration::minutes(20);
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 0, "at the target");
    *clock.lock().unwrap() += Duration::minutes(1);
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 1, "past the target");

    let raised = alert_events(&state).await;
    assert_eq!(raised.len(), 1);
    let (id, kind, change) = raised[0];
    assert_eq!((kind, change), (AlertKind::Wait, AlertState::Raised));

    let lead = session(&state, "lead").await;
    let other = session(&state, "other").await;
    let shown = alerts_of(&state, &lead).await;
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].service.as_deref(), Some("payment-card"));
    assert!(shown[0].acknowledged_by.is_none());
    assert!(alerts_of(&state, &other).await.is_empty(), "another agency");

    let path = format!("/api/v1/alerts/{id}/acknowledge");
    assert_eq!(
        send(&state, "POST", &path, &other, "").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = send(&state, "POST", &path, &lead[..1], "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token: {body}");
    let (status, body) = send(&state, "POST", &path, &lead, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["acknowledged_by"], "lead");
    // Again: unchanged, no second event.
    assert_eq!(
        send(&state, "POST", &path, &lead, "").await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&state, "POST", "/api/v1/alerts/999/acknowledge", &lead, "")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        alert_events(&state).await,
        [
            (id, AlertKind::Wait, AlertState::Raised),
            (id, AlertKind::Wait, AlertState::Acknowledged)
        ]
    );
    let entries = state.store.read(|c| audit::recent(c, 10)).await.unwrap();
    assert!(
        entries.iter().any(|e| e.actor == "lead"
            && e.action == "alert-acknowledge"
            && e.detail == "wait payment-card"),
        "{entries:?}"
    );
    assert_eq!(
        alerts_of(&state, &lead).await[0].acknowledged_by.as_deref(),
        Some("lead")
    );

    // While it lasts it is not raised again.
    *clock.lock().unwrap() += Duration::minutes(5);
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 0);

    // The visitor is called: nobody waits, the alert clears by itself.
    support::at_desk(&state, "eg-04", DeskRequest::CallNext).await;
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 1);
    assert_eq!(
        alert_events(&state).await.last(),
        Some(&(id, AlertKind::Wait, AlertState::Cleared))
    );
    assert!(alerts_of(&state, &lead).await.is_empty());
    assert_eq!(
        send(&state, "POST", &path, &lead, "").await.0,
        StatusCode::NOT_FOUND,
        "a cleared alert"
    );
}

#[tokio::test]
async fn a_failing_kiosk_printer_alerts_at_once_and_clears_when_ready() {
    let (state, _clock) = support::state_with_clock();
    support::add_device(&state, DeviceKind::Kiosk, "kiosk-entrance").await;
    support::add_user(&state, "clerk", Role::Staff, "immigration").await;
    let kiosk = [(header::AUTHORIZATION, "Bearer kiosk-entrance".to_owned())];
    let report = |printer: &'static str| {
        let state = state.clone();
        let kiosk = kiosk.clone();
        async move {
            let body = format!(r#"{{"printer":"{printer}"}}"#);
            send(&state, "POST", "/api/v1/devices/status", &kiosk, &body)
                .await
                .0
        }
    };
    assert_eq!(report("paper_out").await, StatusCode::NO_CONTENT);
    let clerk = session(&state, "clerk").await;
    let shown = alerts_of(&state, &clerk).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(
        (shown[0].kind, shown[0].kiosk.as_deref(), shown[0].printer),
        (
            AlertKind::Printer,
            Some("kiosk-entrance"),
            Some(lotse_protocol::PrinterCondition::PaperOut)
        )
    );
    assert_eq!(
        send(&state, "GET", "/api/v1/alerts", &kiosk, "").await.0,
        StatusCode::FORBIDDEN,
        "devices read no alerts"
    );
    assert_eq!(report("cover_open").await, StatusCode::NO_CONTENT);
    assert_eq!(alert_events(&state).await.len(), 1, "still the one alert");
    assert_eq!(report("ready").await, StatusCode::NO_CONTENT);
    assert!(alerts_of(&state, &clerk).await.is_empty());
    let states: Vec<_> = alert_events(&state)
        .await
        .into_iter()
        .map(|e| e.2)
        .collect();
    assert_eq!(states, [AlertState::Raised, AlertState::Cleared]);
}

#[tokio::test]
async fn a_line_growing_faster_than_desks_call_alerts_and_clears_with_a_margin() {
    let (state, clock) = support::state_with_clock();
    let growth = |events: &[(i64, AlertKind, AlertState)]| {
        events
            .iter()
            .filter(|e| e.1 == AlertKind::Growth)
            .map(|e| e.2)
            .collect::<Vec<_>>()
    };
    // Four arrive a minute apart, one is called: a surplus of 3.
    for _ in 0..4 {
        support::walk_in(&state, "payment-card", "de").await;
        *clock.lock().unwrap() += Duration::minutes(1);
    }
    support::at_desk(&state, "eg-04", DeskRequest::CallNext).await;
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 0);
    // Three more: 7 arrived, 1 called, 6 waiting.
    for _ in 0..3 {
        support::walk_in(&state, "payment-card", "de").await;
    }
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 1);
    assert_eq!(growth(&alert_events(&state).await), [AlertState::Raised]);
    // Fifteen minutes later the early arrivals have left the window: 3 arrived, 0 called,
    // but 6 still wait: the surplus of 3 keeps the alert (it clears at 2).
    *clock.lock().unwrap() += Duration::minutes(12);
    assert_eq!(evaluate_alerts(&state).await.unwrap(), 0);
    // Desks call four: the line is down to 2.
    for _ in 0..4 {
        support::at_desk(&state, "eg-04", DeskRequest::Finish { outcome: None }).await;
        support::at_desk(&state, "eg-04", DeskRequest::CallNext).await;
    }
    evaluate_alerts(&state).await.unwrap();
    assert_eq!(
        growth(&alert_events(&state).await),
        [AlertState::Raised, AlertState::Cleared]
    );
}
