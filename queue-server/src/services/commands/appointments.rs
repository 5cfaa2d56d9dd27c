//! Appointment commands: importing from a booking system and checking in at the kiosk (or
//! by staff), each with its event and, for staff, its audit entry.

use chrono::{DateTime, Utc};
use lotse_protocol::{Appointment, Change, Channel};
use rusqlite::Connection;

use super::issue::{self, NewTicket};
use crate::auth::AgencyScope;
use crate::config::Config;
use crate::domain::appointments::{check_in_window, ticket_language};
use crate::domain::{AuditAction, DomainError};
use crate::services::ServiceError;
use crate::storage::{appointments, audit, events};

/// Inserts or updates appointments; returns how many. A code already imported keeps its
/// agency: a booking system or supervisor cannot move another agency's appointment (and the
/// visitor's check-in with it) to theirs; the whole import is refused then.
pub fn import(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    list: &[Appointment],
    staff: Option<&str>,
) -> Result<u32, ServiceError> {
    let building = &config.building;
    for appointment in list {
        if let Some(booked) = appointments::find(connection, &appointment.code)?
            && building.agency_of(&booked.service) != building.agency_of(&appointment.service)
        {
            return Err(ServiceError::Forbidden);
        }
    }
    appointments::upsert(connection, list)?;
    let count = u32::try_from(list.len()).unwrap_or(u32::MAX);
    events::record(connection, now, &Change::AppointmentsImported { count })?;
    if let Some(staff) = staff {
        let detail = format!("{count} appointments");
        audit::record(
            connection,
            now,
            staff,
            AuditAction::ImportAppointments,
            &detail,
        )?;
    }
    Ok(count)
}

/// Checks in with an appointment code and returns the ticket's id (its view is read after
/// the commit). Checking in twice returns the same ticket. Staff check in appointments of
/// their agencies only.
pub fn check_in(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    (code, language): (&str, Option<&str>),
    staff: Option<(&str, &AgencyScope)>,
) -> Result<i64, ServiceError> {
    let code = code.trim();
    let booked = appointments::find(connection, code)?.ok_or(DomainError::AppointmentNotFound)?;
    if let Some((_, agencies)) = staff {
        agencies.check_services(&config.building, [booked.service.as_str()])?;
    }
    let staff = staff.map(|(name, _)| name);
    if let Some(ticket_id) = booked.ticket_id {
        return Ok(ticket_id);
    }
    check_in_window(config, booked.at, now)?;
    let language = ticket_language(config, language, booked.language.as_deref())?;
    let services = [booked.service];
    let new = NewTicket {
        services: &services,
        language: &language,
        channel: Channel::Appointment,
        priority: false,
        appointment_at: Some(booked.at),
        idempotency: None,
        interpreter: false,
    };
    let issued = issue::issue(connection, config, now, new)?;
    appointments::set_ticket(connection, code, issued.id)?;
    if let Some(staff) = staff {
        let detail = format!("ticket {} appointment {code}", issued.number);
        audit::record(connection, now, staff, AuditAction::CheckIn, &detail)?;
    }
    Ok(issued.id)
}
