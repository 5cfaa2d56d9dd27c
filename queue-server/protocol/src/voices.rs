//! Voice clips recorded on the server (admin page) for languages no speech engine has;
//! displays download them as a clip pack.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The clips recorded for one language (`GET /api/v1/voices/{language}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoicePack {
    pub language: String,
    /// Every clip the language needs that has a recording.
    pub clips: Vec<VoiceClip>,
    /// Keys of the clips the language needs that nobody has recorded yet.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoiceClip {
    /// The script key, e.g. `digit.4`, `place.desk`, `phrase.0`.
    pub key: String,
    /// Size of the WAV in bytes.
    pub bytes: u64,
    pub recorded_at: DateTime<Utc>,
}
