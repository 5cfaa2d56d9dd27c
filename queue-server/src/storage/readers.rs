//! Read-only connections beside the writer: GET requests, pages, panels and snapshots read
//! here, so they never wait for the writer's transaction nor it for them (WAL lets readers
//! see the last commit while a write is in progress). Each read runs in one read transaction,
//! so a response built from several queries sees one consistent state.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// How many reads run at once at most (each on a blocking thread with its own connection).
pub const READERS: usize = 4;

pub struct Readers {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
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
            permits: Arc::new(Semaphore::new(READERS)),
        }))
    }

    /// Runs `work` on a free reader inside one read transaction. The connection goes back to
    /// the pool and the permit is released inside the blocking task, so a request abandoned
    /// while it waits (a client that hangs up) loses no connection.
    pub async fn run<R, F>(self: &Arc<Self>, work: F) -> Result<R, AppError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, AppError> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| AppError::Unavailable)?;
        let readers = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let connection = readers
                .lock()
                .pop()
                .ok_or_else(|| AppError::Internal("no idle reader despite a permit".into()))?;
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                in_read_transaction(&connection, work)
            }));
            if result.is_err() {
                // The read panicked inside its transaction: end it before reuse.
                let _ = connection.execute_batch("ROLLBACK");
            }
            readers.lock().push(connection);
            result.unwrap_or_else(|_| Err(AppError::Internal("a read panicked".into())))
        })
        .await
        .map_err(|_| AppError::Internal("a read task failed".into()))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
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
