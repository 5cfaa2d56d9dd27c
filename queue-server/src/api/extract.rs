//! Request extractors: JSON bodies whose rejections are our JSON errors, and the caller
//! (device bearer token or staff session cookie).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};

use super::AppState;
use crate::auth::{Caller, DeviceKind, token_hash};
use crate::error::AppError;
use crate::storage::accounts;

/// The name of the staff session cookie.
pub const SESSION_COOKIE: &str = "lotse_session";

/// The cookie a browser display keeps its display token in (set by `/display?token=…`),
/// because `EventSource` cannot send an `Authorization` header.
pub const DISPLAY_COOKIE: &str = "lotse_display";

/// `axum::Json` with errors in our format: 400 `malformed_request`, 413 `payload_too_large`.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> AppError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::MalformedRequest(rejection.body_text())
        }
    }
}

/// The header that carries a session's CSRF token on API calls that change something.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(sent: &str, expected: &str) -> bool {
    sent.len() == expected.len()
        && !expected.is_empty()
        && sent
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// The value of the session cookie, if the request carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `wanted`, if the request carries one of reasonable length.
pub fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// The display a token belongs to, if it is an active display's: only display tokens are ever
/// put in the browser display's cookie, anything else is refused.
pub async fn display_device(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    Ok(device(state, token).await?.filter(|caller| {
        matches!(
            caller,
            Caller::Device {
                kind: DeviceKind::Display,
                ..
            }
        )
    }))
}

/// The device a token belongs to, if it is an active one.
pub async fn device(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    let hash = token_hash(token);
    state
        .store
        .read(move |connection| accounts::device_by_token(connection, &hash))
        .await
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
        let now = state.now();
        if let Some(value) = parts.headers.get(AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty() && t.len() <= 128)
                .ok_or(AppError::Unauthenticated)?;
            return device(state, token).await?.ok_or(AppError::Unauthenticated);
        }
        if let Some(token) = session_token(&parts.headers) {
            let hash = token_hash(&token);
            let session = state
                .store
                .run(move |connection| accounts::session_by_token(connection, &hash, now))
                .await?
                .ok_or(AppError::Unauthenticated)?;
            // A browser sends the cookie on its own; a change must also prove it comes from
            // our page, which alone knows the session's CSRF token.
            if !parts.method.is_safe() {
                let sent = parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !same_secret(sent, &session.csrf) {
                    return Err(AppError::CsrfRejected);
                }
            }
            return Ok(session.caller);
        }
        if let Some(token) = cookie(&parts.headers, DISPLAY_COOKIE) {
            return display_device(state, &token)
                .await?
                .ok_or(AppError::Unauthenticated);
        }
        Err(AppError::Unauthenticated)
    }
}
