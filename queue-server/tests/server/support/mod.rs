//! What the in-process HTTP tests share: an app state on an in-memory database, staff
//! accounts, and logging in over the API.

// Each test binary uses a part of it.
#![allow(dead_code)]

pub mod captured_log;
pub mod oidc_provider;
pub mod served;
pub mod slapd;
pub mod test_error;

pub use test_error::TestError;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use lotse_protocol::Role;
use lotse_queue_server::auth::{AgencyScope, hash_password};
use lotse_queue_server::config::Config;
use lotse_queue_server::http::{AppState, Clock, app};
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::{Store, accounts};
use tower::ServiceExt;

/// The password of every account these tests create.
pub const PASSWORD: &str = "a long enough password";

/// A state on a fresh in-memory database.
pub fn state(config: Config, clock: Clock) -> AppState {
    state_with(config, clock, Limits::default())
}

/// A state on a fresh in-memory database within `limits`.
pub fn state_with(config: Config, clock: Clock, limits: Limits) -> AppState {
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    // Live streams end when the sender is gone, as at shutdown: keep it for the whole test.
    std::mem::forget(stop);
    AppState::new(Store::in_memory().unwrap(), config, clock, shutdown, limits)
}

/// The sample building with no opening hours, at the real time.
pub fn always_open_state() -> AppState {
    state(
        Config::embedded().unwrap().always_open(),
        Arc::new(Utc::now),
    )
}

/// The sample building with no opening hours, at a time the test sets (it starts at 10:00
/// in Berlin on Monday 30 November 2026).
pub fn state_with_clock() -> (AppState, Arc<std::sync::Mutex<chrono::DateTime<Utc>>>) {
    use chrono::TimeZone;
    let start = Utc
        .with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
        .single()
        .unwrap();
    let time = Arc::new(std::sync::Mutex::new(start));
    let clock = time.clone();
    let state = state(
        Config::embedded().unwrap().always_open(),
        Arc::new(move || *clock.lock().unwrap()),
    );
    (state, time)
}

/// Adds a device with the token `token` (also its name).
pub async fn add_device(
    state: &AppState,
    kind: lotse_queue_server::auth::DeviceKind,
    token: &'static str,
) {
    let hash = lotse_queue_server::auth::token_hash(token);
    state
        .store
        .run(move |c| accounts::add_device(c, Utc::now(), kind, token, &hash))
        .await
        .unwrap();
}

/// Adds an account with [`PASSWORD`] working for `agencies` (`*` = all).
pub async fn add_user(state: &AppState, name: &'static str, role: Role, agencies: &str) {
    let hash = hash_password(PASSWORD).unwrap();
    let scope = AgencyScope::parse(agencies);
    state
        .store
        .run(move |c| {
            accounts::add_user(c, Utc::now(), name, role, &hash)?;
            accounts::set_user_agencies(c, name, &scope)
        })
        .await
        .unwrap();
}

/// The `name=value` part of a response's `Set-Cookie`, to send back in a `Cookie` header.
pub fn set_cookie_pair(headers: &axum::http::HeaderMap) -> String {
    let value = headers[header::SET_COOKIE].to_str().unwrap();
    value.split(';').next().unwrap().to_owned()
}

/// Logs in over the API; returns the session cookie (`name=value`) and the CSRF token.
pub async fn login(state: &AppState, name: &str) -> (String, String) {
    let request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(
            r#"{{"name":"{name}","password":"{PASSWORD}"}}"#
        )))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie_pair(response.headers());
    let bytes = body_bytes(response).await;
    let session: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    (cookie, session["csrf_token"].as_str().unwrap().to_owned())
}

/// A walk-in ticket for `service` in `language`, issued at the state's time; returns its
/// number and status-page token.
pub async fn walk_in(
    state: &AppState,
    service: &'static str,
    language: &'static str,
) -> (String, String) {
    use lotse_queue_server::services::commands::issue::{NewTicket, issue};
    let (config, now) = (state.config.clone(), state.now());
    state
        .store
        .run(move |c| {
            let services = [service.to_owned()];
            let new = NewTicket {
                services: &services,
                language,
                channel: lotse_protocol::Channel::WalkIn,
                priority: false,
                appointment_at: None,
                idempotency: None,
                interpreter: false,
            };
            let issued = issue(c, &config, now, new)?;
            let token = c.query_row(
                "SELECT token FROM tickets WHERE id = ?1",
                [issued.id],
                |r| r.get(0),
            )?;
            Ok::<_, TestError>((issued.number, token))
        })
        .await
        .unwrap()
}

/// Runs a desk request at `desk` at the state's time (as staff account "clerk"); the ticket
/// it acted on, if any.
pub async fn at_desk(
    state: &AppState,
    desk: &'static str,
    request: lotse_queue_server::services::commands::desk::DeskRequest,
) -> Option<lotse_protocol::DeskTicket> {
    use lotse_queue_server::services::commands::desk::{Actor, run};
    let (config, now, lines) = (state.config.clone(), state.now(), state.store.lines());
    state
        .store
        .run(move |c| {
            let actor = Actor {
                config: &config,
                now,
                desk,
                name: "clerk",
                lines: &lines,
            };
            run(c, actor, request)
        })
        .await
        .unwrap()
}

/// Runs the hourly clean-up of past days at the state's time, as the server does
/// (`services::commands::day_end::end_past_days`).
pub async fn purge(state: &AppState) -> lotse_queue_server::services::commands::day_end::PastDays {
    let (config, now) = (state.config.clone(), state.now());
    state
        .store
        .run(move |c| {
            lotse_queue_server::services::commands::day_end::end_past_days(c, &config, now)
        })
        .await
        .unwrap()
}

/// A response's whole body (up to 16 MiB).
pub async fn body_bytes(response: axum::response::Response) -> axum::body::Bytes {
    axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap()
}

/// A response's body as JSON; `Null` when it is not JSON.
pub async fn body_json(response: axum::response::Response) -> serde_json::Value {
    serde_json::from_slice(&body_bytes(response).await).unwrap_or(serde_json::Value::Null)
}

/// The line of `service` as `GET /api/v1/queues` would show it at `now`.
pub async fn queue_of(
    state: &AppState,
    service: &'static str,
    now: chrono::DateTime<Utc>,
) -> lotse_protocol::ServiceQueue {
    use lotse_queue_server::services::queries::queues::queues;
    let config = state.config.clone();
    let queues = state
        .store
        .run(move |c| queues(c, &config, now))
        .await
        .unwrap();
    queues
        .services
        .into_iter()
        .find(|s| s.service == service)
        .unwrap()
}
