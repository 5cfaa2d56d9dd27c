//! The lines now: how many wait for each service and since when the longest-waiting of them
//! waits, by the statistics' rule (`stats::figures::wait_start`: a later concern or a
//! transfer placed at the front keeps the visit's arrival as its queue time, but waits only
//! from the end of the concern before); and what arrived in and was called from each line
//! in a recent window. Read by the queues, `/metrics` and the alerts.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::{from_ms, to_ms};
use crate::stats::figures::wait_start;

/// One service's line now.
#[derive(Debug, Clone, PartialEq)]
pub struct LineNow {
    pub service: String,
    pub waiting: u64,
    /// When the longest-waiting stop of the line began to wait (none: nobody waits).
    pub since: Option<DateTime<Utc>>,
    /// Stops that began to wait at or after the window's start (0 without a window).
    pub arrivals: u64,
    /// Stops whose (last) call was at or after the window's start.
    pub calls: u64,
}

/// The non-empty lines, by service; only stops of `day` when given.
pub fn lines(connection: &Connection, day: Option<&str>) -> Result<Vec<LineNow>, StorageError> {
    read(connection, day, None)
}

/// Every line with waiting stops or with arrivals or calls since `window_start`, by
/// service, only stops of `day`.
pub fn lines_with_window(
    connection: &Connection,
    day: &str,
    window_start: DateTime<Utc>,
) -> Result<Vec<LineNow>, StorageError> {
    read(connection, Some(day), Some(window_start))
}

/// Each stop's line, whether it waits, its queue time and (last) call, and the end of the
/// visit's stop before it, which `wait_start` needs.
const SELECT: &str = "SELECT s.service, s.status = 'waiting', s.queued_at, s.called_at,
        (SELECT p.finished_at FROM stops p
         WHERE p.ticket_id = s.ticket_id AND (p.position, p.id) < (s.position, s.id)
         ORDER BY p.position DESC, p.id DESC LIMIT 1)
    FROM stops s JOIN tickets t ON t.id = s.ticket_id";

fn read(
    connection: &Connection,
    day: Option<&str>,
    window_start: Option<DateTime<Utc>>,
) -> Result<Vec<LineNow>, StorageError> {
    // Without a window only the waiting stops (by the status index); with one, the day's
    // stops (by the tickets' day) that wait or arrived or were called since its start.
    let sql = match window_start {
        None => format!(
            "{SELECT} WHERE s.status = 'waiting' AND (?1 IS NULL OR t.day = ?1)
             ORDER BY s.service"
        ),
        Some(_) => format!(
            "{SELECT} WHERE t.day = ?1 AND s.status != 'pending'
                 AND (s.status = 'waiting' OR s.called_at >= ?2 OR s.queued_at >= ?2)
             ORDER BY s.service"
        ),
    };
    let mut statement = connection.prepare_cached(&sql)?;
    let window = window_start.map(to_ms);
    let mut rows = match window {
        None => statement.query(params![day])?,
        Some(window) => statement.query(params![day, window])?,
    };
    let mut lines: Vec<LineNow> = Vec::new();
    while let Some(row) = rows.next()? {
        let (service, waiting, queued_at, called_at, previous_end) = (
            row.get::<_, String>(0)?,
            row.get::<_, bool>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, Option<i64>>(3)?,
            row.get::<_, Option<i64>>(4)?,
        );
        let start = wait_start(from_ms(queued_at), previous_end.map(from_ms));
        if lines.last().is_none_or(|line| line.service != service) {
            lines.push(LineNow {
                service,
                waiting: 0,
                since: None,
                arrivals: 0,
                calls: 0,
            });
        }
        let last = lines.len() - 1;
        let line = &mut lines[last];
        if waiting {
            line.waiting += 1;
            line.since = Some(line.since.map_or(start, |since| since.min(start)));
        }
        if window_start.is_some_and(|w| start >= w) {
            line.arrivals += 1;
        }
        if called_at.is_some_and(|at| window.is_some_and(|w| at >= w)) {
            line.calls += 1;
        }
    }
    Ok(lines)
}
