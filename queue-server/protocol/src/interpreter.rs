//! Interpreter (Sprachmittler) requests: a visitor asks at the kiosk, or a desk asks for its
//! current or next visitor; interpreters of the language accept, arrive and finish.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a request stands: open → accepted → arrived → done; or cancelled.
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
pub enum InterpreterStatus {
    /// Waiting for an interpreter to accept.
    Open,
    /// An interpreter is on the way.
    Accepted,
    /// The interpreter is with the visitor.
    Arrived,
    Done,
    Cancelled,
}

impl InterpreterStatus {
    /// The stored and wire name (one conversion: strum, in step with serde).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Open, accepted or arrived: the request still needs or has an interpreter.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            InterpreterStatus::Open | InterpreterStatus::Accepted | InterpreterStatus::Arrived
        )
    }
}

/// Who asked for the interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum InterpreterSource {
    /// The visitor, on the kiosk's Confirm screen.
    Kiosk,
    /// Staff: at a desk, or with a walk-in ticket they issued.
    Desk,
}

impl InterpreterSource {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `POST /api/v1/desks/{desk}/interpreter`: ask for an interpreter for the desk's current
/// visitor, or for the ticket `number` (e.g. the next one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInterpreter {
    /// The ticket; the desk's current ticket when absent.
    #[serde(default)]
    pub number: Option<String>,
    /// Language code; the visitor's language when absent.
    #[serde(default)]
    pub language: Option<String>,
}

/// An interpreter request as staff and interpreters see it (`GET /api/v1/interpreter-requests`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InterpreterRequest {
    pub id: i64,
    /// The visitor's ticket number.
    pub number: String,
    pub language: String,
    pub status: InterpreterStatus,
    pub source: InterpreterSource,
    /// Where the visitor is: the desk they are called to, else the desk that asked; none
    /// while a kiosk request waits in the waiting area.
    pub desk: Option<String>,
    pub requested_at: DateTime<Utc>,
    /// The interpreter's account name once accepted.
    pub interpreter: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn strum_and_serde_names_agree() {
        for status in InterpreterStatus::iter() {
            let json = serde_json::to_string(&status).expect("serialises");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(
                status.as_str().parse::<InterpreterStatus>().ok(),
                Some(status)
            );
        }
        for source in InterpreterSource::iter() {
            let json = serde_json::to_string(&source).expect("serialises");
            assert_eq!(json, format!("\"{}\"", source.as_str()));
        }
    }
}
