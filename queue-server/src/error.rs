//! The one error type of the server: each variant maps to an HTTP status and a stable code.
//! Internal details are logged, never sent to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lotse_protocol::ApiErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("malformed request: {0}")]
    MalformedRequest(String),
    #[error("the request body is larger than allowed")]
    PayloadTooLarge,
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("unknown service \"{0}\"")]
    UnknownService(String),
    #[error("language \"{0}\" is not offered in this building")]
    UnknownLanguage(String),
    #[error("\"{0}\" is closed now")]
    ServiceClosed(String),
    #[error("\"{0}\" takes no more walk-in visitors today")]
    WalkInsFull(String),
    #[error("\"{0}\" is by appointment only")]
    AppointmentOnly(String),
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    #[error("unknown desk \"{0}\"")]
    UnknownDesk(String),
    #[error("no such ticket today")]
    TicketNotFound,
    #[error("no appointment with this code")]
    AppointmentNotFound,
    #[error("check-in opens {0} minutes before the appointment")]
    AppointmentTooEarly(u32),
    #[error("the appointment time has passed")]
    AppointmentExpired,
    #[error("the desk is still handling ticket {0}")]
    DeskBusy(String),
    #[error("the desk has no current ticket")]
    NoCurrentTicket,
    #[error("not possible while the ticket is {0}")]
    WrongStatus(&'static str),
    #[error("recall the ticket {0} time(s) before marking a no-show")]
    RecallsRequired(u32),
    #[error("the no-show is too long ago to call the ticket again")]
    ReactivationWindowPassed,
    #[error("the ticket is at another desk")]
    TicketAtOtherDesk,
    #[error("this desk does not serve \"{0}\"")]
    ServiceNotServedHere(String),
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong name or password")]
    InvalidCredentials,
    #[error("too many failed logins; wait a minute")]
    TooManyAttempts,
    #[error("not allowed for this account or device")]
    Forbidden,
    #[error("the request lacks this session's CSRF token; reload the page")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("storage error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the server is shutting down")]
    Unavailable,
    #[error("the server has no free connection; try again in a few seconds")]
    Busy,
    #[error("the request took too long")]
    RequestTimeout,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("unsupported content type: {0}")]
    UnsupportedMediaType(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        use AppError::*;
        match self {
            MalformedRequest(_) => StatusCode::BAD_REQUEST,
            RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            InvalidInput(_) | UnknownService(_) | UnknownLanguage(_) | IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ServiceClosed(_)
            | WalkInsFull(_)
            | AppointmentOnly(_)
            | AppointmentTooEarly(_)
            | AppointmentExpired
            | DeskBusy(_)
            | NoCurrentTicket
            | WrongStatus(_)
            | RecallsRequired(_)
            | ReactivationWindowPassed
            | TicketAtOtherDesk
            | ServiceNotServedHere(_) => StatusCode::CONFLICT,
            UnknownDesk(_) | TicketNotFound | AppointmentNotFound | NotFound => {
                StatusCode::NOT_FOUND
            }
            Unauthenticated | InvalidCredentials => StatusCode::UNAUTHORIZED,
            TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Forbidden | CsrfRejected => StatusCode::FORBIDDEN,
            Storage(_) | Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Unavailable | Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable, documented error code.
    pub fn code(&self) -> &'static str {
        use AppError::*;
        match self {
            MalformedRequest(_) => "malformed_request",
            PayloadTooLarge => "payload_too_large",
            InvalidInput(_) => "invalid_input",
            UnknownService(_) => "unknown_service",
            UnknownLanguage(_) => "unknown_language",
            ServiceClosed(_) => "service_closed",
            WalkInsFull(_) => "walk_ins_full",
            AppointmentOnly(_) => "appointment_only",
            IdempotencyKeyReused => "idempotency_key_reused",
            UnknownDesk(_) => "unknown_desk",
            TicketNotFound => "ticket_not_found",
            AppointmentNotFound => "unknown_appointment",
            AppointmentTooEarly(_) => "appointment_too_early",
            AppointmentExpired => "appointment_expired",
            DeskBusy(_) => "desk_busy",
            NoCurrentTicket => "no_current_ticket",
            WrongStatus(_) => "wrong_status",
            RecallsRequired(_) => "recalls_required",
            ReactivationWindowPassed => "reactivation_window_passed",
            TicketAtOtherDesk => "ticket_at_other_desk",
            ServiceNotServedHere(_) => "service_not_served_here",
            Unauthenticated => "unauthenticated",
            InvalidCredentials => "invalid_credentials",
            TooManyAttempts => "too_many_attempts",
            Forbidden => "forbidden",
            CsrfRejected => "csrf_rejected",
            NotFound => "not_found",
            Storage(_) | Internal(_) => "internal",
            Unavailable => "unavailable",
            Busy => "busy",
            RequestTimeout => "request_timeout",
            MethodNotAllowed => "method_not_allowed",
            UnsupportedMediaType(_) => "unsupported_media_type",
        }
    }

    /// The error for a plain-text rejection of axum's (a path or query that does not parse,
    /// a wrong method or content type), which has only its status and text; `None` for a
    /// status axum's rejections do not use.
    pub fn from_rejection(status: StatusCode, text: String) -> Option<AppError> {
        Some(match status {
            StatusCode::BAD_REQUEST => AppError::MalformedRequest(text),
            StatusCode::NOT_FOUND => AppError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => AppError::RequestTimeout,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(text),
            StatusCode::UNPROCESSABLE_ENTITY => AppError::InvalidInput(text),
            StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable,
            status if status.is_server_error() => AppError::Internal(text),
            _ => return None,
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal error; the server log has details".to_owned()
        } else {
            self.to_string()
        };
        let body = ApiErrorBody {
            error: self.code().to_owned(),
            message,
        };
        (status, axum::Json(body)).into_response()
    }
}
