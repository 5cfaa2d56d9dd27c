//! Live alerts, pure (no SQL, no clock: the facts carry the durations, measured at one `now`
//! by the caller): when an alert is raised and when it clears, with hysteresis so that a
//! line hovering around a threshold does not flap, and who is shown an alert. README "Live
//! alerts" states the same rules in words.

use std::collections::BTreeSet;

use lotse_protocol::{AlertKind, Building, PrinterCondition, Role};

use crate::scope::AgencyScope;

/// The recent window the growth alert counts arrivals and calls in.
pub const GROWTH_WINDOW_MINUTES: i64 = 15;
/// A growth alert is raised when at least this many more stops arrived in a line than desks
/// called from it within the window, and at least this many wait.
pub const GROWTH_RAISE: u64 = 5;
/// A growth alert clears when the surplus of arrivals or the people waiting are at most this.
pub const GROWTH_CLEAR: u64 = 2;
/// A wait alert clears when the longest wait is below this share of its threshold.
pub const WAIT_CLEAR_SHARE: f64 = 0.8;

/// What an alert is about: its kind and the service (wait, growth) or kiosk (printer) it
/// names. At most one alert per subject is active.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject {
    pub kind: AlertKind,
    /// The service id or the kiosk name.
    pub name: String,
}

impl Subject {
    pub fn new(kind: AlertKind, name: &str) -> Subject {
        Subject {
            kind,
            name: name.to_owned(),
        }
    }
}

/// One service's line at the moment of evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFacts {
    pub service: String,
    pub waiting: u64,
    /// How long the longest-waiting person waits (`storage::waits`); 0 for an empty line.
    pub longest_wait_seconds: i64,
    pub target_wait_minutes: u32,
    pub alert_factor: f64,
    /// Stops that began to wait in the line within the window.
    pub arrivals: u64,
    /// Stops of the line called within the window.
    pub calls: u64,
}

/// Everything the alerts are decided from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub lines: Vec<LineFacts>,
    /// Each kiosk in service and its printer's last reported state (none: never reported).
    pub printers: Vec<(String, Option<PrinterCondition>)>,
}

/// An alert to raise or to clear.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transition {
    Raise(Subject),
    Clear(Subject),
}

/// Where a condition stands: past its raising threshold, below its clearing one, or in the
/// band between, where an alert keeps whatever state it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Raise,
    Keep,
    Clear,
}

/// The wait alert's threshold in seconds: the target times the service's factor.
pub fn wait_threshold_seconds(target_wait_minutes: u32, alert_factor: f64) -> f64 {
    f64::from(target_wait_minutes) * 60.0 * alert_factor
}

fn wait_level(line: &LineFacts) -> Level {
    let threshold = wait_threshold_seconds(line.target_wait_minutes, line.alert_factor);
    let longest = line.longest_wait_seconds as f64;
    if line.waiting > 0 && longest > threshold {
        Level::Raise
    } else if line.waiting == 0 || longest < WAIT_CLEAR_SHARE * threshold {
        Level::Clear
    } else {
        Level::Keep
    }
}

fn growth_level(line: &LineFacts) -> Level {
    let surplus = line.arrivals.saturating_sub(line.calls);
    if surplus >= GROWTH_RAISE && line.waiting >= GROWTH_RAISE {
        Level::Raise
    } else if surplus <= GROWTH_CLEAR || line.waiting <= GROWTH_CLEAR {
        Level::Clear
    } else {
        Level::Keep
    }
}

fn printer_level(condition: Option<PrinterCondition>) -> Level {
    match condition {
        Some(PrinterCondition::Ready) | None => Level::Clear,
        Some(
            PrinterCondition::PaperOut
            | PrinterCondition::CoverOpen
            | PrinterCondition::Offline
            | PrinterCondition::Unreachable,
        ) => Level::Raise,
    }
}

/// The alerts to raise and to clear, given the active ones and the facts now; sorted. A
/// subject the facts no longer name (a service removed from the building, a revoked kiosk)
/// clears. Applying the result to `active` gives the new state ([`apply`]).
pub fn step(active: &BTreeSet<Subject>, facts: &Facts) -> Vec<Transition> {
    let mut levels: Vec<(Subject, Level)> = Vec::new();
    for line in &facts.lines {
        levels.push((
            Subject::new(AlertKind::Wait, &line.service),
            wait_level(line),
        ));
        levels.push((
            Subject::new(AlertKind::Growth, &line.service),
            growth_level(line),
        ));
    }
    for (kiosk, condition) in &facts.printers {
        levels.push((
            Subject::new(AlertKind::Printer, kiosk),
            printer_level(*condition),
        ));
    }
    let mut transitions = Vec::new();
    for (subject, level) in &levels {
        let on = active.contains(subject);
        match level {
            Level::Raise if !on => transitions.push(Transition::Raise(subject.clone())),
            Level::Clear if on => transitions.push(Transition::Clear(subject.clone())),
            _ => {}
        }
    }
    for subject in active {
        if !levels.iter().any(|(known, _)| known == subject) {
            transitions.push(Transition::Clear(subject.clone()));
        }
    }
    transitions.sort();
    transitions
}

/// The active alerts after `transitions`.
pub fn apply(active: &mut BTreeSet<Subject>, transitions: &[Transition]) {
    for transition in transitions {
        match transition {
            Transition::Raise(subject) => active.insert(subject.clone()),
            Transition::Clear(subject) => active.remove(subject),
        };
    }
}

/// Who looks at alerts.
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// A supervisor or admin: the lines of their agencies.
    Supervisor(&'a AgencyScope),
    /// Staff at a desk: the lines of the services the desk serves.
    Desk(&'a [String]),
    /// Staff who chose no desk: printer alerts only.
    Staff,
}

impl<'a> Audience<'a> {
    /// Who may acknowledge through the API: supervisors and admins for their agencies,
    /// staff for the services of the desk their session chose (`desk_services`).
    pub fn of(
        role: Role,
        agencies: &'a AgencyScope,
        desk_services: Option<&'a [String]>,
    ) -> Audience<'a> {
        match (role >= Role::Supervisor, desk_services) {
            (true, _) => Audience::Supervisor(agencies),
            (false, Some(services)) => Audience::Desk(services),
            (false, None) => Audience::Staff,
        }
    }
}

/// The services of the desk a session chose, if it chose one the building has.
pub fn desk_services<'a>(building: &'a Building, desk: Option<&str>) -> Option<&'a [String]> {
    desk.and_then(|d| building.desk(d))
        .map(|d| d.services.as_slice())
}

/// Whether `audience` is shown (and may acknowledge) an alert of `kind` about `name`. Kiosk
/// printers serve everyone in the building: their alerts are shown to every audience.
pub fn shown_to(building: &Building, subject: &Subject, audience: Audience<'_>) -> bool {
    if subject.kind == AlertKind::Printer {
        return true;
    }
    match audience {
        Audience::Supervisor(agencies) => building
            .service(&subject.name)
            .is_some_and(|service| agencies.includes(&service.agency)),
        Audience::Desk(services) => services.contains(&subject.name),
        Audience::Staff => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(waiting: u64, longest_minutes: i64) -> LineFacts {
        LineFacts {
            service: "payment-card".into(),
            waiting,
            longest_wait_seconds: longest_minutes * 60,
            target_wait_minutes: 20,
            alert_factor: 1.5,
            arrivals: 0,
            calls: 0,
        }
    }

    fn facts(lines: Vec<LineFacts>) -> Facts {
        Facts {
            lines,
            printers: Vec::new(),
        }
    }

    /// Runs the facts in turn; returns the active alerts after each step.
    fn run(sequence: &[Facts]) -> Vec<BTreeSet<Subject>> {
        let mut active = BTreeSet::new();
        sequence
            .iter()
            .map(|f| {
                let transitions = step(&active, f);
                apply(&mut active, &transitions);
                active.clone()
            })
            .collect()
    }

    fn wait() -> Subject {
        Subject::new(AlertKind::Wait, "payment-card")
    }

    #[test]
    fn a_wait_alert_raises_past_factor_times_target_and_clears_below_four_fifths() {
        // Threshold 1.5 × 20 min = 30 min; clears below 24 min.
        assert_eq!(wait_threshold_seconds(20, 1.5), 1800.0);
        let states = run(&[
            facts(vec![line(3, 30)]),
            facts(vec![line(3, 31)]),
            facts(vec![line(3, 25)]),
            facts(vec![line(3, 24)]),
            facts(vec![line(3, 23)]),
        ]);
        let on: Vec<bool> = states.iter().map(|s| s.contains(&wait())).collect();
        assert_eq!(on, [false, true, true, true, false]);
    }

    #[test]
    fn a_line_hovering_around_the_threshold_does_not_flap() {
        let mut sequence = vec![facts(vec![line(3, 31)])];
        for minute in [29, 31, 28, 32, 25, 30, 31, 29] {
            sequence.push(facts(vec![line(3, minute)]));
        }
        let mut active = BTreeSet::new();
        let mut raised = 0;
        let mut cleared = 0;
        for f in &sequence {
            let transitions = step(&active, f);
            raised += transitions
                .iter()
                .filter(|t| matches!(t, Transition::Raise(_)))
                .count();
            cleared += transitions
                .iter()
                .filter(|t| matches!(t, Transition::Clear(_)))
                .count();
            apply(&mut active, &transitions);
        }
        assert_eq!((raised, cleared), (1, 0), "raised once, never cleared");
    }

    #[test]
    fn an_emptied_line_clears_its_wait_alert_and_an_empty_one_never_raises() {
        let states = run(&[facts(vec![line(2, 40)]), facts(vec![line(0, 0)])]);
        assert!(states[0].contains(&wait()));
        assert!(!states[1].contains(&wait()));
        // An empty line whose "longest wait" were stale still raises nothing.
        assert!(run(&[facts(vec![line(0, 90)])])[0].is_empty());
    }

    #[test]
    fn a_growing_line_raises_and_clears_with_a_margin() {
        let growing = |waiting, arrivals, calls| LineFacts {
            arrivals,
            calls,
            ..line(waiting, 1)
        };
        let growth = Subject::new(AlertKind::Growth, "payment-card");
        let states = run(&[
            facts(vec![growing(6, 8, 4)]),  // surplus 4: not yet
            facts(vec![growing(6, 9, 4)]),  // surplus 5, 6 waiting: raise
            facts(vec![growing(6, 8, 4)]),  // surplus 4: keeps
            facts(vec![growing(6, 7, 4)]),  // surplus 3: keeps
            facts(vec![growing(6, 6, 4)]),  // surplus 2: clears
            facts(vec![growing(2, 12, 0)]), // surplus 12 but only 2 waiting: no alert
        ]);
        let on: Vec<bool> = states.iter().map(|s| s.contains(&growth)).collect();
        assert_eq!(on, [false, true, true, true, false, false]);
    }

    #[test]
    fn a_printer_alert_raises_on_a_failure_and_clears_when_ready_or_gone() {
        let printer = Subject::new(AlertKind::Printer, "kiosk-entrance");
        let with = |condition| Facts {
            lines: Vec::new(),
            printers: vec![("kiosk-entrance".to_owned(), condition)],
        };
        for failure in [
            PrinterCondition::PaperOut,
            PrinterCondition::CoverOpen,
            PrinterCondition::Offline,
            PrinterCondition::Unreachable,
        ] {
            let states = run(&[
                with(None),
                with(Some(failure)),
                with(Some(failure)),
                with(Some(PrinterCondition::Ready)),
            ]);
            let on: Vec<bool> = states.iter().map(|s| s.contains(&printer)).collect();
            assert_eq!(on, [false, true, true, false], "{failure:?}");
        }
        // A revoked kiosk (no longer in the facts) clears its alert.
        let states = run(&[with(Some(PrinterCondition::PaperOut)), Facts::default()]);
        assert!(states[0].contains(&printer) && states[1].is_empty());
    }

    #[test]
    fn a_raise_is_reported_once_while_it_lasts() {
        let mut active = BTreeSet::new();
        let first = step(&active, &facts(vec![line(3, 40)]));
        assert_eq!(first, [Transition::Raise(wait())]);
        apply(&mut active, &first);
        assert!(step(&active, &facts(vec![line(3, 41)])).is_empty());
    }

    #[test]
    fn alerts_are_shown_to_their_agencies_and_desks_printers_to_everyone() {
        let building = &crate::premises::sample::building();
        let line = Subject::new(AlertKind::Wait, "payment-card"); // asylum-benefits
        let printer = Subject::new(AlertKind::Printer, "kiosk-entrance");
        let benefits = AgencyScope::parse("asylum-benefits");
        let immigration = AgencyScope::parse("immigration");
        let all = AgencyScope::parse("*");
        assert!(shown_to(building, &line, Audience::Supervisor(&benefits)));
        assert!(shown_to(building, &line, Audience::Supervisor(&all)));
        assert!(!shown_to(
            building,
            &line,
            Audience::Supervisor(&immigration)
        ));
        assert!(shown_to(
            building,
            &printer,
            Audience::Supervisor(&immigration)
        ));
        let desk = ["address-change".to_owned()];
        assert!(!shown_to(building, &line, Audience::Desk(&desk)));
        assert!(shown_to(building, &printer, Audience::Desk(&desk)));
        let desk = ["payment-card".to_owned()];
        assert!(shown_to(building, &line, Audience::Desk(&desk)));
        assert!(!shown_to(building, &line, Audience::Staff));
    }
}
