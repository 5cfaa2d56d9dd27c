//! Appointment codes cannot be guessed: a device that sends too many wrong codes waits a
//! minute, and imported codes are long enough.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::http::{AppState, CHECK_IN_FAILURES_PER_MINUTE, app};
use tower::ServiceExt;

async fn post(state: &AppState, token: &str, path: &str, json: String) -> StatusCode {
    let request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json))
        .unwrap();
    app(state.clone()).oneshot(request).await.unwrap().status()
}

fn check_in(code: &str) -> String {
    format!(r#"{{"code":"{code}"}}"#)
}

#[tokio::test]
async fn a_kiosk_guessing_codes_is_stopped_for_a_minute() {
    let (state, time) = support::state_with_clock();
    support::add_device(&state, DeviceKind::Kiosk, "kiosk-a").await;
    support::add_device(&state, DeviceKind::Kiosk, "kiosk-b").await;
    support::add_device(&state, DeviceKind::Booking, "booking").await;
    let at = (state.now() + Duration::minutes(10)).to_rfc3339();
    let import = format!(
        r#"{{"appointments":[{{"code":"TERMIN-0001","service":"residence-permit","at":"{at}"}}]}}"#
    );
    let imported = post(&state, "booking", "/api/v1/appointments", import).await;
    assert_eq!(imported, StatusCode::OK);
    for n in 0..CHECK_IN_FAILURES_PER_MINUTE {
        let guess = check_in(&format!("GUESS-{n:04}"));
        let answer = post(&state, "kiosk-a", "/api/v1/checkins", guess).await;
        assert_eq!(answer, StatusCode::NOT_FOUND);
    }
    // Now even the right code waits; another kiosk is not affected.
    let right = check_in("TERMIN-0001");
    let refused = post(&state, "kiosk-a", "/api/v1/checkins", right.clone()).await;
    assert_eq!(refused, StatusCode::TOO_MANY_REQUESTS);
    let other = post(
        &state,
        "kiosk-b",
        "/api/v1/checkins",
        check_in("GUESS-9999"),
    )
    .await;
    assert_eq!(other, StatusCode::NOT_FOUND);
    *time.lock().unwrap() += Duration::seconds(61);
    let later = post(&state, "kiosk-a", "/api/v1/checkins", right).await;
    assert_eq!(later, StatusCode::CREATED);
}

#[tokio::test]
async fn short_appointment_codes_are_refused_at_import() {
    let (state, _) = support::state_with_clock();
    support::add_device(&state, DeviceKind::Booking, "booking").await;
    let at = (state.now() + Duration::minutes(10)).to_rfc3339();
    let import = format!(
        r#"{{"appointments":[{{"code":"1234567","service":"residence-permit","at":"{at}"}}]}}"#
    );
    let refused = post(&state, "booking", "/api/v1/appointments", import).await;
    assert_eq!(refused, StatusCode::UNPROCESSABLE_ENTITY);
}
