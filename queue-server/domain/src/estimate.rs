//! Wait estimates: a pure function of the line and recent service durations.

/// Minutes until a visitor with `people_ahead` in front of them is called, when a visit takes
/// `average_minutes` and `active_desks` desks work on the line (at least one is assumed).
pub fn wait_minutes(people_ahead: u32, average_minutes: f64, active_desks: u32) -> u32 {
    let desks = f64::from(active_desks.max(1));
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
        assert_eq!(wait_minutes(0, 12.0, 1), 0);
        assert_eq!(wait_minutes(3, 10.0, 1), 30);
        assert_eq!(wait_minutes(3, 10.0, 2), 15);
        assert_eq!(wait_minutes(1, 10.0, 0), 10);
        assert_eq!(wait_minutes(1, 7.5, 2), 4);
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
}
