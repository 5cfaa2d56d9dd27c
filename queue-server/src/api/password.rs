//! `PUT /api/v1/session/password`: staff change their own password, proving the current one
//! (throttled like logins, argon2id off the executor). Every session of the account ends, so
//! whoever else held one is out too. Shared with the page `/staff/password`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use lotse_protocol::{ApiErrorBody, ChangePassword};

use crate::auth::Caller;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::http::extract::ClientAddress;
use crate::http::password::change_password;
use crate::http::session::clear_session_cookie;

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
    client: ClientAddress,
    ApiJson(request): ApiJson<ChangePassword>,
) -> Result<Response, AppError> {
    let name = caller.staff()?.to_owned();
    change_password(&state, &name, &client, request).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, clear_session_cookie());
    Ok(response)
}
