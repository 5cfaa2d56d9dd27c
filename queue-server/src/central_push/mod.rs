//! Pushing this building's statistics and live summary to the county's central service
//! (`[central]` in the building file, README "Several buildings"). Two background tasks: the
//! outbox of closed days (`days.rs`, durable, at least once, oldest first, with backoff) and
//! the live summary (`live.rs`, every few seconds, nothing kept). Neither is on any
//! visitor's or desk's path: the building serves whether the centre answers or not.

mod backoff;
mod days;
mod live;

use lotse_protocol::central::CentralLink;
use lotse_protocol::server_ca::device_client;
use lotse_protocol::{Client, Deadlines};

use crate::http::AppState;

pub use backoff::delay_after;
pub use days::push_due_days;
pub use live::{push_summary, summary};

/// The client for the centre and this building's id there.
#[derive(Debug, Clone)]
pub struct Link {
    pub client: Client,
    pub building: String,
}

impl Link {
    /// The link the `[central]` table describes: its token file read, its CA file trusted.
    pub fn open(central: &CentralLink) -> anyhow::Result<Link> {
        use anyhow::Context;
        let token = std::fs::read_to_string(&central.token_file).with_context(|| {
            format!(
                "cannot read the central token file {}",
                central.token_file.display()
            )
        })?;
        let client = device_client(
            &central.url,
            Deadlines::default(),
            central.ca_file.as_deref(),
        )?
        .with_device_token(token.trim());
        Ok(Link {
            client,
            building: central.building.clone(),
        })
    }
}

/// Starts both tasks when the building has a `[central]` table; they end at shutdown.
pub fn spawn(state: &AppState) {
    let Some(central) = state.config.building.central.as_ref() else {
        return;
    };
    match Link::open(central) {
        Ok(link) => {
            tracing::info!(url = %central.url, building = %link.building, "pushing to the central service");
            tokio::spawn(days::run(state.clone(), link.clone()));
            tokio::spawn(live::run(state.clone(), link));
        }
        Err(error) => tracing::error!(%error, "not pushing to the central service"),
    }
}
