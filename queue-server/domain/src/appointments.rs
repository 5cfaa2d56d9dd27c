//! The rules of appointments: what an imported appointment must look like, and when its
//! holder may check in.

use chrono::{DateTime, Duration, Utc};
use lotse_protocol::Appointment;

use super::DomainError;
use crate::premises::Premises;

/// The shortest appointment code accepted: with the check-in limit per device (10 wrong
/// codes a minute) even 8 characters of 36 (2.8 × 10^12 codes) cannot be guessed; booking
/// systems should send 10 or more random characters (README, "Appointments").
pub const MIN_CODE_LENGTH: usize = 8;

/// Appointment codes: 8-64 characters of A-Z, a-z, 0-9, '-' and '_'.
pub fn valid_code(code: &str) -> bool {
    (MIN_CODE_LENGTH..=64).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What an import must satisfy before anything is written.
pub fn check_import(
    config: &impl Premises,
    appointments: &[Appointment],
) -> Result<(), ImportProblem> {
    for appointment in appointments {
        if !valid_code(&appointment.code) {
            return Err(ImportProblem::BadCode(
                appointment.code.chars().take(64).collect(),
            ));
        }
        if config.service(&appointment.service).is_none() {
            return Err(DomainError::UnknownService(appointment.service.clone()).into());
        }
        if let Some(language) = &appointment.language
            && !config.speaks(language)
        {
            return Err(DomainError::UnknownLanguage(language.clone()).into());
        }
    }
    Ok(())
}

/// Why an import is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportProblem {
    #[error("appointment code \"{0}\" must be 8-64 characters A-Z, a-z, 0-9, '-', '_'")]
    BadCode(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// Whether an appointment at `at` can be checked in at `now`.
pub fn check_in_window(
    config: &impl Premises,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let policy = &config.building().queue;
    if now < at - Duration::minutes(i64::from(policy.appointment_early_minutes)) {
        return Err(DomainError::AppointmentTooEarly(
            policy.appointment_early_minutes,
        ));
    }
    if now > at + Duration::minutes(i64::from(policy.appointment_late_minutes)) {
        return Err(DomainError::AppointmentExpired);
    }
    Ok(())
}

/// The language of the ticket: the one chosen at the kiosk, else the booked one, else the
/// building's default; it must be one the building offers.
pub fn ticket_language(
    config: &impl Premises,
    chosen: Option<&str>,
    booked: Option<&str>,
) -> Result<String, DomainError> {
    let language = chosen
        .or(booked)
        .unwrap_or(&config.building().site.default_language)
        .to_owned();
    if config.speaks(&language) {
        Ok(language)
    } else {
        Err(DomainError::UnknownLanguage(language))
    }
}
