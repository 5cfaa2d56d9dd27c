//! Interpreter requests: a desk asks for one; interpreters list the open requests of their
//! languages and accept, arrive, finish; staff cancel. Supervisors and staff list all of
//! today's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lotse_protocol::{ApiErrorBody, InterpreterRequest, RequestInterpreter, Role};

use crate::auth::Caller;
use crate::domain::interpreter::{InterpreterAction, shown_to};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::services::commands::desk::Actor;
use crate::services::commands::interpreter;
use crate::storage::interpreters;

#[utoipa::path(post, path = "/api/v1/desks/{desk}/interpreter", tag = "interpreters",
    params(("desk" = String, Path)), request_body = RequestInterpreter,
    responses(
        (status = 201, body = InterpreterRequest),
        (status = 404, body = ApiErrorBody, description = "unknown_desk, ticket_not_found"),
        (status = 409, body = ApiErrorBody,
            description = "no_current_ticket, interpreter_already_requested, service_not_served_here"),
        (status = 422, body = ApiErrorBody,
            description = "unknown_language, invalid_input (the building's default language)"),
    ))]
pub async fn request(
    State(state): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    ApiJson(body): ApiJson<RequestInterpreter>,
) -> Result<(StatusCode, Json<InterpreterRequest>), AppError> {
    let name = caller.staff_at(&state.config.building, &desk)?.to_owned();
    let (now, config) = (state.now(), state.config.clone());
    let lines = state.store.lines();
    let request = state
        .store
        .run(move |connection| {
            let actor = Actor {
                config: &config,
                now,
                desk: &desk,
                name: &name,
                lines: &lines,
            };
            interpreter::request_at_desk(connection, actor, &body)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// Staff account name and role, or 403 for devices.
fn account(caller: &Caller) -> Result<(String, Role), AppError> {
    match caller {
        Caller::Staff { name, role, .. } => Ok((name.clone(), *role)),
        Caller::Device { .. } => Err(AppError::Forbidden),
    }
}

#[utoipa::path(get, path = "/api/v1/interpreter-requests", tag = "interpreters",
    responses(
        (status = 200, body = Vec<InterpreterRequest>,
            description = "today's requests, oldest first; an interpreter sees the open ones \
            of their languages and their own"),
        (status = 403, body = ApiErrorBody, description = "devices"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<InterpreterRequest>>, AppError> {
    let (name, role) = account(&caller)?;
    let day_start = state.config.day_start(state.now());
    let requests = state
        .store
        .read(move |connection| {
            let mut requests = interpreters::today(connection, day_start)?;
            if role == Role::Interpreter {
                let languages = interpreters::languages_of(connection, &name)?;
                requests.retain(|r| shown_to(r, &name, &languages));
            }
            Ok::<_, AppError>(requests)
        })
        .await?;
    Ok(Json(requests))
}

/// What `POST /api/v1/interpreter-requests/{id}/{action}` does.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    /// An interpreter of the language takes the request (one at a time).
    Accept,
    /// The interpreter is with the visitor (the interpreter who accepted, or staff).
    Arrived,
    /// The conversation is over (the interpreter who accepted, or staff).
    Done,
    /// Staff withdraw the request.
    Cancel,
}

impl From<ActionName> for InterpreterAction {
    fn from(name: ActionName) -> InterpreterAction {
        match name {
            ActionName::Accept => InterpreterAction::Accept,
            ActionName::Arrived => InterpreterAction::Arrive,
            ActionName::Done => InterpreterAction::Finish,
            ActionName::Cancel => InterpreterAction::Cancel,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/interpreter-requests/{id}/{action}", tag = "interpreters",
    params(("id" = i64, Path), ("action" = ActionName, Path)),
    responses(
        (status = 200, body = InterpreterRequest),
        (status = 403, body = ApiErrorBody,
            description = "language_not_spoken; forbidden: accepting without an interpreter \
            account, another interpreter's request, an interpreter cancelling, staff acting on \
            a visit of other agencies"),
        (status = 404, body = ApiErrorBody, description = "unknown_interpreter_request"),
        (status = 409, body = ApiErrorBody,
            description = "wrong_status (e.g. accepted already), interpreter_busy"),
    ))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(i64, ActionName)>,
) -> Result<Json<InterpreterRequest>, AppError> {
    let Caller::Staff {
        name,
        role,
        agencies,
        ..
    } = caller
    else {
        return Err(AppError::Forbidden);
    };
    let (now, config) = (state.now(), state.config.clone());
    let action = InterpreterAction::from(action);
    let request = state
        .store
        .run(move |connection| {
            let who = (name.as_str(), role, &agencies);
            interpreter::act(connection, &config, now, (id, action), who)
        })
        .await?;
    Ok(Json(request))
}
