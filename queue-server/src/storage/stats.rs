//! The SQL of statistics: a period's legs (stops with their ticket's channel, language and
//! times; no tokens, numbers or notes) and the appointments nobody came to. Read on the
//! read-only connections, so a year's report never holds up the writer.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::error::stored;
use super::time::{from_ms, to_ms};
use crate::stats::Leg;
use crate::stats::report::MissedAppointment;

/// The legs of the tickets issued in `[from, to)`.
pub fn legs(
    connection: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Leg>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT s.id, s.ticket_id, s.position, s.service, s.status, t.channel, t.language,
                t.issued_at, t.appointment_at, s.queued_at, s.called_at, s.started_at,
                s.finished_at, s.recalls, s.desk
         FROM tickets t JOIN stops s ON s.ticket_id = t.id
         WHERE t.issued_at >= ?1 AND t.issued_at < ?2",
    )?;
    let rows = statement.query_map(params![to_ms(from), to_ms(to)], |row| {
        let at = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
            Ok(row.get::<_, Option<i64>>(i)?.map(from_ms))
        };
        let id: i64 = row.get(0)?;
        let status: String = row.get(4)?;
        let channel: String = row.get(5)?;
        let leg = Leg {
            visit: row.get(1)?,
            position: row.get(2)?,
            id,
            service: row.get(3)?,
            status: lotse_protocol::StopStatus::Waiting,
            channel: lotse_protocol::Channel::Kiosk,
            language: row.get(6)?,
            issued_at: from_ms(row.get(7)?),
            appointment_at: at(8)?,
            queued_at: from_ms(row.get(9)?),
            called_at: at(10)?,
            started_at: at(11)?,
            finished_at: at(12)?,
            recalls: row.get(13)?,
            desk: row.get(14)?,
        };
        Ok((leg, status, channel))
    })?;
    let mut legs = Vec::new();
    for row in rows {
        let (mut leg, status, channel) = row?;
        leg.status = stored(status, "stops", "status", leg.id)?;
        leg.channel = stored(channel, "tickets", "channel", leg.visit)?;
        legs.push(leg);
    }
    Ok(legs)
}

/// The appointments nobody checked in for, per day, from `from` to `to` (local dates).
pub fn missed_appointments(
    connection: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MissedAppointment>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT day, service, count FROM missed_appointments WHERE day >= ?1 AND day <= ?2",
    )?;
    let rows = statement.query_map(params![from.to_string(), to.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
        ))
    })?;
    let mut missed = Vec::new();
    for row in rows {
        let (day, service, count) = row?;
        let Ok(date) = day.parse::<NaiveDate>() else {
            continue;
        };
        for _ in 0..count {
            missed.push(MissedAppointment {
                date,
                service: service.clone(),
            });
        }
    }
    Ok(missed)
}

/// Counts the appointments before `before` that nobody checked in for, per local day and
/// service, adding to what is counted already (run just before they are deleted).
pub fn count_missed_appointments(
    connection: &Connection,
    before: DateTime<Utc>,
    day_of: impl Fn(DateTime<Utc>) -> String,
) -> Result<usize, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT service, at FROM appointments WHERE ticket_id IS NULL AND at < ?1",
    )?;
    let missed: Vec<(String, i64)> = statement
        .query_map([to_ms(before)], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut add = connection.prepare_cached(
        "INSERT INTO missed_appointments (day, service, count) VALUES (?1, ?2, 1)
         ON CONFLICT (day, service) DO UPDATE SET count = count + 1",
    )?;
    for (service, at) in &missed {
        add.execute(params![day_of(from_ms(*at)), service])?;
    }
    Ok(missed.len())
}
