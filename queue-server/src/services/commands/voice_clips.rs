//! Recording and removing voice clips (admin page): the clip row and its audit entry in one
//! transaction.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::domain::{AuditAction, DomainError};
use crate::services::ServiceError;
use crate::storage::{audit, voice_clips};

/// Stores a recording already checked by `domain::voice_clips::check_recording`.
pub fn record(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: &str,
    language: &str,
    key: &str,
    wav: &[u8],
) -> Result<(), ServiceError> {
    voice_clips::put(connection, language, key, wav, now, actor)?;
    let detail = format!("{language} {key} ({} bytes)", wav.len());
    audit::record(
        connection,
        now,
        actor,
        AuditAction::VoiceClipRecord,
        &detail,
    )?;
    Ok(())
}

/// Removes a recording so it can be made again.
pub fn delete(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: &str,
    language: &str,
    key: &str,
) -> Result<(), ServiceError> {
    if !voice_clips::delete(connection, language, key)? {
        return Err(DomainError::UnknownClip(key.to_owned()).into());
    }
    audit::record(
        connection,
        now,
        actor,
        AuditAction::VoiceClipDelete,
        &format!("{language} {key}"),
    )?;
    Ok(())
}
