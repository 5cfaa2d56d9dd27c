//! The life cycle of a stop as one table: status × action → new status, or why not. The
//! desk actions, a visit's concern joining its line (`Join`) and the day's end
//! (`CloseDay`) all go through it. Also the two desk rules (a desk calls only when free; the
//! other actions need the desk's current stop) and the event each transition announces.

use chrono::{DateTime, Duration, Utc};
use lotse_protocol::{Change, StopStatus};

use super::{AuditAction, DomainError};

/// The statuses a stop can still leave: in play, or a later concern not yet in its line.
/// What is left in them when its day ends is closed (`StopAction::CloseDay`).
pub const OPEN: [StopStatus; 5] = [
    StopStatus::Pending,
    StopStatus::Waiting,
    StopStatus::Called,
    StopStatus::Serving,
    StopStatus::Parked,
];

/// What is done to a stop: by staff at a desk, or by the server when a visit moves on or a
/// day ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopAction {
    /// Call a stop to the desk: the routing's choice, or a ticket named by its number.
    Call,
    Recall,
    Start,
    Finish,
    NoShow,
    Park,
    /// Put a parked stop back into its line (named by its number; the desk stays free).
    Resume,
    Transfer,
    /// A pending concern of a visit joins its line (the visit's order says it waits now:
    /// `visit_order::to_join`); no desk and no staff are involved.
    Join,
    /// The stop's day ended with it still open.
    CloseDay,
}

impl StopAction {
    /// Every action, the desk's and the server's.
    pub const ALL: [StopAction; 10] = [
        StopAction::Call,
        StopAction::Recall,
        StopAction::Start,
        StopAction::Finish,
        StopAction::NoShow,
        StopAction::Park,
        StopAction::Resume,
        StopAction::Transfer,
        StopAction::Join,
        StopAction::CloseDay,
    ];

    /// What staff at a desk do.
    pub const AT_DESK: [StopAction; 8] = [
        StopAction::Call,
        StopAction::Recall,
        StopAction::Start,
        StopAction::Finish,
        StopAction::NoShow,
        StopAction::Park,
        StopAction::Resume,
        StopAction::Transfer,
    ];

    /// Whether the action works on the desk's current stop (the others name a stop).
    pub fn on_current(self) -> bool {
        !matches!(
            self,
            StopAction::Call | StopAction::Resume | StopAction::Join | StopAction::CloseDay
        )
    }

    /// The audit log's name for the action; `by_routing` tells "call next" from "call by
    /// number". `None` for a join: the visit's order made it, not a person.
    pub fn audit(self, by_routing: bool) -> Option<AuditAction> {
        Some(match self {
            StopAction::Call if by_routing => AuditAction::CallNext,
            StopAction::Call => AuditAction::Call,
            StopAction::Recall => AuditAction::Recall,
            StopAction::Start => AuditAction::Start,
            StopAction::Finish => AuditAction::Finish,
            StopAction::NoShow => AuditAction::NoShow,
            StopAction::Park => AuditAction::Park,
            StopAction::Resume => AuditAction::Resume,
            StopAction::Transfer => AuditAction::Transfer,
            StopAction::Join => AuditAction::Join,
            StopAction::CloseDay => AuditAction::CloseDay,
        })
    }
}

/// What the rules need to know of a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopFacts {
    pub status: StopStatus,
    pub recalls: u32,
    /// When it ended (for a no-show: when it was marked).
    pub finished_at: Option<DateTime<Utc>>,
}

/// The building's settings the table depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Recalls needed before a no-show may be marked.
    pub no_show_after_recalls: u32,
    /// How long after a no-show the ticket may be called again by its number.
    pub reactivation_window: Duration,
}

/// A permitted change of a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub to: StopStatus,
    pub recalls: u32,
}

/// The table. Every (status, action) pair not listed is refused with `WrongStatus`.
pub fn transition(
    action: StopAction,
    stop: StopFacts,
    rules: Rules,
    now: DateTime<Utc>,
) -> Result<Transition, DomainError> {
    use StopAction as A;
    use StopStatus::*;
    let to = match (stop.status, action) {
        (Waiting | Parked, A::Call) => Called,
        (NoShow, A::Call) => {
            let since = stop.finished_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
            if now - since > rules.reactivation_window {
                return Err(DomainError::ReactivationWindowPassed);
            }
            Called
        }
        (Called | Serving, A::Call) => return Err(DomainError::TicketAtOtherDesk),
        (Called, A::Recall) => {
            return Ok(Transition {
                to: Called,
                recalls: stop.recalls.saturating_add(1),
            });
        }
        (Called, A::Start) => Serving,
        (Called | Serving, A::Finish) => Done,
        (Called, A::NoShow) if stop.recalls >= rules.no_show_after_recalls => NoShow,
        (Called, A::NoShow) => {
            return Err(DomainError::RecallsRequired(rules.no_show_after_recalls));
        }
        (Called | Serving, A::Park) => Parked,
        (Parked, A::Resume) => Waiting,
        (Pending, A::Join) => Waiting,
        (Called | Serving, A::Transfer) => Transferred,
        (Pending | Waiting | Called | Serving | Parked, A::CloseDay) => Cancelled,
        (status, _) => return Err(DomainError::WrongStatus(status)),
    };
    Ok(Transition {
        to,
        recalls: stop.recalls,
    })
}

/// The desk rules: `current` is the number of the stop the desk is handling, if any.
pub fn check_desk(action: StopAction, current: Option<&str>) -> Result<(), DomainError> {
    match (action, current) {
        (StopAction::Call, Some(number)) => Err(DomainError::DeskBusy(number.to_owned())),
        (action, None) if action.on_current() => Err(DomainError::NoCurrentTicket),
        _ => Ok(()),
    }
}

/// A stop as the events name it.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub number: &'a str,
    pub service: &'a str,
    /// The desk that acted (empty for the server's own actions, `Join` and `CloseDay`).
    pub desk: &'a str,
    /// The language the visitor chose (a call carries it so displays can speak it).
    pub language: &'a str,
}

/// The event a transition announces. `onward` is where the visit goes next: the next
/// concern after `Finish` (if any), the new service after `Transfer`.
pub fn event(
    action: StopAction,
    stop: Named<'_>,
    transition: Transition,
    onward: Option<&str>,
) -> Change {
    let (number, service, desk) = (
        stop.number.to_owned(),
        stop.service.to_owned(),
        stop.desk.to_owned(),
    );
    match action {
        StopAction::Call | StopAction::Recall => Change::TicketCalled {
            number,
            service,
            desk,
            recall: if action == StopAction::Recall {
                transition.recalls
            } else {
                0
            },
            language: Some(stop.language.to_owned()),
        },
        StopAction::Start => Change::ServiceStarted {
            number,
            service,
            desk,
        },
        StopAction::Finish => Change::StopFinished {
            number,
            service,
            desk,
            next_service: onward.map(str::to_owned),
        },
        StopAction::NoShow => Change::NoShow {
            number,
            service,
            desk,
        },
        StopAction::Park => Change::Parked {
            number,
            service,
            desk,
        },
        StopAction::Resume => Change::Resumed { number, service },
        StopAction::Join => Change::Joined { number, service },
        StopAction::Transfer => Change::Transferred {
            number,
            from_service: service,
            to_service: onward.unwrap_or(stop.service).to_owned(),
            desk,
        },
        StopAction::CloseDay => Change::Cancelled { number, service },
    }
}

#[cfg(test)]
#[path = "stop_tests.rs"]
mod tests;
