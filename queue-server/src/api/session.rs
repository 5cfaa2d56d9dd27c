//! `POST` and `DELETE /api/v1/session`: staff log in and out over the JSON API (the login
//! itself, shared with the login page, is `http::session`).

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lotse_protocol::{ApiErrorBody, Login, SessionInfo};

use crate::auth::Caller;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ClientAddress};
use crate::http::session::{authenticate, clear_session_cookie, end_session};

#[utoipa::path(post, path = "/api/v1/session", tag = "staff",
    request_body = Login,
    responses(
        (status = 200, body = SessionInfo, description = "sets the session cookie"),
        (status = 401, body = ApiErrorBody, description = "invalid_credentials"),
        (status = 429, body = ApiErrorBody, description = "too_many_attempts"),
        (status = 503, body = ApiErrorBody, description = "busy: too many logins at once"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, AppError> {
    let (session, cookie) = authenticate(&state, &headers, &client, login).await?;
    let mut response = Json(session).into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
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
