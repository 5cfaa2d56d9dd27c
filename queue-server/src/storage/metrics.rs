//! The SQL of `GET /metrics`: the lines now, today's counts, the kiosks' printers.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::to_ms;

/// One service's line now.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub service: String,
    pub waiting: u64,
    /// Since when the longest-waiting stop waits (`storage::waits`).
    pub oldest: Option<DateTime<Utc>>,
}

/// What the metrics read from the database.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Readings {
    pub lines: Vec<Line>,
    pub issued_today: u64,
    pub called_today: u64,
    /// Kiosk name and its printer's last reported state (none: never reported).
    pub printers: Vec<(String, Option<String>)>,
}

pub fn read(connection: &Connection, day_start: DateTime<Utc>) -> Result<Readings, StorageError> {
    let lines = super::waits::lines(connection, None)?
        .into_iter()
        .map(|line| Line {
            service: line.service,
            waiting: line.waiting,
            oldest: line.since,
        })
        .collect();
    let since = to_ms(day_start);
    let issued_today = connection.query_row(
        "SELECT COUNT(*) FROM tickets WHERE issued_at >= ?1",
        params![since],
        |row| row.get(0),
    )?;
    let called_today = connection.query_row(
        "SELECT COUNT(*) FROM stops WHERE called_at >= ?1",
        params![since],
        |row| row.get(0),
    )?;
    let mut printers = connection.prepare_cached(
        "SELECT name, printer FROM devices WHERE kind = 'kiosk' AND revoked_at IS NULL
         ORDER BY name",
    )?;
    let printers = printers
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Readings {
        lines,
        issued_today,
        called_today,
        printers,
    })
}
