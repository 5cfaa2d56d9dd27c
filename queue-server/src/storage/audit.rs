//! The audit log: who did what and when, for staff and admin actions. Written in the same
//! transaction as the action itself.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::{from_ms, to_ms};
use crate::domain::AuditAction;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

pub fn record(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: &str,
    action: AuditAction,
    detail: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![to_ms(now), actor, action.as_str(), detail],
    )?;
    Ok(())
}

/// The newest entries first.
pub fn recent(connection: &Connection, limit: i64) -> Result<Vec<Entry>, StorageError> {
    let mut statement = connection
        .prepare_cached("SELECT at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
    let rows = statement.query_map([limit], |row| {
        Ok(Entry {
            at: from_ms(row.get(0)?),
            actor: row.get(1)?,
            action: row.get(2)?,
            detail: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
