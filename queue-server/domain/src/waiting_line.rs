//! One service's waiting line kept in order, so "how many people are ahead of me" costs a
//! binary search instead of ranking the whole line on every status poll. Pure: the caller
//! keeps it in step with the database (`storage::lines`).
//!
//! Within one service every stop has the same target wait, so the routing orders the stops
//! without a flag (no priority, no transfer to the front, no appointment) simply by arrival
//! (`queued_at`, then stop id): the longest-waiting are the overdue ones first, and among
//! equals the earlier arrival. Those *plain* stops are kept sorted, and the ones ahead of a
//! visitor are a prefix of them, found by binary search with the routing's own comparison
//! (`routing::called_before`). The few stops with a flag are compared one by one.

use chrono::{DateTime, Utc};

use crate::routing::{Candidate, called_before};

#[derive(Debug, Default, Clone)]
pub struct Line {
    /// Stops without a flag, sorted by (`queued_at`, `stop_id`).
    plain: Vec<Candidate>,
    /// Priority visits, front transfers and appointments, in no order.
    flagged: Vec<Candidate>,
}

fn is_plain(candidate: &Candidate) -> bool {
    !candidate.priority && !candidate.front && candidate.appointment_at.is_none()
}

fn key(candidate: &Candidate) -> (DateTime<Utc>, i64) {
    (candidate.queued_at, candidate.stop_id)
}

impl Line {
    pub fn len(&self) -> usize {
        self.plain.len() + self.flagged.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every stop of the line, in no particular order.
    pub fn stops(&self) -> impl Iterator<Item = &Candidate> {
        self.plain.iter().chain(&self.flagged)
    }

    /// Adds a stop that is not in the line.
    pub fn insert(&mut self, candidate: Candidate) {
        if is_plain(&candidate) {
            let at = self.plain.partition_point(|c| key(c) < key(&candidate));
            self.plain.insert(at, candidate);
        } else {
            self.flagged.push(candidate);
        }
    }

    /// Removes `candidate` (as it was inserted); whether it was in the line.
    pub fn remove(&mut self, candidate: &Candidate) -> bool {
        if is_plain(candidate) {
            let at = self.plain.partition_point(|c| key(c) < key(candidate));
            if self
                .plain
                .get(at)
                .is_some_and(|c| c.stop_id == candidate.stop_id)
            {
                self.plain.remove(at);
                return true;
            }
            false
        } else if let Some(at) = self
            .flagged
            .iter()
            .position(|c| c.stop_id == candidate.stop_id)
        {
            self.flagged.swap_remove(at);
            true
        } else {
            false
        }
    }

    /// How many stops of the line would be called before `stop` (which need not be in it),
    /// every stop having the line's target wait `target_wait_minutes`.
    pub fn people_ahead(
        &self,
        stop: &Candidate,
        target_wait_minutes: u32,
        now: DateTime<Utc>,
    ) -> u32 {
        // Field by field: the visitor's language plays no part in a place in line.
        let in_line = |c: &Candidate| Candidate {
            stop_id: c.stop_id,
            queued_at: c.queued_at,
            priority: c.priority,
            front: c.front,
            appointment_at: c.appointment_at,
            target_wait_minutes,
            language: None,
        };
        let stop = in_line(stop);
        let ahead =
            |c: &Candidate| c.stop_id != stop.stop_id && called_before(&in_line(c), &stop, now);
        let plain = self.plain.partition_point(ahead);
        let flagged = self.flagged.iter().filter(|c| ahead(c)).count();
        u32::try_from(plain + flagged).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::routing::people_ahead;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap()
    }

    fn candidate(id: i64, waited: i64, flags: (bool, bool, Option<i64>), target: u32) -> Candidate {
        Candidate {
            stop_id: id,
            queued_at: now() - Duration::minutes(waited),
            priority: flags.0,
            front: flags.1,
            appointment_at: flags.2.map(|m| now() + Duration::minutes(m)),
            target_wait_minutes: target,
            language: None,
        }
    }

    #[test]
    fn flags_and_overdue_stops_count_as_the_routing_says() {
        let mut line = Line::default();
        let plain = |id, waited| candidate(id, waited, (false, false, None), 0);
        let stops = [
            plain(1, 70), // overdue: waited more than twice the target
            plain(2, 20),
            plain(3, 10),
            candidate(4, 1, (true, false, None), 0), // priority
            candidate(5, 5, (false, false, Some(-5)), 0), // appointment due
        ];
        for stop in &stops {
            line.insert(stop.clone());
        }
        assert_eq!(line.len(), 5);
        // Due appointment, then priority and overdue (longest relative wait first), then
        // the others by arrival.
        let ahead = |line: &Line, index: usize| line.people_ahead(&stops[index], 30, now());
        assert_eq!(ahead(&line, 4), 0);
        assert_eq!(ahead(&line, 0), 1);
        assert_eq!(ahead(&line, 3), 2);
        assert_eq!(ahead(&line, 1), 3);
        assert_eq!(ahead(&line, 2), 4);
        // Leaving the line moves everyone behind up.
        assert!(line.remove(&stops[1]));
        assert_eq!(ahead(&line, 2), 3);
        assert!(!line.remove(&stops[1]));
    }

    proptest! {
        /// The line gives exactly the routing's count for every stop, after any sequence of
        /// arrivals, departures and changed flags.
        #[test]
        fn people_ahead_is_the_routings_count(
            steps in proptest::collection::vec(
                (0i64..30, 0i64..200, any::<bool>(), any::<bool>(), proptest::option::of(-60i64..60), any::<bool>()),
                1..80,
            ),
            minutes_later in 0i64..120,
        ) {
            let mut line = Line::default();
            let mut all: Vec<Candidate> = Vec::new();
            for (id, waited, priority, front, appointment, leaves) in steps {
                if let Some(at) = all.iter().position(|c| c.stop_id == id) {
                    prop_assert!(line.remove(&all.remove(at)));
                }
                if !leaves {
                    let stop = candidate(id, waited, (priority && id % 3 == 0, front && id % 4 == 0, appointment.filter(|_| id % 5 == 0)), 20);
                    line.insert(stop.clone());
                    all.push(stop);
                }
            }
            prop_assert_eq!(line.len(), all.len());
            let at = now() + Duration::minutes(minutes_later);
            for stop in &all {
                prop_assert_eq!(Some(line.people_ahead(stop, 20, at)), people_ahead(&all, stop.stop_id, at));
            }
        }
    }
}
