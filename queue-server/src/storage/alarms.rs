//! The emergency alarm rows: raising, responding, closing; the open alarms with their
//! responders; the alarms of a period for the statistics.

use chrono::{DateTime, Utc};
use lotse_protocol::{Alarm, AlarmResponder};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StorageError;
use super::time::{from_ms, to_ms};

const COLUMNS: &str = "id, desk, floor, raised_by, raised_at, closed_by, closed_at, note";

fn alarm(row: &Row<'_>) -> rusqlite::Result<Alarm> {
    Ok(Alarm {
        id: row.get(0)?,
        desk: row.get(1)?,
        floor: row.get(2)?,
        raised_by: row.get(3)?,
        raised_at: from_ms(row.get(4)?),
        responders: Vec::new(),
        closed_by: row.get(5)?,
        closed_at: row.get::<_, Option<i64>>(6)?.map(from_ms),
        note: row.get(7)?,
    })
}

/// Fills in each alarm's responders, first first.
fn with_responders(
    connection: &Connection,
    mut alarms: Vec<Alarm>,
) -> Result<Vec<Alarm>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT responder, at FROM alarm_responses WHERE alarm_id = ?1 ORDER BY at, responder",
    )?;
    for alarm in &mut alarms {
        let rows = statement.query_map([alarm.id], |row| {
            Ok(AlarmResponder {
                name: row.get(0)?,
                at: from_ms(row.get(1)?),
            })
        })?;
        alarm.responders = rows.collect::<Result<_, _>>()?;
    }
    Ok(alarms)
}

/// Stores a raised alarm; returns its id.
pub fn raise(
    connection: &Connection,
    now: DateTime<Utc>,
    (desk, floor): (&str, i32),
    by: &str,
) -> Result<i64, StorageError> {
    connection.execute(
        "INSERT INTO alarms (desk, floor, raised_by, raised_at) VALUES (?1, ?2, ?3, ?4)",
        params![desk, floor, by, to_ms(now)],
    )?;
    Ok(connection.last_insert_rowid())
}

/// The alarm `id`, open or closed, with its responders.
pub fn find(connection: &Connection, id: i64) -> Result<Option<Alarm>, StorageError> {
    let found = connection
        .prepare_cached(&format!("SELECT {COLUMNS} FROM alarms WHERE id = ?1"))?
        .query_row([id], alarm)
        .optional()?;
    Ok(with_responders(connection, found.into_iter().collect())?.pop())
}

/// The open alarms, oldest first, with their responders.
pub fn open(connection: &Connection) -> Result<Vec<Alarm>, StorageError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alarms WHERE closed_at IS NULL ORDER BY id"
    ))?;
    let alarms = statement.query_map([], alarm)?.collect::<Result<_, _>>()?;
    with_responders(connection, alarms)
}

/// The alarms closed at `since` or later, newest first.
pub fn closed_since(
    connection: &Connection,
    since: DateTime<Utc>,
) -> Result<Vec<Alarm>, StorageError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alarms WHERE closed_at >= ?1 ORDER BY closed_at DESC"
    ))?;
    let alarms = statement
        .query_map([to_ms(since)], alarm)?
        .collect::<Result<_, _>>()?;
    with_responders(connection, alarms)
}

/// `by` is on the way to alarm `id`; a second acknowledgement of the same responder changes
/// nothing. Returns whether this one was new.
pub fn respond(
    connection: &Connection,
    now: DateTime<Utc>,
    id: i64,
    by: &str,
) -> Result<bool, StorageError> {
    let added = connection.execute(
        "INSERT OR IGNORE INTO alarm_responses (alarm_id, responder, at) VALUES (?1, ?2, ?3)",
        params![id, by, to_ms(now)],
    )?;
    Ok(added == 1)
}

pub fn close(
    connection: &Connection,
    now: DateTime<Utc>,
    id: i64,
    by: &str,
    note: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE alarms SET closed_by = ?2, closed_at = ?3, note = ?4
         WHERE id = ?1 AND closed_at IS NULL",
        params![id, by, to_ms(now), note],
    )?;
    Ok(())
}

/// When an alarm was raised, and how many seconds passed until its first responder
/// acknowledged it (none: nobody did).
pub type ResponseTime = (DateTime<Utc>, Option<i64>);

/// Each alarm raised in `[from, to)` with its response time.
pub fn response_times(
    connection: &Connection,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<ResponseTime>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT a.raised_at, (SELECT MIN(r.at) FROM alarm_responses r WHERE r.alarm_id = a.id)
         FROM alarms a WHERE a.raised_at >= ?1 AND a.raised_at < ?2 ORDER BY a.raised_at",
    )?;
    let rows = statement.query_map(params![to_ms(from), to_ms(to)], |row| {
        let raised: i64 = row.get(0)?;
        let first: Option<i64> = row.get(1)?;
        Ok((from_ms(raised), first.map(|at| (at - raised).max(0) / 1000)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
