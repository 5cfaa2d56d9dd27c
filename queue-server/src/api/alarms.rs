//! The emergency alarm: `GET /api/v1/alarms` (the open ones the caller is shown),
//! `POST /api/v1/alarms` (raise at the session's desk), `POST /api/v1/alarms/{id}/acknowledge`
//! ("on my way") and `POST /api/v1/alarms/{id}/close` (with a note). Staff sessions only:
//! device tokens get 403.

use axum::Json;
use axum::extract::{Path, State};
use lotse_protocol::{Alarm, ApiErrorBody, CloseAlarm};
use rusqlite::Connection;

use crate::auth::Caller;
use crate::domain::alarm::Person;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::services::ServiceError;
use crate::services::commands::alarm as commands;

/// Whether an alarm request changes anything (the writer) or only reads (a reader).
#[derive(Clone, Copy, PartialEq)]
enum Access {
    Read,
    Write,
}

/// Runs `work` for the staff `caller` as the alarm rules see them (name, role, the session's
/// desk and its floor); 403 for devices.
async fn as_person<R, F>(
    state: &AppState,
    caller: &Caller,
    access: Access,
    work: F,
) -> Result<R, AppError>
where
    R: Send + 'static,
    F: FnOnce(&Connection, &Person<'_>) -> Result<R, ServiceError> + Send + 'static,
{
    let Caller::Staff {
        name, role, desk, ..
    } = caller
    else {
        return Err(AppError::Forbidden);
    };
    let (name, role, desk, config) = (name.clone(), *role, desk.clone(), state.config.clone());
    let work = move |connection: &Connection| {
        let person = commands::person(&config.building, &name, role, desk.as_deref());
        work(connection, &person)
    };
    Ok(match access {
        Access::Read => state.store.read(work).await?,
        Access::Write => state.store.run(work).await?,
    })
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
    let shown = as_person(&state, &caller, Access::Read, commands::open_for).await?;
    Ok(Json(shown))
}

#[utoipa::path(post, path = "/api/v1/alarms", tag = "alarms",
    responses(
        (status = 200, body = Alarm, description = "raised: silent at the desk, loud for the responders"),
        (status = 403, body = ApiErrorBody,
            description = "devices; security and interpreter accounts; a session at no desk"),
    ))]
pub async fn raise(State(state): State<AppState>, caller: Caller) -> Result<Json<Alarm>, AppError> {
    let now = state.now();
    let raised = as_person(&state, &caller, Access::Write, move |c, person| {
        commands::raise(c, now, person)
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
    let now = state.now();
    let alarm = as_person(&state, &caller, Access::Write, move |c, person| {
        commands::acknowledge(c, now, id, person)
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
    let now = state.now();
    let alarm = as_person(&state, &caller, Access::Write, move |c, person| {
        commands::close(c, now, id, person, &body.note)
    })
    .await?;
    Ok(Json(alarm))
}
