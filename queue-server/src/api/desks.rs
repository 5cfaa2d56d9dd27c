//! Handlers for desk actions (staff only) and the waiting lines.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lotse_protocol::{ApiErrorBody, CallSpecific, DeskTicket, Finish, Queues, Resume, Transfer};

use super::AppState;
use super::extract::ApiJson;
use crate::auth::Caller;
use crate::error::AppError;
use crate::storage::{audit, desks};

#[utoipa::path(get, path = "/api/v1/queues", tag = "devices",
    responses((status = 200, body = Queues), (status = 401, body = ApiErrorBody)))]
pub async fn queues(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Queues>, AppError> {
    let now = state.now();
    let config = state.config.clone();
    let queues = state
        .store
        .run(move |connection| desks::queues(connection, &config, now))
        .await?;
    Ok(Json(queues))
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/call-next", tag = "desks",
    params(("desk" = String, Path)),
    responses(
        (status = 200, body = DeskTicket, description = "called; `reason` says why this one"),
        (status = 204, description = "nobody is waiting for this desk"),
        (status = 404, body = ApiErrorBody, description = "unknown_desk"),
        (status = 409, body = ApiErrorBody, description = "desk_busy"),
    ))]
pub async fn call_next(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Response, AppError> {
    let author = caller.staff_at(&state.config.building, &desk)?.to_owned();
    let now = state.now();
    let config = state.config.clone();
    let called = state
        .store
        .run(move |connection| {
            let called = desks::call_next(connection, &config, now, &desk)?;
            if let Some(ticket) = &called {
                let detail = format!("desk {desk} ticket {}", ticket.number);
                audit::record(connection, now, &author, "call-next", &detail)?;
            }
            Ok(called)
        })
        .await?;
    Ok(match called {
        Some(ticket) => Json(ticket).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Runs a desk action for staff who may work at `desk`, records it in the audit log in the
/// same transaction, and answers with the desk's ticket. The action gets the desk and the
/// author.
async fn desk_action<F>(
    state: AppState,
    caller: Caller,
    desk: String,
    name: &'static str,
    action: F,
) -> Result<Json<DeskTicket>, AppError>
where
    F: FnOnce(
            &rusqlite::Connection,
            &crate::config::Config,
            chrono::DateTime<chrono::Utc>,
            &str,
            &str,
        ) -> Result<DeskTicket, AppError>
        + Send
        + 'static,
{
    let author = caller.staff_at(&state.config.building, &desk)?.to_owned();
    let now = state.now();
    let config = state.config.clone();
    let ticket = state
        .store
        .run(move |connection| {
            let ticket = action(connection, &config, now, &desk, &author)?;
            let detail = format!("desk {} ticket {}", ticket.desk, ticket.number);
            audit::record(connection, now, &author, name, &detail)?;
            Ok(ticket)
        })
        .await?;
    Ok(Json(ticket))
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/call", tag = "desks",
    params(("desk" = String, Path)), request_body = CallSpecific,
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody,
        description = "desk_busy, ticket_at_other_desk, reactivation_window_passed, service_not_served_here")))]
pub async fn call(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<CallSpecific>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(
        state,
        caller,
        desk,
        "call",
        move |c, config, now, desk, _| desks::call_number(c, config, now, desk, &body.number),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/recall", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn recall(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(
        state,
        caller,
        desk,
        "recall",
        move |c, config, now, desk, _| desks::recall(c, config, now, desk),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/start", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(
        state,
        caller,
        desk,
        "start",
        move |c, config, now, desk, _| desks::start(c, config, now, desk),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/finish", tag = "desks",
    params(("desk" = String, Path)), request_body = Finish,
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn finish(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<Finish>,
) -> Result<Json<DeskTicket>, AppError> {
    if body.outcome.as_ref().is_some_and(|o| o.len() > 64) {
        return Err(AppError::InvalidInput(
            "outcome is at most 64 characters".into(),
        ));
    }
    desk_action(
        state,
        caller,
        desk,
        "finish",
        move |c, config, now, desk, _| desks::finish(c, config, now, desk, body.outcome.as_deref()),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/no-show", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody,
        description = "recalls_required")))]
pub async fn no_show(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(
        state,
        caller,
        desk,
        "no-show",
        move |c, config, now, desk, _| desks::no_show(c, config, now, desk),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/park", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn park(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(
        state,
        caller,
        desk,
        "park",
        move |c, config, now, desk, _| desks::park(c, config, now, desk),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/resume", tag = "desks",
    params(("desk" = String, Path)), request_body = Resume,
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<Resume>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(
        state,
        caller,
        desk,
        "resume",
        move |c, config, now, desk, _| desks::resume(c, config, now, desk, &body.number),
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/transfer", tag = "desks",
    params(("desk" = String, Path)), request_body = Transfer,
    responses((status = 200, body = DeskTicket), (status = 422, body = ApiErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<Transfer>,
) -> Result<Json<DeskTicket>, AppError> {
    if body.note.as_ref().is_some_and(|n| n.len() > 2_000) {
        return Err(AppError::InvalidInput(
            "the note is at most 2000 characters".into(),
        ));
    }
    desk_action(
        state,
        caller,
        desk,
        "transfer",
        move |c, config, now, desk, author| desks::transfer(c, config, now, desk, &body, author),
    )
    .await
}
