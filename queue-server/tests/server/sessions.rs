//! Staff sessions over time, in-process with a clock the test moves: the idle timeout (and
//! what does not count as activity), deleting ended sessions, changing one's own password,
//! and HSTS behind TLS.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::Role;
use lotse_queue_server::config::Config;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::accounts;
use tower::ServiceExt;

/// A clock that stands still until the test moves it.
#[derive(Clone)]
struct TestClock {
    start: DateTime<Utc>,
    seconds: Arc<AtomicI64>,
}

impl TestClock {
    fn new() -> TestClock {
        TestClock {
            start: Utc.with_ymd_and_hms(2026, 11, 16, 8, 0, 0).unwrap(),
            seconds: Arc::new(AtomicI64::new(0)),
        }
    }

    fn advance(&self, by: Duration) {
        self.seconds.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }

    fn now(&self) -> DateTime<Utc> {
        self.start + Duration::seconds(self.seconds.load(Ordering::SeqCst))
    }
}

async fn state_at(clock: &TestClock) -> AppState {
    let reading = clock.clone();
    let state = support::state_with(
        Config::embedded().unwrap().always_open(),
        Arc::new(move || reading.now()),
        Limits::default(),
    );
    support::add_user(&state, "clerk", Role::Staff, "*").await;
    state
}

async fn send(state: &AppState, request: Request<Body>) -> Response<Body> {
    app(state.clone()).oneshot(request).await.unwrap()
}

async fn get_with(state: &AppState, path: &str, cookie: &str) -> StatusCode {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(state, request).await.status()
}

#[tokio::test]
async fn a_session_ends_after_30_minutes_without_a_request() {
    let clock = TestClock::new();
    let state = state_at(&clock).await;
    let (cookie, _) = support::login(&state, "clerk").await;
    clock.advance(Duration::minutes(29));
    assert_eq!(
        get_with(&state, "/api/v1/queues", &cookie).await,
        StatusCode::OK
    );
    // That request renewed it: 58 minutes after login, 29 after the last request.
    clock.advance(Duration::minutes(29));
    assert_eq!(
        get_with(&state, "/api/v1/queues", &cookie).await,
        StatusCode::OK
    );
    // A page reloading its live part by itself is no sign of anyone at the desk.
    clock.advance(Duration::minutes(20));
    assert_ne!(
        get_with(&state, "/staff/panel", &cookie).await,
        StatusCode::SEE_OTHER,
        "still logged in after 20 minutes"
    );
    clock.advance(Duration::minutes(11));
    assert_eq!(
        get_with(&state, "/api/v1/queues", &cookie).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_with(&state, "/staff", &cookie).await,
        StatusCode::SEE_OTHER
    );
    // The hourly purge deletes it.
    let now = clock.now();
    let idle_since = state.limits.session_idle_since(now);
    let deleted = state
        .store
        .run(move |c| accounts::delete_ended_sessions(c, now, idle_since))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
}

#[tokio::test]
async fn a_fresh_session_is_kept_by_purging() {
    let clock = TestClock::new();
    let state = state_at(&clock).await;
    let (cookie, _) = support::login(&state, "clerk").await;
    clock.advance(Duration::minutes(10));
    let now = clock.now();
    let idle_since = state.limits.session_idle_since(now);
    let deleted = state
        .store
        .run(move |c| accounts::delete_ended_sessions(c, now, idle_since))
        .await
        .unwrap();
    assert_eq!(deleted, 0);
    assert_eq!(
        get_with(&state, "/api/v1/queues", &cookie).await,
        StatusCode::OK
    );
}

fn change_password(cookie: &str, csrf: Option<&str>, current: &str, new: &str) -> Request<Body> {
    let mut request = Request::put("/api/v1/session/password")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    let body = serde_json::json!({ "current_password": current, "new_password": new });
    request.body(Body::from(body.to_string())).unwrap()
}

async fn login_status(state: &AppState, password: &str) -> StatusCode {
    let body = serde_json::json!({ "name": "clerk", "password": password });
    let request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(state, request).await.status()
}

#[tokio::test]
async fn staff_change_their_own_password() {
    let clock = TestClock::new();
    let state = state_at(&clock).await;
    let (cookie, csrf) = support::login(&state, "clerk").await;
    let new = "an even longer new password";
    // Not without the session's CSRF token, not with a wrong current password, not too short.
    let response = send(
        &state,
        change_password(&cookie, None, support::PASSWORD, new),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = send(
        &state,
        change_password(&cookie, Some(&csrf), "a guess", new),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        support::body_json(response).await["error"],
        "invalid_credentials"
    );
    let response = send(
        &state,
        change_password(&cookie, Some(&csrf), support::PASSWORD, "short"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(support::body_json(response).await["error"], "invalid_input");

    let response = send(
        &state,
        change_password(&cookie, Some(&csrf), support::PASSWORD, new),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // Every session of the account has ended; only the new password logs in.
    assert_eq!(
        get_with(&state, "/api/v1/queues", &cookie).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&state, support::PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(login_status(&state, new).await, StatusCode::OK);
}

#[tokio::test]
async fn staff_change_their_password_on_the_page() {
    let clock = TestClock::new();
    let state = state_at(&clock).await;
    let (cookie, csrf) = support::login(&state, "clerk").await;
    assert_eq!(
        get_with(&state, "/staff/password", &cookie).await,
        StatusCode::OK
    );
    let post = |body: String| {
        Request::post("/staff/password")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let current = support::PASSWORD.replace(' ', "+");
    let mismatch =
        format!("csrf={csrf}&current={current}&new=one+new+password&repeat=another+new+password");
    assert_eq!(
        send(&state, post(mismatch)).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let forged =
        format!("csrf=guess&current={current}&new=one+new+password&repeat=one+new+password");
    assert_eq!(
        send(&state, post(forged)).await.status(),
        StatusCode::FORBIDDEN
    );
    let good =
        format!("csrf={csrf}&current={current}&new=one+new+password&repeat=one+new+password");
    assert_eq!(send(&state, post(good)).await.status(), StatusCode::OK);
    assert_eq!(
        login_status(&state, "one new password").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn behind_tls_responses_carry_hsts() {
    let clock = TestClock::new();
    let state = state_at(&clock).await;
    let plain = send(
        &state,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(
        !plain
            .headers()
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
    let tls = Request::get("/healthz")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .unwrap();
    let tls = send(&state, tls).await;
    assert_eq!(
        tls.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}
