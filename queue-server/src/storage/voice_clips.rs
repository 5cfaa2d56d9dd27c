//! Recorded voice clips: one WAV per language and clip key.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StorageError;
use super::time::{from_ms, to_ms};

/// A stored clip without its sound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClip {
    pub key: String,
    pub bytes: usize,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// Stores (or replaces) the recording of `key` in `language`.
pub fn put(
    connection: &Connection,
    language: &str,
    key: &str,
    wav: &[u8],
    now: DateTime<Utc>,
    by: &str,
) -> Result<(), StorageError> {
    connection
        .prepare_cached(
            "INSERT INTO voice_clips (language, key, wav, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (language, key) DO UPDATE
             SET wav = excluded.wav, recorded_at = excluded.recorded_at,
                 recorded_by = excluded.recorded_by",
        )?
        .execute(params![language, key, wav, to_ms(now), by])?;
    Ok(())
}

/// Removes the recording of `key` in `language`; whether there was one.
pub fn delete(connection: &Connection, language: &str, key: &str) -> Result<bool, StorageError> {
    let deleted = connection
        .prepare_cached("DELETE FROM voice_clips WHERE language = ?1 AND key = ?2")?
        .execute(params![language, key])?;
    Ok(deleted > 0)
}

/// The WAV of `key` in `language`.
pub fn wav(
    connection: &Connection,
    language: &str,
    key: &str,
) -> Result<Option<Vec<u8>>, StorageError> {
    Ok(connection
        .prepare_cached("SELECT wav FROM voice_clips WHERE language = ?1 AND key = ?2")?
        .query_row(params![language, key], |row| row.get(0))
        .optional()?)
}

/// The clips recorded for `language`, by key.
pub fn list(connection: &Connection, language: &str) -> Result<Vec<StoredClip>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT key, length(wav), recorded_at, recorded_by FROM voice_clips
         WHERE language = ?1 ORDER BY key",
    )?;
    let clips = statement
        .query_map([language], |row| {
            Ok(StoredClip {
                key: row.get(0)?,
                bytes: row.get(1)?,
                recorded_at: from_ms(row.get(2)?),
                recorded_by: row.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(clips)
}

/// Changes whenever a clip is recorded, replaced or deleted: how many there are and the
/// newest recording time.
pub fn version(connection: &Connection) -> Result<(i64, i64), StorageError> {
    Ok(connection
        .prepare_cached("SELECT COUNT(*), COALESCE(MAX(recorded_at), 0) FROM voice_clips")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?)
}

/// Every recording: language, key, WAV.
pub fn all(connection: &Connection) -> Result<Vec<(String, String, Vec<u8>)>, StorageError> {
    let mut statement = connection
        .prepare_cached("SELECT language, key, wav FROM voice_clips ORDER BY language")?;
    let clips = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(clips)
}
