//! Live alerts: `GET /api/v1/alerts` (the active ones the caller is shown, for pages loading
//! fresh) and `POST /api/v1/alerts/{id}/acknowledge` (supervisors and admins for their
//! agencies' lines, staff for the lines of their desk; kiosk printers for all).

use axum::Json;
use axum::extract::{Path, State};
use lotse_protocol::{Alert, ApiErrorBody, Role};

use crate::auth::{AgencyScope, Caller};
use crate::domain::alerts::{Audience, desk_services, shown_to};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::commands::alerts::{acknowledge as acknowledge_alert, subject};
use crate::storage::alerts;

/// A staff caller's name, role, agencies and desk; 403 for devices and interpreters.
fn staff(caller: &Caller) -> Result<(String, Role, AgencyScope, Option<String>), AppError> {
    match caller {
        Caller::Staff {
            name,
            role,
            agencies,
            desk,
        } if *role >= Role::Staff => Ok((name.clone(), *role, agencies.clone(), desk.clone())),
        _ => Err(AppError::Forbidden),
    }
}

#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts",
    responses(
        (status = 200, body = Vec<Alert>,
            description = "the active alerts shown to the caller, oldest first"),
        (status = 403, body = ApiErrorBody, description = "devices, interpreters"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Alert>>, AppError> {
    let (_, role, agencies, desk) = staff(&caller)?;
    let active = state.store.read(alerts::active).await?;
    let audience = Audience::of(
        role,
        &agencies,
        desk_services(&state.config.building, desk.as_deref()),
    );
    let building = &state.config.building;
    Ok(Json(
        active
            .into_iter()
            .filter(|a| shown_to(building, &subject(a), audience))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Alert,
            description = "the alert, acknowledged (again: unchanged, with who did first)"),
        (status = 403, body = ApiErrorBody,
            description = "devices, interpreters; an alert of a line the caller is not shown"),
        (status = 404, body = ApiErrorBody, description = "not_found: no such active alert"),
    ))]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Alert>, AppError> {
    let (name, role, agencies, desk) = staff(&caller)?;
    let (now, config) = (state.now(), state.config.clone());
    let alert = state
        .store
        .run(move |c| {
            let services = desk_services(&config.building, desk.as_deref());
            let audience = Audience::of(role, &agencies, services);
            acknowledge_alert(c, &config, now, id, &name, audience)
        })
        .await?;
    Ok(Json(alert))
}
