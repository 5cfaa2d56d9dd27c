//! The emergency alarm: `GET /api/v1/alarms` (the open ones the caller is shown),
//! `POST /api/v1/alarms` (raise at the session's desk), `POST /api/v1/alarms/{id}/acknowledge`
//! ("on my way") and `POST /api/v1/alarms/{id}/close` (with a note). Staff sessions only:
//! device tokens get 403.

use axum::Json;
use axum::extract::{Path, State};
use lotse_protocol::{Alarm, ApiErrorBody, CloseAlarm, Role};

use crate::auth::Caller;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::services::commands::alarm as commands;

/// A staff caller's name, role and desk; 403 for devices.
fn staff(caller: &Caller) -> Result<(String, Role, Option<String>), AppError> {
    match caller {
        Caller::Staff {
            name, role, desk, ..
        } => Ok((name.clone(), *role, desk.clone())),
        Caller::Device { .. } => Err(AppError::Forbidden),
    }
}

#[utoipa::path(get, path = "/api/v1/alarms", tag = "alarms",
    responses(
        (status = 200, body = Vec<Alarm>,
            description = "the open alarms that notify the caller, and the caller's own"),
        (status = 403, body = ApiErrorBody, description = "devices"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Alarm>>, AppError> {
    let (name, role, desk) = staff(&caller)?;
    let config = state.config.clone();
    let shown = state
        .store
        .read(move |c| {
            let person = commands::person(&config.building, &name, role, desk.as_deref());
            commands::open_for(c, &person)
        })
        .await?;
    Ok(Json(shown))
}

#[utoipa::path(post, path = "/api/v1/alarms", tag = "alarms",
    responses(
        (status = 200, body = Alarm, description = "raised: silent at the desk, loud for the responders"),
        (status = 403, body = ApiErrorBody,
            description = "devices; security and interpreter accounts; a session at no desk"),
    ))]
pub async fn raise(State(state): State<AppState>, caller: Caller) -> Result<Json<Alarm>, AppError> {
    let (name, role, desk) = staff(&caller)?;
    let (now, config) = (state.now(), state.config.clone());
    let raised = state
        .store
        .run(move |c| {
            let person = commands::person(&config.building, &name, role, desk.as_deref());
            commands::raise(c, now, &person)
        })
        .await?;
    Ok(Json(raised))
}

#[utoipa::path(post, path = "/api/v1/alarms/{id}/acknowledge", tag = "alarms",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Alarm, description = "the caller is on the way (again: unchanged)"),
        (status = 403, body = ApiErrorBody, description = "devices; the raiser"),
        (status = 404, body = ApiErrorBody, description = "no such alarm the caller is shown"),
        (status = 409, body = ApiErrorBody, description = "wrong_status: closed already"),
    ))]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Alarm>, AppError> {
    let (name, role, desk) = staff(&caller)?;
    let (now, config) = (state.now(), state.config.clone());
    let alarm = state
        .store
        .run(move |c| {
            let person = commands::person(&config.building, &name, role, desk.as_deref());
            commands::acknowledge(c, now, id, &person)
        })
        .await?;
    Ok(Json(alarm))
}

#[utoipa::path(post, path = "/api/v1/alarms/{id}/close", tag = "alarms",
    params(("id" = i64, Path)), request_body = CloseAlarm,
    responses(
        (status = 200, body = Alarm, description = "closed with the note"),
        (status = 403, body = ApiErrorBody,
            description = "devices; anyone but the raiser and supervisors"),
        (status = 404, body = ApiErrorBody, description = "no such alarm the caller is shown"),
        (status = 409, body = ApiErrorBody, description = "wrong_status: closed already"),
        (status = 422, body = ApiErrorBody, description = "invalid_input: the note's length"),
    ))]
pub async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CloseAlarm>,
) -> Result<Json<Alarm>, AppError> {
    let (name, role, desk) = staff(&caller)?;
    let (now, config) = (state.now(), state.config.clone());
    let alarm = state
        .store
        .run(move |c| {
            let person = commands::person(&config.building, &name, role, desk.as_deref());
            commands::close(c, now, id, &person, &body.note)
        })
        .await?;
    Ok(Json(alarm))
}
