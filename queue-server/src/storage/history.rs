//! Writes generated past days (`demo_history`) in their final state: the same tables and
//! columns that issuing, the desk actions and the visitors' feedback fill, plus the day counters and the missed
//! appointments the end-of-day purge would have counted.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::to_ms;
use crate::demo_history::HistoricDay;
use crate::domain::issuing::ticket_number;

/// Whether any visit (a ticket, or one folded into aggregates) exists on the days from
/// `from` to `to`.
pub fn has_visits(
    connection: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<bool, StorageError> {
    Ok(connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM tickets WHERE day >= ?1 AND day <= ?2)
             OR EXISTS (SELECT 1 FROM stat_days WHERE day >= ?1 AND day <= ?2)",
        params![from.to_string(), to.to_string()],
        |row| row.get(0),
    )?)
}

/// Writes one day; returns the number of stops written.
pub fn insert_day(
    connection: &Connection,
    date: NaiveDate,
    day: &HistoricDay,
) -> Result<usize, StorageError> {
    insert_missed(connection, date, &day.missed)?;
    for shift in &day.shifts {
        super::desk_shifts::add(connection, shift)?;
    }
    let mut ticket = connection.prepare_cached(
        "INSERT INTO tickets (day, prefix, seq, number, token, language, channel, priority,
                              issued_at, appointment_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9)",
    )?;
    let mut stop = connection.prepare_cached(
        "INSERT INTO stops (ticket_id, position, service, status, queued_at, front, desk,
                            called_at, started_at, finished_at, recalls, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut counter = connection.prepare_cached(
        "INSERT INTO day_counters (day, prefix, last) VALUES (?1, ?2, ?3)
         ON CONFLICT (day, prefix) DO UPDATE SET last = max(last, excluded.last)",
    )?;
    let mut feedback = connection
        .prepare_cached("INSERT INTO feedback (ticket_id, score, given_at) VALUES (?1, ?2, ?3)")?;
    let mut stops = 0;
    for visit in &day.visits {
        let date = visit.day.to_string();
        ticket.execute(params![
            date,
            visit.prefix,
            visit.seq,
            ticket_number(&visit.prefix, visit.seq),
            visit.token,
            visit.language,
            visit.channel.as_str(),
            to_ms(visit.issued_at),
            visit.appointment_at.map(to_ms),
        ])?;
        let id = connection.last_insert_rowid();
        counter.execute(params![date, visit.prefix, visit.seq])?;
        if let Some((score, given_at)) = visit.feedback {
            feedback.execute(params![id, score, to_ms(given_at)])?;
        }
        for s in &visit.stops {
            stop.execute(params![
                id,
                s.position,
                s.service,
                s.status.as_str(),
                to_ms(s.queued_at),
                s.front,
                s.desk,
                s.called_at.map(to_ms),
                s.started_at.map(to_ms),
                s.finished_at.map(to_ms),
                s.recalls,
                s.outcome,
            ])?;
            stops += 1;
        }
    }
    Ok(stops)
}

/// Adds a day's missed appointments.
fn insert_missed(
    connection: &Connection,
    date: NaiveDate,
    missed: &[(String, u32)],
) -> Result<(), StorageError> {
    let mut add = connection.prepare_cached(
        "INSERT INTO missed_appointments (day, service, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (day, service) DO UPDATE SET count = count + excluded.count",
    )?;
    for (service, count) in missed {
        add.execute(params![date.to_string(), service, count])?;
    }
    Ok(())
}
