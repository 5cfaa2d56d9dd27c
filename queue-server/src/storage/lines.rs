//! The waiting lines in memory, kept in step with the database by the writer: a status poll
//! counts the people ahead with a binary search (`waiting_line::Line`) and a desk's call-next
//! ranks the stops of its lines, instead of reading the whole line from SQLite each time.
//!
//! How they stay true: SQLite's update hook on the writer's connection notes every stops
//! and tickets row a request changes; after each commit the writer reads those stops again
//! and puts each into its line (waiting) or takes it out (anything else, or deleted). A row
//! rolled back is read again too and simply found unchanged, so nothing can drift; the hook
//! sees every change, whichever command made it. Inside the writer's open transaction
//! (`waiting_in`), the rows noted so far are read again from that transaction, so a call-next
//! sees the tickets issued and called before it in the same group commit. Readers may see a
//! commit a moment before the lines do: a stop not (yet) in its line is counted from the
//! database instead.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use rusqlite::hooks::Action;
use rusqlite::{Connection, OptionalExtension};

use super::StorageError;
use super::error::stored;
use super::time::from_ms;
use crate::routing::Candidate;
use crate::waiting_line::Line;
use lotse_protocol::StopStatus;

/// A line: the day its tickets count in and the service.
type LineKey = (String, String);

/// A stop as read again: its line and itself when it waits, else `None`.
type ReadStop = (i64, Option<(LineKey, Candidate)>);

#[derive(Default)]
pub struct WaitingLines {
    lines: RwLock<Lines>,
    /// False after the lines could not be brought up to date: until they are read again in
    /// full, nobody trusts them.
    complete: AtomicBool,
    /// The rows the writer changed since the last commit (`watch`).
    touched: Arc<Mutex<Touched>>,
}

#[derive(Default)]
struct Lines {
    by_key: HashMap<LineKey, Line>,
    /// Each waiting stop: its line, and itself as it is in the line.
    line_of: HashMap<i64, (LineKey, Candidate)>,
}

impl std::fmt::Debug for WaitingLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitingLines")
            .field("waiting", &self.waiting())
            .field("complete", &self.complete.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

/// Rows changed since the last commit, as the update hook saw them.
#[derive(Default, Clone)]
struct Touched {
    stops: HashSet<i64>,
    tickets: HashSet<i64>,
}

impl WaitingLines {
    /// Every waiting stop in the database.
    pub fn load(connection: &Connection) -> Result<WaitingLines, StorageError> {
        let lines = WaitingLines::default();
        lines.reload(connection)?;
        Ok(lines)
    }

    fn reload(&self, connection: &Connection) -> Result<(), StorageError> {
        let ids: Vec<i64> = connection
            .prepare_cached("SELECT id FROM stops WHERE status = 'waiting'")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        *self.lines.write().unwrap_or_else(PoisonError::into_inner) = Lines::default();
        self.refresh(connection, ids)?;
        self.complete.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Watches `connection` (the writer's) for changed stops and tickets.
    pub fn watch(&self, connection: &Connection) {
        let noted = Arc::clone(&self.touched);
        connection.update_hook(Some(
            move |_: Action, _database: &str, table: &str, row_id: i64| {
                let mut noted = noted.lock().unwrap_or_else(PoisonError::into_inner);
                match table {
                    "stops" => noted.stops.insert(row_id),
                    "tickets" => noted.tickets.insert(row_id),
                    _ => false,
                };
            },
        ));
    }

    /// After a commit: puts every stop changed since the last call where it now belongs.
    pub fn catch_up(&self, connection: &Connection) {
        let noted = std::mem::take(&mut *self.noted());
        let result = if self.complete.load(Ordering::SeqCst) {
            self.apply(connection, &noted)
        } else {
            self.reload(connection)
        };
        if let Err(error) = result {
            self.complete.store(false, Ordering::SeqCst);
            tracing::error!(%error, "waiting lines out of step: status pages count from the database");
        }
    }

    fn apply(&self, connection: &Connection, noted: &Touched) -> Result<(), StorageError> {
        self.refresh(connection, changed_stops(connection, noted)?)
    }

    /// Forgets what the hook noted (the transaction was rolled back).
    pub fn discard(&self) {
        *self.noted() = Touched::default();
    }

    fn noted(&self) -> std::sync::MutexGuard<'_, Touched> {
        self.touched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn refresh(
        &self,
        connection: &Connection,
        stops: impl IntoIterator<Item = i64>,
    ) -> Result<(), StorageError> {
        let found = read_stops(connection, stops)?;
        let mut lines = self.lines.write().unwrap_or_else(PoisonError::into_inner);
        for (stop_id, waiting) in found {
            lines.take_out(stop_id);
            if let Some((key, candidate)) = waiting {
                lines
                    .by_key
                    .entry(key.clone())
                    .or_default()
                    .insert(candidate.clone());
                lines.line_of.insert(stop_id, (key, candidate));
            }
        }
        Ok(())
    }

    /// The waiting stops of `services` on `day`, each with its service, as `connection` sees
    /// them: the lines as of the last commit, and the stops the writer changed since then
    /// read again from `connection` (in the writer, its open transaction). Every stop has
    /// target wait 0 (the building knows the targets). `None` while the lines are not
    /// complete: then only the database knows.
    pub fn waiting_in(
        &self,
        connection: &Connection,
        day: &str,
        services: &[String],
    ) -> Result<Option<Vec<(Candidate, String)>>, StorageError> {
        if !self.complete.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let noted = self.noted().clone();
        let changed = changed_stops(connection, &noted)?;
        let fresh = read_stops(connection, changed.iter().copied())?;
        let ours = |(line_day, service): &LineKey| line_day == day && services.contains(service);
        let lines = self.lines.read().unwrap_or_else(PoisonError::into_inner);
        let mut found = Vec::new();
        for service in services {
            if let Some(line) = lines.by_key.get(&(day.to_owned(), service.clone())) {
                found.extend(
                    line.stops()
                        .filter(|stop| !changed.contains(&stop.stop_id))
                        .map(|stop| (stop.clone(), service.clone())),
                );
            }
        }
        for (_, waiting) in fresh {
            if let Some((key, candidate)) = waiting
                && ours(&key)
            {
                found.push((candidate, key.1));
            }
        }
        Ok(Some(found))
    }

    /// How many would be called before the waiting stop `stop_id` of `service` on `day`,
    /// whose service's target wait is `target_wait_minutes`; `None` when the stop is not in
    /// its line (yet).
    pub fn people_ahead(
        &self,
        day: &str,
        service: &str,
        stop_id: i64,
        target_wait_minutes: u32,
        now: DateTime<Utc>,
    ) -> Option<u32> {
        if !self.complete.load(Ordering::SeqCst) {
            return None;
        }
        let lines = self.lines.read().unwrap_or_else(PoisonError::into_inner);
        let ((stop_day, stop_service), stop) = lines.line_of.get(&stop_id)?;
        if stop_day != day || stop_service != service {
            return None;
        }
        let line = lines
            .by_key
            .get(&(stop_day.clone(), stop_service.clone()))?;
        Some(line.people_ahead(stop, target_wait_minutes, now))
    }

    /// How many wait in each service's line on `day` as of the last commit; `None` while the
    /// lines are not complete.
    pub fn waiting_per_service(&self, day: &str) -> Option<HashMap<String, u32>> {
        if !self.complete.load(Ordering::SeqCst) {
            return None;
        }
        let lines = self.lines.read().unwrap_or_else(PoisonError::into_inner);
        Some(
            lines
                .by_key
                .iter()
                .filter(|((line_day, _), line)| line_day == day && !line.is_empty())
                .map(|((_, service), line)| {
                    (
                        service.clone(),
                        u32::try_from(line.len()).unwrap_or(u32::MAX),
                    )
                })
                .collect(),
        )
    }

    /// How many stops wait in all lines (for tests and figures).
    pub fn waiting(&self) -> usize {
        let lines = self.lines.read().unwrap_or_else(PoisonError::into_inner);
        lines.line_of.len()
    }
}

/// The stops among `noted` and the stops of the tickets among it (a ticket's priority or
/// appointment is part of each of its stops).
fn changed_stops(connection: &Connection, noted: &Touched) -> Result<HashSet<i64>, StorageError> {
    let mut stops = noted.stops.clone();
    let mut of_ticket = connection.prepare_cached("SELECT id FROM stops WHERE ticket_id = ?1")?;
    for ticket in &noted.tickets {
        for stop in of_ticket.query_map([ticket], |row| row.get::<_, i64>(0))? {
            stops.insert(stop?);
        }
    }
    Ok(stops)
}

/// Each of `stops` as `connection` sees it: its line and itself when it waits, else `None`.
fn read_stops(
    connection: &Connection,
    stops: impl IntoIterator<Item = i64>,
) -> Result<Vec<ReadStop>, StorageError> {
    let mut read = connection.prepare_cached(
        "SELECT s.service, s.status, s.queued_at, s.front, t.priority, t.appointment_at, t.day,
                t.language
         FROM stops s JOIN tickets t ON t.id = s.ticket_id WHERE s.id = ?1",
    )?;
    let mut found = Vec::new();
    for stop_id in stops {
        type Row = (String, String, i64, bool, bool, Option<i64>, String, String);
        let row: Option<Row> = read
            .query_row([stop_id], |row| Row::try_from(row))
            .optional()?;
        let waiting = match row {
            Some((service, status, queued_at, front, priority, appointment_at, day, language)) => {
                let status: StopStatus = stored(status, "stops", "status", stop_id)?;
                (status == StopStatus::Waiting).then(|| {
                    let candidate = Candidate {
                        stop_id,
                        queued_at: from_ms(queued_at),
                        priority,
                        front,
                        appointment_at: appointment_at.map(from_ms),
                        // Every stop of a line has its service's target; the reader
                        // gives it (`people_ahead`, `waiting_in`), the building knows it.
                        target_wait_minutes: 0,
                        language: Some(language),
                    };
                    ((day, service), candidate)
                })
            }
            None => None,
        };
        found.push((stop_id, waiting));
    }
    Ok(found)
}

impl Lines {
    fn take_out(&mut self, stop_id: i64) {
        if let Some((key, candidate)) = self.line_of.remove(&stop_id)
            && let Some(line) = self.by_key.get_mut(&key)
        {
            line.remove(&candidate);
            if line.is_empty() {
                self.by_key.remove(&key);
            }
        }
    }
}
