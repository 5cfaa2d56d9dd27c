//! The JSON body of every error response.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{"error": "unknown_service", "message": "..."}`: `error` is a stable code for programs,
/// `message` is for people and may change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiErrorBody {
    pub error: String,
    pub message: String,
}
