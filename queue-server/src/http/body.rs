//! Body limits: every request's, and the smaller one of routes anyone may post to.

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use super::error::AppError;

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
