//! A display's snapshot (today's calls of its zone and the waiting lines), shared by
//! `GET /api/v1/display` and the browser display.

use lotse_protocol::DisplaySnapshot;

use super::AppState;
use crate::http::error::AppError;
use crate::services::queries::queues::queues;
use crate::storage::display;

/// Calls in a snapshot unless the client asks for another number.
pub const DEFAULT_CALLS: u32 = 12;

const MAX_CALLS: u32 = 50;

/// The snapshot for `zone`; an unknown zone is an error rather than an empty board.
pub async fn load(
    state: &AppState,
    zone: Option<String>,
    limit: Option<u32>,
) -> Result<DisplaySnapshot, AppError> {
    let zone = zone.filter(|z| !z.is_empty());
    if let Some(zone) = &zone
        && !state.config.building.desks.iter().any(|d| &d.zone == zone)
    {
        return Err(AppError::InvalidInput(format!(
            "no desk is in zone \"{zone}\""
        )));
    }
    let limit = limit.unwrap_or(DEFAULT_CALLS).clamp(1, MAX_CALLS) as usize;
    let (now, config) = (state.now(), state.config.clone());
    state
        .store
        .read(move |connection| {
            let (last_event_id, calls) =
                display::calls(connection, &config, now, zone.as_deref(), limit)?;
            Ok(DisplaySnapshot {
                last_event_id,
                calls,
                queues: queues(connection, &config, now)?,
            })
        })
        .await
}
