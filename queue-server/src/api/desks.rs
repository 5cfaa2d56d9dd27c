//! Handlers for desk actions (staff only) and the waiting lines.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lotse_protocol::{ApiErrorBody, CallSpecific, DeskTicket, Finish, Queues, Resume, Transfer};

use crate::auth::Caller;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::services::commands::desk::{Actor, DeskRequest};
use crate::services::queries;

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
        .read(move |connection| queries::queues::queues(connection, &config, now))
        .await?;
    Ok(Json(queues))
}

/// `?except=A-042`: call the next visitor but this one (whose interpreter has not come yet);
/// that visitor keeps their place.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct CallNextQuery {
    #[serde(default)]
    pub except: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/call-next", tag = "desks",
    params(("desk" = String, Path), CallNextQuery),
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
    Query(query): Query<CallNextQuery>,
) -> Result<Response, AppError> {
    let request = match query.except {
        Some(number) => DeskRequest::CallNextExcept(number),
        None => DeskRequest::CallNext,
    };
    Ok(match desk_command(state, caller, desk, request).await? {
        Some(ticket) => Json(ticket).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Runs a desk command for staff who may work at `desk` (the command writes the change, its
/// event and its audit entry in one transaction).
async fn desk_command(
    state: AppState,
    caller: Caller,
    desk: String,
    request: DeskRequest,
) -> Result<Option<DeskTicket>, AppError> {
    let name = caller.staff_at(&state.config.building, &desk)?.to_owned();
    let now = state.now();
    let config = state.config.clone();
    let lines = state.store.lines();
    state
        .store
        .run(move |connection| {
            let actor = Actor {
                config: &config,
                now,
                desk: &desk,
                name: &name,
                lines: &lines,
            };
            crate::services::commands::desk::run(connection, actor, request)
        })
        .await
        .map_err(AppError::from)
}

/// A desk command that always answers with the desk's ticket.
async fn desk_action(
    state: AppState,
    caller: Caller,
    desk: String,
    request: DeskRequest,
) -> Result<Json<DeskTicket>, AppError> {
    desk_command(state, caller, desk, request)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::Internal("a desk action answered nothing".into()))
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
    desk_action(state, caller, desk, DeskRequest::CallNumber(body.number)).await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/recall", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn recall(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(state, caller, desk, DeskRequest::Recall).await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/start", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(state, caller, desk, DeskRequest::Start).await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/finish", tag = "desks",
    params(("desk" = String, Path)), request_body = Finish,
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody, description = "unknown outcome")))]
pub async fn finish(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<Finish>,
) -> Result<Json<DeskTicket>, AppError> {
    let request = DeskRequest::Finish {
        outcome: body.outcome,
    };
    desk_action(state, caller, desk, request).await
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
    desk_action(state, caller, desk, DeskRequest::NoShow).await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/park", tag = "desks",
    params(("desk" = String, Path)),
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody)))]
pub async fn park(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(state, caller, desk, DeskRequest::Park).await
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
    desk_action(state, caller, desk, DeskRequest::Resume(body.number)).await
}

#[utoipa::path(post, path = "/api/v1/desks/{desk}/transfer", tag = "desks",
    params(("desk" = String, Path)), request_body = Transfer,
    responses((status = 200, body = DeskTicket), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<Transfer>,
) -> Result<Json<DeskTicket>, AppError> {
    desk_action(state, caller, desk, DeskRequest::Transfer(body)).await
}
