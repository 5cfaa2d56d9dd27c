//! Storage's own error: SQL failures, a stored value the code does not know (named with its
//! table and row), and a storage thread that is gone. Rules are not storage's business:
//! those refusals are `DomainError`s.

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{table} row {row}: unknown stored value \"{value}\" in column {column}")]
    UnknownValue {
        table: &'static str,
        column: &'static str,
        row: i64,
        value: String,
    },
    #[error("cannot encode a stored value: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("cannot encode a day's statistics: {0}")]
    EncodeDay(#[from] postcard::Error),
    #[error("commit failed: {0}")]
    Commit(String),
    /// The disk (or the database's page limit) is full: nothing was written.
    #[error("the database's disk is full")]
    Full,
    #[error("the storage thread has stopped")]
    Closed,
    /// A request ended without an answer (it panicked, or its thread did).
    #[error("the storage request failed: {0}")]
    Failed(String),
    /// The row a change names is not there.
    #[error("no such row")]
    NotFound,
    /// A unique name (an account's) is taken.
    #[error("the name \"{0}\" is taken")]
    NameTaken(String),
}

impl From<crate::background::Failed> for StorageError {
    fn from(failed: crate::background::Failed) -> StorageError {
        StorageError::Failed(failed.0)
    }
}

/// The error a closure the `Store` runs may end in: storage's own, or the error of a layer
/// above that wraps it. The store asks it whether the disk was full.
pub trait Failure: From<StorageError> + Send + 'static {
    fn is_full(&self) -> bool;
}

impl Failure for StorageError {
    fn is_full(&self) -> bool {
        StorageError::is_full(self)
    }
}

impl StorageError {
    /// Whether the write failed for want of space.
    pub fn is_full(&self) -> bool {
        match self {
            StorageError::Full => true,
            StorageError::Sqlite(error) => is_full(error),
            _ => false,
        }
    }
}

pub fn is_full(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// Reads a stored enum (by its strum name) from a text column; an unknown value is an error
/// naming the table, column and row — never a silent default.
pub fn stored<T: std::str::FromStr>(
    value: String,
    table: &'static str,
    column: &'static str,
    row: i64,
) -> Result<T, StorageError> {
    value.parse().map_err(|_| StorageError::UnknownValue {
        table,
        column,
        row,
        value,
    })
}
