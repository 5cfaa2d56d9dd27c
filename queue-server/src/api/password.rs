//! `PUT /api/v1/session/password`: staff change their own password, proving the current one
//! (throttled like logins, argon2id off the executor). Every session of the account ends, so
//! whoever else held one is out too. Shared with the page `/staff/password`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use lotse_protocol::{ApiErrorBody, ChangePassword};

use super::AppState;
use super::extract::ApiJson;
use super::session::{MAX_FAILURES, THROTTLE_WINDOW_SECONDS, clear_session_cookie};
use crate::auth::{Caller, MIN_PASSWORD_LENGTH, hash_password, verify_password};
use crate::error::AppError;
use crate::storage::{accounts, audit};

/// The longest password accepted (argon2 hashes any length; this bounds the work).
const MAX_PASSWORD_BYTES: usize = 1_000;

#[utoipa::path(put, path = "/api/v1/session/password", tag = "staff",
    request_body = ChangePassword,
    responses(
        (status = 204, description = "changed; every session of the account has ended and the \
            cookie is cleared: log in again with the new password"),
        (status = 400, body = ApiErrorBody, description = "malformed_request"),
        (status = 401, body = ApiErrorBody,
            description = "unauthenticated; invalid_credentials: the current password is wrong"),
        (status = 403, body = ApiErrorBody,
            description = "forbidden (a device token), csrf_rejected"),
        (status = 422, body = ApiErrorBody,
            description = "invalid_input: the new password is too short or too long"),
        (status = 429, body = ApiErrorBody, description = "too_many_attempts"),
    ))]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<ChangePassword>,
) -> Result<Response, AppError> {
    let name = caller.staff()?.to_owned();
    change_password(&state, &name, request).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, clear_session_cookie());
    Ok(response)
}

/// Checks `name`'s current password and sets the new one; ends every session of the account
/// and records the change in the audit log.
pub async fn change_password(
    state: &AppState,
    name: &str,
    request: ChangePassword,
) -> Result<(), AppError> {
    let ChangePassword {
        current_password,
        new_password,
    } = request;
    if new_password.chars().count() < MIN_PASSWORD_LENGTH || new_password.len() > MAX_PASSWORD_BYTES
    {
        return Err(AppError::InvalidInput(format!(
            "the new password must have at least {MIN_PASSWORD_LENGTH} characters \
             (and at most {MAX_PASSWORD_BYTES} bytes)"
        )));
    }
    if current_password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::InvalidCredentials);
    }
    let now = state.now();
    let since = now - Duration::seconds(THROTTLE_WINDOW_SECONDS);
    let lookup = name.to_owned();
    let (failures, record) = state
        .store
        .run(move |c| {
            Ok((
                accounts::failures_since(c, &lookup, since)?,
                accounts::login_record(c, &lookup)?,
            ))
        })
        .await?;
    // A stolen session must not become a way to guess the password.
    if failures >= MAX_FAILURES {
        return Err(AppError::TooManyAttempts);
    }
    let Some((_, _, stored)) = record else {
        return Err(AppError::Unauthenticated);
    };
    let valid = tokio::task::spawn_blocking(move || verify_password(&current_password, &stored))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !valid {
        let failed = name.to_owned();
        state
            .store
            .run(move |c| accounts::record_failure(c, &failed, now))
            .await?;
        tracing::warn!(name = %name, "wrong current password when changing it");
        return Err(AppError::InvalidCredentials);
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&new_password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let actor = name.to_owned();
    state
        .store
        .run(move |c| {
            accounts::set_password(c, &actor, &hash)?;
            audit::record(c, now, &actor, "change-password", "")
        })
        .await?;
    tracing::info!(name = %name, "staff changed their password");
    Ok(())
}
