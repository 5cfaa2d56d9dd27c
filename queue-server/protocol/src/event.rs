//! Events: every change of state, with a monotonically increasing id, as streamed over SSE.
//!
//! Events carry ticket numbers, services and desks only: no tokens, notes or personal data,
//! because displays show them in public.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ticket::Channel;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    TicketIssued {
        number: String,
        services: Vec<String>,
        channel: Channel,
    },
    /// A desk called the ticket; `recall` counts repeated calls (0 on the first).
    /// `language` is the one the visitor chose at the kiosk, so displays can speak the call
    /// in it; events written before it existed have none.
    TicketCalled {
        number: String,
        service: String,
        desk: String,
        recall: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    ServiceStarted {
        number: String,
        service: String,
        desk: String,
    },
    /// One concern is done; the visit may go on to its next stop.
    StopFinished {
        number: String,
        service: String,
        desk: String,
        next_service: Option<String>,
    },
    NoShow {
        number: String,
        service: String,
        desk: String,
    },
    Parked {
        number: String,
        service: String,
        desk: String,
    },
    Resumed {
        number: String,
        service: String,
    },
    /// A further concern of a visit joined its line, with the visit's arrival time (the
    /// building's `queue.visit_order` says when). Clients of older versions skip it as an
    /// unknown event.
    Joined {
        number: String,
        service: String,
    },
    Transferred {
        number: String,
        from_service: String,
        to_service: String,
        desk: String,
    },
    AppointmentsImported {
        count: u32,
    },
    /// A stop left open when its day ended was cancelled (no desk keeps yesterday's
    /// visitor). Clients of older versions skip it as an unknown event.
    Cancelled {
        number: String,
        service: String,
    },
    /// An interpreter request was made or changed state (no names: the pages that show who
    /// accepted read it from the server).
    Interpreter {
        request: i64,
        number: String,
        language: String,
        status: crate::interpreter::InterpreterStatus,
    },
    /// A kiosk's printer changed state (staff consoles alert on paper out).
    DeviceStatus {
        device: String,
        printer: PrinterCondition,
    },
    /// A live alert was raised, acknowledged or cleared (no names: who acknowledged is read
    /// from `GET /api/v1/alerts`). Clients of older versions skip it as an unknown event.
    Alert {
        alert: i64,
        kind: crate::alert::AlertKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kiosk: Option<String>,
        state: crate::alert::AlertState,
    },
    /// An emergency alarm was raised, acknowledged by a responder or closed. Staff only: the
    /// stream sends it to the accounts the alarm notifies (`lotse_domain::alarm`), never to
    /// devices. No names: the pages read who raised and who responds from the server.
    Alarm {
        alarm: i64,
        desk: String,
        floor: i32,
        state: crate::alarm::AlarmState,
    },
}

/// A kiosk printer's state as the kiosk reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PrinterCondition {
    Ready,
    PaperOut,
    CoverOpen,
    Offline,
    /// No answer from the printer at all.
    Unreachable,
}

impl PrinterCondition {
    /// The stored and wire name (one conversion: strum, in step with serde).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `POST /api/v1/devices/status`: a kiosk reports its printer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceStatus {
    pub printer: PrinterCondition,
}

impl Change {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Change::TicketIssued { .. } => "ticket_issued",
            Change::TicketCalled { .. } => "ticket_called",
            Change::ServiceStarted { .. } => "service_started",
            Change::StopFinished { .. } => "stop_finished",
            Change::NoShow { .. } => "no_show",
            Change::Parked { .. } => "parked",
            Change::Resumed { .. } => "resumed",
            Change::Joined { .. } => "joined",
            Change::Transferred { .. } => "transferred",
            Change::AppointmentsImported { .. } => "appointments_imported",
            Change::Cancelled { .. } => "cancelled",
            Change::DeviceStatus { .. } => "device_status",
            Change::Interpreter { .. } => "interpreter",
            Change::Alert { .. } => "alert",
            Change::Alarm { .. } => "alarm",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_carries_the_visitors_language_and_old_calls_still_read() {
        let old = r#"{"id":7,"at":"2026-11-30T10:00:00Z","type":"ticket_called","number":"A-042","service":"s","desk":"eg-03","recall":0}"#;
        let event: Event = serde_json::from_str(old).expect("an event written before languages");
        assert!(matches!(
            event.change,
            Change::TicketCalled { language: None, .. }
        ));
        let called = Change::TicketCalled {
            number: "A-042".into(),
            service: "s".into(),
            desk: "eg-03".into(),
            recall: 0,
            language: Some("ar".into()),
        };
        let json = serde_json::to_string(&called).expect("serialises");
        assert!(json.contains(r#""language":"ar""#), "{json}");
        assert_eq!(
            serde_json::from_str::<Change>(&json).expect("reads"),
            called
        );
    }
}

#[cfg(test)]
mod stored_names {
    use super::*;
    use strum::IntoEnumIterator;

    /// The server stores the strum name and the API sends the serde name: they must agree.
    #[test]
    fn printer_conditions_read_back_as_sent() {
        for condition in PrinterCondition::iter() {
            let json = serde_json::to_string(&condition).expect("serialises");
            assert_eq!(json, format!("\"{}\"", condition.as_str()));
            assert_eq!(
                condition.as_str().parse::<PrinterCondition>().ok(),
                Some(condition)
            );
        }
    }
}
