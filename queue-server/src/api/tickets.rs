//! Handlers for the building config, issuing tickets, the visitor status, appointments and
//! check-in.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use lotse_protocol::{
    ApiErrorBody, Building, CheckIn, GiveFeedback, ImportAppointments, ImportedAppointments,
    IssueTicket, Ticket,
};

use crate::auth::{Caller, DeviceKind, token_hash};
use crate::domain::DomainError;
use crate::domain::issuing::{Issuer, channel_of, check_request};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, credential_key};
use crate::http::visitor::{give_feedback, read_view, visitor_view};
use crate::services::commands::appointments;
use crate::services::commands::issue::{self, NewTicket};

/// The most appointments one import request may carry.
const MAX_IMPORT: usize = 5_000;

#[utoipa::path(get, path = "/api/v1/config", tag = "devices",
    responses((status = 200, body = Building), (status = 401, body = ApiErrorBody)))]
pub async fn config(State(state): State<AppState>, _caller: Caller) -> Json<Building> {
    Json(state.config.building.clone())
}

#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets",
    request_body = IssueTicket,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "a retry with the same key returns the same ticket")),
    responses(
        (status = 201, body = Ticket),
        (status = 400, body = ApiErrorBody, description = "malformed_request"),
        (status = 401, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody,
            description = "service_closed, walk_ins_full, appointment_only"),
        (status = 422, body = ApiErrorBody,
            description = "unknown_service, unknown_language, invalid_input, idempotency_key_reused"),
    ))]
pub async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<IssueTicket>,
) -> Result<(StatusCode, Json<Ticket>), AppError> {
    caller.device_or_staff(&[DeviceKind::Kiosk])?;
    let issuer = if caller.is_staff() {
        Issuer::Staff
    } else {
        Issuer::Kiosk
    };
    let channel = channel_of(issuer, request.channel, request.priority)?;
    let building = &state.config.building;
    caller.check_services(building, request.services.iter().map(String::as_str))?;
    let key = idempotency_key(&headers)?.map(|key| scoped_key(&headers, &key));
    let now = state.now();
    let config = state.config.clone();
    check_request(&config, &request, channel, now)?;
    let fingerprint = serde_json::to_string(&(&request, channel))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let staff = caller.staff().ok().map(str::to_owned);
    let issued = state
        .store
        .run(move |connection| {
            let new = NewTicket {
                services: &request.services,
                language: &request.language,
                channel,
                priority: request.priority,
                appointment_at: None,
                idempotency: key.as_deref().map(|k| (k, fingerprint)),
                interpreter: request.interpreter,
            };
            issue::issue_ticket(connection, &config, now, new, staff.as_deref())
        })
        .await?;
    let ticket = read_view(&state, issued.id, now).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// An idempotency key as stored: a hash of the key and the credential that sent it, so a
/// key means the same only to the device (or session) that chose it; another device sending
/// the same key gets a ticket of its own, never this one's.
fn scoped_key(headers: &HeaderMap, key: &str) -> String {
    stored_idempotency_key(&credential_key(headers).unwrap_or_default(), key)
}

/// What `tickets.idempotency_key` holds for `key` sent with the credential whose hash is
/// `credential` (`token_hash` of the token or session).
pub fn stored_idempotency_key(credential: &str, key: &str) -> String {
    token_hash(&format!("{credential}\n{key}"))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or_else(|| {
            AppError::InvalidInput("Idempotency-Key must be 1-128 visible ASCII characters".into())
        })?;
    Ok(Some(key.to_owned()))
}

#[utoipa::path(get, path = "/api/v1/tickets/{token}", tag = "visitors",
    params(("token" = String, Path, description = "the token from the ticket's QR code")),
    responses((status = 200, body = Ticket), (status = 404, body = ApiErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Ticket>, AppError> {
    let ticket = visitor_view(&state, token).await?;
    Ok(Json(ticket))
}

#[utoipa::path(post, path = "/api/v1/tickets/{token}/feedback", tag = "visitors",
    params(("token" = String, Path, description = "the token from the ticket's QR code")),
    request_body = GiveFeedback,
    responses(
        (status = 204, description = "stored"),
        (status = 404, body = ApiErrorBody, description = "ticket_not_found"),
        (status = 409, body = ApiErrorBody,
            description = "visit_not_finished, feedback_already_given (once per ticket)"),
        (status = 422, body = ApiErrorBody,
            description = "invalid_input: score not 1-5, comment longer than 500 characters"),
    ))]
pub async fn feedback(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(request): ApiJson<GiveFeedback>,
) -> Result<StatusCode, AppError> {
    give_feedback(&state, token, i64::from(request.score), request.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/checkins", tag = "tickets",
    request_body = CheckIn,
    responses(
        (status = 201, body = Ticket),
        (status = 403, body = ApiErrorBody,
            description = "forbidden: staff checking in another agency's appointment"),
        (status = 404, body = ApiErrorBody, description = "unknown_appointment"),
        (status = 409, body = ApiErrorBody,
            description = "appointment_too_early, appointment_expired"),
        (status = 429, body = ApiErrorBody,
            description = "too_many_attempts: too many unknown codes from this device"),
    ))]
pub async fn check_in(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CheckIn>,
) -> Result<(StatusCode, Json<Ticket>), AppError> {
    caller.device_or_staff(&[DeviceKind::Kiosk])?;
    let now = state.now();
    // Guessing codes: a device (or staff account) that failed too often waits a minute. The
    // attempt counts as a failure from here until it turns out to be none.
    let attempt = state
        .check_ins
        .begin(&caller.identity(), now)
        .ok_or(AppError::TooManyAttempts)?;
    let checked_in = check_in_code(&state, &caller, request, now).await;
    let guess = matches!(
        &checked_in,
        Err(AppError::Domain(
            DomainError::AppointmentNotFound
                | DomainError::AppointmentTooEarly(_)
                | DomainError::AppointmentExpired,
        ))
    );
    if !guess {
        state.check_ins.forget(attempt);
    }
    let ticket = read_view(&state, checked_in?, now).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn check_in_code(
    state: &AppState,
    caller: &Caller,
    request: CheckIn,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    if request.code.len() > 64 {
        return Err(DomainError::AppointmentNotFound.into());
    }
    let config = state.config.clone();
    let staff = match caller {
        Caller::Staff { name, agencies, .. } => Some((name.clone(), agencies.clone())),
        Caller::Device { .. } => None,
    };
    state
        .store
        .run(move |connection| {
            let code = (request.code.as_str(), request.language.as_deref());
            let staff = staff.as_ref().map(|(name, scope)| (name.as_str(), scope));
            appointments::check_in(connection, &config, now, code, staff)
        })
        .await
        .map_err(AppError::from)
}

#[utoipa::path(post, path = "/api/v1/appointments", tag = "booking",
    request_body = ImportAppointments,
    responses((status = 200, body = ImportedAppointments),
        (status = 403, body = ApiErrorBody,
            description = "forbidden: a service of other agencies, or a code another agency \
            imported (a code keeps its agency)"),
        (status = 422, body = ApiErrorBody)))]
pub async fn import_appointments(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<ImportAppointments>,
) -> Result<Json<ImportedAppointments>, AppError> {
    match &caller {
        Caller::Device {
            kind: DeviceKind::Booking,
            ..
        } => {}
        _ => {
            caller.at_least(lotse_protocol::Role::Supervisor)?;
        }
    }
    if request.appointments.len() > MAX_IMPORT {
        return Err(AppError::InvalidInput(format!(
            "at most {MAX_IMPORT} appointments per request"
        )));
    }
    crate::domain::appointments::check_import(&state.config, &request.appointments)?;
    let services = request.appointments.iter().map(|a| a.service.as_str());
    caller.check_services(&state.config.building, services)?;
    let (now, config) = (state.now(), state.config.clone());
    let staff = caller.staff().ok().map(str::to_owned);
    let imported = state
        .store
        .run(move |connection| {
            let list = &request.appointments;
            appointments::import(connection, &config, now, list, staff.as_deref())
        })
        .await?;
    Ok(Json(ImportedAppointments { imported }))
}

#[utoipa::path(post, path = "/api/v1/devices/status", tag = "devices",
    request_body = lotse_protocol::DeviceStatus,
    responses((status = 204, description = "stored; an event tells staff when it changed"),
        (status = 403, body = ApiErrorBody)))]
pub async fn device_status(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(status): ApiJson<lotse_protocol::DeviceStatus>,
) -> Result<StatusCode, AppError> {
    let Caller::Device {
        kind: DeviceKind::Kiosk,
        name,
    } = caller
    else {
        return Err(AppError::Forbidden);
    };
    let now = state.now();
    state
        .store
        .run(move |c| {
            crate::services::commands::devices::report_printer(c, now, &name, status.printer)
        })
        .await?;
    // A printer alert is raised (or cleared) at once rather than at the next evaluation.
    if let Err(error) = crate::evaluate_alerts(&state).await {
        tracing::warn!(%error, "cannot evaluate the live alerts");
    }
    Ok(StatusCode::NO_CONTENT)
}
