//! The rules of issuing a ticket: what a request must satisfy, whether a service takes
//! walk-ins now (the one availability rule, `Availability::of`), the day numbers count in,
//! and how a number is written.

use chrono::{DateTime, Utc};
use lotse_protocol::{Availability, Channel, IssueTicket, Service, limits};

use super::DomainError;
use crate::premises::Premises;

/// The local date in the building's time zone that ticket numbers count within.
pub fn day_of(config: &impl Premises, now: DateTime<Utc>) -> String {
    now.with_timezone(&config.time_zone())
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// Who asks for a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    Staff,
    Kiosk,
}

/// The channel a ticket request is issued through: staff issue walk-ins, or the channel they
/// name (but appointment tickets come from a check-in); a kiosk issues kiosk tickets only.
/// Priority is given by staff alone.
pub fn channel_of(
    issuer: Issuer,
    asked: Option<Channel>,
    priority: bool,
) -> Result<Channel, DomainError> {
    let channel = match (issuer, asked) {
        (Issuer::Staff, None) => Channel::WalkIn,
        (Issuer::Staff, Some(Channel::Appointment)) => {
            return Err(DomainError::AppointmentTicketsByCheckIn);
        }
        (Issuer::Staff, Some(channel)) => channel,
        (Issuer::Kiosk, None | Some(Channel::Kiosk)) => Channel::Kiosk,
        (Issuer::Kiosk, Some(_)) => return Err(DomainError::NotForThisIssuer),
    };
    if priority && issuer != Issuer::Staff {
        return Err(DomainError::NotForThisIssuer);
    }
    Ok(channel)
}

/// A ticket number: the agency's prefix and the day's sequence, e.g. `A-042`.
pub fn ticket_number(prefix: &str, seq: i64) -> String {
    format!("{prefix}-{seq:03}")
}

/// Whether a kiosk may issue a ticket for `service` now; `issued_today` counts the walk-in
/// stops of the service issued today (the daily limit).
pub fn availability(
    config: &impl Premises,
    service: &Service,
    now: DateTime<Utc>,
    issued_today: u32,
) -> Availability {
    let full = service
        .daily_walk_in_limit
        .is_some_and(|limit| issued_today >= limit);
    Availability::of(service.walk_in, config.is_open(&service.id, now), full)
}

/// The refusal for a service that is not open to walk-ins.
pub fn require_open(service: &str, availability: Availability) -> Result<(), DomainError> {
    match availability {
        Availability::Open => Ok(()),
        Availability::Closed => Err(DomainError::ServiceClosed(service.to_owned())),
        Availability::AppointmentOnly => Err(DomainError::AppointmentOnly(service.to_owned())),
        Availability::FullToday => Err(DomainError::WalkInsFull(service.to_owned())),
    }
}

/// What an issue request must satisfy before anything is written. The daily limits are
/// checked when the ticket is written (they need today's count).
pub fn check_request(
    config: &impl Premises,
    request: &IssueTicket,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if request.services.is_empty() {
        return Err(DomainError::NoConcern);
    }
    if request.services.len() > limits::MAX_CONCERNS {
        return Err(DomainError::TooManyConcerns);
    }
    for (n, id) in request.services.iter().enumerate() {
        let service = config
            .service(id)
            .ok_or_else(|| DomainError::UnknownService(id.clone()))?;
        if request.services[..n].contains(id) {
            return Err(DomainError::ConcernTwice(id.clone()));
        }
        if channel == Channel::Kiosk {
            // Hours and appointment-only here; the daily limit when writing.
            require_open(id, availability(config, service, now, 0))?;
        }
    }
    if !config.speaks(&request.language) {
        return Err(DomainError::UnknownLanguage(request.language.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_issue_walk_ins_kiosks_kiosk_tickets_and_only_staff_give_priority() {
        use Channel::*;
        let check = |issuer, asked, priority| channel_of(issuer, asked, priority);
        assert_eq!(check(Issuer::Staff, None, false), Ok(WalkIn));
        assert_eq!(check(Issuer::Staff, Some(Kiosk), true), Ok(Kiosk));
        assert_eq!(
            check(Issuer::Staff, Some(Appointment), false),
            Err(DomainError::AppointmentTicketsByCheckIn)
        );
        assert_eq!(check(Issuer::Kiosk, None, false), Ok(Kiosk));
        assert_eq!(check(Issuer::Kiosk, Some(Kiosk), false), Ok(Kiosk));
        for asked in [WalkIn, Appointment] {
            assert_eq!(
                check(Issuer::Kiosk, Some(asked), false),
                Err(DomainError::NotForThisIssuer)
            );
        }
        assert_eq!(
            check(Issuer::Kiosk, None, true),
            Err(DomainError::NotForThisIssuer)
        );
    }
    use chrono::TimeZone;

    fn config() -> crate::premises::sample::Sample {
        crate::premises::sample::premises()
    }

    fn request(services: &[&str]) -> IssueTicket {
        IssueTicket {
            services: services.iter().map(|s| (*s).to_owned()).collect(),
            language: "ar".into(),
            channel: None,
            priority: false,
            interpreter: false,
        }
    }

    #[test]
    fn the_availability_rule_orders_appointment_hours_and_limit() {
        use Availability::*;
        let cases = [
            ((false, false, true), AppointmentOnly),
            ((true, false, true), Closed),
            ((true, true, true), FullToday),
            ((true, true, false), Open),
        ];
        for ((walk_in, open, full), expected) in cases {
            assert_eq!(Availability::of(walk_in, open, full), expected);
        }
    }

    #[test]
    fn requests_are_refused_with_the_reason() {
        let config = config();
        let now = Utc
            .with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
            .single()
            .expect("time");
        let first = config.0.services[0].id.clone();
        let check = |services: &[&str]| {
            check_request(&config, &request(services), Channel::Kiosk, now).err()
        };
        assert_eq!(check(&[]), Some(DomainError::NoConcern));
        assert_eq!(
            check(&["nope"]),
            Some(DomainError::UnknownService("nope".into()))
        );
        assert_eq!(
            check(&[&first, &first]),
            Some(DomainError::ConcernTwice(first.clone()))
        );
        let many: Vec<&str> = config
            .0
            .services
            .iter()
            .filter(|s| s.walk_in)
            .map(|s| s.id.as_str())
            .take(limits::MAX_CONCERNS + 1)
            .collect();
        assert_eq!(check(&many), Some(DomainError::TooManyConcerns));
    }

    #[test]
    fn numbers_have_at_least_three_digits() {
        assert_eq!(ticket_number("A", 7), "A-007");
        assert_eq!(ticket_number("J", 1234), "J-1234");
    }
}
