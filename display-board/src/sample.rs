//! Sample data for screenshots, UI tests and benchmarks: the demo building (the same file the
//! server embeds) with plausible calls and waiting lines.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::{
    Availability, Building, Change, DisplayCall, DisplaySnapshot, Event, Queues, ServiceQueue,
};

use crate::board::Input;

pub const DEMO_BUILDING: &str = include_str!("../../queue-server/src/config/building.toml");

/// The demo building with its built-in pictograms, as the server would send it.
pub fn building() -> Building {
    let mut building: Building =
        toml::from_str(DEMO_BUILDING).unwrap_or_else(|error| panic!("demo building: {error}"));
    lotse_protocol::pictograms::fill_built_in(&mut building);
    building
}

/// A weekday noon (UTC) in November.
pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The first service a desk serves.
fn service_of(building: &Building, desk: &str) -> String {
    building
        .desk(desk)
        .and_then(|d| d.services.first().cloned())
        .unwrap_or_default()
}

/// A snapshot ending at event 50 with `calls` (number, desk), newest first.
pub fn snapshot(building: &Building, calls: &[(&str, &str)]) -> DisplaySnapshot {
    DisplaySnapshot {
        last_event_id: 50,
        calls: calls
            .iter()
            .enumerate()
            .map(|(n, (number, desk))| DisplayCall {
                number: (*number).to_owned(),
                service: service_of(building, desk),
                desk: (*desk).to_owned(),
                at: noon() - Duration::minutes(2 * n as i64 + 1),
                recall: 0,
            })
            .collect(),
        queues: queues(building, 0),
    }
}

/// The live event of a call to `desk`.
pub fn call(id: i64, number: &str, desk: &str, recall: u32) -> Input {
    let building = building();
    Input::Event(Box::new(Event {
        id,
        at: noon(),
        change: Change::TicketCalled {
            number: number.to_owned(),
            service: service_of(&building, desk),
            desk: desk.to_owned(),
            recall,
            language: None,
        },
    }))
}

/// Waiting lines with `base` and more visitors per service; services without walk-ins are
/// appointment-only.
pub fn queues(building: &Building, base: u32) -> Queues {
    Queues {
        at: noon(),
        services: building
            .services
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let waiting = if base == 0 {
                    0
                } else {
                    base + (n as u32 * 5) % 9
                };
                ServiceQueue {
                    service: s.id.clone(),
                    agency: s.agency.clone(),
                    waiting,
                    longest_wait_minutes: waiting * 4,
                    estimated_wait_minutes: waiting * 6,
                    availability: if s.walk_in {
                        Availability::Open
                    } else {
                        Availability::AppointmentOnly
                    },
                }
            })
            .collect(),
    }
}
