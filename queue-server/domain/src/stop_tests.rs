//! The stop table checked pair by pair against a list written out by hand, and a property
//! test that any sequence of desk actions keeps the desk invariants.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::StopStatus::{self, *};
use proptest::prelude::*;
use strum::IntoEnumIterator;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0)
        .single()
        .expect("valid time")
}

const RULES: Rules = Rules {
    no_show_after_recalls: 2,
    reactivation_window: Duration::minutes(30),
};

fn facts(status: StopStatus, recalls: u32) -> StopFacts {
    StopFacts {
        status,
        recalls,
        finished_at: Some(now()),
    }
}

/// Every allowed (from, action, to), written out independently of the table.
const ALLOWED: &[(StopStatus, StopAction, StopStatus)] = &[
    (Waiting, StopAction::Call, Called),
    (Parked, StopAction::Call, Called),
    (NoShow, StopAction::Call, Called),
    (Called, StopAction::Recall, Called),
    (Called, StopAction::Start, Serving),
    (Called, StopAction::Finish, Done),
    (Serving, StopAction::Finish, Done),
    (Called, StopAction::NoShow, NoShow),
    (Called, StopAction::Park, Parked),
    (Serving, StopAction::Park, Parked),
    (Parked, StopAction::Resume, Waiting),
    (Pending, StopAction::Join, Waiting),
    (Called, StopAction::Transfer, Transferred),
    (Serving, StopAction::Transfer, Transferred),
    (Pending, StopAction::CloseDay, Cancelled),
    (Waiting, StopAction::CloseDay, Cancelled),
    (Called, StopAction::CloseDay, Cancelled),
    (Serving, StopAction::CloseDay, Cancelled),
    (Parked, StopAction::CloseDay, Cancelled),
];

#[test]
fn every_status_and_action_pair_follows_the_list() {
    for status in StopStatus::iter() {
        for action in StopAction::ALL {
            let got = transition(action, facts(status, 5), RULES, now());
            let expected = ALLOWED
                .iter()
                .find(|(from, a, _)| *from == status && *a == action)
                .map(|(_, _, to)| *to);
            match (expected, got) {
                (Some(to), Ok(t)) => assert_eq!(t.to, to, "{status:?} {action:?}"),
                (None, Err(_)) => {}
                (expected, got) => panic!("{status:?} {action:?}: {expected:?} vs {got:?}"),
            }
        }
    }
}

#[test]
fn refusals_say_why() {
    let t = |status, recalls, action| transition(action, facts(status, recalls), RULES, now());
    assert_eq!(
        t(Called, 1, StopAction::NoShow),
        Err(DomainError::RecallsRequired(2))
    );
    assert_eq!(
        t(Serving, 0, StopAction::Call),
        Err(DomainError::TicketAtOtherDesk)
    );
    assert_eq!(
        t(Serving, 0, StopAction::Start),
        Err(DomainError::WrongStatus(Serving))
    );
    assert_eq!(
        t(Done, 0, StopAction::Resume),
        Err(DomainError::WrongStatus(Done))
    );
}

#[test]
fn a_recall_counts_and_a_no_show_can_be_called_again_within_the_window() {
    let recalled = transition(StopAction::Recall, facts(Called, 1), RULES, now());
    assert_eq!(recalled.map(|t| t.recalls), Ok(2));
    let no_show = StopFacts {
        status: NoShow,
        recalls: 2,
        finished_at: Some(now() - Duration::minutes(30)),
    };
    assert!(transition(StopAction::Call, no_show, RULES, now()).is_ok());
    let later = now() + Duration::minutes(1);
    assert_eq!(
        transition(StopAction::Call, no_show, RULES, later),
        Err(DomainError::ReactivationWindowPassed)
    );
}

#[test]
fn a_desk_calls_only_when_free_and_acts_only_on_its_current_stop() {
    assert_eq!(
        check_desk(StopAction::Call, Some("A-001")),
        Err(DomainError::DeskBusy("A-001".into()))
    );
    assert_eq!(check_desk(StopAction::Call, None), Ok(()));
    assert_eq!(check_desk(StopAction::Resume, None), Ok(()));
    assert_eq!(check_desk(StopAction::Join, None), Ok(()));
    for action in StopAction::AT_DESK.into_iter().filter(|a| a.on_current()) {
        assert_eq!(
            check_desk(action, None),
            Err(DomainError::NoCurrentTicket),
            "{action:?}"
        );
        assert_eq!(check_desk(action, Some("A-001")), Ok(()));
    }
}

#[test]
fn events_name_the_stop_the_desk_and_where_the_visit_goes() {
    let named = Named {
        number: "A-001",
        service: "residence-permit",
        desk: "d1",
        language: "ar",
    };
    let step = |to, recalls| Transition { to, recalls };
    assert_eq!(
        event(StopAction::Recall, named, step(Called, 3), None),
        Change::TicketCalled {
            number: "A-001".into(),
            service: "residence-permit".into(),
            desk: "d1".into(),
            recall: 3,
            language: Some("ar".into()),
        }
    );
    assert_eq!(
        event(
            StopAction::Transfer,
            named,
            step(Transferred, 0),
            Some("payment-card")
        ),
        Change::Transferred {
            number: "A-001".into(),
            from_service: "residence-permit".into(),
            to_service: "payment-card".into(),
            desk: "d1".into(),
        }
    );
    assert_eq!(
        StopAction::Call.audit(true),
        Some(crate::AuditAction::CallNext)
    );
    assert_eq!(
        StopAction::Join.audit(false),
        Some(crate::AuditAction::Join)
    );
}

/// A small world of stops and two desks, changed only through the domain functions.
#[derive(Debug, Clone)]
struct World {
    stops: Vec<StopFacts>,
    desk_of: Vec<Option<usize>>,
    current: [Option<usize>; 2],
}

impl World {
    fn new(stops: usize) -> World {
        World {
            stops: vec![facts(Waiting, 0); stops],
            desk_of: vec![None; stops],
            current: [None, None],
        }
    }

    fn apply(&mut self, desk: usize, action: StopAction, named: usize) {
        let current = self.current[desk];
        let number = current.map(|s| s.to_string());
        if check_desk(action, number.as_deref()).is_err() {
            return;
        }
        let target = if action.on_current() {
            current
        } else {
            Some(named)
        };
        let Some(stop) = target else { return };
        let Ok(step) = transition(action, self.stops[stop], RULES, now()) else {
            return;
        };
        self.stops[stop].status = step.to;
        self.stops[stop].recalls = step.recalls;
        if step.to.is_at_desk() {
            self.current[desk] = Some(stop);
            self.desk_of[stop] = Some(desk);
        } else {
            if self.desk_of[stop] == Some(desk) {
                self.current[desk] = None;
            }
            self.desk_of[stop] = None;
        }
    }

    fn check(&self, before: &World) {
        for (desk, current) in self.current.iter().enumerate() {
            if let Some(stop) = current {
                assert!(self.stops[*stop].status.is_at_desk());
                assert_eq!(self.desk_of[*stop], Some(desk));
            }
        }
        for (stop, facts) in self.stops.iter().enumerate() {
            if facts.status.is_at_desk() {
                let desks = self.current.iter().filter(|c| **c == Some(stop)).count();
                assert_eq!(desks, 1, "stop {stop} is at {desks} desks");
            }
            let old = before.stops[stop];
            assert!(facts.recalls >= old.recalls, "recalls never go down");
            if matches!(old.status, Done | Transferred) {
                assert_eq!(facts.status, old.status, "finished stops stay finished");
            }
        }
    }
}

proptest! {
    #[test]
    fn any_sequence_of_desk_actions_keeps_the_invariants(
        steps in prop::collection::vec((0usize..2, 0usize..9, 0usize..4), 0..60)
    ) {
        // The desk's actions and a concern joining its line (the day's end closes every
        // stop at once and is tested in `tests/server/server_actions.rs`).
        let actions: Vec<StopAction> =
            StopAction::AT_DESK.into_iter().chain([StopAction::Join]).collect();
        let mut world = World::new(4);
        for (desk, action, stop) in steps {
            let before = world.clone();
            world.apply(desk, actions[action], stop);
            world.check(&before);
        }
    }
}
