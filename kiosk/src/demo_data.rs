//! Sample data for screenshots and UI tests: the demo building (the same file the server
//! embeds; the file format is the wire type) and plausible queues and tickets.

use chrono::{TimeZone, Utc};
use lotse_protocol::{
    Availability, Building, Channel, Queues, ServiceQueue, Stop, StopStatus, Ticket,
};

pub const DEMO_BUILDING: &str = include_str!("../../queue-server/src/config/building.toml");

/// The demo building with its built-in pictograms, as the server would send it.
pub fn building() -> Building {
    let mut building: Building =
        toml::from_str(DEMO_BUILDING).unwrap_or_else(|error| panic!("demo building: {error}"));
    lotse_protocol::pictograms::fill_built_in(&mut building);
    building
}

/// Queues where one service is closed and one full, to show those states.
pub fn queues(building: &Building) -> Queues {
    let services = building
        .services
        .iter()
        .enumerate()
        .map(|(n, s)| ServiceQueue {
            service: s.id.clone(),
            agency: s.agency.clone(),
            waiting: (n as u32 * 3) % 11,
            longest_wait_minutes: (n as u32 * 7) % 40,
            estimated_wait_minutes: 5 + (n as u32 * 9) % 50,
            availability: if !s.walk_in {
                Availability::AppointmentOnly
            } else if s.id == "address-change" {
                Availability::Closed
            } else if s.id == "eat-pickup" {
                Availability::FullToday
            } else {
                Availability::Open
            },
        })
        .collect();
    Queues {
        at: Utc
            .with_ymd_and_hms(2026, 11, 16, 9, 0, 0)
            .single()
            .unwrap_or_default(),
        services,
    }
}

pub fn ticket(building: &Building, services: &[String], language: &str) -> Ticket {
    let stops = services
        .iter()
        .enumerate()
        .map(|(n, id)| Stop {
            service: id.clone(),
            agency: building
                .service(id)
                .map(|s| s.agency.clone())
                .unwrap_or_default(),
            status: if n == 0 {
                StopStatus::Waiting
            } else {
                StopStatus::Pending
            },
            desk: None,
            recalls: 0,
        })
        .collect();
    let stops_count = u32::try_from(services.len()).unwrap_or(u32::MAX);
    let prefix = services
        .first()
        .and_then(|id| building.service(id))
        .and_then(|s| building.agency(&s.agency))
        .map_or("A", |a| a.prefix.as_str());
    Ticket {
        number: format!("{prefix}-042"),
        token: "q0Wm3c9YbVnTt2uXh5kLdA8s".into(),
        status_url: format!(
            "{}/t/q0Wm3c9YbVnTt2uXh5kLdA8s",
            building.site.public_base_url.trim_end_matches('/')
        ),
        language: language.into(),
        channel: Channel::Kiosk,
        issued_at: Utc
            .with_ymd_and_hms(2026, 11, 16, 8, 14, 0)
            .single()
            .unwrap_or_default(),
        appointment_at: None,
        stops,
        current_stop: Some(0),
        people_ahead: Some(7),
        estimated_wait_minutes: Some(35),
        called_to: None,
        // Several lines at once: the longest wait plus each concern's time at a desk.
        visit_estimate_minutes: Some(35u32.saturating_add(stops_count.saturating_mul(20))),
        interpreter: None,
    }
}
