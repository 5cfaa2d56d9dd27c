//! What the live summary for the county's central service reads: the lines and printers (as
//! `GET /metrics` reads them), the active alerts, the desks staffed now, the newest event and
//! the outbox's backlog.

use chrono::{DateTime, Utc};
use lotse_protocol::Alert;
use rusqlite::{Connection, params};

use super::StorageError;
use super::metrics::Readings;
use super::time::{from_ms, to_ms};

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub readings: Readings,
    pub alerts: Vec<Alert>,
    pub desks_staffed: u32,
    pub last_event_at: Option<DateTime<Utc>>,
    pub backlog: i64,
}

/// The summary at `now`; sessions idle since `idle_since` no longer staff their desk.
pub fn read(
    connection: &Connection,
    day_start: DateTime<Utc>,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Summary, StorageError> {
    let desks_staffed = connection.query_row(
        "SELECT COUNT(DISTINCT desk) FROM sessions
         WHERE desk IS NOT NULL AND expires_at > ?1 AND last_seen > ?2",
        params![to_ms(now), to_ms(idle_since)],
        |row| row.get(0),
    )?;
    let last_event_at: Option<i64> =
        connection.query_row("SELECT MAX(at) FROM events", [], |row| row.get(0))?;
    Ok(Summary {
        readings: super::metrics::read(connection, day_start)?,
        alerts: super::alerts::active(connection)?,
        desks_staffed,
        last_event_at: last_event_at.map(from_ms),
        backlog: super::central_outbox::backlog(connection)?,
    })
}
