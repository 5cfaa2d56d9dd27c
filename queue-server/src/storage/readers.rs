//! Read-only connections beside the writer: GET requests, pages, panels and snapshots read
//! here, so they never wait for the writer's transaction nor it for them (WAL lets readers
//! see the last commit while a write is in progress). Each read runs in one read transaction,
//! so a response built from several queries sees one consistent state.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// How many reads run at once at most (each on a blocking thread with its own connection).
pub const READERS: usize = 4;

pub struct Readers {
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Readers {
    pub fn open(path: &Path) -> anyhow::Result<Arc<Readers>> {
        let mut idle = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let connection = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
            )?;
            connection.pragma_update(None, "query_only", "ON")?;
            connection.busy_timeout(std::time::Duration::from_secs(5))?;
            idle.push(connection);
        }
        Ok(Arc::new(Readers {
            idle: Mutex::new(idle),
            permits: Semaphore::new(READERS),
        }))
    }

    /// Runs `work` on a free reader inside one read transaction.
    pub async fn run<R, F>(self: &Arc<Self>, work: F) -> Result<R, AppError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, AppError> + Send + 'static,
    {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Unavailable)?;
        let connection = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .ok_or_else(|| AppError::Internal("no idle reader despite a permit".into()))?;
        let (connection, result) = tokio::task::spawn_blocking(move || {
            let result = in_read_transaction(&connection, work);
            (connection, result)
        })
        .await
        .map_err(|_| {
            // The connection went down with the panic: one reader fewer from now on.
            permit.forget();
            AppError::Internal("a read panicked".into())
        })?;
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(connection);
        result
    }
}

fn in_read_transaction<R>(
    connection: &Connection,
    work: impl FnOnce(&Connection) -> Result<R, AppError>,
) -> Result<R, AppError> {
    connection.execute_batch("BEGIN DEFERRED")?;
    let result = work(connection);
    // A read-only transaction has nothing to keep; ending it lets the WAL be checkpointed.
    connection.execute_batch("ROLLBACK")?;
    result
}
