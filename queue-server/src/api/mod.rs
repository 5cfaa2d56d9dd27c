//! The JSON API's handlers (`/api/v1/…`, `/healthz`, `/metrics`); the state, extractors and
//! errors they use are the `http` layer's.

mod alarms;
mod alerts;
mod desks;
pub mod display;
pub mod events;
mod interpreters;
pub mod metrics;
pub mod openapi;
pub mod password;
pub mod session;
pub mod tickets;
pub mod voices;

use axum::Router;
use axum::routing::{get, post, put};

use crate::http::{AppError, AppState, anonymous_body};

/// The API's routes, for the router `http::app` composes.
pub fn routes() -> Router<AppState> {
    let api = Router::new()
        .route("/config", get(tickets::config))
        .route("/tickets", post(tickets::issue))
        .route("/tickets/{token}", get(tickets::status))
        .route(
            "/tickets/{token}/feedback",
            anonymous_body(post(tickets::feedback)),
        )
        .route("/checkins", post(tickets::check_in))
        .route("/appointments", post(tickets::import_appointments))
        .route("/devices/status", post(tickets::device_status))
        .route("/queues", get(desks::queues))
        .route("/display", get(display::snapshot))
        .route("/desks/{desk}/call-next", post(desks::call_next))
        .route("/desks/{desk}/call", post(desks::call))
        .route("/desks/{desk}/recall", post(desks::recall))
        .route("/desks/{desk}/start", post(desks::start))
        .route("/desks/{desk}/finish", post(desks::finish))
        .route("/desks/{desk}/no-show", post(desks::no_show))
        .route("/desks/{desk}/park", post(desks::park))
        .route("/desks/{desk}/resume", post(desks::resume))
        .route("/desks/{desk}/transfer", post(desks::transfer))
        .route("/desks/{desk}/interpreter", post(interpreters::request))
        .route("/interpreter-requests", get(interpreters::list))
        .route(
            "/interpreter-requests/{id}/{action}",
            post(interpreters::act),
        )
        .route("/alarms", get(alarms::list).post(alarms::raise))
        .route("/alarms/{id}/acknowledge", post(alarms::acknowledge))
        .route("/alarms/{id}/close", post(alarms::close))
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}/acknowledge", post(alerts::acknowledge))
        .route("/events", get(events::stream))
        .route("/voices/{language}", get(voices::pack))
        .route("/voices/{language}/{key}", get(voices::clip))
        .route(
            "/session",
            anonymous_body(post(session::login)).delete(session::logout),
        )
        .route("/session/password", put(password::change))
        .route("/openapi.json", get(openapi::document));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        .nest(lotse_protocol::API_PREFIX, api)
}

/// Liveness: the process answers and the storage thread runs; after a write failed for want
/// of space, only once a test write succeeds again (kiosks show "out of service" until then).
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "alive"),
    (status = 503, body = lotse_protocol::ApiErrorBody, description = "storage_full, unavailable")))]
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    if state.store.is_full() {
        state.store.probe_space().await?;
    }
    state
        .store
        .run(|connection| {
            connection.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok::<_, crate::storage::StorageError>(())
        })
        .await?;
    Ok("ok")
}
