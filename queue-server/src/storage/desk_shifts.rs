//! When desks were staffed (desk utilisation), with no account: a shift is a desk, a start
//! and an end. A session's open shift is its `desk` since `desk_since`; it is written to
//! `desk_shifts` when the session leaves the desk: on choosing another desk or none and on
//! logout (ending now), and when the session ends without logout: idle timeout, expiry, the
//! account disabled or its password changed (ending at the session's last activity, its
//! `last_seen`, at most its expiry). Sessions outlive a restart; the purge at start writes
//! the shifts of sessions that ended while the server was down, at their last activity.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Params, params};

use super::StorageError;
use super::time::{from_ms, to_ms};
use crate::stats::staffing::Shift;

/// Where a shift ends when its session ended without leaving the desk: the last activity.
const LAST_ACTIVITY: &str = "MIN(last_seen, expires_at)";

/// Writes the open shifts of the sessions `which` selects, ending at `end` (SQL over the
/// session's columns or a parameter), never before they started.
fn record(
    connection: &Connection,
    end: &str,
    which: &str,
    values: impl Params,
) -> Result<usize, StorageError> {
    let sql = format!(
        "INSERT INTO desk_shifts (desk, started_at, ended_at)
         SELECT desk, desk_since, MAX(desk_since, {end}) FROM sessions
         WHERE desk IS NOT NULL AND desk_since IS NOT NULL AND ({which})"
    );
    Ok(connection.prepare_cached(&sql)?.execute(values)?)
}

/// The session leaves its desk now (another desk, no desk, logout).
pub fn leave_desk(
    connection: &Connection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    record(
        connection,
        "?2",
        "token_hash = ?1",
        params![token_hash, to_ms(now)],
    )
}

/// The sessions that expired or were idle since `idle_since` (about to be deleted).
pub fn end_ended(
    connection: &Connection,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<usize, StorageError> {
    record(
        connection,
        LAST_ACTIVITY,
        "expires_at <= ?1 OR last_seen <= ?2",
        params![to_ms(now), to_ms(idle_since)],
    )
}

/// The sessions of an account (disabled or its password changed; about to be deleted).
pub fn end_of_account(connection: &Connection, name: &str) -> Result<usize, StorageError> {
    record(
        connection,
        LAST_ACTIVITY,
        "user_id = (SELECT id FROM users WHERE name = ?1)",
        [name],
    )
}

/// The shifts that overlap `[from, to)`: those written, and the open ones of sessions at a
/// desk, which count until `now` while the session lives (not expired, used after
/// `idle_since`) and otherwise until its last activity.
pub fn shifts(
    connection: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Vec<Shift>, StorageError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT desk, started_at, ended_at FROM desk_shifts
         WHERE ended_at > ?1 AND started_at < ?2
         UNION ALL
         SELECT desk, desk_since, MAX(desk_since,
                CASE WHEN expires_at > ?3 AND last_seen > ?4 THEN ?3 ELSE {LAST_ACTIVITY} END)
         FROM sessions WHERE desk IS NOT NULL AND desk_since IS NOT NULL AND desk_since < ?2"
    ))?;
    let rows = statement.query_map(
        params![to_ms(from), to_ms(to), to_ms(now), to_ms(idle_since)],
        |row| {
            Ok(Shift {
                desk: row.get(0)?,
                started_at: from_ms(row.get(1)?),
                ended_at: from_ms(row.get(2)?),
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes a finished shift (the demo history).
pub fn add(connection: &Connection, shift: &Shift) -> Result<(), StorageError> {
    connection
        .prepare_cached("INSERT INTO desk_shifts (desk, started_at, ended_at) VALUES (?1, ?2, ?3)")?
        .execute(params![
            shift.desk,
            to_ms(shift.started_at),
            to_ms(shift.ended_at)
        ])?;
    Ok(())
}
