//! Live alerts for supervisors and desk consoles (README "Live alerts"): a line waiting past
//! its target, a line growing faster than desks serve it, a kiosk printer failing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an alert is about. Stored by its snake_case name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AlertKind {
    /// A line's longest wait passed the service's target times its alert factor.
    Wait,
    /// More arrived in a line than desks called from it in the recent window.
    Growth,
    /// A kiosk's printer reported a failure (paper out, cover open, offline, unreachable).
    Printer,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where an alert is in its life: raised, acknowledged by someone, cleared by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Raised,
    Acknowledged,
    Cleared,
}

/// An active alert (`GET /api/v1/alerts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Alert {
    pub id: i64,
    pub kind: AlertKind,
    /// The service of a wait or growth alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The kiosk of a printer alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk: Option<String>,
    /// The printer's state now, for a printer alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<crate::event::PrinterCondition>,
    pub raised_at: DateTime<Utc>,
    /// Who acknowledged it (staff account), if anyone did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<DateTime<Utc>>,
}
