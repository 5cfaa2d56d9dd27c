//! The building a push comes from: its bearer token (only the SHA-256 is configured) must
//! belong to the building the path names, or the push is refused before its body is read
//! (401 without a known token, 403 for another building's path).

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use lotse_queue_server::auth::token_hash;

use crate::error::CentralError;
use crate::state::CentralState;

/// The id of the building that pushes (the path's `{building}`, matched by the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushingBuilding(pub String);

/// The bearer token of a request, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<CentralState> for PushingBuilding {
    type Rejection = CentralError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &CentralState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(CentralError::Unauthenticated)?;
        let building = state
            .config
            .building_of_token(&token_hash(token))
            .ok_or(CentralError::Unauthenticated)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| CentralError::NotFound)?;
        if params.get("building") != Some(&building.id) {
            return Err(CentralError::Forbidden);
        }
        Ok(PushingBuilding(building.id.clone()))
    }
}
