//! The `feedback` rows: one per visit (score 1-5, the comment until its day is over).

use chrono::{DateTime, Utc};
use lotse_protocol::StopStatus;
use rusqlite::{Connection, OptionalExtension, params};

use super::StorageError;
use super::error::stored;
use super::time::{from_ms, to_ms};
use crate::stats::feedback::VisitScore;

/// A visit's stop statuses (in order) and whether its feedback was given.
pub fn visit(
    connection: &Connection,
    ticket_id: i64,
) -> Result<(Vec<StopStatus>, bool), StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT id, status FROM stops WHERE ticket_id = ?1 ORDER BY position, id",
    )?;
    let rows = statement.query_map([ticket_id], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut statuses = Vec::new();
    for row in rows {
        let (id, status) = row?;
        statuses.push(stored(status, "stops", "status", id)?);
    }
    let given = connection
        .prepare_cached("SELECT 1 FROM feedback WHERE ticket_id = ?1")?
        .query_row([ticket_id], |_| Ok(()))
        .optional()?
        .is_some();
    Ok((statuses, given))
}

pub fn insert(
    connection: &Connection,
    ticket_id: i64,
    score: u8,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    connection
        .prepare_cached(
            "INSERT INTO feedback (ticket_id, score, comment, given_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![ticket_id, score, comment, to_ms(now)])?;
    Ok(())
}

/// The scores of visits issued in `[from, to)`.
pub fn scores(
    connection: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<VisitScore>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT f.ticket_id, f.score FROM feedback f JOIN tickets t ON t.id = f.ticket_id
         WHERE t.issued_at >= ?1 AND t.issued_at < ?2",
    )?;
    let rows = statement.query_map(params![to_ms(from), to_ms(to)], |row| {
        Ok(VisitScore {
            visit: row.get(0)?,
            score: row.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A visitor's comment with the services of their visit's stops (in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub given_at: DateTime<Utc>,
    pub score: u8,
    pub text: String,
    pub services: Vec<String>,
}

/// Every comment still kept (retention deletes them when their day is over), newest first.
pub fn comments(connection: &Connection) -> Result<Vec<Comment>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT f.given_at, f.score, f.comment, group_concat(s.service, char(31))
         FROM feedback f JOIN stops s ON s.ticket_id = f.ticket_id
         WHERE f.comment IS NOT NULL
         GROUP BY f.id
         ORDER BY f.given_at DESC, f.id DESC",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(Comment {
            given_at: from_ms(row.get(0)?),
            score: row.get(1)?,
            text: row.get(2)?,
            services: row
                .get::<_, String>(3)?
                .split('\u{1f}')
                .map(str::to_owned)
                .collect(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
