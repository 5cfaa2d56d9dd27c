//! The SQL of stops at desks: find the stop a desk handles or a ticket names, write a
//! transition the domain allowed, hand a visit on; and the lines per service. No rules live
//! here: `crate::domain::stop` decides, `crate::services::commands::desk` puts the two together.

use chrono::{DateTime, Utc};
use lotse_protocol::{CallReason, DeskTicket, StopStatus};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StorageError;
use super::error::stored;
use super::time::{from_ms, to_ms};
use crate::domain::stop::{self, StopFacts, Transition};

/// A stop with the fields desk actions need.
#[derive(Debug, Clone)]
pub struct StopRow {
    pub id: i64,
    pub ticket_id: i64,
    pub number: String,
    pub service: String,
    pub status: StopStatus,
    pub recalls: u32,
    pub language: String,
    pub position: i64,
    pub finished_at: Option<DateTime<Utc>>,
    pub issued_at: i64,
    /// The desk it is at (or ended at).
    pub desk: Option<String>,
}

const STOP_COLUMNS: &str = "s.id, s.ticket_id, t.number, s.service, s.status, s.recalls,
     t.language, s.position, s.finished_at, t.issued_at, s.desk";

/// The row as read, before its status is checked.
type RawStop = (StopRow, String);

fn raw_stop(row: &Row<'_>) -> rusqlite::Result<RawStop> {
    let stop = StopRow {
        id: row.get(0)?,
        ticket_id: row.get(1)?,
        number: row.get(2)?,
        service: row.get(3)?,
        status: StopStatus::Waiting,
        recalls: row.get(5)?,
        language: row.get(6)?,
        position: row.get(7)?,
        finished_at: row.get::<_, Option<i64>>(8)?.map(from_ms),
        issued_at: row.get(9)?,
        desk: row.get(10)?,
    };
    Ok((stop, row.get(4)?))
}

fn checked((mut stop, status): RawStop) -> Result<StopRow, StorageError> {
    stop.status = stored(status, "stops", "status", stop.id)?;
    Ok(stop)
}

impl StopRow {
    pub fn facts(&self) -> StopFacts {
        StopFacts {
            status: self.status,
            recalls: self.recalls,
            finished_at: self.finished_at,
        }
    }

    pub fn desk_ticket(
        &self,
        desk: &str,
        status: StopStatus,
        reason: Option<CallReason>,
    ) -> DeskTicket {
        DeskTicket {
            desk: desk.to_owned(),
            number: self.number.clone(),
            service: self.service.clone(),
            status,
            recalls: self.recalls,
            language: self.language.clone(),
            reason,
            passed_over: Vec::new(),
        }
    }
}

/// The stop the desk is handling (called or being served).
pub fn current(connection: &Connection, desk: &str) -> Result<Option<StopRow>, StorageError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.desk = ?1 AND s.status IN ('called', 'serving')"
    );
    let raw = connection
        .prepare_cached(&sql)?
        .query_row([desk], raw_stop)
        .optional()?;
    raw.map(checked).transpose()
}

/// The ticket at the desk (called or being served), if any.
pub fn current_ticket(
    connection: &Connection,
    desk_id: &str,
) -> Result<Option<DeskTicket>, StorageError> {
    Ok(current(connection, desk_id)?.map(|stop| stop.desk_ticket(desk_id, stop.status, None)))
}

pub fn by_id(connection: &Connection, id: i64) -> Result<StopRow, StorageError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id WHERE s.id = ?1"
    );
    checked(connection.prepare_cached(&sql)?.query_row([id], raw_stop)?)
}

/// The stops of ticket `number` of `day` that are in play: waiting, parked, at a desk, or
/// a no-show; the latest first.
pub fn in_play_of_number(
    connection: &Connection,
    day: &str,
    number: &str,
) -> Result<Vec<StopRow>, StorageError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE t.day = ?1 AND t.number = ?2
           AND s.status IN ('waiting', 'called', 'serving', 'parked', 'no_show')
         ORDER BY s.position DESC, s.id DESC"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map(params![day, number], raw_stop)?;
    rows.map(|raw| checked(raw?)).collect()
}

/// Every stop of a visit, in the order of its concerns.
pub fn visit(connection: &Connection, ticket_id: i64) -> Result<Vec<StopRow>, StorageError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.ticket_id = ?1 ORDER BY s.position, s.id"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([ticket_id], raw_stop)?;
    rows.map(|raw| checked(raw?)).collect()
}

/// A waiting stop whose visit has another stop at a desk.
#[derive(Debug, Clone)]
pub struct OtherInPlay {
    /// The waiting stop, its service and ticket number.
    pub waiting: i64,
    pub service: String,
    pub number: String,
    /// The other stop's status and desk.
    pub status: StopStatus,
    pub desk: String,
}

/// Today's waiting stops whose visit has another stop at a desk (called or being served).
pub fn others_in_play(
    connection: &Connection,
    day: &str,
) -> Result<Vec<OtherInPlay>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT w.id, w.service, t.number, b.status, b.desk, b.id
         FROM stops b JOIN stops w ON w.ticket_id = b.ticket_id AND w.id != b.id
         JOIN tickets t ON t.id = b.ticket_id
         WHERE b.status IN ('called', 'serving') AND w.status = 'waiting'
           AND t.day = ?1",
    )?;
    let rows = statement.query_map([day], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, i64>(5)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (waiting, service, number, status, desk, id) = row?;
        found.push(OtherInPlay {
            waiting,
            service,
            number,
            status: stored(status, "stops", "status", id)?,
            desk: desk.unwrap_or_default(),
        });
    }
    Ok(found)
}

/// Writes a transition the domain allowed: the new status and the columns that go with it.
pub fn write(
    connection: &Connection,
    stop: &StopRow,
    desk: &str,
    step: Transition,
    now: DateTime<Utc>,
    outcome: Option<&str>,
) -> Result<(), StorageError> {
    let (id, at) = (stop.id, to_ms(now));
    let status = step.to.as_str();
    match step.to {
        StopStatus::Called if stop.status == StopStatus::Called => connection.execute(
            "UPDATE stops SET recalls = ?2, called_at = ?3 WHERE id = ?1",
            params![id, step.recalls, at],
        ),
        StopStatus::Called => connection.execute(
            "UPDATE stops SET status = ?2, desk = ?3, called_at = ?4, finished_at = NULL
             WHERE id = ?1",
            params![id, status, desk, at],
        ),
        StopStatus::Serving => connection.execute(
            "UPDATE stops SET status = ?2, started_at = ?3 WHERE id = ?1",
            params![id, status, at],
        ),
        StopStatus::Done => connection.execute(
            "UPDATE stops SET status = ?2, finished_at = ?3, outcome = ?4,
                              started_at = COALESCE(started_at, called_at)
             WHERE id = ?1",
            params![id, status, at, outcome],
        ),
        StopStatus::NoShow | StopStatus::Transferred => connection.execute(
            "UPDATE stops SET status = ?2, finished_at = ?3 WHERE id = ?1",
            params![id, status, at],
        ),
        StopStatus::Parked => connection.execute(
            "UPDATE stops SET status = ?2, desk = NULL WHERE id = ?1",
            params![id, status],
        ),
        // A concern joining its line keeps the visit's arrival time there.
        StopStatus::Waiting if stop.status == StopStatus::Pending => connection.execute(
            "UPDATE stops SET status = ?2, queued_at = ?3 WHERE id = ?1",
            params![id, status, stop.issued_at],
        ),
        StopStatus::Cancelled => connection.execute(
            "UPDATE stops SET status = ?2, finished_at = ?3 WHERE id = ?1",
            params![id, status, at],
        ),
        StopStatus::Waiting | StopStatus::Pending => connection.execute(
            "UPDATE stops SET status = ?2 WHERE id = ?1",
            params![id, status],
        ),
    }?;
    Ok(())
}

/// Stops still open (`stop::OPEN`) of tickets issued before `before`: what past days left.
pub fn open_before(
    connection: &Connection,
    before: DateTime<Utc>,
) -> Result<Vec<StopRow>, StorageError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.status IN ({}) AND t.issued_at < ?1 ORDER BY s.id",
        sql_list(&stop::OPEN)
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let raw: Vec<RawStop> = statement
        .query_map([to_ms(before)], raw_stop)?
        .collect::<Result<_, _>>()?;
    raw.into_iter().map(checked).collect()
}

/// Adds the stop a transfer creates, right after `stop` (same position, larger id), at the
/// front of its line (arrival time of the visit) or at the back (now); returns its id.
pub fn insert_transfer(
    connection: &Connection,
    stop: &StopRow,
    service: &str,
    front: bool,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let queued_at = if front { stop.issued_at } else { to_ms(now) };
    connection.execute(
        "INSERT INTO stops (ticket_id, position, service, status, queued_at, front)
         VALUES (?1, ?2, ?3, 'waiting', ?4, ?5)",
        params![stop.ticket_id, stop.position, service, queued_at, front],
    )?;
    Ok(connection.last_insert_rowid())
}

/// Stores a note for the agency a stop was handed to.
pub fn insert_note(
    connection: &Connection,
    stop_id: i64,
    agency: &str,
    author: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    connection.execute(
        "INSERT INTO notes (stop_id, agency, author, text, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![stop_id, agency, author, text, to_ms(now)],
    )?;
    Ok(())
}

/// Whether a visitor is at most at one desk (their other concerns may wait in several lines)
/// and each desk has at most one ticket; used by tests and by `check` after a crash.
pub fn invariant_violations(connection: &Connection) -> Result<Vec<String>, StorageError> {
    let mut problems = Vec::new();
    let mut statement = connection.prepare(
        "SELECT ticket_id, COUNT(*) FROM stops
         WHERE status IN ('called', 'serving')
         GROUP BY ticket_id HAVING COUNT(*) > 1",
    )?;
    for row in statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)))? {
        let (ticket, count) = row?;
        problems.push(format!("ticket {ticket} is at {count} desks"));
    }
    let mut statement = connection.prepare(
        "SELECT desk, COUNT(*) FROM stops WHERE status IN ('called', 'serving')
         GROUP BY desk HAVING COUNT(*) > 1",
    )?;
    for row in statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })? {
        let (desk, count) = row?;
        problems.push(format!("desk {desk} has {count} current tickets"));
    }
    Ok(problems)
}

/// Statuses as an SQL list: `'waiting', 'called'`.
fn sql_list(statuses: &[StopStatus]) -> String {
    statuses
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
