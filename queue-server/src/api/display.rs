//! `GET /api/v1/display`: the snapshot a call display starts from.

use axum::Json;
use axum::extract::{Query, State};
use lotse_protocol::{ApiErrorBody, DisplayQuery, DisplaySnapshot};

use crate::auth::Caller;
use crate::http::AppState;
use crate::http::display::load;
use crate::http::error::AppError;

#[utoipa::path(get, path = "/api/v1/display", tag = "devices",
    params(DisplayQuery),
    responses(
        (status = 200, body = DisplaySnapshot),
        (status = 401, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody, description = "invalid_input: unknown zone"),
    ))]
pub async fn snapshot(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<DisplayQuery>,
) -> Result<Json<DisplaySnapshot>, AppError> {
    Ok(Json(load(&state, query.zone, query.limit).await?))
}
