//! `GET /display/announcement/{event_id}?zone=…`: the spoken call for the browser display, as
//! a WAV (the gong, then the call in German and the ticket's language), rendered with the same
//! `lotse-voices` crate as the wall display, so a TV needs nothing installed. 204 when the
//! call is not in the display's zone; 404 when the event is not a call.
//!
//! The voices (espeak-ng; for the other languages the clips recorded on the admin page) are
//! loaded on first use and keep their phrase cache (`speech::announcer`); rendering runs on
//! a blocking thread because the engine is a child process.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lotse_voices::speaker::compose;
use lotse_voices::{SpeechConfig, chime};
use serde::Deserialize;

use crate::auth::Caller;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::storage::events;

/// The gong's volume in the browser (the TV's own volume does the rest).
const GONG_VOLUME: u8 = 70;

#[derive(Debug, Deserialize)]
pub struct AnnouncementQuery {
    #[serde(default)]
    zone: Option<String>,
}

pub async fn wav(
    State(state): State<AppState>,
    Path(event_id): Path<i64>,
    Query(query): Query<AnnouncementQuery>,
    _caller: Caller,
) -> Result<Response, AppError> {
    // Only today's calls are spoken (the event log of past days is not replayed either).
    let today = state.config.day_start(state.now());
    let found = state
        .store
        .read(move |connection| {
            Ok::<_, AppError>(events::after(
                connection,
                event_id.saturating_sub(1),
                today,
                1,
            )?)
        })
        .await?;
    let event = found
        .into_iter()
        .find(|e| e.id == event_id)
        .ok_or(AppError::NotFound)?;
    let call = lotse_voices::call(&event, &state.config.building).ok_or(AppError::NotFound)?;
    if let Some(zone) = query.zone.filter(|z| !z.is_empty())
        && zone != call.zone
    {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let announcer = crate::speech::announcer(&state.store).await?;
    let wav = tokio::task::spawn_blocking(move || {
        let languages = SpeechConfig::default().languages_for(call.language.as_deref());
        let voice = announcer.announce(&languages, &call.spoken);
        compose(Some(&chime(GONG_VOLUME)), &voice).to_wav()
    })
    .await
    .map_err(|error| AppError::Internal(format!("announcement: {error}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        wav,
    )
        .into_response())
}
