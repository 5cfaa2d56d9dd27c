//! Idle LDAP connections bound as the service account, kept between checks so a login or a
//! re-validation does not connect, negotiate TLS and bind anew each time. At most as many as
//! checks may run at once; one idle longer than `MAX_IDLE` is closed rather than used
//! (directories drop idle connections: Active Directory after 15 minutes by default).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::ldap::Connection;

/// How long an idle connection is kept.
pub const MAX_IDLE: Duration = Duration::from_secs(60);

pub struct Pool {
    capacity: usize,
    idle: Mutex<Vec<(Connection, Instant)>>,
    opened: AtomicU64,
}

impl Pool {
    pub fn new(capacity: usize) -> Pool {
        Pool {
            capacity,
            idle: Mutex::new(Vec::new()),
            opened: AtomicU64::new(0),
        }
    }

    /// The most recently returned connection idle for less than `MAX_IDLE`; older ones are
    /// dropped (their driver ends with them).
    pub fn take(&self) -> Option<Connection> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        idle.retain(|(_, since)| since.elapsed() < MAX_IDLE);
        idle.pop().map(|(connection, _)| connection)
    }

    /// Keeps `connection` (bound as the service account) for the next check, unless the pool
    /// is full.
    pub fn put(&self, connection: Connection) {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < self.capacity {
            idle.push((connection, Instant::now()));
        }
    }

    /// Counts a connection opened.
    pub fn opened_one(&self) {
        self.opened.fetch_add(1, Ordering::Relaxed);
    }

    /// How many connections were opened since start (the pool's hit rate, for tests and
    /// diagnosis).
    pub fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }
}
