//! What a call event says: the ticket, the desk's kind, number and floor from the building,
//! and the visitor's language.

use lotse_protocol::{Building, Change, Event};

use crate::phrase::Spoken;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub spoken: Spoken,
    /// The visitor's language, if the event carries it (events before it did have none).
    pub language: Option<String>,
    /// The desk's zone, for zone displays.
    pub zone: String,
}

/// The call an event announces, if it is a call to a desk the building knows.
pub fn call(event: &Event, building: &Building) -> Option<Call> {
    let Change::TicketCalled {
        number,
        desk,
        language,
        ..
    } = &event.change
    else {
        return None;
    };
    let desk = building.desks.iter().find(|d| d.id == *desk)?;
    Some(Call {
        spoken: Spoken {
            number: number.clone(),
            kind: desk.kind,
            place_number: desk.number.clone(),
            floor: desk.floor,
        },
        language: language.clone(),
        zone: desk.zone.clone(),
    })
}
