//! What one client may hold of the server: how long a connection may wait or idle, how many
//! connections and live streams there may be, and how long a staff session may go unused.
//! `serve` flags set them; tests pass short timeouts.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The limits the server enforces; [`Limits::default`] suits a building.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's head must arrive within this once the connection waits for one: after it
    /// opened, and after the previous answer on a kept-alive connection. So it also closes
    /// idle kept-alive connections and ones that send half a request line.
    pub header_read_timeout: Duration,
    /// A connection on which nothing was read or written for this long is closed, even in
    /// the middle of a request (a body that never comes, a client that stops reading). Live
    /// event streams send a keep-alive every 5 s and so stay open.
    pub idle_timeout: Duration,
    /// A request must be answered within this (408 `request_timeout`). Only the answer's head
    /// counts, so live event streams, whose head goes out at once, are not cut.
    pub request_timeout: Duration,
    /// Open connections at most. At the limit a new connection closes the oldest idle one
    /// (no request in progress); when every connection is busy it gets 503 `busy`. Lowered at
    /// start to what the open-file limit allows.
    pub max_connections: usize,
    /// Connections from one client address that have not yet sent a whole request head (a
    /// client sends its first request at once; a connection that holds back is how a few
    /// hosts would fill the server). One more closes that address's oldest such connection,
    /// so neither the other clients' connections nor the server's memory pay for them.
    pub max_opening_connections_per_address: usize,
    /// Live event streams per token or session. Opening one more ends the oldest.
    pub max_streams_per_credential: usize,
    /// Live event streams of one staff account over all its sessions. Opening one more ends
    /// the account's oldest.
    pub max_streams_per_account: usize,
    /// Sessions of one staff account at a time. Logging in once more ends its oldest session.
    pub max_sessions_per_account: usize,
    /// A staff session that made no request for this long has ended (automatic reloads of
    /// the live parts of a page and event streams do not count as requests).
    pub session_idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            max_connections: 4_096,
            // A browser opens at most 6 connections to a server at a time; many clients
            // behind one address (a guest network's NAT, a reverse proxy) send their heads
            // within a round trip, so this many are seldom waiting at once.
            max_opening_connections_per_address: 128,
            max_streams_per_credential: 8,
            // A shared account on every desk of a floor, each console with its stream.
            max_streams_per_account: 32,
            max_sessions_per_account: 20,
            session_idle_timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl Limits {
    /// A staff session last used before this has ended.
    pub fn session_idle_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        chrono::Duration::from_std(self.session_idle_timeout)
            .ok()
            .and_then(|idle| now.checked_sub_signed(idle))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

/// File descriptors kept free of connections: the database and its journal, the listener,
/// logs, and the connections being refused with 503.
pub const RESERVED_FILES: u64 = 64 + REFUSING_AT_ONCE as u64;

/// Connections answered with 503 `busy` at the same time; more are closed without an answer.
pub const REFUSING_AT_ONCE: usize = 64;

/// Raises the soft open-file limit to the hard limit where the system allows it and returns
/// the soft limit in force afterwards (`None` where it cannot be read). Each connection is
/// one open file; a service manager's default of 1,024 would otherwise stop `accept` at
/// about a thousand idle sockets.
pub fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(limit) => Some(limit),
            Err(error) => {
                tracing::warn!(%error, "cannot raise the open-file limit");
                rlimit::getrlimit(rlimit::Resource::NOFILE)
                    .ok()
                    .map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `wanted` connections, lowered to what `open_files` leaves after [`RESERVED_FILES`].
pub fn connections_allowed(wanted: usize, open_files: Option<u64>) -> usize {
    let Some(open_files) = open_files else {
        return wanted;
    };
    let room = usize::try_from(open_files.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX);
    wanted.min(room).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_fit_the_open_file_limit() {
        assert_eq!(connections_allowed(4_096, None), 4_096);
        assert_eq!(connections_allowed(4_096, Some(20_000)), 4_096);
        assert_eq!(connections_allowed(4_096, Some(1_024)), 1_024 - 128);
        assert_eq!(connections_allowed(4_096, Some(10)), 1);
    }
}
