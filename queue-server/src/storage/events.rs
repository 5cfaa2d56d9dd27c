//! The event log: every change is appended in the same transaction as the change itself.

use chrono::{DateTime, Utc};
use lotse_protocol::{Change, Event};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::{from_ms, to_ms};

pub fn record(
    connection: &Connection,
    now: DateTime<Utc>,
    change: &Change,
) -> Result<(), StorageError> {
    let body = serde_json::to_string(change)?;
    connection.execute(
        "INSERT INTO events (at, body) VALUES (?1, ?2)",
        params![to_ms(now), body],
    )?;
    Ok(())
}

/// Events with an id greater than `after` that happened at `since` or later, oldest first,
/// at most `limit`.
pub fn after(
    connection: &Connection,
    after: i64,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Event>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT id, at, body FROM events WHERE id > ?1 AND at >= ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = statement.query_map(params![after, to_ms(since), limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut events = Vec::new();
    for row in rows {
        let (id, at, body) = row?;
        match serde_json::from_str::<Change>(&body) {
            Ok(change) => events.push(Event {
                id,
                at: from_ms(at),
                change,
            }),
            Err(error) => tracing::error!(id, %error, "skipping unreadable event"),
        }
    }
    Ok(events)
}

pub fn last_id(connection: &Connection) -> Result<i64, StorageError> {
    Ok(
        connection.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |row| {
            row.get(0)
        })?,
    )
}
