//! The SQL of appointments imported from booking systems.

use chrono::{DateTime, Utc};
use lotse_protocol::Appointment;
use rusqlite::{Connection, OptionalExtension, params};

use super::StorageError;
use super::time::{from_ms, to_ms};

/// An appointment as stored.
#[derive(Debug, Clone)]
pub struct Booked {
    pub service: String,
    pub at: DateTime<Utc>,
    pub language: Option<String>,
    /// The ticket of an appointment already checked in.
    pub ticket_id: Option<i64>,
}

/// Inserts or updates appointments (an appointment already checked in keeps its ticket).
pub fn upsert(connection: &Connection, appointments: &[Appointment]) -> Result<(), StorageError> {
    let mut statement = connection.prepare_cached(
        "INSERT INTO appointments (code, service, at, language) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET service = excluded.service, at = excluded.at,
                                          language = excluded.language",
    )?;
    for appointment in appointments {
        statement.execute(params![
            appointment.code,
            appointment.service,
            to_ms(appointment.at),
            appointment.language
        ])?;
    }
    Ok(())
}

pub fn find(connection: &Connection, code: &str) -> Result<Option<Booked>, StorageError> {
    Ok(connection
        .prepare_cached(
            "SELECT service, at, language, ticket_id FROM appointments WHERE code = ?1",
        )?
        .query_row([code], |row| {
            Ok(Booked {
                service: row.get(0)?,
                at: from_ms(row.get(1)?),
                language: row.get(2)?,
                ticket_id: row.get(3)?,
            })
        })
        .optional()?)
}

pub fn set_ticket(connection: &Connection, code: &str, ticket_id: i64) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE appointments SET ticket_id = ?2 WHERE code = ?1",
        params![code, ticket_id],
    )?;
    Ok(())
}
