//! Wait estimates: a pure function of the line, the other lines and recent service
//! durations. The policy (how many visits, which desks count as working, how a desk's time
//! is shared between its lines, the fallback duration) is defined here; storage only reads
//! the rows it names.

use std::collections::HashMap;

use chrono::Duration;
use lotse_protocol::Building;

/// How many of a service's latest finished visits the average is taken over.
pub const RECENT_VISITS: u32 = 20;

/// A desk that called someone within this window counts as working on its services.
pub const ACTIVE_DESK_WINDOW: Duration = Duration::hours(1);

/// How long a visit of a service the building no longer describes is assumed to take.
pub const UNKNOWN_SERVICE_MINUTES: u32 = 10;

/// What an estimate reads from the database.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recent {
    /// Durations in minutes of the service's latest [`RECENT_VISITS`] finished visits.
    pub durations_minutes: Vec<f64>,
    /// Desks that called someone within [`ACTIVE_DESK_WINDOW`].
    pub calling_desks: Vec<String>,
    /// How many wait in each service's line now (a service nobody waits for may be missing).
    pub waiting: HashMap<String, u32>,
}

/// The least time, in desks, that a line with working desks is assumed to get, however busy
/// their other lines are.
pub const MIN_DESKS: f64 = 0.5;

/// Estimated minutes until someone with `people_ahead` in front is called for `service`:
/// the recent average visit over the time the working desks give this line
/// (`desks_for_line`).
pub fn for_service(building: &Building, service: &str, people_ahead: u32, recent: &Recent) -> u32 {
    let typical = building
        .service(service)
        .map_or(UNKNOWN_SERVICE_MINUTES, |s| s.typical_minutes);
    let average = average_minutes(&recent.durations_minutes, typical);
    wait_minutes(
        people_ahead,
        average,
        desks_for_line(building, service, people_ahead, recent),
    )
}

/// How many desks' worth of time the line of `service` gets, for someone with
/// `people_ahead` in it: each working desk that serves it gives the share of the visitors
/// waiting at its services who wait in this line (all of its time when it serves this line
/// alone, or when nobody waits elsewhere). Desks call whoever waited longest for their
/// target, so a desk splits its time roughly as its lines' lengths. At least [`MIN_DESKS`];
/// one desk when none is working.
pub fn desks_for_line(
    building: &Building,
    service: &str,
    people_ahead: u32,
    recent: &Recent,
) -> f64 {
    let count = |service: &str| f64::from(recent.waiting.get(service).copied().unwrap_or(0));
    let here = count(service).max(f64::from(people_ahead) + 1.0);
    let shares: Vec<f64> = building
        .desks
        .iter()
        .filter(|desk| {
            desk.services.iter().any(|s| s == service) && recent.calling_desks.contains(&desk.id)
        })
        .map(|desk| {
            let elsewhere: f64 = desk
                .services
                .iter()
                .filter(|s| *s != service)
                .map(|s| count(s))
                .sum();
            here / (here + elsewhere)
        })
        .collect();
    if shares.is_empty() {
        1.0
    } else {
        shares.iter().sum::<f64>().max(MIN_DESKS)
    }
}

/// Minutes until a visitor with `people_ahead` in front of them is called, when a visit takes
/// `average_minutes` and the line gets `desks` desks' worth of time (one when not positive).
pub fn wait_minutes(people_ahead: u32, average_minutes: f64, desks: f64) -> u32 {
    let desks = if desks > 0.0 { desks } else { 1.0 };
    let minutes = (f64::from(people_ahead) * average_minutes.max(0.0) / desks).ceil();
    if minutes.is_finite() && minutes < f64::from(u32::MAX) {
        minutes as u32
    } else {
        u32::MAX
    }
}

/// One open concern of a visit for `visit_minutes`: the minutes until its line calls the
/// visitor (0 when at a desk) and its typical time at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenConcern {
    pub wait_minutes: u32,
    pub desk_minutes: u32,
}

/// Minutes until every open concern of a visit is done. Waiting in several lines at once,
/// the waits overlap (the longest counts) and the desk times add up; one concern at a time,
/// waits and desk times all add up.
pub fn visit_minutes(open: &[OpenConcern], waits_overlap: bool) -> u32 {
    let desks = open
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(c.desk_minutes));
    let waits = if waits_overlap {
        open.iter().map(|c| c.wait_minutes).max().unwrap_or(0)
    } else {
        open.iter()
            .fold(0u32, |sum, c| sum.saturating_add(c.wait_minutes))
    };
    waits.saturating_add(desks)
}

/// The average of recent service durations in minutes, or the service's typical duration when
/// there is no history yet. A few samples are blended with the typical value so that one very
/// short or long visit does not swing the estimate. A negative duration (the clock was set
/// back during a visit) says nothing and is left out.
pub fn average_minutes(recent_durations_minutes: &[f64], typical_minutes: u32) -> f64 {
    const PRIOR_WEIGHT: f64 = 3.0;
    let typical = f64::from(typical_minutes);
    let usable: Vec<f64> = recent_durations_minutes
        .iter()
        .copied()
        .filter(|minutes| *minutes >= 0.0)
        .collect();
    let sum: f64 = usable.iter().sum();
    (sum + PRIOR_WEIGHT * typical) / (usable.len() as f64 + PRIOR_WEIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates() {
        assert_eq!(wait_minutes(0, 12.0, 1.0), 0);
        assert_eq!(wait_minutes(3, 10.0, 1.0), 30);
        assert_eq!(wait_minutes(3, 10.0, 2.0), 15);
        assert_eq!(wait_minutes(1, 10.0, 0.0), 10);
        assert_eq!(wait_minutes(1, 7.5, 2.0), 4);
        assert_eq!(wait_minutes(3, 10.0, 0.5), 60);
        assert_eq!(average_minutes(&[], 15), 15.0);
        assert_eq!(average_minutes(&[5.0, 5.0, 5.0], 15), 10.0);
        assert_eq!(
            average_minutes(&[5.0, 5.0, 5.0, -600.0], 15),
            10.0,
            "a clock step"
        );
    }

    #[test]
    fn a_visit_in_several_lines_waits_once_for_the_longest() {
        let open = [
            OpenConcern {
                wait_minutes: 30,
                desk_minutes: 10,
            },
            OpenConcern {
                wait_minutes: 5,
                desk_minutes: 15,
            },
            OpenConcern {
                wait_minutes: 0,
                desk_minutes: 20,
            },
        ];
        assert_eq!(visit_minutes(&open, true), 30 + 45);
        assert_eq!(visit_minutes(&open, false), 35 + 45);
        assert_eq!(visit_minutes(&[], true), 0);
    }

    #[test]
    fn only_working_desks_of_the_service_share_the_line() {
        let building = crate::premises::sample::building();
        let service = &building.services[0];
        let serving: Vec<String> = building
            .desks
            .iter()
            .filter(|d| d.services.contains(&service.id))
            .map(|d| d.id.clone())
            .collect();
        let elsewhere = building
            .desks
            .iter()
            .find(|d| !d.services.contains(&service.id))
            .map(|d| d.id.clone());
        let typical = f64::from(service.typical_minutes);
        let alone = Recent {
            durations_minutes: vec![typical; 3],
            calling_desks: serving[..1].to_vec(),
            waiting: HashMap::new(),
        };
        let expected_alone = wait_minutes(4, typical, 1.0);
        assert_eq!(
            for_service(&building, &service.id, 4, &alone),
            expected_alone
        );
        let with_a_stranger = Recent {
            calling_desks: [serving[..1].to_vec(), elsewhere.into_iter().collect()].concat(),
            ..alone.clone()
        };
        assert_eq!(
            for_service(&building, &service.id, 4, &with_a_stranger),
            expected_alone,
            "a desk of another service does not work on this line"
        );
        if serving.len() > 1 {
            let two = Recent {
                calling_desks: serving[..2].to_vec(),
                ..alone
            };
            assert_eq!(
                for_service(&building, &service.id, 4, &two),
                wait_minutes(4, typical, 2.0)
            );
        }
        assert_eq!(
            for_service(&building, "gone", 2, &Recent::default()),
            2 * UNKNOWN_SERVICE_MINUTES,
            "a service the building no longer has"
        );
    }

    #[test]
    fn a_desk_shares_its_time_between_its_lines_as_they_are_long() {
        let building = crate::premises::sample::building();
        // A desk serving more than one service, the only one working.
        let desk = building
            .desks
            .iter()
            .find(|d| d.services.len() >= 2)
            .expect("a desk with two services");
        let (this, other) = (&desk.services[0], &desk.services[1]);
        let recent = |waiting: &[(&String, u32)]| Recent {
            durations_minutes: Vec::new(),
            calling_desks: vec![desk.id.clone()],
            waiting: waiting.iter().map(|(s, n)| ((*s).clone(), *n)).collect(),
        };
        // Nobody elsewhere: the whole desk.
        assert_eq!(
            desks_for_line(&building, this, 3, &recent(&[(this, 4)])),
            1.0
        );
        // As many waiting in the other line: half the desk, twice the wait.
        let half = recent(&[(this, 4), (other, 4)]);
        assert_eq!(desks_for_line(&building, this, 3, &half), 0.5);
        let whole = for_service(&building, this, 3, &recent(&[(this, 4)]));
        assert_eq!(for_service(&building, this, 3, &half), 2 * whole);
        // Far more elsewhere: never less than MIN_DESKS.
        let crowded = recent(&[(this, 1), (other, 40)]);
        assert_eq!(desks_for_line(&building, this, 0, &crowded), MIN_DESKS);
        // The visitor asking counts in their own line even before the line shows them.
        assert_eq!(
            desks_for_line(&building, this, 3, &recent(&[(other, 4)])),
            0.5
        );
    }
}
