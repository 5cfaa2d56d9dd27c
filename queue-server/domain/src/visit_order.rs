//! Which of a visit's open concerns it waits for now: a pure function of the visit's concerns,
//! the building's dependencies (`after`) and each line's expected wait (no I/O, no clock; the
//! estimates are an input, computed like the status page's).
//!
//! Asked when a visit is issued and whenever one of its concerns ends. A concern that joins
//! its line keeps the visit's arrival time there (as a later concern always has), so nobody's
//! place is given away by the order: only *which* lines the visitor stands in changes.
//!
//! - `Fixed` (the order up to now): one concern at a time, in the order tapped.
//! - `NextShortest`: one concern at a time, the one whose line is expected to call soonest.
//! - `SeveralLines`: every concern whose dependencies are met waits in its line at once. While
//!   the visitor is at a desk, their other places are kept but not callable
//!   (`callable`, `choose_callable`, which also names who a desk passed over): routing skips
//!   them, and they are callable again as soon as the visitor is free. A parked visitor waits
//!   in the lobby and may be called for another concern.
//!
//! In every order a concern waits only once each concern of the same visit that it comes
//! after has ended, and a visit with open concerns and none waiting or busy always gets one
//! to wait for (the config has no cycles).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
pub use lotse_protocol::VisitOrder;
use lotse_protocol::{Building, StopStatus};

use crate::routing::{self, Candidate, Choice, DeskLanguages};

/// Where one concern of a visit stands, as the ordering sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Progress {
    /// Not in any line yet.
    Pending,
    /// In its line, or parked (the visitor waits in the lobby to be called back to that
    /// desk, and may meanwhile be called for another concern).
    Waiting,
    /// Called or being served: the visitor is busy with it at a desk.
    Busy,
    /// Finished, no-show, cancelled or transferred.
    Closed,
}

impl Progress {
    /// Where a stop of this status stands for its visit.
    pub fn of(status: StopStatus) -> Progress {
        match status {
            StopStatus::Pending => Progress::Pending,
            StopStatus::Waiting | StopStatus::Parked => Progress::Waiting,
            StopStatus::Called | StopStatus::Serving => Progress::Busy,
            StopStatus::Done
            | StopStatus::NoShow
            | StopStatus::Cancelled
            | StopStatus::Transferred => Progress::Closed,
        }
    }
}

/// One concern of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concern<'a> {
    pub service: &'a str,
    pub progress: Progress,
}

/// The building's dependencies: for each service, the services it comes after.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependencies {
    after: HashMap<String, Vec<String>>,
}

impl Dependencies {
    /// The services' `after` lists (validated: known services, no cycles).
    pub fn of(building: &Building) -> Dependencies {
        Dependencies {
            after: building
                .services
                .iter()
                .filter(|s| !s.after.is_empty())
                .map(|s| (s.id.clone(), s.after.clone()))
                .collect(),
        }
    }

    /// No dependencies at all.
    pub fn none() -> Dependencies {
        Dependencies::default()
    }

    /// Whether every concern of the visit that `concerns[index]` comes after has ended.
    pub fn met(&self, concerns: &[Concern<'_>], index: usize) -> bool {
        let Some(concern) = concerns.get(index) else {
            return false;
        };
        let Some(before) = self.after.get(concern.service) else {
            return true;
        };
        concerns
            .iter()
            .filter(|c| before.iter().any(|b| b == c.service))
            .all(|c| c.progress == Progress::Closed)
    }
}

/// The pending concerns that join their lines now (indices into `concerns`, in tap order).
/// `expected_wait` gives the minutes until a line would call this visit if it joined it now.
pub fn to_join(
    order: VisitOrder,
    concerns: &[Concern<'_>],
    dependencies: &Dependencies,
    mut expected_wait: impl FnMut(&str) -> u32,
) -> Vec<usize> {
    let ready = (0..concerns.len())
        .filter(|i| concerns[*i].progress == Progress::Pending && dependencies.met(concerns, *i));
    let occupied = concerns
        .iter()
        .any(|c| matches!(c.progress, Progress::Waiting | Progress::Busy));
    match order {
        VisitOrder::SeveralLines => ready.collect(),
        _ if occupied => Vec::new(),
        VisitOrder::Fixed => ready.take(1).collect(),
        VisitOrder::NextShortest => ready
            .map(|i| (expected_wait(concerns[i].service), i))
            .min()
            .map(|(_, i)| i)
            .into_iter()
            .collect(),
    }
}

/// The order in which `Fixed` serves a visit's `services` (indices, each once): the tap
/// order, except that a service comes after those of the visit it depends on. The server
/// gives a new ticket's stops this order.
pub fn fixed_sequence(services: &[String], dependencies: &Dependencies) -> Vec<usize> {
    let mut progress = vec![Progress::Pending; services.len()];
    let mut sequence = Vec::with_capacity(services.len());
    loop {
        let concerns: Vec<Concern<'_>> = services
            .iter()
            .zip(&progress)
            .map(|(service, progress)| Concern {
                service,
                progress: *progress,
            })
            .collect();
        let Some(&next) = to_join(VisitOrder::Fixed, &concerns, dependencies, |_| 0).first() else {
            break;
        };
        progress[next] = Progress::Closed;
        sequence.push(next);
    }
    // Only a cycle (which the config refuses) could leave a service out: append it.
    sequence.extend((0..services.len()).filter(|i| progress[*i] == Progress::Pending));
    sequence
}

/// Whether the waiting concern `concerns[index]` may be called now: not while the visitor is
/// busy with another concern.
pub fn callable(concerns: &[Concern<'_>], index: usize) -> bool {
    concerns
        .get(index)
        .is_some_and(|c| c.progress == Progress::Waiting)
        && !concerns.iter().any(|c| c.progress == Progress::Busy)
}

/// Whether the visitor is busy (called or served at a desk) with a concern other than
/// `concerns[index]`: then that concern may not be called, not even by its number.
pub fn busy_elsewhere(concerns: &[Concern<'_>], index: usize) -> bool {
    concerns
        .iter()
        .enumerate()
        .any(|(i, c)| i != index && c.progress == Progress::Busy)
}

/// The concern a visitor attends to now (index into the visit's concerns): the one they are
/// busy with, else the waiting one expected to be called soonest (`minutes` per concern,
/// ties in the visit's order); none when nothing is waiting or busy.
pub fn concern_now(progress: &[Progress], minutes: &[Option<u32>]) -> Option<usize> {
    progress
        .iter()
        .position(|p| *p == Progress::Busy)
        .or_else(|| {
            (0..progress.len())
                .filter(|i| progress[*i] == Progress::Waiting)
                .min_by_key(|i| (minutes.get(*i).copied().flatten().unwrap_or(u32::MAX), *i))
        })
}

/// A waiting stop whose visitor is busy with another concern of the same visit: called to,
/// or served at, `desk`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    pub stop_id: i64,
    pub number: String,
    pub desk: String,
}

/// What a desk calls: the routing's choice among the callable stops, and the visitors it
/// passed over because they are busy elsewhere (those the desk would have called first).
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub choice: Option<Choice>,
    pub passed_over: Vec<Elsewhere>,
}

/// The stop `desk` calls now: `routing::choose_for_desk` among the `candidates` whose visitor
/// is not busy elsewhere (`callable`), and who was passed over for that reason. A visitor
/// passed over keeps their place and is called as soon as they are free.
pub fn choose_callable(
    candidates: &[Candidate],
    elsewhere: &[Elsewhere],
    desk: &DeskLanguages,
    now: DateTime<Utc>,
) -> Pick {
    let busy = |candidate: &Candidate| elsewhere.iter().any(|e| e.stop_id == candidate.stop_id);
    let callable: Vec<Candidate> = candidates.iter().filter(|c| !busy(c)).cloned().collect();
    let choice = routing::choose_for_desk(&callable, desk, now);
    let chosen = choice
        .as_ref()
        .and_then(|choice| candidates.iter().find(|c| c.stop_id == choice.stop_id));
    let mut passed_over: Vec<(&Candidate, &Elsewhere)> = candidates
        .iter()
        .filter_map(|c| Some((c, elsewhere.iter().find(|e| e.stop_id == c.stop_id)?)))
        .filter(|(c, _)| chosen.is_none_or(|chosen| routing::called_before(c, chosen, now)))
        .collect();
    passed_over.sort_by(|(a, _), (b, _)| routing::call_order(a, b, now));
    Pick {
        choice,
        passed_over: passed_over.into_iter().map(|(_, e)| e.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn concerns<'a>(list: &[(&'a str, Progress)]) -> Vec<Concern<'a>> {
        list.iter()
            .map(|(service, progress)| Concern {
                service,
                progress: *progress,
            })
            .collect()
    }

    fn card_after_permit() -> Dependencies {
        Dependencies {
            after: HashMap::from([("card".to_owned(), vec!["permit".to_owned()])]),
        }
    }

    /// Expected waits: permit 40 min, card 5, jobs 15, anything else 30.
    fn waits(service: &str) -> u32 {
        match service {
            "permit" => 40,
            "card" => 5,
            "jobs" => 15,
            _ => 30,
        }
    }

    fn check(order: VisitOrder, list: &[(&str, Progress)], expected: &[usize]) {
        let visit = concerns(list);
        assert_eq!(
            to_join(order, &visit, &card_after_permit(), waits),
            expected,
            "{order:?} {list:?}"
        );
    }

    #[test]
    fn each_order_chooses_as_documented() {
        use Progress::*;
        let new = [("card", Pending), ("permit", Pending), ("jobs", Pending)];
        // Fixed: tap order, but the card only after the permit.
        check(VisitOrder::Fixed, &new, &[1]);
        // Next shortest: jobs (15) before permit (40); the card (5) must wait for the permit.
        check(VisitOrder::NextShortest, &new, &[2]);
        check(VisitOrder::SeveralLines, &new, &[1, 2]);
        // Once the permit is done the card is free; ties and order as above.
        let later = [("card", Pending), ("permit", Closed), ("jobs", Pending)];
        check(VisitOrder::Fixed, &later, &[0]);
        check(VisitOrder::NextShortest, &later, &[0]);
        check(VisitOrder::SeveralLines, &later, &[0, 2]);
        // One at a time: nothing joins while a concern waits or the visitor is at a desk.
        for busy in [Waiting, Busy] {
            let occupied = [("card", Pending), ("permit", Closed), ("jobs", busy)];
            check(VisitOrder::Fixed, &occupied, &[]);
            check(VisitOrder::NextShortest, &occupied, &[]);
            check(VisitOrder::SeveralLines, &occupied, &[0]);
        }
        // Equal estimates go in tap order.
        let equal = [("a", Pending), ("b", Pending)];
        check(VisitOrder::NextShortest, &equal, &[0]);
    }

    #[test]
    fn a_visitor_at_a_desk_is_not_callable_elsewhere() {
        use Progress::*;
        let visit = concerns(&[("a", Waiting), ("b", Busy), ("c", Waiting)]);
        assert!(!callable(&visit, 0));
        assert!(!callable(&visit, 1), "busy is not waiting");
        let visit = concerns(&[("a", Waiting), ("b", Closed), ("c", Pending)]);
        assert!(callable(&visit, 0));
        assert!(!callable(&visit, 2), "pending is not in a line");
        assert!(!callable(&visit, 3), "no such concern");
    }

    const SERVICES: [&str; 5] = ["s0", "s1", "s2", "s3", "s4"];

    fn progress() -> impl Strategy<Value = Progress> {
        prop_oneof![
            Just(Progress::Pending),
            Just(Progress::Waiting),
            Just(Progress::Busy),
            Just(Progress::Closed),
        ]
    }

    /// Dependencies without cycles: a service may come only after services of lower number.
    fn acyclic() -> impl Strategy<Value = Dependencies> {
        proptest::collection::vec(any::<u8>(), SERVICES.len()).prop_map(|masks| Dependencies {
            after: SERVICES
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let before = (0..i)
                        .filter(|j| masks[i] & (1 << j) != 0)
                        .map(|j| SERVICES[j].to_owned())
                        .collect();
                    ((*s).to_owned(), before)
                })
                .collect(),
        })
    }

    /// A visit of distinct services in any tap order, each in any state.
    fn visit() -> impl Strategy<Value = Vec<(usize, Progress)>> {
        (
            Just((0..SERVICES.len()).collect::<Vec<_>>()).prop_shuffle(),
            proptest::collection::vec(progress(), 1..=SERVICES.len()),
        )
            .prop_map(|(services, states)| services.into_iter().zip(states).collect())
    }

    fn as_concerns(raw: &[(usize, Progress)]) -> Vec<Concern<'static>> {
        raw.iter()
            .map(|(s, p)| Concern {
                service: SERVICES[*s],
                progress: *p,
            })
            .collect()
    }

    #[test]
    fn a_visitor_busy_with_one_concern_is_busy_for_the_others() {
        use Progress::*;
        let visit = concerns(&[("a", Waiting), ("b", Busy), ("c", Closed)]);
        assert!(busy_elsewhere(&visit, 0));
        assert_eq!(
            Progress::of(StopStatus::Parked),
            Waiting,
            "parked waits in the lobby"
        );
        assert!(!busy_elsewhere(&visit, 1), "its own concern");
        let visit = concerns(&[("a", Waiting), ("b", Closed)]);
        assert!(!busy_elsewhere(&visit, 0));
    }

    #[test]
    fn the_concern_now_is_the_busy_one_else_the_soonest() {
        use Progress::*;
        let now = concern_now(&[Waiting, Busy, Waiting], &[Some(1), None, Some(0)]);
        assert_eq!(now, Some(1));
        let now = concern_now(
            &[Closed, Waiting, Pending, Waiting],
            &[None, Some(30), Some(1), Some(5)],
        );
        assert_eq!(now, Some(3), "pending does not count");
        assert_eq!(
            concern_now(&[Waiting, Waiting], &[Some(5), Some(5)]),
            Some(0)
        );
        assert_eq!(concern_now(&[Closed, Pending], &[None, Some(2)]), None);
    }

    fn waiting_for(id: i64, waited: i64) -> Candidate {
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::hours(10);
        Candidate {
            stop_id: id,
            queued_at: now - chrono::Duration::minutes(waited),
            priority: false,
            front: false,
            appointment_at: None,
            target_wait_minutes: 30,
            language: None,
        }
    }

    #[test]
    fn a_desk_passes_over_a_visitor_at_another_desk_and_says_so() {
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::hours(10);
        // 1 waited longest but is at desk 7, 3 at desk 2; 2 is next who is free.
        let line = [
            waiting_for(1, 40),
            waiting_for(2, 20),
            waiting_for(3, 30),
            waiting_for(4, 5),
        ];
        let elsewhere = [
            Elsewhere {
                stop_id: 1,
                number: "A-001".into(),
                desk: "eg-07".into(),
            },
            Elsewhere {
                stop_id: 3,
                number: "A-003".into(),
                desk: "eg-02".into(),
            },
            Elsewhere {
                stop_id: 4,
                number: "A-004".into(),
                desk: "eg-03".into(),
            },
        ];
        let pick = choose_callable(&line, &elsewhere, &DeskLanguages::none(), now);
        assert_eq!(pick.choice.map(|c| c.stop_id), Some(2));
        // Only those ahead of the one called, in call order; 4 was behind anyway.
        assert_eq!(
            pick.passed_over,
            [elsewhere[0].clone(), elsewhere[1].clone()]
        );
        // Nobody free: nobody called, everyone busy named.
        let pick = choose_callable(&line[..1], &elsewhere, &DeskLanguages::none(), now);
        assert_eq!((pick.choice, pick.passed_over.len()), (None, 1));
        // Nobody busy: exactly the routing's choice.
        let pick = choose_callable(&line, &[], &DeskLanguages::none(), now);
        assert_eq!(pick.choice, routing::choose_next(&line, now));
        assert!(pick.passed_over.is_empty());
    }

    proptest! {
        /// Only pending concerns whose prerequisites have all ended join; one at a time in the
        /// one-at-a-time orders; and a visit with nothing waiting or busy but something open
        /// always gets a concern to wait for.
        #[test]
        fn dependencies_hold_and_no_visit_is_stuck(
            raw in visit(),
            dependencies in acyclic(),
            estimates in proptest::collection::vec(0u32..90, SERVICES.len()),
        ) {
            let visit = as_concerns(&raw);
            let wait = |s: &str| estimates[SERVICES.iter().position(|x| *x == s).unwrap_or(0)];
            let idle = visit.iter().all(|c| matches!(c.progress, Progress::Pending | Progress::Closed));
            let open = visit.iter().any(|c| c.progress == Progress::Pending);
            for order in VisitOrder::ALL {
                let joining = to_join(order, &visit, &dependencies, wait);
                for i in &joining {
                    prop_assert_eq!(visit[*i].progress, Progress::Pending);
                    prop_assert!(dependencies.met(&visit, *i), "{:?} joined {:?}", order, visit[*i]);
                }
                if order != VisitOrder::SeveralLines {
                    prop_assert!(joining.len() <= 1);
                    prop_assert!(idle || joining.is_empty());
                }
                if idle && open {
                    prop_assert!(!joining.is_empty(), "{:?} leaves {:?} stuck", order, visit);
                }
            }
        }

        /// The fixed sequence is the tap order with each service moved behind those it
        /// depends on: every service once, prerequisites first, and the tap order itself when
        /// it already respects the dependencies.
        #[test]
        fn the_fixed_sequence_puts_prerequisites_first(
            raw in visit(),
            dependencies in acyclic(),
        ) {
            let services: Vec<String> = raw.iter().map(|(s, _)| SERVICES[*s].to_owned()).collect();
            let sequence = fixed_sequence(&services, &dependencies);
            let mut sorted = sequence.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..services.len()).collect::<Vec<_>>());
            let rank = |i: usize| sequence.iter().position(|x| *x == i).unwrap_or(usize::MAX);
            let mut respected = true;
            for (i, service) in services.iter().enumerate() {
                for (j, other) in services.iter().enumerate() {
                    if dependencies.after.get(service).is_some_and(|b| b.contains(other)) {
                        prop_assert!(rank(j) < rank(i), "{} before {}", service, other);
                        respected &= j < i;
                    }
                }
            }
            if respected {
                prop_assert_eq!(sequence, (0..services.len()).collect::<Vec<_>>());
            }
        }

        /// With one concern per visit every order is today's: the concern joins at once.
        #[test]
        fn one_concern_joins_at_once_in_every_order(
            service in 0..SERVICES.len(),
            dependencies in acyclic(),
            estimate in 0u32..90,
        ) {
            let visit = as_concerns(&[(service, Progress::Pending)]);
            for order in VisitOrder::ALL {
                prop_assert_eq!(to_join(order, &visit, &dependencies, |_| estimate), vec![0]);
            }
        }
    }
}
