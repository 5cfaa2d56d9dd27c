//! A WAV answer (a voice clip or a spoken call), for the API and the pages.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::domain::DomainError;
use crate::http::error::AppError;
use crate::speech::needed_clips;
use crate::storage::voice_clips;

/// The stored WAV of a needed clip (also played on the admin page).
pub async fn wav_response(
    state: &AppState,
    language: String,
    key: String,
) -> Result<Response, AppError> {
    let needed = needed_clips(&state.config, &language)?;
    if !needed.iter().any(|clip| clip.key == key) {
        return Err(DomainError::UnknownClip(key).into());
    }
    let wanted = key.clone();
    let wav = state
        .store
        .read(move |c| voice_clips::wav(c, &language, &wanted))
        .await?
        .ok_or(DomainError::UnknownClip(key))?;
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav"),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        wav,
    )
        .into_response())
}
