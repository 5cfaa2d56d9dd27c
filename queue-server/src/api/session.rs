//! Staff log-in and log-out: argon2id verification off the executor, throttled failures, and
//! an HttpOnly, SameSite=Strict session cookie.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use lotse_protocol::{ApiErrorBody, Login, SessionInfo};

use super::AppState;
use super::extract::{ApiJson, SESSION_COOKIE, session_token};
use crate::auth::{Caller, dummy_hash, new_secret, token_hash, verify_password};
use crate::error::AppError;
use crate::storage::{accounts, audit};

/// Failed logins per name within [`THROTTLE_WINDOW_SECONDS`] before further attempts are refused.
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_SECONDS: i64 = 60;
/// A session lasts one working day.
pub const SESSION_HOURS: i64 = 12;

#[utoipa::path(post, path = "/api/v1/session", tag = "staff",
    request_body = Login,
    responses(
        (status = 200, body = SessionInfo, description = "sets the session cookie"),
        (status = 401, body = ApiErrorBody, description = "invalid_credentials"),
        (status = 429, body = ApiErrorBody, description = "too_many_attempts"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, AppError> {
    let (session, cookie) = authenticate(&state, &headers, login).await?;
    let mut response = Json(session).into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
}

/// Checks a name and password (throttled, argon2id off the executor), opens a session and
/// returns it with its `Set-Cookie` value. Shared by the API and the login page.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    login: Login,
) -> Result<(SessionInfo, HeaderValue), AppError> {
    if login.name.len() > 100 || login.password.len() > 1_000 {
        return Err(AppError::InvalidCredentials);
    }
    let now = state.now();
    let name = login.name.trim().to_owned();
    let lookup_name = name.clone();
    let since = now - Duration::seconds(THROTTLE_WINDOW_SECONDS);
    let (failures, record) = state
        .store
        .run(move |c| {
            Ok((
                accounts::failures_since(c, &lookup_name, since)?,
                accounts::login_record(c, &lookup_name)?,
            ))
        })
        .await?;
    if failures >= MAX_FAILURES {
        return Err(AppError::TooManyAttempts);
    }
    let stored = record
        .as_ref()
        .map(|(_, _, hash)| hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let password = login.password;
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some((user_id, role, _)) = record.filter(|_| valid) else {
        let failed = name.clone();
        state
            .store
            .run(move |c| accounts::record_failure(c, &failed, now))
            .await?;
        tracing::warn!(name = %name, "failed login");
        return Err(AppError::InvalidCredentials);
    };
    let token = new_secret();
    let hash = token_hash(&token);
    let csrf = new_secret();
    let session_csrf = csrf.clone();
    let expires = now + Duration::hours(SESSION_HOURS);
    let actor = name.clone();
    state
        .store
        .run(move |c| {
            accounts::create_session(c, user_id, &hash, &session_csrf, now, expires)?;
            audit::record(c, now, &actor, "login", "")
        })
        .await?;
    tracing::info!(name = %name, role = role.as_str(), "staff logged in");
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_HOURS * 3600,
        secure_attribute(headers)
    );
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?;
    let session = SessionInfo {
        name,
        role,
        csrf_token: csrf,
    };
    Ok((session, cookie))
}

/// `; Secure` when the request came through a TLS proxy (`X-Forwarded-Proto: https`), so our
/// cookies never travel in clear text there; nothing on a plain-HTTP building network.
pub fn secure_attribute(headers: &HeaderMap) -> &'static str {
    if super::extract::behind_tls(headers) {
        "; Secure"
    } else {
        ""
    }
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("lotse_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Ends the session of this cookie, if any, and records it in the audit log.
pub async fn end_session(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
) -> Result<(), AppError> {
    if let Some(token) = session_token(headers) {
        let hash = token_hash(&token);
        let (now, name) = (state.now(), name.to_owned());
        state
            .store
            .run(move |c| {
                accounts::delete_session(c, &hash)?;
                audit::record(c, now, &name, "logout", "")
            })
            .await?;
    }
    Ok(())
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "staff",
    responses((status = 204, description = "logged out; the cookie is cleared")))]
pub async fn logout(
    State(state): State<AppState>,
    caller: Result<Caller, AppError>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    match caller {
        Ok(caller) => {
            let name = caller.staff()?.to_owned();
            end_session(&state, &headers, &name).await?;
        }
        // An expired or unknown session: nothing to end, but the cookie goes.
        Err(AppError::Unauthenticated) => {}
        Err(other) => return Err(other),
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, clear_session_cookie());
    Ok(response)
}
