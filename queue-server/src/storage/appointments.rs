//! Appointments imported from booking systems, and checking in for them.

use chrono::{DateTime, Duration, Utc};
use lotse_protocol::{Appointment, Change, Channel};
use rusqlite::{Connection, OptionalExtension, params};

use super::events;
use super::tickets::{self, NewTicket};
use super::time::{from_ms, to_ms};
use crate::config::Config;
use crate::error::AppError;

/// Checks codes and services before anything is written.
pub fn check_import(config: &Config, appointments: &[Appointment]) -> Result<(), AppError> {
    for appointment in appointments {
        let code = &appointment.code;
        let code_ok = (4..=64).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            return Err(AppError::InvalidInput(format!(
                "appointment code \"{}\" must be 4-64 characters A-Z, a-z, 0-9, '-', '_'",
                code.chars().take(64).collect::<String>()
            )));
        }
        if config.service(&appointment.service).is_none() {
            return Err(AppError::UnknownService(appointment.service.clone()));
        }
        if let Some(language) = &appointment.language
            && !config.speaks(language)
        {
            return Err(AppError::UnknownLanguage(language.clone()));
        }
    }
    Ok(())
}

/// Inserts or updates appointments (an appointment already checked in keeps its ticket).
pub fn import(
    connection: &Connection,
    now: DateTime<Utc>,
    appointments: &[Appointment],
) -> Result<u32, AppError> {
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
    let count = u32::try_from(appointments.len()).unwrap_or(u32::MAX);
    events::record(connection, now, &Change::AppointmentsImported { count })?;
    Ok(count)
}

/// Checks in with an appointment code and returns the ticket's row id. Checking in twice
/// returns the same ticket.
pub fn check_in(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    code: &str,
    language: Option<&str>,
) -> Result<i64, AppError> {
    let code = code.trim();
    let row: Option<(String, i64, Option<String>, Option<i64>)> = connection
        .query_row(
            "SELECT service, at, language, ticket_id FROM appointments WHERE code = ?1",
            [code],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let (service, at, booked_language, ticket_id) = row.ok_or(AppError::AppointmentNotFound)?;
    if let Some(ticket_id) = ticket_id {
        return Ok(ticket_id);
    }
    let at = from_ms(at);
    let policy = &config.building.queue;
    if now < at - Duration::minutes(i64::from(policy.appointment_early_minutes)) {
        return Err(AppError::AppointmentTooEarly(
            policy.appointment_early_minutes,
        ));
    }
    if now > at + Duration::minutes(i64::from(policy.appointment_late_minutes)) {
        return Err(AppError::AppointmentExpired);
    }
    let language = language
        .or(booked_language.as_deref())
        .unwrap_or(&config.building.site.default_language)
        .to_owned();
    if !config.speaks(&language) {
        return Err(AppError::UnknownLanguage(language));
    }
    let services = [service];
    let ticket_id = tickets::issue(
        connection,
        config,
        now,
        NewTicket {
            services: &services,
            language: &language,
            channel: Channel::Appointment,
            priority: false,
            appointment_at: Some(at),
            idempotency: None,
        },
    )?;
    connection.execute(
        "UPDATE appointments SET ticket_id = ?2 WHERE code = ?1",
        params![code, ticket_id],
    )?;
    Ok(ticket_id)
}
