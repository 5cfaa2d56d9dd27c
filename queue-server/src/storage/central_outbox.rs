//! The outbox of days pushed to the county's central service (README "Several buildings"):
//! every closed local day is queued once with the cells the building's own reports read for
//! it (version 1), and again once it is folded for good (version 2, the stored blob of
//! `stat_days`). Rows are sent oldest first and kept, without their cells, once the centre
//! has them, so no day is queued twice. The backlog is bounded: days beyond it are queued
//! when the backlog has drained (their cells can always be made again from the rows or the
//! stored day).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StorageError;
use super::aggregates::{self, FORMAT};
use super::time::to_ms;
use crate::config::Config;
use crate::stats::Cells;
use crate::stats::figures::Zone;

/// At most this many days wait in the outbox (about a year and a half of working days).
pub const MAX_BACKLOG: i64 = 400;

/// One day waiting to be pushed.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: i64,
    pub day: NaiveDate,
    pub version: u32,
    pub format: i64,
    pub cells: Vec<u8>,
    pub visits: u32,
    pub legs: u32,
    pub attempts: u32,
}

/// Queues the days that are due, oldest first, as far as the backlog allows: days folded for
/// good that the outbox has not had in version 2, then closed days (before `now`'s local
/// date) with visits that it has not had at all. Returns how many were queued.
pub fn enqueue_due(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    let room = MAX_BACKLOG - backlog(connection)?;
    if room <= 0 {
        return Ok(0);
    }
    let mut queued = 0;
    let folded: Vec<(String, i64, Vec<u8>, u32, u32)> = connection
        .prepare_cached(
            "SELECT day, format, cells, visits, legs FROM stat_days s
             WHERE NOT EXISTS (SELECT 1 FROM central_outbox o WHERE o.day = s.day AND o.version = 2)
             ORDER BY day LIMIT ?1",
        )?
        .query_map(params![room], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    for (day, format, cells, visits, legs) in folded {
        queued += insert(connection, &day, 2, format, &cells, visits, legs, now)?;
    }
    let room = room - i64::try_from(queued).unwrap_or(i64::MAX);
    let zone = Zone::new(config.time_zone);
    let today = zone.date(now).to_string();
    let closed: Vec<String> = connection
        .prepare_cached(
            "SELECT DISTINCT day FROM tickets t
             WHERE day < ?1 AND NOT EXISTS (SELECT 1 FROM central_outbox o WHERE o.day = t.day)
             ORDER BY day LIMIT ?2",
        )?
        .query_map(params![today, room.max(0)], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for day in closed {
        let date: NaiveDate = super::error::stored(day.clone(), "tickets", "day", 0)?;
        let cells = day_cells(connection, config, date)?;
        let visits = cells.visits.iter().map(|c| c.visits).sum();
        let legs = cells.legs.iter().map(|c| c.legs).sum();
        let blob = aggregates::encode(&cells)?;
        queued += insert(connection, &day, 1, FORMAT, &blob, visits, legs, now)?;
    }
    Ok(queued)
}

/// A day's cells folded from its visits' rows, as the building's report folds them.
fn day_cells(
    connection: &Connection,
    config: &Config,
    date: NaiveDate,
) -> Result<Cells, StorageError> {
    let zone = Zone::new(config.time_zone);
    let from = zone.day_start(date);
    let to = zone.day_start(date.succ_opt().unwrap_or(date));
    let legs = super::stats::legs(connection, from, to)?;
    let scores = super::feedback::scores(connection, from, to)?;
    Ok(Cells::fold(&legs, &scores, &config.building, &zone))
}

#[allow(clippy::too_many_arguments)]
fn insert(
    connection: &Connection,
    day: &str,
    version: u32,
    format: i64,
    cells: &[u8],
    visits: u32,
    legs: u32,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    Ok(connection.execute(
        "INSERT OR IGNORE INTO central_outbox (day, version, format, cells, visits, legs, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![day, version, format, cells, visits, legs, to_ms(now)],
    )?)
}

/// Days waiting to be pushed.
pub fn backlog(connection: &Connection) -> Result<i64, StorageError> {
    Ok(connection.query_row(
        "SELECT COUNT(*) FROM central_outbox WHERE sent_at IS NULL",
        [],
        |row| row.get(0),
    )?)
}

/// The oldest day waiting to be pushed.
pub fn oldest(connection: &Connection) -> Result<Option<Pending>, StorageError> {
    let row = connection
        .query_row(
            "SELECT id, day, version, format, cells, visits, legs, attempts FROM central_outbox
             WHERE sent_at IS NULL ORDER BY id LIMIT 1",
            [],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get::<_, Option<Vec<u8>>>(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                ))
            },
        )
        .optional()?;
    let Some((id, day, version, format, cells, visits, legs, attempts)) = row else {
        return Ok(None);
    };
    Ok(Some(Pending {
        id,
        day: super::error::stored(day, "central_outbox", "day", id)?,
        version,
        format,
        cells: cells.unwrap_or_default(),
        visits,
        legs,
        attempts,
    }))
}

/// The centre has the day: its cells are dropped, the row stays (it is not queued again).
pub fn mark_sent(connection: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE central_outbox SET sent_at = ?2, cells = NULL, last_error = NULL WHERE id = ?1",
        params![id, to_ms(now)],
    )?;
    Ok(())
}

/// The centre refused the day for good (it said why): it is not sent again, and the reason
/// stays for `doctor` and the logs.
pub fn mark_refused(
    connection: &Connection,
    id: i64,
    now: DateTime<Utc>,
    reason: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE central_outbox SET sent_at = ?2, cells = NULL, refused = ?3 WHERE id = ?1",
        params![id, to_ms(now), reason],
    )?;
    Ok(())
}

/// A try that did not reach the centre: counted, with its error, for the backoff.
pub fn mark_failed(connection: &Connection, id: i64, error: &str) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE central_outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
        params![id, error],
    )?;
    Ok(())
}
