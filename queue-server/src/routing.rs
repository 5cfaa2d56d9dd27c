//! Which waiting visitor a desk calls next: a pure function of the waiting stops and `now`.
//!
//! Order: (1) checked-in appointments that are due, earliest appointment first; (2) stops that
//! must not wait longer: priority visits, transfers to the front, and stops that waited at least
//! twice their service's target; (3) everyone else. Within (2) and (3) the stop that waited
//! longest relative to its service's target wait goes first. Ties go to the earlier arrival,
//! then the lower stop id, so the choice is deterministic. Because every stop becomes overdue
//! after twice its target, a stop cannot be overtaken forever by newer arrivals.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use lotse_protocol::CallReason;

/// A waiting stop as the routing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub stop_id: i64,
    /// Arrival in this line: the visit's arrival for later stops and front transfers.
    pub queued_at: DateTime<Utc>,
    pub priority: bool,
    pub front: bool,
    /// Set when the visitor checked in for an appointment.
    pub appointment_at: Option<DateTime<Utc>>,
    pub target_wait_minutes: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub stop_id: i64,
    pub reason: CallReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    AppointmentDue,
    Urgent,
    Normal,
}

struct Ranked<'a> {
    candidate: &'a Candidate,
    class: Class,
    waited_ms: i64,
    target_ms: i64,
}

impl<'a> Ranked<'a> {
    fn new(candidate: &'a Candidate, now: DateTime<Utc>) -> Ranked<'a> {
        let waited_ms = (now - candidate.queued_at).num_milliseconds().max(0);
        let target_ms = i64::from(candidate.target_wait_minutes.max(1)) * 60_000;
        let due = candidate.appointment_at.is_some_and(|at| at <= now);
        let class = if due {
            Class::AppointmentDue
        } else if candidate.priority || candidate.front || waited_ms >= 2 * target_ms {
            Class::Urgent
        } else {
            Class::Normal
        };
        Ranked {
            candidate,
            class,
            waited_ms,
            target_ms,
        }
    }

    /// `Less` means `self` is called before `other`.
    fn cmp(&self, other: &Ranked<'_>) -> Ordering {
        self.class
            .cmp(&other.class)
            .then_with(|| match self.class {
                Class::AppointmentDue => self
                    .candidate
                    .appointment_at
                    .cmp(&other.candidate.appointment_at),
                // Larger waited/target first; cross-multiplied to stay exact.
                _ => (i128::from(other.waited_ms) * i128::from(self.target_ms))
                    .cmp(&(i128::from(self.waited_ms) * i128::from(other.target_ms))),
            })
            .then_with(|| self.candidate.queued_at.cmp(&other.candidate.queued_at))
            .then_with(|| self.candidate.stop_id.cmp(&other.candidate.stop_id))
    }

    fn reason(&self) -> CallReason {
        let waited_minutes = u32::try_from(self.waited_ms / 60_000).unwrap_or(u32::MAX);
        let target_minutes = self.candidate.target_wait_minutes;
        match self.class {
            Class::AppointmentDue => CallReason::AppointmentDue {
                appointment_at: self.candidate.appointment_at.unwrap_or_default(),
            },
            Class::Urgent if self.candidate.priority => CallReason::Priority { waited_minutes },
            Class::Urgent if self.candidate.front => {
                CallReason::TransferredFront { waited_minutes }
            }
            Class::Urgent => CallReason::Overdue {
                waited_minutes,
                target_minutes,
            },
            Class::Normal => CallReason::LongestWait {
                waited_minutes,
                target_minutes,
            },
        }
    }
}

/// The stop a desk should call now, with the reason; `None` when nobody waits.
pub fn choose_next(candidates: &[Candidate], now: DateTime<Utc>) -> Option<Choice> {
    candidates
        .iter()
        .map(|c| Ranked::new(c, now))
        .min_by(|a, b| a.cmp(b))
        .map(|best| Choice {
            stop_id: best.candidate.stop_id,
            reason: best.reason(),
        })
}

/// Whether `a` would be called before `b` (both waiting for the same desk).
pub fn called_before(a: &Candidate, b: &Candidate, now: DateTime<Utc>) -> bool {
    Ranked::new(a, now).cmp(&Ranked::new(b, now)) == Ordering::Less
}

/// How many of `candidates` would be called before the stop `stop_id`.
pub fn people_ahead(candidates: &[Candidate], stop_id: i64, now: DateTime<Utc>) -> Option<u32> {
    let target = candidates.iter().find(|c| c.stop_id == stop_id)?;
    let target = Ranked::new(target, now);
    let ahead = candidates
        .iter()
        .filter(|c| c.stop_id != stop_id)
        .filter(|c| Ranked::new(c, now).cmp(&target) == Ordering::Less)
        .count();
    u32::try_from(ahead).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 16, 10, 0, 0).unwrap()
    }

    /// A stop that arrived `waited` minutes ago for a service with `target` minutes target.
    fn stop(id: i64, waited: i64, target: u32) -> Candidate {
        Candidate {
            stop_id: id,
            queued_at: now() - Duration::minutes(waited),
            priority: false,
            front: false,
            appointment_at: None,
            target_wait_minutes: target,
        }
    }

    fn check(candidates: &[Candidate], expected_id: i64, expected_reason: &str) {
        let choice = choose_next(candidates, now()).expect("someone is waiting");
        assert_eq!(choice.stop_id, expected_id, "{choice:?}");
        assert_eq!(choice.reason.explain(), expected_reason);
    }

    #[test]
    fn choices_follow_the_rules() {
        let appointment = Candidate {
            appointment_at: Some(now() - Duration::minutes(2)),
            ..stop(9, 1, 30)
        };
        let future_appointment = Candidate {
            appointment_at: Some(now() + Duration::minutes(20)),
            ..stop(8, 25, 30)
        };
        let priority = Candidate {
            priority: true,
            ..stop(7, 3, 30)
        };
        let front = Candidate {
            front: true,
            ..stop(6, 1, 30)
        };
        // Longest wait relative to target: 20/30 beats 25/60.
        check(
            &[stop(1, 25, 60), stop(2, 20, 30)],
            2,
            "waited 20 min of 30 target",
        );
        // An appointment that is due beats everyone.
        check(
            &[stop(1, 50, 20), priority.clone(), appointment.clone()],
            9,
            "appointment due 09:58 UTC",
        );
        // An appointment not yet due waits like everyone else.
        check(
            &[future_appointment, stop(1, 10, 30)],
            8,
            "waited 25 min of 30 target",
        );
        check(
            &[stop(1, 40, 30), priority.clone()],
            7,
            "priority, waited 3 min",
        );
        check(
            &[stop(1, 40, 30), front],
            6,
            "transferred to the front, waited 1 min",
        );
        // Overdue (2x target) is urgent like priority, and then compared by relative wait.
        check(
            &[priority, stop(2, 61, 30)],
            2,
            "overdue: waited 61 min of 30 target",
        );
        // Ties: earlier arrival, then lower stop id.
        check(
            &[stop(5, 10, 30), stop(4, 10, 30)],
            4,
            "waited 10 min of 30 target",
        );
        assert_eq!(choose_next(&[], now()), None);
    }

    #[test]
    fn people_ahead_counts_those_called_earlier() {
        let stops = [stop(1, 5, 30), stop(2, 15, 30), stop(3, 10, 30)];
        assert_eq!(people_ahead(&stops, 2, now()), Some(0));
        assert_eq!(people_ahead(&stops, 3, now()), Some(1));
        assert_eq!(people_ahead(&stops, 1, now()), Some(2));
        assert_eq!(people_ahead(&stops, 99, now()), None);
    }

    fn arbitrary_candidate() -> impl Strategy<Value = (i64, u32, bool, bool, Option<i64>)> {
        (
            0i64..240,
            5u32..90,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(-60i64..60),
        )
    }

    proptest! {
        /// The choice does not depend on the order the database returned the rows in.
        #[test]
        fn choice_is_deterministic(
            raw in proptest::collection::vec(arbitrary_candidate(), 1..40),
            rotate in 0usize..40,
        ) {
            let candidates: Vec<Candidate> = raw.iter().enumerate().map(|(i, (w, t, p, f, a))| {
                Candidate {
                    priority: *p && i % 3 == 0,
                    front: *f && i % 5 == 0,
                    appointment_at: a.map(|m| now() + Duration::minutes(m)),
                    ..stop(i as i64, *w, *t)
                }
            }).collect();
            let mut rotated = candidates.clone();
            rotated.rotate_left(rotate % candidates.len());
            let a = choose_next(&candidates, now()).unwrap();
            let b = choose_next(&rotated, now()).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(people_ahead(&candidates, a.stop_id, now()), Some(0));
        }

        /// A desk that keeps calling one visitor per minute while visitors arrive in bursts
        /// calls every one of them exactly once, and within one service (same target, no
        /// flags) keeps arrival order: nobody is overtaken by a later arrival of the same line.
        #[test]
        fn everyone_is_called_once_in_arrival_order_per_line(
            bursts in proptest::collection::vec(
                proptest::collection::vec((prop_oneof![Just(10u32), Just(30), Just(60)], any::<bool>()), 0..3),
                5..80,
            ),
        ) {
            let start = now();
            let mut waiting: Vec<Candidate> = Vec::new();
            let mut order: Vec<Candidate> = Vec::new();
            let mut next_id = 0i64;
            let mut minute = 0i64;
            let step = |waiting: &mut Vec<Candidate>, minute: i64| {
                let at = start + Duration::minutes(minute);
                choose_next(waiting, at).map(|choice| {
                    let index = waiting.iter().position(|c| c.stop_id == choice.stop_id).unwrap();
                    waiting.remove(index)
                })
            };
            for burst in &bursts {
                for (target, priority) in burst {
                    waiting.push(Candidate {
                        priority: *priority && next_id % 4 == 0,
                        queued_at: start + Duration::minutes(minute),
                        ..stop(next_id, 0, *target)
                    });
                    next_id += 1;
                }
                minute += 1;
                order.extend(step(&mut waiting, minute));
            }
            while let Some(called) = step(&mut waiting, minute) {
                minute += 1;
                order.push(called);
            }
            let mut ids: Vec<i64> = order.iter().map(|c| c.stop_id).collect();
            ids.sort_unstable();
            prop_assert_eq!(ids, (0..next_id).collect::<Vec<_>>());
            for (i, earlier) in order.iter().enumerate() {
                for later in &order[i + 1..] {
                    let same_line = earlier.target_wait_minutes == later.target_wait_minutes
                        && !earlier.priority && !later.priority;
                    prop_assert!(
                        !(same_line && later.queued_at < earlier.queued_at),
                        "{later:?} arrived before {earlier:?} but was called after it"
                    );
                }
            }
        }
    }
}
