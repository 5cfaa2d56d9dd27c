//! One error for test closures on the store that mix plain SQL, storage and commands.

use lotse_queue_server::http::error::AppError;
use lotse_queue_server::services::ServiceError;
use lotse_queue_server::storage::{Failure, StorageError};

#[derive(Debug)]
pub struct TestError {
    pub message: String,
    pub full: bool,
}

impl std::fmt::Display for TestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StorageError> for TestError {
    fn from(error: StorageError) -> TestError {
        TestError {
            full: error.is_full(),
            message: error.to_string(),
        }
    }
}

impl From<rusqlite::Error> for TestError {
    fn from(error: rusqlite::Error) -> TestError {
        StorageError::from(error).into()
    }
}

impl From<ServiceError> for TestError {
    fn from(error: ServiceError) -> TestError {
        TestError {
            full: Failure::is_full(&error),
            message: error.to_string(),
        }
    }
}

impl From<AppError> for TestError {
    fn from(error: AppError) -> TestError {
        TestError {
            full: Failure::is_full(&error),
            message: error.to_string(),
        }
    }
}

impl Failure for TestError {
    fn is_full(&self) -> bool {
        self.full
    }
}
