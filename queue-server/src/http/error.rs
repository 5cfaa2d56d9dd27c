//! The one error type of the server: each variant maps to an HTTP status and a stable code.
//! Internal details (storage and internal errors) are logged, never sent to the client.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lotse_protocol::{ApiErrorBody, ErrorCode};

use crate::domain::DomainError;
use crate::domain::appointments::ImportProblem;
use crate::services::ServiceError;
use crate::storage::{Failure, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("malformed request: {0}")]
    MalformedRequest(String),
    #[error("the request body is larger than allowed")]
    PayloadTooLarge,
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A rule of the domain refused the change.
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong name or password")]
    InvalidCredentials,
    /// A directory user whose groups grant nothing here (or whose name is a local account's).
    #[error("this directory account is not permitted to use Lotse")]
    NotPermitted,
    #[error("the staff directory cannot be reached; local accounts can still log in")]
    DirectoryUnavailable,
    #[error("too many failed attempts; wait a minute")]
    TooManyAttempts,
    #[error("not allowed for this account or device")]
    Forbidden,
    #[error("the request lacks this session's CSRF token; reload the page")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("storage error: {0}")]
    Storage(StorageError),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the server is shutting down")]
    Unavailable,
    /// Too many requests of a kind at once (password checks, connections).
    #[error("the server is busy; try again in a moment")]
    Busy,
    #[error("the request took too long")]
    RequestTimeout,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("unsupported content type: {0}")]
    UnsupportedMediaType(String),
}

impl From<ImportProblem> for AppError {
    fn from(problem: ImportProblem) -> AppError {
        match problem {
            ImportProblem::Domain(error) => AppError::Domain(error),
            bad => AppError::InvalidInput(bad.to_string()),
        }
    }
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> AppError {
        match error {
            StorageError::NotFound => AppError::NotFound,
            StorageError::NameTaken(name) => {
                AppError::InvalidInput(format!("a user named \"{name}\" exists"))
            }
            error => AppError::Storage(error),
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> AppError {
        match error {
            ServiceError::Domain(error) => AppError::Domain(error),
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::InvalidInput(message) => AppError::InvalidInput(message),
            ServiceError::Storage(error) => AppError::from(error),
        }
    }
}

impl From<crate::background::Failed> for AppError {
    fn from(failed: crate::background::Failed) -> AppError {
        AppError::Internal(failed.0)
    }
}

/// Handlers run reads and writes on the store with their own closures.
impl Failure for AppError {
    fn is_full(&self) -> bool {
        matches!(self, AppError::Storage(error) if error.is_full())
    }
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
            InvalidInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Domain(error) => domain_status(error),
            NotFound => StatusCode::NOT_FOUND,
            Unauthenticated | InvalidCredentials => StatusCode::UNAUTHORIZED,
            TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Forbidden | CsrfRejected | NotPermitted => StatusCode::FORBIDDEN,
            Storage(StorageError::Closed) | Unavailable | Busy | DirectoryUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Storage(error) if error.is_full() => StatusCode::SERVICE_UNAVAILABLE,
            Storage(_) | Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, documented error code.
    pub fn code(&self) -> ErrorCode {
        use AppError::*;
        match self {
            MalformedRequest(_) => ErrorCode::MalformedRequest,
            PayloadTooLarge => ErrorCode::PayloadTooLarge,
            InvalidInput(_) => ErrorCode::InvalidInput,
            Domain(error) => error.code(),
            Unauthenticated => ErrorCode::Unauthenticated,
            InvalidCredentials => ErrorCode::InvalidCredentials,
            TooManyAttempts => ErrorCode::TooManyAttempts,
            Forbidden | NotPermitted => ErrorCode::Forbidden,
            DirectoryUnavailable => ErrorCode::DirectoryUnavailable,
            CsrfRejected => ErrorCode::CsrfRejected,
            NotFound => ErrorCode::NotFound,
            Storage(StorageError::Closed) | Unavailable => ErrorCode::Unavailable,
            Storage(error) if error.is_full() => ErrorCode::StorageFull,
            Storage(_) | Internal(_) => ErrorCode::Internal,
            Busy => ErrorCode::Busy,
            RequestTimeout => ErrorCode::RequestTimeout,
            MethodNotAllowed => ErrorCode::MethodNotAllowed,
            UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
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

    /// Whether the message carries internal details, which are logged and never sent.
    fn is_internal(&self) -> bool {
        match self {
            AppError::Storage(error) => !error.is_full(),
            AppError::Internal(_) => true,
            _ => false,
        }
    }
}

/// The HTTP status of a domain refusal: unknown things are 404, bad requests 422, and a
/// request that does not fit the current state 409.
fn domain_status(error: &DomainError) -> StatusCode {
    use DomainError::*;
    match error {
        NoConcern
        | TooManyConcerns
        | ConcernTwice(_)
        | UnknownOutcome
        | NoteTooLong
        | BadName
        | WeakPassword
        | UnknownService(_)
        | UnknownLanguage(_)
        | IdempotencyKeyReused
        | NoInterpreterForDefaultLanguage
        | BadScore
        | CommentTooLong
        | AlarmNoteLength
        | AppointmentTicketsByCheckIn
        | UnknownAgency(_)
        | NoInterpretingIn(_)
        | InterpreterNeedsLanguage
        | LanguagesOnlyForInterpreters
        | BadRecording(_) => StatusCode::UNPROCESSABLE_ENTITY,
        UnknownDesk(_)
        | TicketNotFound
        | AppointmentNotFound
        | InterpreterRequestNotFound
        | AlertNotFound
        | AlarmNotFound
        | UnknownClip(_) => StatusCode::NOT_FOUND,
        LanguageNotSpoken(_) | NotAnInterpreter | NotYourAssignment | OtherAgency
        | AlarmNeedsDesk | NotYourAlarm | NotForThisIssuer => StatusCode::FORBIDDEN,
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
        | ServiceNotServedHere(_)
        | InterpreterWrongStatus(_)
        | InterpreterBusy
        | InterpreterAlreadyRequested
        | VisitNotFinished
        | FeedbackAlreadyGiven
        | AlarmClosed => StatusCode::CONFLICT,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if self.is_internal() {
            tracing::error!(error = %self, "request failed");
            "internal error; the server log has details".to_owned()
        } else {
            self.to_string()
        };
        let body = ApiErrorBody {
            error: self.code(),
            message,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if matches!(self, AppError::Busy) {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
