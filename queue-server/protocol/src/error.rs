//! The JSON body of every error response and its stable error codes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{"error": "unknown_service", "message": "..."}`: `error` is a stable code for programs,
/// `message` is for people and may change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiErrorBody {
    pub error: ErrorCode,
    pub message: String,
}

/// The stable error codes of the API. A client built before a code existed reads it as
/// `Unknown` instead of failing.
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
#[derive(strum::IntoStaticStr, strum::Display, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    MalformedRequest,
    PayloadTooLarge,
    InvalidInput,
    UnknownService,
    UnknownLanguage,
    ServiceClosed,
    WalkInsFull,
    AppointmentOnly,
    IdempotencyKeyReused,
    UnknownDesk,
    TicketNotFound,
    UnknownAppointment,
    AppointmentTooEarly,
    AppointmentExpired,
    DeskBusy,
    NoCurrentTicket,
    WrongStatus,
    RecallsRequired,
    ReactivationWindowPassed,
    TicketAtOtherDesk,
    ServiceNotServedHere,
    Unauthenticated,
    InvalidCredentials,
    TooManyAttempts,
    Forbidden,
    CsrfRejected,
    NotFound,
    Internal,
    Unavailable,
    /// The server's disk is full: nothing was written; the server recovers when space returns.
    StorageFull,
    /// Too many requests of this kind at once (e.g. logins); retry after `Retry-After`.
    Busy,
    /// The staff directory (LDAP) cannot be reached: directory logins fail for now, local
    /// accounts still log in.
    DirectoryUnavailable,
    RequestTimeout,
    MethodNotAllowed,
    UnsupportedMediaType,
    /// No interpreter request with this id.
    UnknownInterpreterRequest,
    /// The interpreter account does not speak the request's language.
    LanguageNotSpoken,
    /// The interpreter already has a current assignment.
    InterpreterBusy,
    /// The visit already has an interpreter request that is not finished.
    InterpreterAlreadyRequested,
    /// The visit has gone on: feedback is asked for once every concern is finished.
    VisitNotFinished,
    /// This visit's feedback was given already (once per ticket).
    FeedbackAlreadyGiven,
    /// The central service does not know this push's schema version.
    UnknownSchemaVersion,
    /// A pushed day lies after the central service's today.
    DayInFuture,
    /// A code this client does not know yet.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The refusals that mean "this service cannot take a walk-in ticket now".
    pub fn is_unavailable_service(self) -> bool {
        matches!(
            self,
            ErrorCode::ServiceClosed | ErrorCode::WalkInsFull | ErrorCode::AppointmentOnly
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn codes_read_back_as_themselves_and_unknown_codes_as_unknown() {
        for code in ErrorCode::iter() {
            let json = serde_json::to_string(&code).expect("serialises");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(code));
        }
        let body: ApiErrorBody =
            serde_json::from_str(r#"{"error":"a_future_code","message":"m"}"#).expect("reads");
        assert_eq!(body.error, ErrorCode::Unknown);
    }
}
