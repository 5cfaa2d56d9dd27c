//! What goes on paper for a ticket: names in the visitor's language from the building
//! configuration, times in the building's time zone.

use chrono_tz::Tz;
use lotse_printer::{Concern, TicketPrint};
use lotse_protocol::{Building, Ticket, localized};

pub fn ticket_print(ticket: &Ticket, building: &Building) -> TicketPrint {
    let language = ticket.language.as_str();
    let fallback = building.site.default_language.as_str();
    let zone: Tz = building.site.time_zone;
    let text = |map: &lotse_protocol::Localized| localized(map, language, fallback).to_owned();
    let concerns = ticket
        .stops
        .iter()
        .filter_map(|stop| building.service(&stop.service))
        .map(|service| Concern {
            name: text(&service.name),
            name_de: (language != "de")
                .then(|| localized(&service.name, "de", fallback).to_owned()),
        })
        .collect();
    let first = ticket
        .stops
        .first()
        .and_then(|s| building.service(&s.service));
    let agency = first
        .and_then(|s| building.agency(&s.agency))
        .map(|a| text(&a.name))
        .unwrap_or_default();
    let documents = first.and_then(|s| s.documents.as_ref()).map(text);
    TicketPrint {
        language: language.to_owned(),
        // The building's name as on its sign, in its main language.
        site_name: localized(&building.site.name, fallback, fallback).to_owned(),
        number: ticket.number.clone(),
        agency,
        concerns,
        people_ahead: ticket.people_ahead,
        wait_minutes: ticket.estimated_wait_minutes,
        appointment_time: ticket
            .appointment_at
            .map(|at| at.with_timezone(&zone).format("%H:%M").to_string()),
        documents,
        issued: ticket
            .issued_at
            .with_timezone(&zone)
            .format("%d.%m.%Y %H:%M")
            .to_string(),
        status_url: ticket.status_url.clone(),
        interpreter: ticket.interpreter.is_some_and(|status| status.is_live()),
    }
}
