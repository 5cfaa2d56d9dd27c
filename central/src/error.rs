//! The central service's one HTTP error: a status and the API's stable error code
//! (`lotse_protocol::ErrorCode`) in the same JSON body as the building's; internal errors are
//! logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lotse_protocol::{ApiErrorBody, ErrorCode};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("a building token is needed")]
    Unauthenticated,
    #[error("this token may not write or read that")]
    Forbidden,
    #[error("{0}")]
    Malformed(String),
    #[error("the push is larger than {0} bytes")]
    TooLarge(usize),
    #[error("schema version {0} is unknown here (this central service knows {known})", known = lotse_protocol::central::CENTRAL_SCHEMA)]
    UnknownSchema(u32),
    #[error("the day {0} has not happened yet")]
    DayInFuture(chrono::NaiveDate),
    #[error("{0}")]
    Invalid(String),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl CentralError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status_and_code().0
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            CentralError::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            CentralError::Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            CentralError::Malformed(_) => (StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest),
            CentralError::TooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            CentralError::UnknownSchema(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::UnknownSchemaVersion,
            ),
            CentralError::DayInFuture(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::DayInFuture)
            }
            CentralError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidInput),
            CentralError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            CentralError::Db(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
        }
    }
}

impl IntoResponse for CentralError {
    fn into_response(self) -> Response {
        let (status, error) = self.status_and_code();
        let message = match &self {
            CentralError::Db(db) => {
                tracing::error!(error = %db, "database");
                "the database is not available; try again".to_owned()
            }
            other => other.to_string(),
        };
        (status, Json(ApiErrorBody { error, message })).into_response()
    }
}
