//! The API in-process (`lotse_queue_server::api::app` on an in-memory store, as the HTTP
//! tests build it): arbitrary bodies to every JSON operation, as a kiosk, a booking system, a
//! display, a staff session (with and without its CSRF token) or nobody. Nothing a client
//! sends may produce a 5xx, and every API error is an `ApiErrorBody`.
//!
//! Input: byte 0 the operation, byte 1 the credential (bit 7: a non-JSON content type), byte 2
//! the desk of a desk operation, the rest the body (or the token of a status request).
//! Logins and password changes are left out (argon2 would make each run take 50 ms, and the
//! throttle would lock the account); so is logout, which would end the fuzzer's session.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Method, Request, header};
use chrono::Utc;
use libfuzzer_sys::fuzz_target;
use lotse_protocol::{ApiErrorBody, Role};
use lotse_queue_server::api::{AppState, SESSION_COOKIE, app};
use lotse_queue_server::auth::{AgencyScope, DeviceKind, token_hash};
use lotse_queue_server::config::Config;
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::{Store, accounts};
use tower::ServiceExt;

const KIOSK: &str = "fuzz-kiosk-token";
const DISPLAY: &str = "fuzz-display-token";
const BOOKING: &str = "fuzz-booking-token";
const SESSION: &str = "fuzz-session-token";
const CSRF: &str = "fuzz-csrf-token";

struct World {
    runtime: tokio::runtime::Runtime,
    state: AppState,
    desks: Vec<String>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let config = Config::embedded().expect("sample building").always_open();
        let mut desks: Vec<String> = config.building.desks.iter().map(|d| d.id.clone()).collect();
        desks.push("no-such-desk".into());
        desks.push("%2e%2e".into());
        let state = runtime.block_on(async {
            let (stop, shutdown) = tokio::sync::watch::channel(false);
            std::mem::forget(stop);
            let store = Store::in_memory().expect("in-memory store");
            let state = AppState::new(
                store,
                config,
                Arc::new(Utc::now),
                shutdown,
                Limits::default(),
            );
            state
                .store
                .run(|c| {
                    let now = Utc::now();
                    for (kind, token) in [
                        (DeviceKind::Kiosk, KIOSK),
                        (DeviceKind::Display, DISPLAY),
                        (DeviceKind::Booking, BOOKING),
                    ] {
                        accounts::add_device(c, now, kind, token, &token_hash(token))?;
                    }
                    // No password: the session is made directly (logins are not fuzzed).
                    accounts::add_user(c, now, "staff", Role::Staff, "!")?;
                    accounts::set_user_agencies(c, "staff", &AgencyScope::parse("*"))?;
                    let id: i64 =
                        c.query_row("SELECT id FROM users WHERE name = 'staff'", [], |r| {
                            r.get(0)
                        })?;
                    let expires = now + chrono::Duration::days(365);
                    accounts::create_session(c, id, &token_hash(SESSION), CSRF, now, expires)
                })
                .await
                .expect("accounts");
            state
        });
        World {
            runtime,
            state,
            desks,
        }
    })
}

const DESK_ACTIONS: [&str; 9] = [
    "call-next",
    "call",
    "recall",
    "start",
    "finish",
    "no-show",
    "park",
    "resume",
    "transfer",
];

fn percent_encoded(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_' {
                char::from(*b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let [operation, credential, desk, body @ ..] = data else {
        return;
    };
    let world = world();
    let desk = &world.desks[usize::from(*desk) % world.desks.len()];
    let (method, path, body) = match operation % 16 {
        0 => (Method::POST, "/api/v1/tickets".to_owned(), body),
        1 => (Method::POST, "/api/v1/checkins".to_owned(), body),
        2 => (Method::POST, "/api/v1/appointments".to_owned(), body),
        3 => (Method::POST, "/api/v1/devices/status".to_owned(), body),
        4 => (
            Method::GET,
            format!("/api/v1/tickets/{}", percent_encoded(body)),
            &[][..],
        ),
        5 => (Method::GET, "/api/v1/queues".to_owned(), body),
        6 => (Method::GET, "/api/v1/display".to_owned(), body),
        7 => (Method::GET, "/api/v1/config".to_owned(), body),
        n => {
            let action = DESK_ACTIONS[usize::from(n - 8 + operation / 16) % DESK_ACTIONS.len()];
            (Method::POST, format!("/api/v1/desks/{desk}/{action}"), body)
        }
    };
    let content_type = if credential & 0x80 == 0 {
        "application/json"
    } else {
        "text/plain"
    };
    let mut request = Request::builder()
        .method(method)
        .uri(&path)
        .header(header::CONTENT_TYPE, content_type);
    request = match credential % 6 {
        0 => request,
        1 => request.header(header::AUTHORIZATION, format!("Bearer {KIOSK}")),
        2 => request.header(header::AUTHORIZATION, format!("Bearer {DISPLAY}")),
        3 => request.header(header::AUTHORIZATION, format!("Bearer {BOOKING}")),
        4 => request
            .header(header::COOKIE, format!("{SESSION_COOKIE}={SESSION}"))
            .header("x-csrf-token", CSRF),
        _ => request.header(header::COOKIE, format!("{SESSION_COOKIE}={SESSION}")),
    };
    let request = request
        .body(Body::from(body.to_vec()))
        .expect("a valid request");
    let state = world.state.clone();
    let (status, bytes) = world.runtime.block_on(async move {
        let response = app(state).oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
            .await
            .expect("a body");
        (status, bytes)
    });
    assert!(
        !status.is_server_error(),
        "{path}: {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    if status.is_client_error() {
        if let Err(error) = serde_json::from_slice::<ApiErrorBody>(&bytes) {
            panic!(
                "{path}: {status}: not an ApiErrorBody ({error}): {}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
});
