//! The SQL of interpreter requests: write one, change its status, list today's, count them;
//! and the languages of interpreter accounts. The rules are `crate::domain::interpreter`.

use chrono::{DateTime, Utc};
use lotse_protocol::{InterpreterRequest, InterpreterSource, InterpreterStatus};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StorageError;
use super::error::stored;
use super::time::{from_ms, to_ms};

/// A new request.
pub struct NewRequest<'a> {
    pub ticket_id: i64,
    pub language: &'a str,
    pub source: InterpreterSource,
    /// The desk that asked, for a desk's request.
    pub desk: Option<&'a str>,
    /// The staff account that asked.
    pub requested_by: Option<&'a str>,
}

pub fn insert(
    connection: &Connection,
    new: &NewRequest<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    connection.execute(
        "INSERT INTO interpreter_requests
             (ticket_id, language, status, source, desk, requested_by, requested_at)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6)",
        params![
            new.ticket_id,
            new.language,
            new.source.as_str(),
            new.desk,
            new.requested_by,
            to_ms(now)
        ],
    )?;
    Ok(connection.last_insert_rowid())
}

/// The live (open, accepted or arrived) request of a visit, if any.
pub fn live_of_ticket(
    connection: &Connection,
    ticket_id: i64,
) -> Result<Option<InterpreterRequest>, StorageError> {
    let sql = format!("{SELECT} WHERE r.ticket_id = ?1 AND r.status IN {LIVE}");
    let raw = connection
        .prepare_cached(&sql)?
        .query_row([ticket_id], raw_request)
        .optional()?;
    raw.map(checked).transpose()
}

/// The live request of ticket `number` of `day`, if any.
pub fn live_of_number(
    connection: &Connection,
    day: &str,
    number: &str,
) -> Result<Option<InterpreterRequest>, StorageError> {
    let sql = format!("{SELECT} WHERE t.day = ?1 AND t.number = ?2 AND r.status IN {LIVE}");
    let raw = connection
        .prepare_cached(&sql)?
        .query_row(params![day, number], raw_request)
        .optional()?;
    raw.map(checked).transpose()
}

/// The live requests made before `before`: what past days left open.
pub fn live_before(
    connection: &Connection,
    before: DateTime<Utc>,
) -> Result<Vec<InterpreterRequest>, StorageError> {
    let sql = format!("{SELECT} WHERE r.requested_at < ?1 AND r.status IN {LIVE} ORDER BY r.id");
    let mut statement = connection.prepare_cached(&sql)?;
    let raw: Vec<Raw> = statement
        .query_map([to_ms(before)], raw_request)?
        .collect::<Result<_, _>>()?;
    raw.into_iter().map(checked).collect()
}

pub fn by_id(connection: &Connection, id: i64) -> Result<Option<InterpreterRequest>, StorageError> {
    let sql = format!("{SELECT} WHERE r.id = ?1");
    let raw = connection
        .prepare_cached(&sql)?
        .query_row([id], raw_request)
        .optional()?;
    raw.map(checked).transpose()
}

/// The services of the visit a request is for (every concern of its ticket).
pub fn services_of_request(connection: &Connection, id: i64) -> Result<Vec<String>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT s.service FROM stops s JOIN interpreter_requests r ON r.ticket_id = s.ticket_id
         WHERE r.id = ?1 ORDER BY s.position",
    )?;
    let services = statement
        .query_map([id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(services)
}

/// Writes a status the domain allowed, with its time and (on accepting) the interpreter.
pub fn write(
    connection: &Connection,
    id: i64,
    to: InterpreterStatus,
    interpreter: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let at = to_ms(now);
    let status = to.as_str();
    match to {
        InterpreterStatus::Accepted => connection.execute(
            "UPDATE interpreter_requests SET status = ?2, interpreter = ?3, accepted_at = ?4
             WHERE id = ?1",
            params![id, status, interpreter, at],
        ),
        InterpreterStatus::Arrived => connection.execute(
            "UPDATE interpreter_requests SET status = ?2, arrived_at = ?3 WHERE id = ?1",
            params![id, status, at],
        ),
        InterpreterStatus::Done | InterpreterStatus::Cancelled => connection.execute(
            "UPDATE interpreter_requests SET status = ?2, finished_at = ?3 WHERE id = ?1",
            params![id, status, at],
        ),
        InterpreterStatus::Open => connection.execute(
            "UPDATE interpreter_requests SET status = ?2 WHERE id = ?1",
            params![id, status],
        ),
    }?;
    Ok(())
}

/// Whether `interpreter` has an accepted or arrived request.
pub fn is_busy(connection: &Connection, interpreter: &str) -> Result<bool, StorageError> {
    Ok(connection
        .prepare_cached(
            "SELECT 1 FROM interpreter_requests
             WHERE interpreter = ?1 AND status IN ('accepted', 'arrived') LIMIT 1",
        )?
        .query_row([interpreter], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Today's requests (of the building's day starting at `day_start`), oldest first.
pub fn today(
    connection: &Connection,
    day_start: DateTime<Utc>,
) -> Result<Vec<InterpreterRequest>, StorageError> {
    let sql = format!("{SELECT} WHERE r.requested_at >= ?1 ORDER BY r.requested_at, r.id");
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([to_ms(day_start)], raw_request)?;
    let mut requests = Vec::new();
    for row in rows {
        requests.push(checked(row?)?);
    }
    Ok(requests)
}

/// The languages an account interprets.
pub fn languages_of(connection: &Connection, name: &str) -> Result<Vec<String>, StorageError> {
    let text: Option<String> = connection
        .prepare_cached("SELECT languages FROM users WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?;
    Ok(split_languages(text.as_deref().unwrap_or("")))
}

/// Sets the languages an account interprets; `false` when there is no such account.
pub fn set_languages(
    connection: &Connection,
    name: &str,
    languages: &[String],
) -> Result<bool, StorageError> {
    let changed = connection.execute(
        "UPDATE users SET languages = ?2 WHERE name = ?1",
        params![name, languages.join(",")],
    )?;
    Ok(changed > 0)
}

/// Stored languages: comma-separated codes.
pub fn split_languages(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Where the visitor is: the desk they are at, else the desk that asked.
const SELECT: &str = "SELECT r.id, t.number, r.language, r.status, r.source,
        COALESCE((SELECT s.desk FROM stops s WHERE s.ticket_id = r.ticket_id
                  AND s.status IN ('called', 'serving') LIMIT 1), r.desk),
        r.requested_at, r.interpreter, r.accepted_at, r.arrived_at, r.finished_at
     FROM interpreter_requests r JOIN tickets t ON t.id = r.ticket_id";

const LIVE: &str = "('open', 'accepted', 'arrived')";

type Raw = (InterpreterRequest, String, String);

fn raw_request(row: &Row<'_>) -> rusqlite::Result<Raw> {
    let request = InterpreterRequest {
        id: row.get(0)?,
        number: row.get(1)?,
        language: row.get(2)?,
        status: InterpreterStatus::Open,
        source: InterpreterSource::Kiosk,
        desk: row.get(5)?,
        requested_at: from_ms(row.get(6)?),
        interpreter: row.get(7)?,
        accepted_at: row.get::<_, Option<i64>>(8)?.map(from_ms),
        arrived_at: row.get::<_, Option<i64>>(9)?.map(from_ms),
        finished_at: row.get::<_, Option<i64>>(10)?.map(from_ms),
    };
    Ok((request, row.get(3)?, row.get(4)?))
}

fn checked((mut request, status, source): Raw) -> Result<InterpreterRequest, StorageError> {
    let id = request.id;
    request.status = stored(status, "interpreter_requests", "status", id)?;
    request.source = stored(source, "interpreter_requests", "source", id)?;
    Ok(request)
}

/// Today's finished visits: the visitor's language, the desk, and whether an interpreter
/// arrived for the visit.
pub fn served_today(
    connection: &Connection,
    day: &str,
) -> Result<Vec<crate::domain::language_stats::Served>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT t.language, s.desk, EXISTS (
                SELECT 1 FROM interpreter_requests r
                WHERE r.ticket_id = t.id AND r.arrived_at IS NOT NULL)
         FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE t.day = ?1 AND s.status = 'done'",
    )?;
    let rows = statement.query_map([day], |row| {
        Ok(crate::domain::language_stats::Served {
            language: row.get(0)?,
            desk: row.get(1)?,
            interpreter: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Today's waiting visitors per service and language.
pub fn waiting_by_language(
    connection: &Connection,
    day: &str,
) -> Result<Vec<(String, String, u32)>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT s.service, t.language, COUNT(*) FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE t.day = ?1 AND s.status = 'waiting'
         GROUP BY s.service, t.language ORDER BY s.service, COUNT(*) DESC, t.language",
    )?;
    let rows = statement.query_map([day], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
