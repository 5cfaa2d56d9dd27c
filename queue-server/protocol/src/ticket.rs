//! Tickets: issuing, appointment check-in and the visitor's status view.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a ticket came to be.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema
)]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    Kiosk,
    Appointment,
    WalkIn,
}

impl Channel {
    /// The stored and wire name (one conversion: strum, in step with serde).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a stop of a visit stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema
)]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum StopStatus {
    /// A later concern of the visit, not yet reached.
    Pending,
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    Parked,
    Transferred,
}

impl StopStatus {
    /// The stored and wire name (one conversion: strum, in step with serde).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Called or being served: the stop occupies a desk.
    pub fn is_at_desk(self) -> bool {
        matches!(self, StopStatus::Called | StopStatus::Serving)
    }
}

/// `POST /api/v1/tickets`. Send an `Idempotency-Key` header so a retry returns the same ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueTicket {
    /// Service ids in the order the visitor wants them; at least one.
    #[schema(min_items = 1)]
    pub services: Vec<String>,
    /// Language code the visitor chose; must be one of the building's languages.
    pub language: String,
    /// Defaults to `kiosk` for kiosk devices and `walk_in` for staff.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Staff only: serve before others (e.g. a visitor in need).
    #[serde(default)]
    pub priority: bool,
    /// The visitor would like an interpreter in `language` (not the building's default
    /// language). Left out when false, so older servers and kiosks understand each other.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interpreter: bool,
}

/// `POST /api/v1/checkins`: check in for an appointment with the code from its QR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    pub code: String,
    /// Language chosen at the kiosk; defaults to the appointment's or the building's.
    #[serde(default)]
    pub language: Option<String>,
}

/// `POST /api/v1/appointments`: import or update appointments from a booking system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportAppointments {
    pub appointments: Vec<Appointment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    /// The code in the appointment's QR; 4 to 64 characters of `A-Z a-z 0-9 - _`.
    pub code: String,
    pub service: String,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportedAppointments {
    pub imported: u32,
}

/// A visitor's ticket as the visitor (or the kiosk printing it) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    /// Agency prefix and daily sequence, e.g. `A-042`.
    pub number: String,
    /// The unguessable token of the status page.
    pub token: String,
    /// The status page URL the ticket's QR code encodes.
    pub status_url: String,
    pub language: String,
    pub channel: Channel,
    pub issued_at: DateTime<Utc>,
    #[serde(default)]
    pub appointment_at: Option<DateTime<Utc>>,
    pub stops: Vec<Stop>,
    /// Index into `stops` of the concern being handled now; none when the visit is over.
    pub current_stop: Option<usize>,
    /// People ahead in the current line (waiting stops only).
    pub people_ahead: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// The desk the visitor is called to, while called or being served.
    pub called_to: Option<String>,
    /// Estimated minutes until every open concern of the visit is done (waits and desk
    /// times); none when the visit is over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_estimate_minutes: Option<u32>,
    /// The visit's interpreter request that is still live, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<crate::interpreter::InterpreterStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stop {
    pub service: String,
    pub agency: String,
    pub status: StopStatus,
    pub desk: Option<String>,
    pub recalls: u32,
}

#[cfg(test)]
mod stored_names {
    use super::*;
    use strum::IntoEnumIterator;

    /// The database stores the strum name and the API sends the serde name: they must agree.
    #[test]
    fn strum_and_serde_names_agree() {
        for status in StopStatus::iter() {
            let json = serde_json::to_string(&status).expect("serialises");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(status.as_str().parse::<StopStatus>().ok(), Some(status));
        }
        for channel in Channel::iter() {
            let json = serde_json::to_string(&channel).expect("serialises");
            assert_eq!(json, format!("\"{}\"", channel.as_str()));
        }
        assert!("Waiting".parse::<StopStatus>().is_err());
    }
}

/// A visitor's feedback on their visit (`POST /tickets/{token}/feedback`), once every concern
/// is finished, once per ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GiveFeedback {
    /// 1 (very bad) to 5 (very good).
    pub score: u8,
    /// Optional, at most `limits::MAX_FEEDBACK_COMMENT_CHARS` characters (trimmed).
    #[serde(default)]
    pub comment: String,
}
