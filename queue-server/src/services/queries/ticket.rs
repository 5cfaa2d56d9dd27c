//! A visitor's ticket as the kiosk, the API and the status page show it: the stored ticket
//! with, for its open concerns, the people ahead (from the waiting lines in memory, the
//! database for a stop committed a moment ago), the estimated waits (`estimate`), the concern
//! waited for now (`visit_order::concern_now`) and the whole visit's estimate.

use chrono::{DateTime, Utc};
use lotse_protocol::{Stop, StopStatus, Ticket};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::issuing::day_of;
use crate::estimate::{self, OpenConcern};
use crate::routing::{self, Candidate};
use crate::storage::tickets::{self, waiting_candidates, waiting_per_service};
use crate::storage::{StorageError, WaitingLines, interpreters};
use crate::visit_order::{self, Progress, VisitOrder};

use super::queues::estimated_wait;

/// The visitor's view of a ticket: its stops, the concern waited for now, its place in line
/// and estimated wait, the whole visit's estimate; `None` for an id that does not exist.
pub fn view(
    connection: &Connection,
    config: &Config,
    lines: &WaitingLines,
    now: DateTime<Utc>,
    ticket_id: i64,
) -> Result<Option<Ticket>, StorageError> {
    let Some(ticket) = tickets::stored_ticket(connection, config, ticket_id)? else {
        return Ok(None);
    };
    let (ids, stops): (Vec<i64>, Vec<Stop>) = ticket.stops.into_iter().unzip();
    // Each open concern's wait: people ahead and minutes for a waiting one, the line's
    // estimate for a pending one, none while the visitor is busy with it.
    let day = day_of(config, now);
    let counts = match lines.waiting_per_service(&day) {
        Some(counts) => counts,
        None => waiting_per_service(connection, config, now)?,
    };
    let mut waits: Vec<Option<(u32, u32)>> = Vec::with_capacity(stops.len());
    for (stop, stop_id) in stops.iter().zip(&ids) {
        let ahead = match stop.status {
            StopStatus::Waiting => {
                let target = config.target_wait_minutes(&stop.service);
                Some(
                    match lines.people_ahead(&day, &stop.service, *stop_id, target, now) {
                        Some(ahead) => ahead,
                        // Committed a moment ago and not in the lines yet: count from the
                        // database.
                        None => {
                            let line: Vec<Candidate> =
                                waiting_candidates(connection, config, now, Some(&stop.service))?
                                    .into_iter()
                                    .map(|(candidate, _)| candidate)
                                    .collect();
                            routing::people_ahead(&line, *stop_id, now).unwrap_or(0)
                        }
                    },
                )
            }
            StopStatus::Pending => Some(
                u32::try_from(
                    waiting_candidates(connection, config, now, Some(&stop.service))?.len(),
                )
                .unwrap_or(u32::MAX),
            ),
            _ => None,
        };
        waits.push(match ahead {
            Some(ahead) => Some((
                ahead,
                estimated_wait(connection, config, &stop.service, ahead, &counts, now)?,
            )),
            None => None,
        });
    }
    let progress: Vec<Progress> = stops.iter().map(|s| Progress::of(s.status)).collect();
    let minutes: Vec<Option<u32>> = waits.iter().map(|w| w.map(|(_, m)| m)).collect();
    let current = visit_order::concern_now(&progress, &minutes);
    let open: Vec<OpenConcern> = stops
        .iter()
        .zip(&progress)
        .zip(&minutes)
        .filter(|((_, p), _)| **p != Progress::Closed)
        .map(|((stop, _), wait)| OpenConcern {
            wait_minutes: wait.unwrap_or(0),
            desk_minutes: config
                .service(&stop.service)
                .map_or(0, |s| s.typical_minutes),
        })
        .collect();
    let waits_overlap = config.building.queue.visit_order == VisitOrder::SeveralLines;
    let visit_estimate_minutes =
        (!open.is_empty()).then(|| estimate::visit_minutes(&open, waits_overlap));
    let mut people_ahead = None;
    let mut estimated_wait_minutes = None;
    let mut called_to = None;
    if let Some(index) = current {
        let stop = &stops[index];
        if let Some((ahead, minutes)) = waits[index].filter(|_| stop.status == StopStatus::Waiting)
        {
            people_ahead = Some(ahead);
            estimated_wait_minutes = Some(minutes);
        }
        if stop.status.is_at_desk() {
            called_to = stop.desk.clone();
        }
    }
    Ok(Some(Ticket {
        number: ticket.number,
        status_url: config.status_url(&ticket.token),
        token: ticket.token,
        language: ticket.language,
        channel: ticket.channel,
        issued_at: ticket.issued_at,
        appointment_at: ticket.appointment_at,
        stops,
        current_stop: current,
        people_ahead,
        estimated_wait_minutes,
        called_to,
        visit_estimate_minutes,
        interpreter: interpreters::live_of_ticket(connection, ticket_id)?
            .map(|request| request.status),
    }))
}
