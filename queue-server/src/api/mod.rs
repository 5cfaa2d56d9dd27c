//! The HTTP API: the router, shared state and request limits; every error, also axum's own
//! rejections, is an `ApiErrorBody`.

mod alerts;
pub mod cookies;
mod desks;
pub mod display;
pub mod events;
pub mod extract;
mod interpreters;
pub mod live_streams;
pub mod metrics;
pub mod openapi;
pub mod password;
pub mod session;
pub mod tickets;
pub mod voices;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::trace::TraceLayer;

use crate::auth::PasswordChecks;
use crate::config::Config;
use crate::http::error::AppError;
use crate::limits::Limits;
use crate::storage::Store;
use crate::throttle::FailureWindow;

pub use extract::SESSION_COOKIE;

/// Requests larger than this are refused with 413 `payload_too_large`.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// The body limit of requests anyone may send without a credential (logins, a visitor's
/// feedback): a login needs a few hundred bytes, feedback at most 500 characters
/// form-encoded. Other routes read no body before they know the caller (the `Caller` and
/// `StaffPage` extractors come first).
pub const ANONYMOUS_BODY_LIMIT_BYTES: usize = 8 * 1024;

/// `route` (of anyone) within [`ANONYMOUS_BODY_LIMIT_BYTES`].
pub fn anonymous_body<S: Clone + Send + Sync + 'static>(route: MethodRouter<S>) -> MethodRouter<S> {
    limited_body(route, ANONYMOUS_BODY_LIMIT_BYTES)
}

/// `route` with bodies of `limit` bytes at most: refused with 413 `payload_too_large` at
/// once when the announced length is beyond it (axum's limit counts only what arrives, so a
/// client could make us wait for and hold most of the limit first), else once that much has
/// come.
pub fn limited_body<S: Clone + Send + Sync + 'static>(
    route: MethodRouter<S>,
    limit: usize,
) -> MethodRouter<S> {
    route
        .layer::<_, std::convert::Infallible>(axum::middleware::from_fn_with_state(
            limit,
            refuse_announced_beyond,
        ))
        .layer(DefaultBodyLimit::max(limit))
}

async fn refuse_announced_beyond(
    axum::extract::State(limit): axum::extract::State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    if announced.is_some_and(|length| length > limit) {
        return AppError::PayloadTooLarge.into_response();
    }
    next.run(request).await
}

/// The current time; tests pass a fixed clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Turns `true` when the server shuts down; live streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// The bounded password checks of logins.
    pub passwords: Arc<PasswordChecks>,
    /// Failed check-ins per device (against guessing appointment codes).
    pub check_ins: Arc<FailureWindow>,
    pub limits: Limits,
    /// The open live event streams per token or session and per staff account.
    pub streams: Arc<live_streams::LiveStreams>,
}

/// At most this many failed check-ins per device and minute: a kiosk visitor mistyping a
/// code a few times is fine, a script trying codes is stopped.
pub const CHECK_IN_FAILURES_PER_MINUTE: usize = 10;

pub fn check_in_throttle() -> FailureWindow {
    FailureWindow::new(CHECK_IN_FAILURES_PER_MINUTE, chrono::Duration::minutes(1))
}

impl AppState {
    pub fn new(
        store: Store,
        config: Config,
        clock: Clock,
        shutdown: watch::Receiver<bool>,
        limits: Limits,
    ) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            clock,
            shutdown,
            passwords: Arc::new(PasswordChecks::per_core()),
            check_ins: Arc::new(check_in_throttle()),
            limits,
            streams: Arc::new(live_streams::LiveStreams::new(
                limits.max_streams_per_credential,
                limits.max_streams_per_account,
            )),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/config", get(tickets::config))
        .route("/tickets", post(tickets::issue))
        .route("/tickets/{token}", get(tickets::status))
        .route(
            "/tickets/{token}/feedback",
            anonymous_body(post(tickets::feedback)),
        )
        .route("/checkins", post(tickets::check_in))
        .route("/appointments", post(tickets::import_appointments))
        .route("/devices/status", post(tickets::device_status))
        .route("/queues", get(desks::queues))
        .route("/display", get(display::snapshot))
        .route("/desks/{desk}/call-next", post(desks::call_next))
        .route("/desks/{desk}/call", post(desks::call))
        .route("/desks/{desk}/recall", post(desks::recall))
        .route("/desks/{desk}/start", post(desks::start))
        .route("/desks/{desk}/finish", post(desks::finish))
        .route("/desks/{desk}/no-show", post(desks::no_show))
        .route("/desks/{desk}/park", post(desks::park))
        .route("/desks/{desk}/resume", post(desks::resume))
        .route("/desks/{desk}/transfer", post(desks::transfer))
        .route("/desks/{desk}/interpreter", post(interpreters::request))
        .route("/interpreter-requests", get(interpreters::list))
        .route(
            "/interpreter-requests/{id}/{action}",
            post(interpreters::act),
        )
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}/acknowledge", post(alerts::acknowledge))
        .route("/events", get(events::stream))
        .route("/voices/{language}", get(voices::pack))
        .route("/voices/{language}/{key}", get(voices::clip))
        .route(
            "/session",
            anonymous_body(post(session::login)).delete(session::logout),
        )
        .route("/session/password", put(password::change))
        .route("/openapi.json", get(openapi::document));
    let request_timeout = state.limits.request_timeout;
    let routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        .nest(lotse_protocol::API_PREFIX, api)
        .merge(crate::web::routes())
        .fallback(not_found)
        .with_state(state);
    // The layers wrap the router once. `Router::layer` would wrap every route separately, and
    // a live stream then holds a copy of its route's whole stack: measured +20 KiB for each
    // idle SSE subscriber with the web pages' routes.
    let layered = ServiceBuilder::new()
        .layer(TraceLayer::new_for_http())
        .layer(CompressionLayer::new().compress_when(worth_compressing()))
        .layer(axum::middleware::map_response(crate::web::security_headers))
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::from_fn_with_state(
            request_timeout,
            answer_within,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .service(routes);
    Router::new().fallback_service(layered)
}

/// Pages, fragments, JSON, scripts and styles go out compressed (Brotli or gzip, as the
/// client accepts) when larger than a few dozen bytes. Live streams are never compressed
/// (`DefaultPredicate` leaves out `text/event-stream`: an encoder would hold events back
/// until its buffer fills), nor fonts (WOFF2 is compressed already) or audio (PCM hardly
/// shrinks).
fn worth_compressing() -> impl Predicate {
    DefaultPredicate::new()
        .and(NotForContentType::const_new("font/"))
        .and(NotForContentType::const_new("audio/"))
}

/// Liveness: the process answers and the storage thread runs; after a write failed for want
/// of space, only once a test write succeeds again (kiosks show "out of service" until then).
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "alive"),
    (status = 503, body = lotse_protocol::ApiErrorBody, description = "storage_full, unavailable")))]
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    if state.store.is_full() {
        state.store.probe_space().await?;
    }
    state
        .store
        .run(|connection| {
            connection.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok::<_, crate::storage::StorageError>(())
        })
        .await?;
    Ok("ok")
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// 408 `request_timeout` when the answer's head is not ready within `limit`. A live stream's
/// head goes out at once, so streams are not cut.
async fn answer_within(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::RequestTimeout.into_response(),
    }
}

/// The longest rejection text of axum's that is kept as the error message.
const REJECTION_TEXT_LIMIT: usize = 4 * 1024;

/// Turns axum's own rejections (plain text, or no body: a path or query that does not parse,
/// a wrong method or content type) into our JSON errors. Pages and JSON pass unchanged, and
/// so do statuses axum does not reject with (a page fragment's bodiless 409).
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(CONTENT_TYPE)
        .is_none_or(|value| value.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, REJECTION_TEXT_LIMIT)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_owned();
    match AppError::from_rejection(status, text) {
        Some(error) => {
            let mut answer = error.into_response();
            // A 405 must still name the methods that are allowed (RFC 9110, found by
            // schemathesis).
            if let Some(allow) = parts.headers.get(axum::http::header::ALLOW) {
                answer
                    .headers_mut()
                    .insert(axum::http::header::ALLOW, allow.clone());
            }
            answer
        }
        None => Response::from_parts(parts, axum::body::Body::from(bytes)),
    }
}
