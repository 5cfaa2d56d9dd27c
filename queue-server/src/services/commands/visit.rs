//! A visit's concerns joining their lines as the building's `queue.visit_order` says: when
//! the ticket is issued and whenever one of its concerns ends. The rule is
//! `visit_order::to_join`; here it is applied: each join goes through the stop table
//! (`StopAction::Join`) with an event and an audit entry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lotse_protocol::{StopStatus, VisitOrder};
use rusqlite::Connection;

use super::desk::server_action;
use crate::config::Config;
use crate::domain::stop::StopAction;
use crate::services::ServiceError;
use crate::services::queries::queues::estimated_wait;
use crate::storage::StorageError;
use crate::storage::desks::{self, StopRow};
use crate::storage::tickets::waiting_per_service;
use crate::visit_order::{self, Concern, Dependencies, Progress};

/// The status each of a new visit's concerns starts in (`services` in the order they will be
/// stored): waiting if it joins its line now, else pending.
pub fn first_statuses(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    services: &[String],
) -> Result<Vec<(String, StopStatus)>, ServiceError> {
    let concerns: Vec<Concern<'_>> = services
        .iter()
        .map(|service| Concern {
            service,
            progress: Progress::Pending,
        })
        .collect();
    let joining = joining_now(connection, config, now, &concerns)?;
    Ok(services
        .iter()
        .enumerate()
        .map(|(i, service)| {
            let status = if joining.contains(&i) {
                StopStatus::Waiting
            } else {
                StopStatus::Pending
            };
            (service.clone(), status)
        })
        .collect())
}

/// What happened to a visit after one of its concerns ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Onward {
    /// The services whose stops joined their lines now.
    pub joined: Vec<String>,
    /// Whether the visit still has a concern open.
    pub open: bool,
}

/// Lets the visit's pending concerns join their lines as the order says, each through the
/// stop table with a `Joined` event and an audit entry naming `actor`, whose action ended
/// the concern before.
pub fn join_ready(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    actor: &str,
    ticket_id: i64,
) -> Result<Onward, ServiceError> {
    let stops = desks::visit(connection, ticket_id)?;
    let concerns = concerns_of(&stops);
    let joining = joining_now(connection, config, now, &concerns)?;
    let mut onward = Onward {
        joined: Vec::with_capacity(joining.len()),
        open: concerns.iter().any(|c| c.progress != Progress::Closed),
    };
    for stop in joining.into_iter().filter_map(|i| stops.get(i)) {
        server_action(connection, config, now, actor, stop, StopAction::Join)?;
        onward.joined.push(stop.service.clone());
    }
    Ok(onward)
}

/// A visit's stops as the ordering sees them.
pub fn concerns_of(stops: &[StopRow]) -> Vec<Concern<'_>> {
    stops
        .iter()
        .map(|stop| Concern {
            service: &stop.service,
            progress: Progress::of(stop.status),
        })
        .collect()
}

/// The concerns that join now under the building's order.
fn joining_now(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    concerns: &[Concern<'_>],
) -> Result<Vec<usize>, ServiceError> {
    let order = config.building.queue.visit_order;
    let dependencies = Dependencies::of(&config.building);
    let waits = if order == VisitOrder::NextShortest && concerns.len() > 1 {
        expected_waits(connection, config, now, concerns)?
    } else {
        HashMap::new()
    };
    let wait = |service: &str| waits.get(service).copied().unwrap_or(0);
    Ok(visit_order::to_join(order, concerns, &dependencies, wait))
}

/// Minutes until each pending concern's line would call a visitor who joined it now.
fn expected_waits(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    concerns: &[Concern<'_>],
) -> Result<HashMap<String, u32>, StorageError> {
    let mut waits = HashMap::new();
    let counts = waiting_per_service(connection, config, now)?;
    for concern in concerns.iter().filter(|c| c.progress == Progress::Pending) {
        let ahead = counts.get(concern.service).copied().unwrap_or(0);
        let minutes = estimated_wait(connection, config, concern.service, ahead, &counts, now)?;
        waits.insert(concern.service.to_owned(), minutes);
    }
    Ok(waits)
}
