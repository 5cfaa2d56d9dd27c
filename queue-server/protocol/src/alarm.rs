//! The silent emergency alarm (README "Emergency alarm"): raised from a desk console, shown to
//! the supervisors, the consoles on the same floor and the security accounts, acknowledged
//! by responders, closed with a note. Staff only: the event stream never sends it to devices.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an alarm is in its life, as its events announce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlarmState {
    Raised,
    /// A responder said "on my way" (one event per responder).
    Acknowledged,
    Closed,
}

/// A responder who acknowledged an alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AlarmResponder {
    pub name: String,
    pub at: DateTime<Utc>,
}

/// An alarm (`GET /api/v1/alarms`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Alarm {
    pub id: i64,
    /// The desk or room it was raised at (building config id).
    pub desk: String,
    /// That desk's floor (the lift button's number).
    pub floor: i32,
    /// The staff account that raised it.
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    /// Who is on the way, first first.
    #[serde(default)]
    pub responders: Vec<AlarmResponder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The closing note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/alarms/{id}/close`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseAlarm {
    /// What happened, in a few words (1 to `limits::MAX_ALARM_NOTE_CHARS` characters).
    pub note: String,
}
