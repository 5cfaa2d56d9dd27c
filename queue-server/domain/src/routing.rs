//! Which waiting visitor a desk calls next: a pure function of the waiting stops and `now`.
//!
//! Order: (1) checked-in appointments that are due, earliest appointment first; (2) stops that
//! must not wait longer: priority visits, transfers to the front, and stops that waited at least
//! twice their service's target; (3) everyone else. Within (2) and (3) the stop that waited
//! longest relative to its service's target wait goes first. Ties go to the earlier arrival,
//! then the lower stop id, so the choice is deterministic. Because every stop becomes overdue
//! after twice its target, a stop cannot be overtaken forever by newer arrivals.
//!
//! Languages (`choose_for_desk`): among the everyone-else class (3), a desk whose staff speak
//! the visitor's language may call that visitor ahead of the order above, but never ahead of a
//! due appointment or an urgent stop, and never past a stop that has waited more than the
//! building's share (`queue.language_fairness_percent`, default 25 %) of its target longer than
//! the visitor called. So a stop can be overtaken only by visitors who arrived at most that
//! share of its target after it: a finite number. The building's default language gives no
//! preference (every desk speaks it); with no language information the order is exactly the
//! order above.

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
    /// The language the visitor chose, when known.
    pub language: Option<String>,
}

/// What a desk brings to the choice besides its services: the languages its staff speak that
/// give a preference, and the fairness share.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskLanguages {
    preferred: Vec<String>,
    fairness_percent: u32,
}

impl DeskLanguages {
    /// The desk's `spoken` languages without the building's `default_language` (every desk
    /// speaks that, so it prefers nobody).
    pub fn new(spoken: &[String], default_language: &str, fairness_percent: u32) -> Self {
        DeskLanguages {
            preferred: spoken
                .iter()
                .filter(|l| *l != default_language)
                .cloned()
                .collect(),
            fairness_percent: fairness_percent.min(100),
        }
    }

    /// A desk without language preference: `choose_for_desk` is then `choose_next`.
    pub fn none() -> Self {
        DeskLanguages {
            preferred: Vec::new(),
            fairness_percent: 0,
        }
    }

    fn speaks(&self, candidate: &Candidate) -> Option<&str> {
        let language = candidate.language.as_deref()?;
        self.preferred
            .iter()
            .find(|l| *l == language)
            .map(String::as_str)
    }

    /// How long (×100, in ms) a visitor must have waited to pass `waiting`: at most the
    /// fairness share of its target less than it.
    fn demand(&self, waiting: &Ranked<'_>) -> i128 {
        i128::from(waiting.waited_ms) * 100
            - i128::from(self.fairness_percent) * i128::from(waiting.target_ms)
    }
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
    call_order(a, b, now) == Ordering::Less
}

/// The order in which `choose_next` would call `a` and `b` (`Less`: `a` first).
pub fn call_order(a: &Candidate, b: &Candidate, now: DateTime<Utc>) -> Ordering {
    Ranked::new(a, now).cmp(&Ranked::new(b, now))
}

/// The stop `desk` should call now: `choose_next`, except that a visitor whose language the
/// desk speaks goes first within the fairness bound (see the module documentation).
pub fn choose_for_desk(
    candidates: &[Candidate],
    desk: &DeskLanguages,
    now: DateTime<Utc>,
) -> Option<Choice> {
    let mut ranked: Vec<Ranked<'_>> = candidates.iter().map(|c| Ranked::new(c, now)).collect();
    ranked.sort_by(|a, b| a.cmp(b));
    let best = ranked.first()?;
    let plain = Choice {
        stop_id: best.candidate.stop_id,
        reason: best.reason(),
    };
    if best.class != Class::Normal || desk.speaks(best.candidate).is_some() {
        return Some(plain);
    }
    // The most any stop ranked ahead demands of the one passing it: `called` may pass all of
    // them when it waited at least `waited - share × target` of each, scaled by 100.
    let mut demand = desk.demand(best);
    for called in &ranked[1..] {
        if let Some(language) = desk.speaks(called.candidate)
            && i128::from(called.waited_ms) * 100 >= demand
        {
            let waited_minutes = u32::try_from(called.waited_ms / 60_000).unwrap_or(u32::MAX);
            return Some(Choice {
                stop_id: called.candidate.stop_id,
                reason: CallReason::LanguageMatch {
                    language: language.to_owned(),
                    waited_minutes,
                    target_minutes: called.candidate.target_wait_minutes,
                },
            });
        }
        demand = demand.max(desk.demand(called));
    }
    Some(plain)
}

/// How many of `candidates` would be called before the stop `stop_id` (without language
/// preference: a visitor's place does not depend on which desk calls).
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
            language: None,
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

    fn speaking(language: &str, candidate: Candidate) -> Candidate {
        Candidate {
            language: Some(language.to_owned()),
            ..candidate
        }
    }

    fn arabic_desk(percent: u32) -> DeskLanguages {
        DeskLanguages::new(&["de".to_owned(), "ar".to_owned()], "de", percent)
    }

    #[test]
    fn a_desk_prefers_its_languages_within_the_bound() {
        let first = speaking("de", stop(1, 20, 30));
        let within = speaking("ar", stop(2, 14, 30));
        let beyond = speaking("ar", stop(3, 12, 30));
        let choose = |stops: &[Candidate], desk: &DeskLanguages| {
            let choice = choose_for_desk(stops, desk, now()).expect("someone waits");
            (choice.stop_id, choice.reason.explain())
        };
        // 25 % of 30 min is 7.5 min: 6 min less wait may pass, 8 min may not.
        assert_eq!(
            choose(&[first.clone(), within.clone()], &arabic_desk(25)),
            (2, "speaks Arabic, waited 14 min of 30 target".to_owned())
        );
        assert_eq!(
            choose(&[first.clone(), beyond.clone()], &arabic_desk(25)),
            (1, "waited 20 min of 30 target".to_owned())
        );
        // The first match is out of bounds, a later one within: the later one is called.
        let closer = speaking("ar", stop(4, 16, 60));
        assert_eq!(
            choose(&[first.clone(), beyond.clone(), closer], &arabic_desk(25)).0,
            4
        );
        // Share 0 turns the preference off; German (the default language) prefers nobody.
        assert_eq!(
            choose(&[first.clone(), within.clone()], &arabic_desk(0)).0,
            1
        );
        let german_desk = DeskLanguages::new(&["de".to_owned()], "de", 25);
        let german = speaking("de", stop(5, 15, 30));
        assert_eq!(
            choose(&[speaking("ar", stop(1, 20, 30)), german], &german_desk).0,
            1
        );
        // Never ahead of a priority, an overdue stop or a due appointment.
        let priority = Candidate {
            priority: true,
            ..stop(6, 1, 30)
        };
        assert_eq!(choose(&[priority, within.clone()], &arabic_desk(100)).0, 6);
        assert_eq!(
            choose(&[stop(7, 61, 30), within.clone()], &arabic_desk(100)).0,
            7
        );
        let due = Candidate {
            appointment_at: Some(now() - Duration::minutes(1)),
            ..stop(8, 0, 30)
        };
        assert_eq!(choose(&[due, within], &arabic_desk(100)).0, 8);
    }

    const LANGUAGES: [&str; 5] = ["de", "ar", "fa", "uk", "tr"];

    fn generated_line(
        raw: &[(i64, u32, bool, bool, Option<i64>)],
        languages: &[usize],
    ) -> Vec<Candidate> {
        raw.iter()
            .enumerate()
            .map(|(i, (w, t, p, f, a))| Candidate {
                priority: *p && i % 3 == 0,
                front: *f && i % 5 == 0,
                appointment_at: a.map(|m| now() + Duration::minutes(m)),
                language: languages
                    .get(i)
                    .and_then(|l| LANGUAGES.get(*l))
                    .map(|l| (*l).to_owned()),
                ..stop(i as i64, *w, *t)
            })
            .collect()
    }

    fn desk_of(spoken: &[usize], percent: u32) -> DeskLanguages {
        let spoken: Vec<String> = spoken
            .iter()
            .map(|l| LANGUAGES[*l % LANGUAGES.len()].to_owned())
            .collect();
        DeskLanguages::new(&spoken, "de", percent)
    }

    /// Calls everyone in `line` one after the other at `now`, as `choose` orders them.
    fn call_order(
        mut line: Vec<Candidate>,
        choose: impl Fn(&[Candidate]) -> Option<Choice>,
    ) -> Vec<Choice> {
        let mut order = Vec::new();
        while let Some(choice) = choose(&line) {
            line.retain(|c| c.stop_id != choice.stop_id);
            order.push(choice);
        }
        order
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

    /// A stop with no flags that is not overdue, so that language matches get their chance.
    fn calm_candidate() -> impl Strategy<Value = (i64, u32, bool, bool, Option<i64>)> {
        (0i64..60, 30u32..90, Just(false), Just(false), Just(None))
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

            /// With no language information (no preferring languages at the desk, or no
            /// language on any stop) a desk calls in exactly the order of `choose_next`.
            #[test]
            fn no_language_information_keeps_the_order(
                raw in proptest::collection::vec(arbitrary_candidate(), 0..40),
                languages in proptest::collection::vec(0usize..5, 0..40),
                spoken in proptest::collection::vec(0usize..5, 0..4),
                percent in 0u32..=100,
            ) {
                let today = call_order(generated_line(&raw, &[]), |l| choose_next(l, now()));
                let no_desk_languages = call_order(generated_line(&raw, &languages), |l| {
                    choose_for_desk(l, &DeskLanguages::none(), now())
                });
                let no_visitor_languages = call_order(generated_line(&raw, &[]), |l| {
                    choose_for_desk(l, &desk_of(&spoken, percent), now())
                });
                let german_only = call_order(generated_line(&raw, &languages), |l| {
                    choose_for_desk(l, &desk_of(&[0], percent), now())
                });
                prop_assert_eq!(&today, &no_desk_languages);
                prop_assert_eq!(&today, &no_visitor_languages);
                prop_assert_eq!(&today, &german_only);
            }

            /// A language match is called ahead only of normal stops, only when the desk speaks
            /// its language, and never past a stop that waited more than the share of its target
            /// longer.
            #[test]
            fn the_fairness_bound_holds_for_every_line(
                raw in prop_oneof![
                    proptest::collection::vec(arbitrary_candidate(), 1..40),
                    proptest::collection::vec(calm_candidate(), 1..40),
                ],
                languages in proptest::collection::vec(0usize..5, 0..40),
                spoken in proptest::collection::vec(0usize..5, 0..4),
                percent in 0u32..=100,
            ) {
                let line = generated_line(&raw, &languages);
                let desk = desk_of(&spoken, percent);
                let plain = choose_next(&line, now()).unwrap();
                let choice = choose_for_desk(&line, &desk, now()).unwrap();
                if choice.stop_id != plain.stop_id {
                    let called = line.iter().find(|c| c.stop_id == choice.stop_id).unwrap();
                    let is_match = matches!(&choice.reason, CallReason::LanguageMatch { language, .. }
                        if Some(language) == called.language.as_ref() && language != "de");
                    prop_assert!(is_match, "{:?}", choice);
                    prop_assert!(desk.speaks(called).is_some());
                    prop_assert!(matches!(plain.reason, CallReason::LongestWait { .. }), "{:?}", plain);
                    let called_rank = Ranked::new(called, now());
                    for waiting in &line {
                        let rank = Ranked::new(waiting, now());
                        if rank.cmp(&called_rank) == Ordering::Less {
                            prop_assert!(rank.class == Class::Normal);
                            prop_assert!(
                                (rank.waited_ms - called_rank.waited_ms) * 100
                                    <= i64::from(percent) * rank.target_ms,
                                "{:?} passed {:?}", called, waiting
                            );
                        }
                    }
                } else {
                    prop_assert_eq!(&choice, &plain);
                }
            }

            /// A desk that speaks some languages calls one visitor a minute while visitors of
            /// several languages keep arriving: everyone is called exactly once, and a visitor is
            /// overtaken only by visitors who arrived at most the share of its target after it,
            /// so never by the endless stream of later arrivals.
            #[test]
            fn nobody_is_overtaken_forever(
                arrivals in proptest::collection::vec(
                    proptest::collection::vec((prop_oneof![Just(10u32), Just(30), Just(60)], 0usize..5), 0..3),
                    5..120,
                ),
                spoken in proptest::collection::vec(0usize..5, 1..3),
                percent in 0u32..=100,
            ) {
                let start = now();
                let desk = desk_of(&spoken, percent);
                let mut waiting: Vec<Candidate> = Vec::new();
                let mut called = 0i64;
                let mut next_id = 0i64;
                let mut minute = 0i64;
                loop {
                    if let Some(burst) = arrivals.get(minute as usize) {
                        for (target, language) in burst {
                            waiting.push(Candidate {
                                queued_at: start + Duration::minutes(minute),
                                language: Some(LANGUAGES[*language].to_owned()),
                                ..stop(next_id, 0, *target)
                            });
                            next_id += 1;
                        }
                    } else if waiting.is_empty() {
                        break;
                    }
                    minute += 1;
                    let at = start + Duration::minutes(minute);
                    let Some(choice) = choose_for_desk(&waiting, &desk, at) else { continue };
                    let index = waiting.iter().position(|c| c.stop_id == choice.stop_id).unwrap();
                    let chosen = waiting.remove(index);
                    called += 1;
                    let chosen_rank = Ranked::new(&chosen, at);
                    for passed in &waiting {
                        if Ranked::new(passed, at).cmp(&chosen_rank) == Ordering::Less {
                            let later = (chosen.queued_at - passed.queued_at).num_milliseconds();
                            prop_assert!(
                                later * 100 <= i64::from(percent) * i64::from(passed.target_wait_minutes) * 60_000,
                                "{chosen:?} arrived too long after {passed:?} to pass it"
                            );
                        }
                    }
                }
                prop_assert_eq!(called, next_id);
            }
    }
}
