//! `GET /api/v1/openapi.json`: the OpenAPI document, generated from the handlers' annotations
//! and the protocol crate's types.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lotse queue server",
        description = "Tickets, desks, appointments and live events \
        for a building where several agencies share one lobby. Errors are `{error, message}` \
        with a stable `error` code. Devices authenticate with `Authorization: Bearer <token>`, \
        staff with the session cookie from `POST /api/v1/session`; with the cookie, every request \
        that changes something must also send the session's `csrf_token` as `X-CSRF-Token` \
        (else 403 `csrf_rejected`)."
    ),
    paths(
        super::healthz,
        super::tickets::config,
        super::tickets::issue,
        super::tickets::status,
        super::tickets::check_in,
        super::tickets::import_appointments,
        super::tickets::device_status,
        super::desks::queues,
        super::display::snapshot,
        super::desks::call_next,
        super::desks::call,
        super::desks::recall,
        super::desks::start,
        super::desks::finish,
        super::desks::no_show,
        super::desks::park,
        super::desks::resume,
        super::desks::transfer,
        super::events::stream,
        super::session::login,
        super::session::logout,
        document,
    )
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "this document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
