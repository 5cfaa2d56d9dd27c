//! Desk actions: call next, call a specific ticket, recall, start, finish, no-show, park,
//! resume and transfer; and the waiting lines per service.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ticket::StopStatus;

/// Why the routing chose a ticket, so the staff screen can say it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallReason {
    /// The visitor checked in for an appointment that is due.
    AppointmentDue { appointment_at: DateTime<Utc> },
    /// Staff marked the visit as priority.
    Priority { waited_minutes: u32 },
    /// Another desk transferred the visitor to the front of this line.
    TransferredFront { waited_minutes: u32 },
    /// Waited at least twice the service's target wait.
    Overdue {
        waited_minutes: u32,
        target_minutes: u32,
    },
    /// Waited longest relative to the service's target wait.
    LongestWait {
        waited_minutes: u32,
        target_minutes: u32,
    },
    /// Staff called this ticket by its number.
    CalledByNumber,
    /// The desk's staff speak the visitor's language (a language code); called ahead of
    /// others within the building's fairness bound (`queue.language_fairness_percent`).
    LanguageMatch {
        language: String,
        waited_minutes: u32,
        target_minutes: u32,
    },
}

impl CallReason {
    /// A short English explanation; user interfaces translate from the structured form.
    pub fn explain(&self) -> String {
        match self {
            CallReason::AppointmentDue { appointment_at } => {
                format!("appointment due {}", appointment_at.format("%H:%M UTC"))
            }
            CallReason::Priority { waited_minutes } => {
                format!("priority, waited {waited_minutes} min")
            }
            CallReason::TransferredFront { waited_minutes } => {
                format!("transferred to the front, waited {waited_minutes} min")
            }
            CallReason::Overdue {
                waited_minutes,
                target_minutes,
            } => format!("overdue: waited {waited_minutes} min of {target_minutes} target"),
            CallReason::LongestWait {
                waited_minutes,
                target_minutes,
            } => format!("waited {waited_minutes} min of {target_minutes} target"),
            CallReason::CalledByNumber => "called by number".to_owned(),
            CallReason::LanguageMatch {
                language,
                waited_minutes,
                target_minutes,
            } => format!(
                "speaks {}, waited {waited_minutes} min of {target_minutes} target",
                crate::languages::english_name(language)
            ),
        }
    }
}

/// The ticket a desk is handling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeskTicket {
    pub desk: String,
    pub number: String,
    pub service: String,
    pub status: StopStatus,
    pub recalls: u32,
    pub language: String,
    /// Set when the ticket was just called.
    #[serde(default)]
    pub reason: Option<CallReason>,
    /// Visitors the routing would have called first but passed over because they are at
    /// another desk with another concern of their visit; they keep their place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed_over: Vec<PassedOver>,
}

/// A visitor passed over because they are at another desk with another concern of their
/// visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PassedOver {
    pub number: String,
    /// The desk they are at.
    pub desk: String,
}

/// `POST /api/v1/desks/{desk}/call`: call a ticket by its number (also re-activates a recent
/// no-show or a parked ticket).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallSpecific {
    pub number: String,
}

/// `POST /api/v1/desks/{desk}/resume`: put a parked ticket back in its line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    pub number: String,
}

/// `POST /api/v1/desks/{desk}/finish`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    /// An outcome code for statistics: `completed`, `documents_missing`, `follow_up` or
    /// `referred` (no free text).
    #[serde(default)]
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinePosition {
    Front,
    Back,
}

/// `POST /api/v1/desks/{desk}/transfer`: hand the visitor on to another service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub service: String,
    pub position: LinePosition,
    /// Readable only by staff of the receiving service's agency.
    #[serde(default)]
    pub note: Option<String>,
}

/// `GET /api/v1/queues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Queues {
    pub at: DateTime<Utc>,
    pub services: Vec<ServiceQueue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceQueue {
    pub service: String,
    pub agency: String,
    pub waiting: u32,
    pub longest_wait_minutes: u32,
    /// Estimated wait for a visitor joining the line now.
    pub estimated_wait_minutes: u32,
    /// Whether a kiosk can issue a ticket for this service now, and if not, why.
    pub availability: Availability,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Open,
    /// Outside opening hours.
    Closed,
    /// Only visitors with an appointment are served.
    AppointmentOnly,
    /// The daily walk-in limit is reached.
    FullToday,
}

impl Availability {
    /// The one availability rule, shared by the server (issuing, queue reports) and the
    /// kiosk: appointment-only comes first, then opening hours, then the daily limit.
    pub fn of(walk_in: bool, open_now: bool, full_today: bool) -> Availability {
        if !walk_in {
            Availability::AppointmentOnly
        } else if !open_now {
            Availability::Closed
        } else if full_today {
            Availability::FullToday
        } else {
            Availability::Open
        }
    }
}
