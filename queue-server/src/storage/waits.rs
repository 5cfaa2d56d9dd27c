//! The lines now: how many wait for each service and since when the longest-waiting of them
//! waits, by the statistics' rule (`stats::figures::wait_start`: a later concern or a
//! transfer placed at the front keeps the visit's arrival as its queue time, but waits only
//! from the end of the concern before). Read by the queues, `/metrics` and the alerts.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::from_ms;
use crate::stats::figures::wait_start;

/// One service's line now.
#[derive(Debug, Clone, PartialEq)]
pub struct LineNow {
    pub service: String,
    pub waiting: u64,
    /// When the longest-waiting stop of the line began to wait.
    pub since: DateTime<Utc>,
}

/// The non-empty lines, by service; only stops of `day` when given.
pub fn lines(connection: &Connection, day: Option<&str>) -> Result<Vec<LineNow>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT s.service, s.queued_at,
                (SELECT p.finished_at FROM stops p
                 WHERE p.ticket_id = s.ticket_id AND (p.position, p.id) < (s.position, s.id)
                 ORDER BY p.position DESC, p.id DESC LIMIT 1)
         FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.status = 'waiting' AND (?1 IS NULL OR t.day = ?1)
         ORDER BY s.service",
    )?;
    let rows = statement.query_map(params![day], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, Option<i64>>(2)?,
        ))
    })?;
    let mut lines: Vec<LineNow> = Vec::new();
    for row in rows {
        let (service, queued_at, previous_end) = row?;
        let since = wait_start(from_ms(queued_at), previous_end.map(from_ms));
        match lines.last_mut() {
            Some(line) if line.service == service => {
                line.waiting += 1;
                line.since = line.since.min(since);
            }
            _ => lines.push(LineNow {
                service,
                waiting: 1,
                since,
            }),
        }
    }
    Ok(lines)
}
