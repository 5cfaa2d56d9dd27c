//! `GET /api/v1/voices/{language}` and `…/{language}/{key}`: the voice clips recorded on the
//! admin page, for displays to download as a clip pack (any device token or staff session).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use lotse_protocol::VoicePack;

use crate::auth::Caller;
use crate::domain::voice_clips as rules;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::wav::wav_response;
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
