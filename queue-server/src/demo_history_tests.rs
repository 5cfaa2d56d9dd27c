//! Tests of the demo history generator.

use super::*;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

#[test]
fn the_same_seed_gives_the_same_days_and_weekends_are_empty() {
    let config = Config::embedded().expect("the sample building");
    let first = Generator::new(&config, 7).day(date("2026-11-17"));
    let again = Generator::new(&config, 7).day(date("2026-11-17"));
    assert_eq!(first, again);
    assert_ne!(first, Generator::new(&config, 8).day(date("2026-11-17")));
    assert!(
        Generator::new(&config, 7)
            .day(date("2026-11-21"))
            .visits
            .is_empty()
    );
}

#[test]
fn a_day_has_the_building_s_patterns() {
    let config = Config::embedded().expect("the sample building");
    let mut generator = Generator::new(&config, 1);
    let days: Vec<HistoricDay> = date("2026-11-16")
        .iter_days()
        .take(5)
        .map(|d| generator.day(d))
        .collect();
    let visits: Vec<&HistoricVisit> = days.iter().flat_map(|d| &d.visits).collect();
    // Fewer than the 340 drawn: only those at an open service, as many as the desks serve.
    let per_day = visits.len() as f64 / 5.0;
    assert!((200.0..=320.0).contains(&per_day), "{per_day} visits a day");
    let share = |f: &dyn Fn(&HistoricVisit) -> bool| {
        visits.iter().filter(|v| f(v)).count() as f64 / visits.len() as f64
    };
    assert!(share(&|v| v.language == "ar") > 0.1);
    assert!(share(&|v| v.channel == Channel::Appointment) > 0.05);
    assert!(share(&|v| v.stops.len() > 1) > 0.1);
    let stops: Vec<&HistoricStop> = visits.iter().flat_map(|v| &v.stops).collect();
    for status in [
        StopStatus::Done,
        StopStatus::NoShow,
        StopStatus::Transferred,
        StopStatus::Cancelled,
    ] {
        assert!(stops.iter().any(|s| s.status == status), "{status:?}");
    }
    assert!(days.iter().any(|d| !d.missed.is_empty()));
    // Every served leg lies within a shift of its desk.
    for day in &days {
        for stop in day.visits.iter().flat_map(|v| &v.stops) {
            if stop.status == StopStatus::Done {
                assert!(
                    day.shifts
                        .iter()
                        .any(|s| Some(&s.desk) == stop.desk.as_ref()
                            && s.started_at < stop.started_at.unwrap()
                            && stop.finished_at.unwrap() < s.ended_at)
                );
            }
        }
    }
    // Every walk-in and kiosk arrival lies within its service's opening hours; numbers
    // count per prefix and day.
    for v in visits.iter().filter(|v| v.appointment_at.is_none()) {
        assert!(config.is_open(&v.stops[0].service, v.issued_at), "{v:?}");
    }
    let numbers: std::collections::HashSet<(NaiveDate, &str, i64)> = visits
        .iter()
        .map(|v| (v.day, v.prefix.as_str(), v.seq))
        .collect();
    assert_eq!(numbers.len(), visits.len());
}

/// Sixty working days (twelve weeks from a Monday) of seed 1.
fn sixty_days(config: &Config) -> Vec<HistoricDay> {
    let mut generator = Generator::new(config, 1);
    date("2026-09-07")
        .iter_days()
        .take(84)
        .map(|d| generator.day(d))
        .filter(|d| !d.visits.is_empty())
        .collect()
}

/// Each desk's spans of a day: from calling a visitor to the end of the leg.
fn desk_spans(day: &HistoricDay) -> std::collections::BTreeMap<&str, Spans> {
    let mut spans: std::collections::BTreeMap<&str, Spans> = Default::default();
    for stop in day.visits.iter().flat_map(|v| &v.stops) {
        if let (Some(desk), Some(called), Some(finished)) =
            (stop.desk.as_deref(), stop.called_at, stop.finished_at)
        {
            spans.entry(desk).or_default().push((called, finished));
        }
    }
    spans
}

#[test]
fn a_desk_serves_one_visitor_at_a_time() {
    let config = Config::embedded().expect("the sample building");
    let days = sixty_days(&config);
    assert_eq!(days.len(), 60);
    for day in &days {
        for (desk, mut spans) in desk_spans(day) {
            spans.sort();
            for pair in spans.windows(2) {
                assert!(
                    pair[0].1 <= pair[1].0,
                    "{desk} serves two at once: {pair:?}"
                );
            }
        }
    }
}

#[test]
fn no_desk_is_utilised_above_its_staffed_time() {
    let config = Config::embedded().expect("the sample building");
    let zone = crate::stats::figures::Zone::new(config.time_zone);
    let mut checked = 0;
    for day in sixty_days(&config) {
        let staffed = crate::stats::staffing::staffed_days(&day.shifts, &zone);
        let mut serving: std::collections::BTreeMap<(&str, NaiveDate), i64> = Default::default();
        for stop in day.visits.iter().flat_map(|v| &v.stops) {
            if let (StopStatus::Done, Some(desk), Some(from), Some(to)) = (
                stop.status,
                stop.desk.as_deref(),
                stop.started_at,
                stop.finished_at,
            ) {
                *serving.entry((desk, zone.date(from))).or_default() += (to - from).num_seconds();
            }
        }
        for ((desk, date), seconds) in serving {
            let staffed = staffed
                .iter()
                .find(|s| s.desk == desk && s.date == date)
                .map_or(0, |s| s.seconds);
            let utilisation =
                crate::stats::staffing::utilisation(seconds, staffed).unwrap_or(f64::MAX);
            assert!(utilisation <= 1.0, "{desk} on {date}: {utilisation}");
            checked += 1;
        }
    }
    assert!(checked > 60 * 15, "{checked} desk days");
}

#[test]
fn waits_stay_near_the_services_targets() {
    let config = Config::embedded().expect("the sample building");
    let mut waits: BTreeMap<&str, (i64, i64)> = Default::default();
    let days = sixty_days(&config);
    for visit in days.iter().flat_map(|d| &d.visits) {
        let mut ready = visit.issued_at;
        for stop in &visit.stops {
            if let (StopStatus::Done, Some(called)) = (stop.status, stop.called_at) {
                let wait = waits.entry(stop.service.as_str()).or_default();
                wait.0 += (called - ready.max(stop.queued_at)).num_seconds();
                wait.1 += 1;
            }
            ready = stop.finished_at.unwrap_or(ready);
        }
    }
    let all = waits.values().fold((0, 0), |a, w| (a.0 + w.0, a.1 + w.1));
    let mean = all.0 as f64 / all.1 as f64 / 60.0;
    assert!((5.0..=25.0).contains(&mean), "mean wait {mean} minutes");
    for (service, (seconds, legs)) in waits {
        let mean = seconds as f64 / legs as f64 / 60.0;
        let target = f64::from(config.target_wait_minutes(service));
        assert!(mean <= 2.0 * target, "{service}: {mean} minutes");
    }
}

#[test]
fn a_fifth_of_fully_served_visitors_give_a_score_after_their_last_concern() {
    let config = Config::embedded().expect("the sample building");
    let days = sixty_days(&config);
    let visits: Vec<&HistoricVisit> = days.iter().flat_map(|d| &d.visits).collect();
    let served: Vec<&&HistoricVisit> = visits
        .iter()
        .filter(|v| !v.stops.is_empty() && v.stops.iter().all(|s| s.status == StopStatus::Done))
        .collect();
    let scored: Vec<&&HistoricVisit> = visits.iter().filter(|v| v.feedback.is_some()).collect();
    let share = scored.len() as f64 / served.len() as f64;
    assert!((0.15..0.25).contains(&share), "{share}");
    let mut seen = [0; 5];
    for visit in scored {
        let (score, given) = visit.feedback.expect("a score");
        assert!(visit.stops.iter().all(|s| s.status == StopStatus::Done));
        let last = visit.stops.iter().filter_map(|s| s.finished_at).max();
        assert!(last.is_some_and(|last| given > last));
        seen[usize::from(score) - 1] += 1;
    }
    assert!(seen.iter().all(|n| *n > 0), "every score occurs: {seen:?}");
    assert!(
        seen[3] + seen[4] > seen[0] + seen[1],
        "mostly content: {seen:?}"
    );
}
