//! The HTTP layer under the JSON API and the pages: the shared state, extractors, cookies,
//! body limits, the error type and its statuses, what both serve alike (logins, password
//! changes, a visitor's view, a display's snapshot), and the router that composes `api` and
//! `web` (siblings that never import each other).

pub mod body;
pub mod cookies;
pub mod display;
pub mod error;
pub mod extract;
pub mod live_streams;
pub mod password;
pub mod security_headers;
pub mod session;
mod state;
pub mod visitor;
pub mod wav;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::trace::TraceLayer;

pub use body::{ANONYMOUS_BODY_LIMIT_BYTES, BODY_LIMIT_BYTES, anonymous_body, limited_body};
pub use error::AppError;
pub use extract::SESSION_COOKIE;
pub use state::{AppState, CHECK_IN_FAILURES_PER_MINUTE, Clock, check_in_throttle, system_clock};

/// The API and the pages, wrapped once in tracing, compression, security headers, JSON
/// errors, the request timeout and the body limit.
pub fn app(state: AppState) -> Router {
    let request_timeout = state.limits.request_timeout;
    let routes = Router::new()
        .merge(crate::api::routes())
        .merge(crate::web::routes())
        .fallback(not_found)
        .with_state(state);
    // The layers wrap the router once. `Router::layer` would wrap every route separately, and
    // a live stream then holds a copy of its route's whole stack: measured +20 KiB for each
    // idle SSE subscriber with the web pages' routes.
    let layered = ServiceBuilder::new()
        .layer(TraceLayer::new_for_http())
        .layer(CompressionLayer::new().compress_when(worth_compressing()))
        .layer(axum::middleware::map_response(security_headers::add))
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
