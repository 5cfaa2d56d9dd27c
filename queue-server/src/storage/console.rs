//! What staff screens read: transfer notes, parked tickets (a desk's situation is composed
//! in `services::queries::console`) and the supervisor's overview of all desks.

use chrono::{DateTime, Utc};
use lotse_protocol::DeskTicket;
use rusqlite::{Connection, params};

use super::StorageError;
use super::desks;
use super::time::{from_ms, to_ms};
use crate::config::Config;

#[derive(Debug, Clone)]
pub struct Note {
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// Today's transfer notes on ticket `number` written for `agency`. Who may read them is
/// the domain's rule (`notes::readable_agency`); this only reads them.
pub fn notes_of(
    connection: &Connection,
    day: &str,
    number: &str,
    agency: &str,
) -> Result<Vec<Note>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT n.author, n.text, n.created_at FROM notes n
         JOIN stops s ON s.id = n.stop_id JOIN tickets t ON t.id = s.ticket_id
         WHERE t.day = ?1 AND t.number = ?2 AND n.agency = ?3 ORDER BY n.id",
    )?;
    let rows = statement.query_map(params![day, number, agency], |row| {
        Ok(Note {
            author: row.get(0)?,
            text: row.get(1)?,
            at: from_ms(row.get(2)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Numbers and services of `day`'s parked tickets, in the order they were parked.
pub fn parked(connection: &Connection, day: &str) -> Result<Vec<(String, String)>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT t.number, s.service FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.status = 'parked' AND t.day = ?1 ORDER BY s.id",
    )?;
    let rows = statement.query_map([day], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One desk as the supervisor sees it.
#[derive(Debug, Clone)]
pub struct DeskOverview {
    pub desk: String,
    /// Staff whose live session sits at this desk.
    pub staff: Vec<String>,
    pub current: Option<DeskTicket>,
    /// Minutes since the desk last called, started or finished a ticket today.
    pub idle_minutes: Option<i64>,
}

pub fn overview(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<DeskOverview>, StorageError> {
    let mut staff_at = connection.prepare_cached(
        "SELECT DISTINCT u.name FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.desk = ?1 AND s.expires_at > ?2 AND u.disabled = 0 ORDER BY u.name",
    )?;
    let mut last_activity = connection.prepare_cached(
        "SELECT MAX(MAX(COALESCE(called_at, 0), COALESCE(started_at, 0), COALESCE(finished_at, 0)))
         FROM stops WHERE desk = ?1 AND called_at >= ?2",
    )?;
    let day_start = to_ms(config.day_start(now));
    let mut desks_seen = Vec::with_capacity(config.building.desks.len());
    for desk in &config.building.desks {
        let staff = staff_at
            .query_map(params![desk.id, to_ms(now)], |row| row.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        let last: Option<i64> =
            last_activity.query_row(params![desk.id, day_start], |row| row.get(0))?;
        desks_seen.push(DeskOverview {
            desk: desk.id.clone(),
            staff,
            current: desks::current_ticket(connection, &desk.id)?,
            idle_minutes: last
                .filter(|ms| *ms > 0)
                .map(|ms| (now - from_ms(ms)).num_minutes().max(0)),
        });
    }
    Ok(desks_seen)
}
