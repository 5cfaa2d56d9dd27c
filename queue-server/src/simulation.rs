//! A simulated day of a building, for the examples (`language_day`, `day`) and the property
//! tests of the visit order: visitors arrive, desks call with the real routing
//! (`routing::choose_for_desk`), visits wait for their concerns as `visit_order` says, and
//! the estimates for `NextShortest` are the status page's (`estimate`). Pure and
//! deterministic: the same visits give the same day; time advances in 15-second steps.
//!
//! The day: every desk staffed from `open` to `close` and on until its line is empty,
//! walk-in services only, opening hours and appointments left out. A visit takes each
//! concern's own duration, the same in every run, so runs differ only in the order.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::config::Config;
use crate::estimate;
use crate::routing::{Candidate, DeskLanguages, choose_for_desk, people_ahead};
use crate::visit_order::{Concern, Dependencies, Progress, VisitOrder, callable, to_join};

/// Assumed language mix of the building's visitors, per mille.
pub const LANGUAGE_MIX: [(&str, u32); 10] = [
    ("de", 300),
    ("ar", 170),
    ("uk", 130),
    ("fa", 90),
    ("ru", 80),
    ("tr", 70),
    ("ps", 50),
    ("ti", 40),
    ("en", 40),
    ("fr", 30),
];

/// How far the simulated clock moves in one step.
const STEP_SECONDS: i64 = 15;

/// SplitMix64: deterministic and independent of any crate's version.
pub struct Random(pub u64);

impl Random {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The gap until the next arrival when `per_minute` arrive on average (exponential).
    fn gap(&mut self, per_minute: f64) -> Duration {
        let minutes = -(1.0 - self.unit()).ln() / per_minute;
        Duration::seconds((minutes * 60.0) as i64)
    }

    fn language(&mut self) -> &'static str {
        let mut pick = (self.unit() * 1000.0) as u32;
        LANGUAGE_MIX
            .iter()
            .find(|(_, share)| {
                let hit = pick < *share;
                pick = pick.saturating_sub(*share);
                hit
            })
            .map_or("de", |(code, _)| code)
    }

    /// A service's typical duration × 0.5–1.5.
    fn duration(&mut self, typical_minutes: u32) -> Duration {
        let minutes = f64::from(typical_minutes) * (0.5 + self.unit());
        Duration::seconds((minutes * 60.0) as i64)
    }
}

/// One concern of a simulated visit: its service and how long the desk takes for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub service: String,
    pub duration: Duration,
}

/// A simulated visit; `tasks` in the order tapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub arrival: DateTime<Utc>,
    pub language: &'static str,
    pub tasks: Vec<Task>,
}

/// The simulated day's opening: 08:00 to 15:00 in winter (UTC+1).
pub fn opening() -> (DateTime<Utc>, DateTime<Utc>) {
    let open = Utc
        .with_ymd_and_hms(2026, 12, 1, 7, 0, 0)
        .single()
        .unwrap_or_default();
    (open, open + Duration::hours(7))
}

/// How many visits a minute a walk-in service's desks can serve (each desk's time shared
/// evenly among its services).
fn capacity_per_minute(config: &Config, service: &lotse_protocol::Service) -> f64 {
    config.building.desk_share(&service.id) / f64::from(service.typical_minutes)
}

/// Visits with one concern each, per walk-in service at `load` of its capacity.
pub fn single_concern_day(config: &Config, seed: u64, load: f64) -> Vec<Visit> {
    let (open, close) = opening();
    let mut random = Random(seed);
    let mut visits = Vec::new();
    for service in config.building.services.iter().filter(|s| s.walk_in) {
        let per_minute = load * capacity_per_minute(config, service);
        let mut at = open;
        loop {
            at += random.gap(per_minute);
            if at >= close {
                break;
            }
            let language = random.language();
            let duration = random.duration(service.typical_minutes);
            visits.push(Visit {
                arrival: at,
                language,
                tasks: vec![Task {
                    service: service.id.clone(),
                    duration,
                }],
            });
        }
    }
    visits.sort_by_key(|v| v.arrival);
    visits
}

/// Visits with one to three concerns: `shares[k]` of the visits have `k + 2` concerns, of
/// different services chosen in proportion to their capacity, so that each walk-in service
/// is asked for about `load` of its capacity.
pub fn mixed_day(config: &Config, seed: u64, load: f64, shares: &[f64]) -> Vec<Visit> {
    let (open, close) = opening();
    let mut random = Random(seed);
    let services: Vec<(&lotse_protocol::Service, f64)> = config
        .building
        .services
        .iter()
        .filter(|s| s.walk_in)
        .map(|s| (s, capacity_per_minute(config, s)))
        .collect();
    let capacity: f64 = services.iter().map(|(_, c)| c).sum();
    let mean_concerns = 1.0
        + shares
            .iter()
            .enumerate()
            .map(|(k, share)| (k + 1) as f64 * share)
            .sum::<f64>();
    let per_minute = load * capacity / mean_concerns;
    let mut visits = Vec::new();
    let mut at = open;
    loop {
        at += random.gap(per_minute);
        if at >= close {
            break;
        }
        let mut pick = random.unit();
        let mut count = 1;
        for (k, share) in shares.iter().enumerate() {
            if pick < *share {
                count = k + 2;
                break;
            }
            pick -= share;
        }
        let mut left = services.clone();
        let mut tasks = Vec::new();
        while tasks.len() < count.min(MAX_TASKS) && !left.is_empty() {
            let total: f64 = left.iter().map(|(_, c)| c).sum();
            let mut point = random.unit() * total;
            let index = left
                .iter()
                .position(|(_, c)| {
                    point -= c;
                    point < 0.0
                })
                .unwrap_or(left.len() - 1);
            let (service, _) = left.remove(index);
            tasks.push(Task {
                service: service.id.clone(),
                duration: random.duration(service.typical_minutes),
            });
        }
        let language = random.language();
        visits.push(Visit {
            arrival: at,
            language,
            tasks,
        });
    }
    visits
}

/// What happened to one concern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Served {
    pub desk: usize,
    /// Its arrival in the line (the visit's arrival).
    pub queued_at: DateTime<Utc>,
    pub called_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
}

/// One call: which visit's which concern went to which desk, when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Call {
    pub at: DateTime<Utc>,
    pub visit: usize,
    pub task: usize,
    pub desk: usize,
}

/// The simulated day: per visit and concern what happened (`None`: never called, which a
/// finished day does not have), every call in order, and each desk's time at work between
/// opening and closing.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub served: Vec<Vec<Option<Served>>>,
    pub calls: Vec<Call>,
    pub busy_in_hours: Vec<Duration>,
    /// The status page's estimates for each concern when it joined its line.
    pub estimates: Vec<Estimated>,
}

/// What the status page would have told a visitor when a concern joined its line, in
/// minutes: as the server estimates (each desk's time shared between its lines), and with
/// every desk's whole time (the estimate before desks were shared).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimated {
    pub visit: usize,
    pub task: usize,
    pub at: DateTime<Utc>,
    pub shared_desks: u32,
    pub whole_desks: u32,
}

impl Outcome {
    /// When the visit's last concern ended.
    pub fn left_at(&self, visit: usize) -> Option<DateTime<Utc>> {
        self.served
            .get(visit)?
            .iter()
            .map(|s| s.map(|s| s.finished_at))
            .max()?
    }
}

/// How the desks choose and how visits order their concerns.
pub struct Rules {
    pub order: VisitOrder,
    pub dependencies: Dependencies,
    /// Per desk of the building, in its order.
    pub desk_languages: Vec<DeskLanguages>,
    /// A desk that finishes a concern carries on with another concern of the same visitor
    /// that it serves, if one is callable, before anyone else (an idea under evaluation, not
    /// a rule of the server).
    pub carry_on: bool,
    /// A visitor who has finished a concern is placed at the front of the lines of their
    /// other concerns (as a transfer is): an idea measured against the goal, not a rule of the
    /// server, since it gives the places of those waiting there away.
    pub returning_first: bool,
}

impl Rules {
    /// The building's own rules with `order`: its dependencies and its desks' languages.
    pub fn of(config: &Config, order: VisitOrder) -> Rules {
        let building = &config.building;
        Rules {
            order,
            carry_on: false,
            returning_first: false,
            dependencies: Dependencies::of(building),
            desk_languages: building
                .desks
                .iter()
                .map(|d| {
                    DeskLanguages::new(
                        &d.languages,
                        &building.site.default_language,
                        building.queue.language_fairness_percent,
                    )
                })
                .collect(),
        }
    }
}

/// The state of the simulated building.
struct Day<'a> {
    config: &'a Config,
    visits: &'a [Visit],
    rules: &'a Rules,
    progress: Vec<Vec<Progress>>,
    /// The last 20 service durations per service, in minutes (the estimate's input).
    recent: HashMap<String, VecDeque<f64>>,
    outcome: Outcome,
}

impl Day<'_> {
    fn concerns(&self, visit: usize) -> Vec<Concern<'_>> {
        self.visits[visit]
            .tasks
            .iter()
            .zip(&self.progress[visit])
            .map(|(t, p)| Concern {
                service: &t.service,
                progress: *p,
            })
            .collect()
    }

    fn candidate(&self, visit: usize, task: usize) -> Candidate {
        let v = &self.visits[visit];
        Candidate {
            stop_id: stop_id(visit, task),
            queued_at: v.arrival,
            priority: false,
            front: false,
            appointment_at: None,
            target_wait_minutes: self.config.target_wait_minutes(&v.tasks[task].service),
            language: Some(v.language.to_owned()),
        }
    }

    /// The waiting stops of `service`, callable or not (the estimate counts them all).
    fn line(&self, service: &str, present: &[usize]) -> Vec<Candidate> {
        let mut line = Vec::new();
        for &visit in present {
            for (task, t) in self.visits[visit].tasks.iter().enumerate() {
                if t.service == service && self.progress[visit][task] == Progress::Waiting {
                    line.push(self.candidate(visit, task));
                }
            }
        }
        line
    }

    /// The status page's estimate for `visit` joining the line of `task` at `now`, every
    /// desk of the service working: with each desk's time shared between its lines as the
    /// server does, and (for the comparison in `language_day`) with every desk's whole time.
    fn expected_waits(
        &self,
        visit: usize,
        task: usize,
        present: &[usize],
        now: DateTime<Utc>,
    ) -> (u32, u32) {
        let service = &self.visits[visit].tasks[task].service;
        let mut line = self.line(service, present);
        line.push(self.candidate(visit, task));
        let ahead = people_ahead(&line, stop_id(visit, task), now).unwrap_or(0);
        let building = &self.config.building;
        let mut recent = estimate::Recent {
            durations_minutes: self
                .recent
                .get(service)
                .map(|r| r.iter().copied().collect())
                .unwrap_or_default(),
            calling_desks: building.desks.iter().map(|d| d.id.clone()).collect(),
            waiting: HashMap::new(),
        };
        let whole = estimate::for_service(building, service, ahead, &recent);
        recent.waiting = building
            .services
            .iter()
            .map(|s| {
                let count = self.line(&s.id, present).len();
                (s.id.clone(), u32::try_from(count).unwrap_or(u32::MAX))
            })
            .collect();
        (
            estimate::for_service(building, service, ahead, &recent),
            whole,
        )
    }

    /// Puts the concerns the visit waits for now into their lines.
    fn plan(&mut self, visit: usize, present: &[usize], now: DateTime<Utc>) {
        let concerns = self.concerns(visit);
        let joining = to_join(
            self.rules.order,
            &concerns,
            &self.rules.dependencies,
            |service| {
                let task = concerns
                    .iter()
                    .position(|c| c.service == service)
                    .unwrap_or(0);
                self.expected_waits(visit, task, present, now).0
            },
        );
        for task in joining {
            let (shared_desks, whole_desks) = self.expected_waits(visit, task, present, now);
            self.outcome.estimates.push(Estimated {
                visit,
                task,
                at: now,
                shared_desks,
                whole_desks,
            });
            self.progress[visit][task] = Progress::Waiting;
        }
    }
}

/// The most concerns a simulated visit may have (stop ids are `visit × this + task`).
pub const MAX_TASKS: usize = 8;

fn stop_id(visit: usize, task: usize) -> i64 {
    (visit * MAX_TASKS + task) as i64
}

/// Runs the day: `visits` sorted by arrival, `rules` for the building of `config`.
pub fn simulate(config: &Config, visits: &[Visit], rules: &Rules) -> Outcome {
    let desks = &config.building.desks;
    let (open, close) = opening();
    let mut day = Day {
        config,
        visits,
        rules,
        progress: visits
            .iter()
            .map(|v| vec![Progress::Pending; v.tasks.len()])
            .collect(),
        recent: HashMap::new(),
        outcome: Outcome {
            served: visits.iter().map(|v| vec![None; v.tasks.len()]).collect(),
            calls: Vec::new(),
            busy_in_hours: vec![Duration::zero(); desks.len()],
            estimates: Vec::new(),
        },
    };
    let Some(first) = visits.first() else {
        return day.outcome;
    };
    let mut now = first.arrival;
    let mut at_desk: Vec<Option<(usize, usize)>> = vec![None; desks.len()];
    // The visitor each desk has just finished with (for `Rules::carry_on`).
    let mut just_served: Vec<Option<usize>> = vec![None; desks.len()];
    let mut free_at = vec![now; desks.len()];
    let mut arrived = 0;
    // The visits in the building: arrived, with a concern still open.
    let mut present: Vec<usize> = Vec::new();
    let mut open_tasks: usize = visits.iter().map(|v| v.tasks.len()).sum();
    while open_tasks > 0 {
        for d in 0..desks.len() {
            if free_at[d] <= now
                && let Some((visit, task)) = at_desk[d].take()
            {
                day.progress[visit][task] = Progress::Closed;
                just_served[d] = Some(visit);
                open_tasks -= 1;
                let service = visits[visit].tasks[task].service.clone();
                let recent = day.recent.entry(service).or_default();
                recent.push_front(visits[visit].tasks[task].duration.num_seconds() as f64 / 60.0);
                recent.truncate(20);
                day.plan(visit, &present, now);
            }
        }
        while arrived < visits.len() && visits[arrived].arrival <= now {
            arrived += 1;
            present.push(arrived - 1);
            day.plan(arrived - 1, &present, now);
        }
        present.retain(|v| day.progress[*v].iter().any(|p| *p != Progress::Closed));
        for (d, desk) in desks.iter().enumerate() {
            if free_at[d] > now || at_desk[d].is_some() {
                continue;
            }
            let mut candidates = Vec::new();
            for &visit in &present {
                let concerns = day.concerns(visit);
                for (task, concern) in concerns.iter().enumerate() {
                    if desk.services.iter().any(|s| s == concern.service)
                        && callable(&concerns, task)
                    {
                        let mut candidate = day.candidate(visit, task);
                        candidate.front = rules.returning_first
                            && day.progress[visit].contains(&Progress::Closed);
                        candidates.push(candidate);
                    }
                }
            }
            let carried = just_served[d]
                .take()
                .filter(|_| rules.carry_on)
                .and_then(|v| {
                    candidates
                        .iter()
                        .map(|c| c.stop_id)
                        .filter(|id| usize::try_from(*id).is_ok_and(|id| id / MAX_TASKS == v))
                        .min()
                });
            let Some(stop_id) = carried.or_else(|| {
                choose_for_desk(&candidates, &rules.desk_languages[d], now).map(|c| c.stop_id)
            }) else {
                continue;
            };
            let id = usize::try_from(stop_id).unwrap_or_default();
            let (visit, task) = (id / MAX_TASKS, id % MAX_TASKS);
            let duration = visits[visit].tasks[task].duration;
            day.progress[visit][task] = Progress::Busy;
            at_desk[d] = Some((visit, task));
            free_at[d] = now + duration;
            day.outcome.served[visit][task] = Some(Served {
                desk: d,
                queued_at: visits[visit].arrival,
                called_at: now,
                finished_at: now + duration,
            });
            day.outcome.calls.push(Call {
                at: now,
                visit,
                task,
                desk: d,
            });
            let in_hours = (now + duration).min(close) - now.max(open);
            if in_hours > Duration::zero() {
                day.outcome.busy_in_hours[d] += in_hours;
            }
        }
        now += Duration::seconds(STEP_SECONDS);
    }
    day.outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn config() -> Config {
        Config::embedded().expect("the embedded building")
    }

    /// A short day (the first `minutes` of arrivals) so that a case runs fast.
    fn morning(visits: Vec<Visit>, minutes: i64) -> Vec<Visit> {
        let (open, _) = opening();
        visits
            .into_iter()
            .filter(|v| v.arrival < open + Duration::minutes(minutes))
            .collect()
    }

    #[test]
    fn every_concern_is_served_once_and_the_day_is_repeatable() {
        let config = config();
        let visits = morning(mixed_day(&config, 7, 0.9, &[0.35, 0.10]), 90);
        assert!(visits.iter().any(|v| v.tasks.len() == 3), "{visits:?}");
        for order in VisitOrder::ALL {
            let outcome = simulate(&config, &visits, &Rules::of(&config, order));
            let tasks: usize = visits.iter().map(|v| v.tasks.len()).sum();
            assert_eq!(outcome.calls.len(), tasks, "{order:?}");
            assert!(outcome.served.iter().flatten().all(Option::is_some));
            assert_eq!(
                outcome,
                simulate(&config, &visits, &Rules::of(&config, order))
            );
        }
    }

    /// Checks the day of `visits` under `rules` against the invariants.
    fn check_day(config: &Config, visits: &[Visit], rules: &Rules) -> Result<(), TestCaseError> {
        let outcome = simulate(config, visits, rules);
        for (v, visit) in visits.iter().enumerate() {
            let served: Vec<Served> = outcome.served[v].iter().flatten().copied().collect();
            prop_assert_eq!(served.len(), visit.tasks.len());
            // A stop keeps its arrival time: the visit's, in every line.
            prop_assert!(served.iter().all(|s| s.queued_at == visit.arrival));
            // Never at two desks at once: the visit's times at desks do not overlap.
            let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = served
                .iter()
                .map(|s| (s.called_at, s.finished_at))
                .collect();
            spans.sort();
            for pair in spans.windows(2) {
                prop_assert!(
                    pair[0].1 <= pair[1].0,
                    "visit {} at two desks: {:?}",
                    v,
                    spans
                );
            }
            // Dependencies: a concern is called only after those it comes after ended.
            for (t, task) in visit.tasks.iter().enumerate() {
                let before = config
                    .service(&task.service)
                    .map(|s| s.after.clone())
                    .unwrap_or_default();
                for (u, other) in visit.tasks.iter().enumerate() {
                    if before.contains(&other.service) {
                        prop_assert!(
                            served[u].finished_at <= served[t].called_at,
                            "{} called before {} ended",
                            task.service,
                            other.service
                        );
                    }
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Dependencies are never violated, a visitor is never called at two desks at once and
        /// every stop keeps its arrival time, in every order (with a dependency added to a
        /// busy line so that it matters often).
        #[test]
        fn the_invariants_hold_on_a_simulated_morning(seed in any::<u64>(), load in 0.6f64..1.1) {
            let text = crate::config::EMBEDDED_BUILDING.replacen(
                "id = \"eat-pickup\"\n",
                "id = \"eat-pickup\"\nafter = [\"address-change\"]\n",
                1,
            );
            let config = Config::parse("b.toml", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let visits = morning(mixed_day(&config, seed, load, &[0.35, 0.10]), 60);
            for order in VisitOrder::ALL {
                check_day(&config, &visits, &Rules::of(&config, order))?;
            }
        }

        /// With one concern per visit every order calls exactly as today.
        #[test]
        fn one_concern_per_visit_calls_as_today(seed in any::<u64>(), load in 0.6f64..1.1) {
            let config = config();
            let visits = morning(single_concern_day(&config, seed, load), 60);
            let today = simulate(&config, &visits, &Rules::of(&config, VisitOrder::Fixed));
            for order in [VisitOrder::NextShortest, VisitOrder::SeveralLines] {
                let other = simulate(&config, &visits, &Rules::of(&config, order));
                prop_assert_eq!(&today.calls, &other.calls, "{:?}", order);
            }
        }
    }
}
