//! The lines as staff, displays and the estimates see them: per service how many wait, the
//! longest wait, the estimated wait (`estimate::for_service` over what storage reads) and
//! whether the kiosk issues now (`issuing::availability`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lotse_protocol::{Queues, ServiceQueue};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::issuing::{self, day_of};
use crate::estimate;
use crate::storage::tickets::{self, recent_for_estimate, waiting_candidates};
use crate::storage::{StorageError, waits};

/// Estimated minutes until someone with `people_ahead` in front is called for `service`,
/// by the domain's rule (`estimate::for_service`), with `waiting` in each line.
pub fn estimated_wait(
    connection: &Connection,
    config: &Config,
    service: &str,
    people_ahead: u32,
    waiting: &HashMap<String, u32>,
    now: DateTime<Utc>,
) -> Result<u32, StorageError> {
    let mut recent = recent_for_estimate(connection, service, now)?;
    recent.waiting.clone_from(waiting);
    Ok(estimate::for_service(
        &config.building,
        service,
        people_ahead,
        &recent,
    ))
}

/// Waiting counts, longest waits, estimates and availability for every service.
pub fn queues(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Queues, StorageError> {
    let waiting = waiting_candidates(connection, config, now, None)?;
    let mut counts: HashMap<String, u32> = HashMap::new();
    for (_, service) in &waiting {
        *counts.entry(service.clone()).or_default() += 1;
    }
    let day = day_of(config, now);
    let lines = waits::lines(connection, Some(&day))?;
    let mut services = Vec::with_capacity(config.building.services.len());
    for service in &config.building.services {
        let line: Vec<_> = waiting
            .iter()
            .filter(|(_, s)| *s == service.id)
            .map(|(c, _)| c)
            .collect();
        let count = u32::try_from(line.len()).unwrap_or(u32::MAX);
        let longest = lines
            .iter()
            .find(|l| l.service == service.id)
            .and_then(|l| l.since)
            .map_or(0, |since| (now - since).num_minutes().max(0));
        let issued = tickets::walk_ins_toward_limit(connection, &day, service)?;
        services.push(ServiceQueue {
            service: service.id.clone(),
            agency: service.agency.clone(),
            waiting: count,
            longest_wait_minutes: u32::try_from(longest).unwrap_or(u32::MAX),
            estimated_wait_minutes: estimated_wait(
                connection,
                config,
                &service.id,
                count,
                &counts,
                now,
            )?,
            availability: issuing::availability(config, service, now, issued),
        });
    }
    Ok(Queues { at: now, services })
}
