//! Why a command or query did not happen: a rule refused it, the account may not do it, the
//! input is unusable, or storage failed. The HTTP layer gives each its status.

use crate::domain::DomainError;
use crate::domain::appointments::ImportProblem;
use crate::storage::{Failure, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("not allowed for this account or device")]
    Forbidden,
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<ImportProblem> for ServiceError {
    fn from(problem: ImportProblem) -> ServiceError {
        match problem {
            ImportProblem::Domain(error) => ServiceError::Domain(error),
            bad => ServiceError::InvalidInput(bad.to_string()),
        }
    }
}

impl Failure for ServiceError {
    fn is_full(&self) -> bool {
        matches!(self, ServiceError::Storage(error) if error.is_full())
    }
}

/// The commands' own tests read rows back with plain SQL in the same closure.
#[cfg(test)]
impl From<rusqlite::Error> for ServiceError {
    fn from(error: rusqlite::Error) -> ServiceError {
        ServiceError::Storage(StorageError::from(error))
    }
}
