//! `GET /api/v1/voices/{language}` and `…/{language}/{key}`: the voice clips recorded on the
//! admin page, for displays to download as a clip pack (any device token or staff session).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lotse_protocol::VoicePack;

use super::AppState;
use crate::auth::Caller;
use crate::domain::{DomainError, voice_clips as rules};
use crate::http::error::AppError;
use crate::speech::needed_clips;
use crate::storage::voice_clips;

#[utoipa::path(get, path = "/api/v1/voices/{language}", tag = "devices",
    params(("language" = String, Path, description = "a language of the building")),
    responses((status = 200, body = VoicePack), (status = 422, body = lotse_protocol::ApiErrorBody,
        description = "unknown_language")))]
pub async fn pack(
    State(state): State<AppState>,
    _caller: Caller,
    Path(language): Path<String>,
) -> Result<Json<VoicePack>, AppError> {
    let needed = needed_clips(&state.config, &language)?;
    let wanted = language.clone();
    let recorded = state
        .store
        .read(move |c| voice_clips::list(c, &wanted))
        .await?
        .into_iter()
        .map(|clip| (clip.key, clip.bytes as u64, clip.recorded_at))
        .collect::<Vec<_>>();
    Ok(Json(rules::pack(&language, &needed, &recorded)))
}

#[utoipa::path(get, path = "/api/v1/voices/{language}/{key}", tag = "devices",
    params(("language" = String, Path), ("key" = String, Path, description = "a clip key, e.g. digit.4")),
    responses((status = 200, content_type = "audio/wav", description = "the recording"),
        (status = 404, body = lotse_protocol::ApiErrorBody, description = "not needed or not recorded")))]
pub async fn clip(
    State(state): State<AppState>,
    _caller: Caller,
    Path((language, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    wav_response(&state, language, key).await
}

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
