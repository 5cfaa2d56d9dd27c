//! Issuing a ticket: the idempotent retry, the daily walk-in limit, the day's number, the
//! rows and the event, in the caller's transaction.

use chrono::{DateTime, Utc};
use lotse_protocol::{Change, Channel, InterpreterSource, Ticket};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::issuing::{self, day_of};
use crate::domain::{AuditAction, DomainError};
use crate::services::{ServiceError, queries};
use crate::storage::interpreters::NewRequest;
use crate::storage::tickets::{self, TicketRow};
use crate::storage::{WaitingLines, audit, events};
use crate::visit_order::{self, Dependencies};

/// Everything needed to issue a ticket.
pub struct NewTicket<'a> {
    pub services: &'a [String],
    pub language: &'a str,
    pub channel: Channel,
    pub priority: bool,
    pub appointment_at: Option<DateTime<Utc>>,
    /// The idempotency key and a fingerprint of the request it came with.
    pub idempotency: Option<(&'a str, String)>,
    /// The visitor would like an interpreter in their language.
    pub interpreter: bool,
}

#[cfg(test)]
impl<'a> NewTicket<'a> {
    /// A staff walk-in for `services` in `language`: no priority, appointment, idempotency key
    /// or interpreter (the tests' plain visit).
    pub fn walk_in(services: &'a [String], language: &'a str) -> NewTicket<'a> {
        NewTicket {
            services,
            language,
            channel: Channel::WalkIn,
            priority: false,
            appointment_at: None,
            idempotency: None,
            interpreter: false,
        }
    }
}

/// A ticket written (or found again by its idempotency key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: i64,
    pub number: String,
    /// Written now (not found again by its idempotency key).
    pub fresh: bool,
}

/// Issues a ticket, or returns the ticket issued earlier with the same idempotency key.
pub fn issue(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    new: NewTicket<'_>,
) -> Result<Issued, ServiceError> {
    if let Some((key, request)) = &new.idempotency
        && let Some((id, earlier)) = tickets::by_idempotency_key(connection, key)?
    {
        return if earlier.as_deref() == Some(request.as_str()) {
            let number = tickets::number_of(connection, id)?;
            Ok(Issued {
                id,
                number,
                fresh: false,
            })
        } else {
            Err(DomainError::IdempotencyKeyReused.into())
        };
    }
    let day = day_of(config, now);
    if new.channel == Channel::Kiosk {
        check_walk_in_limits(connection, config, &day, now, new.services)?;
    }
    let first = new.services.first().ok_or(DomainError::NoConcern)?;
    let prefix = config
        .prefix_of(first)
        .ok_or_else(|| DomainError::UnknownService(first.clone()))?;
    let seq = tickets::next_seq(connection, &day, prefix)?;
    let number = issuing::ticket_number(prefix, seq);
    let row = TicketRow {
        day: &day,
        prefix,
        seq,
        number: &number,
        language: new.language,
        channel: new.channel,
        priority: new.priority,
        appointment_at: new.appointment_at,
        idempotency: new.idempotency.as_ref().map(|(k, r)| (*k, r.as_str())),
    };
    // The stops in the fixed order (as tapped, prerequisites first); which of them wait now
    // the building's visit order says.
    let dependencies = Dependencies::of(&config.building);
    let services: Vec<String> = visit_order::fixed_sequence(new.services, &dependencies)
        .into_iter()
        .filter_map(|i| new.services.get(i).cloned())
        .collect();
    let stops = super::visit::first_statuses(connection, config, now, &services)?;
    let ticket_id = tickets::insert(connection, &row, &stops, now)?;
    let change = Change::TicketIssued {
        number: number.clone(),
        services,
        channel: new.channel,
    };
    events::record(connection, now, &change)?;
    Ok(Issued {
        id: ticket_id,
        number,
        fresh: true,
    })
}

/// Refuses a kiosk ticket for a service whose walk-ins for `day` are used up.
fn check_walk_in_limits(
    connection: &Connection,
    config: &Config,
    day: &str,
    now: DateTime<Utc>,
    services: &[String],
) -> Result<(), ServiceError> {
    for id in services {
        let service = config
            .service(id)
            .ok_or_else(|| DomainError::UnknownService(id.clone()))?;
        let issued = tickets::walk_ins_toward_limit(connection, day, service)?;
        issuing::require_open(id, issuing::availability(config, service, now, issued))?;
    }
    Ok(())
}

/// Issues a ticket, with the interpreter request the visitor asked for; a ticket staff issue
/// is audited. The visitor's view is read after the commit (`view`, on a reader), so the
/// writer only writes.
pub fn issue_ticket(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    new: NewTicket<'_>,
    staff: Option<&str>,
) -> Result<Issued, ServiceError> {
    let services = new.services.join(",");
    let (language, interpreter, channel) = (new.language, new.interpreter, new.channel);
    let issued = issue(connection, config, now, new)?;
    if interpreter && issued.fresh {
        let request = NewRequest {
            ticket_id: issued.id,
            language,
            // A walk-in ticket staff issue with an interpreter counts as staff asking.
            source: if staff.is_some() {
                InterpreterSource::Desk
            } else {
                InterpreterSource::Kiosk
            },
            desk: None,
            requested_by: staff,
        };
        let actor = staff.unwrap_or(channel.as_str());
        super::interpreter::create(connection, config, now, &request, &issued.number, actor)?;
    }
    if let Some(staff) = staff {
        let detail = format!("ticket {} {services}", issued.number);
        audit::record(connection, now, staff, AuditAction::IssueTicket, &detail)?;
    }
    Ok(issued)
}

/// The visitor's view of a ticket that must exist.
pub fn view(
    connection: &Connection,
    config: &Config,
    lines: &WaitingLines,
    now: DateTime<Utc>,
    id: i64,
) -> Result<Ticket, ServiceError> {
    Ok(queries::ticket::view(connection, config, lines, now, id)?
        .ok_or(DomainError::TicketNotFound)?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;
    use crate::storage::Store;
    use lotse_protocol::VisitOrder;

    /// The stops of a ticket issued for `services` under `order`, in position order, with
    /// their status.
    async fn stops_of(order: VisitOrder, services: &[&str]) -> Vec<(String, String)> {
        let store = Store::in_memory().unwrap();
        let mut config = Config::embedded().unwrap().always_open();
        config.building.queue.visit_order = order;
        let services: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        store
            .run(move |c| {
                let now = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
                let issued = issue(c, &config, now, NewTicket::walk_in(&services, "ar"))?;
                let mut statement = c.prepare(
                    "SELECT service, status FROM stops WHERE ticket_id = ?1 ORDER BY position",
                )?;
                let rows = statement
                    .query_map([issued.id], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok::<_, crate::services::ServiceError>(rows)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_concern_comes_after_those_it_depends_on() {
        let pair = |service: &str, status: &str| (service.to_owned(), status.to_owned());
        // The sample building: the payment card after the residence permit. One at a time,
        // the first in that order waits.
        let tapped = ["payment-card", "jobcenter-documents", "residence-permit"];
        assert_eq!(
            stops_of(VisitOrder::Fixed, &tapped).await,
            [
                pair("jobcenter-documents", "waiting"),
                pair("residence-permit", "pending"),
                pair("payment-card", "pending"),
            ]
        );
        // In several lines at once, every concern whose prerequisites are met waits.
        assert_eq!(
            stops_of(VisitOrder::SeveralLines, &tapped).await,
            [
                pair("jobcenter-documents", "waiting"),
                pair("residence-permit", "waiting"),
                pair("payment-card", "pending"),
            ]
        );
        // Without a dependency between them the tap order stays.
        assert_eq!(
            stops_of(VisitOrder::Fixed, &["payment-card", "jobcenter-documents"]).await,
            [
                pair("payment-card", "waiting"),
                pair("jobcenter-documents", "pending"),
            ]
        );
    }
}
