//! What call displays show: the recent calls of a zone and the waiting lines, as one snapshot
//! (`GET /api/v1/display`) that live events then update.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::building::{Building, DeskKind};
use crate::desk::{Availability, Queues};
use crate::event::{Change, Event};

/// `GET /api/v1/display?zone=…&limit=…`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DisplayQuery {
    /// Only calls to desks of this zone; none means every zone.
    #[serde(default)]
    pub zone: Option<String>,
    /// At most this many calls (default 12, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The state a display starts from; events with an id above `last_event_id` update it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DisplaySnapshot {
    pub last_event_id: i64,
    /// Today's calls in the zone, newest first; a recalled ticket appears once, at its last call.
    pub calls: Vec<DisplayCall>,
    pub queues: Queues,
}

/// One ticket called to a desk, as a display shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DisplayCall {
    pub number: String,
    pub service: String,
    pub desk: String,
    pub at: DateTime<Utc>,
    /// 0 on the first call, then 1, 2, … for each recall.
    pub recall: u32,
}

impl DisplayCall {
    /// The call an event announces, if it is one.
    pub fn from_event(event: &Event) -> Option<DisplayCall> {
        match &event.change {
            Change::TicketCalled {
                number,
                service,
                desk,
                recall,
                ..
            } => Some(DisplayCall {
                number: number.clone(),
                service: service.clone(),
                desk: desk.clone(),
                at: event.at,
                recall: *recall,
            }),
            _ => None,
        }
    }
}

/// Whether an event changes the waiting lines (so a display reloads its counts).
pub fn changes_queues(change: &Change) -> bool {
    !matches!(
        change,
        Change::DeviceStatus { .. } | Change::Interpreter { .. } | Change::Alert { .. }
    )
}

/// What displays write above a desk's number, German then English.
pub fn place_caption(kind: DeskKind) -> (&'static str, &'static str) {
    match kind {
        DeskKind::Desk => ("Schalter", "Desk"),
        DeskKind::Room => ("Raum", "Room"),
    }
}

/// A desk as staff screens and statistics name it, German then English: `Schalter 3` /
/// `Desk 3`, `Raum 1.05` / `Room 1.05`.
pub fn desk_label(desk: &crate::Desk) -> (String, String) {
    let (de, en) = place_caption(desk.kind);
    (
        format!("{de} {}", desk.number),
        format!("{en} {}", desk.number),
    )
}

/// A floor as displays and staff screens name it, German then English (`floors.toml`):
/// `EG` / `Ground floor`, `1. OG` / `1st floor`.
pub fn floor_caption(floor: i32) -> (String, String) {
    (
        crate::floors::written("de", floor),
        crate::floors::written("en", floor),
    )
}

/// A date as the displays write it: `Samstag, 21. November 2026`.
pub fn date_caption(date: NaiveDate) -> String {
    const WEEKDAYS: [&str; 7] = [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ];
    const MONTHS: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
    let month = MONTHS[date.month0() as usize];
    format!("{weekday}, {}. {month} {}", date.day(), date.year())
}

/// One agency's waiting visitors, as the display's footer shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyWaiting {
    pub agency: String,
    pub waiting: u32,
    /// The longest estimate among its open services; none when all are closed.
    pub estimated_wait_minutes: Option<u32>,
}

/// Sums the waiting lines per agency, in the building's order of agencies.
pub fn waiting_by_agency(building: &Building, queues: &Queues) -> Vec<AgencyWaiting> {
    building
        .agencies
        .iter()
        .map(|agency| {
            let lines = queues.services.iter().filter(|q| q.agency == agency.id);
            let mut total = AgencyWaiting {
                agency: agency.id.clone(),
                waiting: 0,
                estimated_wait_minutes: None,
            };
            for line in lines {
                total.waiting += line.waiting;
                if matches!(
                    line.availability,
                    Availability::Open | Availability::FullToday
                ) {
                    let estimate = total.estimated_wait_minutes.unwrap_or(0);
                    total.estimated_wait_minutes = Some(estimate.max(line.estimated_wait_minutes));
                }
            }
            total
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_are_named_in_german_and_english() {
        let check = |floor, de: &str, en: &str| {
            assert_eq!(
                floor_caption(floor),
                (de.to_owned(), en.to_owned()),
                "{floor}"
            );
        };
        check(0, "EG", "Ground floor");
        check(1, "1. OG", "1st floor");
        check(2, "2. OG", "2nd floor");
        check(3, "3. OG", "3rd floor");
        check(4, "4. OG", "Floor 4");
        check(-1, "1. UG", "Basement");
        check(-2, "2. UG", "Basement 2");
    }

    #[test]
    fn dates_are_written_in_german() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 21).expect("a date");
        assert_eq!(date_caption(date), "Samstag, 21. November 2026");
        let date = NaiveDate::from_ymd_opt(2027, 3, 1).expect("a date");
        assert_eq!(date_caption(date), "Montag, 1. März 2027");
    }
}
