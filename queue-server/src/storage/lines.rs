//! The waiting lines in memory, kept in step with the database by the writer, so a status
//! poll counts the people ahead with a binary search (`waiting_line::Line`) instead of
//! reading and ranking the whole line: its cost no longer grows with the line.
//!
//! How they stay true: SQLite's update hook on the writer's connection notes every stops
//! and tickets row a request changes; after each commit the writer reads those stops again
//! and puts each into its line (waiting) or takes it out (anything else, or deleted). A row
//! rolled back is read again too and simply found unchanged, so nothing can drift; the hook
//! sees every change, whichever command made it. Readers may see a commit a moment before
//! the lines do: a stop not (yet) in its line is counted from the database instead.

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

#[derive(Default)]
pub struct WaitingLines {
    lines: RwLock<Lines>,
    /// False after the lines could not be brought up to date: until they are read again in
    /// full, nobody trusts them.
    complete: AtomicBool,
}

#[derive(Default)]
struct Lines {
    by_key: HashMap<LineKey, Line>,
    /// Each waiting stop: its line, and itself as it is in the line.
    line_of: HashMap<i64, (LineKey, Candidate)>,
}

/// Rows changed since the last commit, as the update hook saw them.
#[derive(Default)]
pub struct Touched {
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
    pub fn watch(connection: &Connection) -> Arc<Mutex<Touched>> {
        let touched = Arc::new(Mutex::new(Touched::default()));
        let noted = Arc::clone(&touched);
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
        touched
    }

    /// After a commit: puts every stop changed since the last call where it now belongs.
    pub fn catch_up(&self, connection: &Connection, touched: &Mutex<Touched>) {
        let noted = std::mem::take(&mut *touched.lock().unwrap_or_else(PoisonError::into_inner));
        let result = if self.complete.load(Ordering::SeqCst) {
            self.apply(connection, noted)
        } else {
            self.reload(connection)
        };
        if let Err(error) = result {
            self.complete.store(false, Ordering::SeqCst);
            tracing::error!(%error, "waiting lines out of step: status pages count from the database");
        }
    }

    fn apply(&self, connection: &Connection, noted: Touched) -> Result<(), StorageError> {
        let Touched { mut stops, tickets } = noted;
        // A ticket's priority or appointment is part of each of its stops.
        let mut of_ticket =
            connection.prepare_cached("SELECT id FROM stops WHERE ticket_id = ?1")?;
        for ticket in tickets {
            for stop in of_ticket.query_map([ticket], |row| row.get::<_, i64>(0))? {
                stops.insert(stop?);
            }
        }
        self.refresh(connection, stops)
    }

    /// Forgets what the hook noted (the transaction was rolled back).
    pub fn discard(touched: &Mutex<Touched>) {
        *touched.lock().unwrap_or_else(PoisonError::into_inner) = Touched::default();
    }

    fn refresh(
        &self,
        connection: &Connection,
        stops: impl IntoIterator<Item = i64>,
    ) -> Result<(), StorageError> {
        let mut read = connection.prepare_cached(
            "SELECT s.service, s.status, s.queued_at, s.front, t.priority, t.appointment_at, t.day
             FROM stops s JOIN tickets t ON t.id = s.ticket_id WHERE s.id = ?1",
        )?;
        let mut found = Vec::new();
        for stop_id in stops {
            type Row = (String, String, i64, bool, bool, Option<i64>, String);
            let row: Option<Row> = read
                .query_row([stop_id], |row| Row::try_from(row))
                .optional()?;
            let waiting = match row {
                Some((service, status, queued_at, front, priority, appointment_at, day)) => {
                    let status: StopStatus = stored(status, "stops", "status", stop_id)?;
                    (status == StopStatus::Waiting).then(|| {
                        let candidate = Candidate {
                            stop_id,
                            queued_at: from_ms(queued_at),
                            priority,
                            front,
                            appointment_at: appointment_at.map(from_ms),
                            // Every stop of a line has its service's target; the reader
                            // gives it (`people_ahead`), the building knows it.
                            target_wait_minutes: 0,
                            // A place in line does not depend on the language.
                            language: None,
                        };
                        ((day, service), candidate)
                    })
                }
                None => None,
            };
            found.push((stop_id, waiting));
        }
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

    /// How many stops wait in all lines (for tests and figures).
    pub fn waiting(&self) -> usize {
        let lines = self.lines.read().unwrap_or_else(PoisonError::into_inner);
        lines.line_of.len()
    }
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
