//! The figures against fixtures computed by hand (`fixture.rs`, in its comments).

use chrono::{NaiveDateTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use lotse_protocol::{Building, Channel, StopStatus};

use super::*;
use crate::premises::sample;
use crate::stats::fixture::{at, date, fixture, leg, times};
use crate::stats::report::{Context, compute_from_legs};
use crate::stats::staffing::{StaffedDay, with_staffed};
use crate::stats::{Dimension, Filter, Period};

fn report(legs: &[Leg], filter: &Filter, split: Dimension) -> crate::stats::Report {
    crate::stats::fixture::report(&sample::building(), legs, filter, split)
}

#[test]
fn outcomes_follow_the_final_status_and_whether_a_call_happened() {
    let outcomes: Vec<Outcome> = fixture().iter().map(outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Served,
            Outcome::Served,
            Outcome::Transferred,
            Outcome::NoShow,
            Outcome::WalkOut,
            Outcome::Parked
        ]
    );
}

#[test]
fn a_later_concern_and_a_transfer_wait_from_the_end_of_the_leg_before() {
    let legs = fixture();
    let starts = starts(&legs);
    // b waits from 09:24 (a's finish), not from the visit's arrival at 09:00; d from 10:31.
    assert_eq!(starts[1], at("2026-11-17 09:24"));
    assert_eq!(starts[3], at("2026-11-17 10:31"));
    assert_eq!(starts[0], at("2026-11-17 09:00"));
    let waits: Vec<Option<i64>> = legs.iter().zip(&starts).map(|(l, s)| wait(l, *s)).collect();
    // a: 09:00→09:12 (the recall's call counts) = 720 s; b 30 min; c 50 min; d 10 min;
    // e never called; f 10 min.
    assert_eq!(
        waits,
        [
            Some(720),
            Some(1800),
            Some(3000),
            Some(600),
            None,
            Some(600)
        ]
    );
    assert_eq!(walk(&legs[0]), Some(120));
    assert_eq!(walk(&legs[3]), None, "a no-show never started");
    assert_eq!(service_time(&legs[1]), Some(1200));
    assert_eq!(
        service_time(&legs[2]),
        None,
        "a transferred leg is not served"
    );
}

#[test]
fn summaries_use_the_nearest_rank() {
    let s = summary(vec![3000, 600, 1800, 720, 600]);
    // Sorted 600 600 720 1800 3000: mean 6720 / 5; median rank ⌈2.5⌉ = 3; p90 rank ⌈4.5⌉ = 5.
    assert_eq!(
        s,
        Summary {
            count: 5,
            mean: 1344.0,
            median: 720,
            p90: 3000,
            max: 3000
        }
    );
    assert_eq!(summary(vec![1, 2, 3, 4]).median, 2);
    assert_eq!(summary(vec![]), Summary::default());
}

#[test]
fn the_day_s_report_matches_the_hand_computed_figures() {
    let r = report(&fixture(), &Filter::default(), Dimension::Service);
    let k = &r.kpis;
    assert_eq!(
        (k.visits, k.legs, k.served, k.no_shows, k.walk_outs),
        (4, 6, 2, 1, 1)
    );
    assert_eq!(
        (k.wait.mean, k.wait.median, k.wait.p90, k.wait.max),
        (1344.0, 720, 3000, 3000)
    );
    // Walks: a 120, b 60, c 60, f 60.
    assert_eq!((k.walk.count, k.walk.mean), (4, 75.0));
    assert_eq!((k.service.count, k.service.mean), (2, 900.0));
    // Called 5; within target: a 12 ≤ 20, b 30 ≤ 30, d 10 ≤ 20, f 10 ≤ 20; c 50 > 30.
    assert_eq!(k.service_level, Some(0.8));
    // Visits 1 (asylum-benefits → jobcenter) and 2 (immigration → asylum-benefits).
    assert_eq!(k.cross_agency_visits, 2);
    assert_eq!(r.cross_agency.transfers_between_agencies, 1);
    assert_eq!(r.cross_agency.planned_between_agencies, 1);
    // Only visit 1 has a served concern: 09:00 → 10:15.
    assert_eq!((k.building_time.count, k.building_time.max), (1, 4500));
    assert_eq!(r.outcomes[&Outcome::Parked], 1);
    assert_eq!(r.outcomes[&Outcome::Open], 0);

    // Tuesday = 1: visits arrive 09:00, 09:30, 09:55, 10:05; legs start 09:00, 09:24, 09:30,
    // 09:55 and 10:05, 10:31.
    assert_eq!((r.visit_arrivals[1][9], r.visit_arrivals[1][10]), (3, 1));
    assert_eq!((r.leg_arrivals[1][9], r.leg_arrivals[1][10]), (4, 2));
    assert_eq!(r.visit_arrivals.iter().flatten().sum::<usize>(), 4);
    // Waiting in hour 9: a 720 + b 1800 + c 1800 = 4320 s of 3600; hour 10: c 1200 + d 600
    // + f 600 = 2400 s.
    assert!((r.waiting_per_hour[9] - 1.2).abs() < 1e-9);
    assert!((r.waiting_per_hour[10] - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(r.waiting_per_hour[11], 0.0);
    // 600, 600, 720 in [10, 15); 1800 in [30, 45); 3000 in [45, 60).
    let counts: Vec<usize> = r.wait_distribution.iter().map(|b| b.count).collect();
    assert_eq!(counts, [0, 0, 3, 0, 0, 1, 1, 0, 0]);
    assert_eq!(r.wait_distribution[8].to, None);

    let payment = r
        .services
        .iter()
        .find(|row| row.key == "payment-card")
        .expect("a row");
    assert_eq!(
        (payment.legs, payment.called, payment.within_target),
        (2, 2, 2)
    );
    let permit = r
        .services
        .iter()
        .find(|row| row.key == "residence-permit")
        .expect("a row");
    assert_eq!(permit.service_level, Some(0.0));

    let arabic = r.languages.iter().find(|l| l.language == "ar").expect("ar");
    assert_eq!(
        (arabic.visits, arabic.per_hour[9], arabic.served),
        (1, 1, 2)
    );
    assert_eq!(
        arabic.share_in_language,
        Some(0.5),
        "eg-04 speaks ar, room-1-01 not"
    );
    assert!(
        r.agency_languages
            .contains(&("jobcenter".into(), "ar".into(), 1))
    );
    assert!(
        r.agency_languages
            .contains(&("asylum-benefits".into(), "de".into(), 1))
    );

    assert_eq!(
        (
            r.appointments.on_time,
            r.appointments.late,
            r.appointments.not_came
        ),
        (1, 1, 1),
        "the missed appointment of the next day is outside the period"
    );
    let desks: Vec<(&str, usize, i64)> = r
        .desks
        .iter()
        .map(|d| (d.desk.as_str(), d.served, d.serving_seconds))
        .collect();
    assert_eq!(desks, [("eg-04", 1, 600), ("room-1-01", 1, 1200)]);
}

#[test]
fn filters_keep_legs_and_visit_figures_still_see_the_whole_visit() {
    let filter = Filter {
        agencies: Some(["asylum-benefits".to_owned()].into()),
        ..Filter::default()
    };
    let r = report(&fixture(), &filter, Dimension::Channel);
    assert_eq!((r.kpis.visits, r.kpis.legs), (2, 2));
    assert_eq!(r.kpis.cross_agency_visits, 2);
    let keys: Vec<(&str, usize)> = r
        .split
        .iter()
        .map(|row| (row.key.as_str(), row.legs))
        .collect();
    assert_eq!(keys, [("kiosk", 1), ("walk_in", 1)]);
    assert_eq!(r.appointments.not_came, 0, "keys-rooms is accommodation's");

    let hour = Filter {
        hour: Some(10),
        weekday: Some(Weekday::Tue),
        ..Filter::default()
    };
    assert_eq!(report(&fixture(), &hour, Dimension::Hour).kpis.legs, 2);
    let language = Filter {
        language: Some("uk".into()),
        channel: Some(Channel::Appointment),
        ..Filter::default()
    };
    assert_eq!(report(&fixture(), &language, Dimension::Desk).kpis.legs, 2);
}

#[test]
fn a_wait_across_midnight_counts_its_arrival_day_and_both_hours() {
    let l = times(
        leg(9, 9, "eat-pickup", StopStatus::Done, "2026-11-16 23:50"),
        "2026-11-17 00:10",
        Some("2026-11-17 00:11"),
        Some("2026-11-17 00:20"),
    );
    let building: Building = sample::building();
    let r = compute_from_legs(
        &[l],
        &[],
        &[],
        Context {
            building: &building,
            zone: Berlin,
        },
        Period::new(date("2026-11-16"), date("2026-11-17")).expect("a period"),
        &Filter::default(),
        Dimension::Weekday,
    );
    assert_eq!(r.kpis.wait.max, 1200);
    assert_eq!(r.visit_arrivals[0][23], 1, "Monday 23:00");
    // 600 s in hour 23 and 600 s in hour 0, over a two-day period (7200 s of each hour).
    assert!((r.waiting_per_hour[23] - 600.0 / 7200.0).abs() < 1e-9);
    assert!((r.waiting_per_hour[0] - 600.0 / 7200.0).abs() < 1e-9);
    let outside = compute_from_legs(
        &[times(
            leg(9, 9, "eat-pickup", StopStatus::Done, "2026-11-16 23:50"),
            "2026-11-17 00:10",
            None,
            None,
        )],
        &[],
        &[],
        Context {
            building: &building,
            zone: Berlin,
        },
        Period::new(date("2026-11-17"), date("2026-11-17")).expect("a period"),
        &Filter::default(),
        Dimension::Service,
    );
    assert_eq!(outside.kpis.legs, 0, "the visit arrived the day before");
}

#[test]
fn daylight_saving_days_have_23_and_25_hours() {
    let zone = Zone::new(Berlin);
    let day = |d: &str| {
        let mut hours = [0.0; 24];
        let from = zone.day_start(date(d));
        let to = zone.day_start(date(d).succ_opt().expect("a day"));
        zone.seconds_per_hour(from, to, &mut hours);
        hours
    };
    let spring = day("2026-03-29");
    assert_eq!(spring.iter().sum::<f64>(), 23.0 * 3600.0);
    assert_eq!(spring[2], 0.0, "02:00-03:00 does not exist");
    let autumn = day("2026-10-25");
    assert_eq!(autumn.iter().sum::<f64>(), 25.0 * 3600.0);
    assert_eq!(autumn[2], 7200.0, "02:00-03:00 happens twice");
    // A wait from 01:30 to 03:30 local on the autumn day lasts three hours (UTC 23:30 to
    // 02:30) and spends 3600 s in hour 2.
    let mut waited = [0.0; 24];
    let from = Utc
        .with_ymd_and_hms(2026, 10, 24, 23, 30, 0)
        .single()
        .expect("a time");
    let to = Utc
        .with_ymd_and_hms(2026, 10, 25, 2, 30, 0)
        .single()
        .expect("a time");
    zone.seconds_per_hour(from, to, &mut waited);
    assert_eq!((waited[1], waited[2], waited[3]), (1800.0, 7200.0, 1800.0));
    assert_eq!(zone.weekday_hour(to), (6, 3));
    // The cached offsets give what chrono-tz gives, on both sides of each switch.
    for (utc, local) in [
        ((2026, 3, 29, 0, 59), "2026-03-29 01:59"),
        ((2026, 3, 29, 1, 0), "2026-03-29 03:00"),
        ((2026, 10, 25, 0, 59), "2026-10-25 02:59"),
        ((2026, 10, 25, 1, 0), "2026-10-25 02:00"),
        ((2026, 12, 31, 23, 30), "2027-01-01 00:30"),
    ] {
        let (y, mo, d, h, mi) = utc;
        let at = Utc
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("a time");
        let expected = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a time");
        assert_eq!(zone.date(at), expected.date(), "{local}");
        assert_eq!(zone.weekday_hour(at).1, expected.hour() as usize, "{local}");
    }
}

#[test]
fn periods_compare_with_the_same_length_before() {
    let week = Period::preset("week", date("2026-11-19")).expect("a week");
    assert_eq!(
        (week.from, week.to),
        (date("2026-11-16"), date("2026-11-19"))
    );
    let before = week.previous();
    assert_eq!(
        (before.from, before.to, before.days()),
        (date("2026-11-12"), date("2026-11-15"), 4)
    );
    let year = Period::preset("year", date("2026-11-19")).expect("a year");
    assert_eq!(year.from, date("2026-01-01"));
    assert_eq!(
        Period::preset("month", date("2026-11-19")).map(|p| p.from),
        Some(date("2026-11-01"))
    );
    assert!(Period::new(date("2026-11-19"), date("2026-11-18")).is_none());
    assert!(Period::preset("decade", date("2026-11-19")).is_none());
}

#[test]
fn desk_utilisation_is_serving_over_staffed_and_staffed_desks_show_without_legs() {
    let staffed = |desk: &str, day: &str, seconds: i64| StaffedDay {
        desk: desk.into(),
        date: date(day),
        seconds,
    };
    let days = [
        staffed("eg-04", "2026-11-17", 2400),
        staffed("room-1-01", "2026-11-17", 4800),
        // Staffed, nobody served there: 0 %.
        staffed("room-0-12", "2026-11-17", 3600),
        // The next day lies outside the period.
        staffed("eg-04", "2026-11-18", 9000),
    ];
    let desks = |filter: &Filter| -> Vec<(String, i64, i64, Option<f64>)> {
        let building: Building = sample::building();
        let day = date("2026-11-17");
        let desks = report(&fixture(), filter, Dimension::Desk).desks;
        let period = Period::new(day, day).expect("a period");
        with_staffed(desks, &days, period, filter, &building)
            .into_iter()
            .map(|d| (d.desk, d.serving_seconds, d.staffed_seconds, d.utilisation))
            .collect()
    };
    // eg-04 served 600 s of 2400 s staffed, room-1-01 1200 s of 4800 s.
    assert_eq!(
        desks(&Filter::default()),
        [
            ("eg-04".into(), 600, 2400, Some(0.25)),
            ("room-0-12".into(), 0, 3600, Some(0.0)),
            ("room-1-01".into(), 1200, 4800, Some(0.25)),
        ]
    );
    // Only the desks serving the agency's services.
    let benefits = Filter {
        agencies: Some(["asylum-benefits".to_owned()].into()),
        ..Filter::default()
    };
    assert_eq!(desks(&benefits), [("eg-04".into(), 600, 2400, Some(0.25))]);
    // Without staffed time (history before shifts were recorded) there is no utilisation.
    let unstaffed = report(&fixture(), &Filter::default(), Dimension::Desk);
    assert!(unstaffed.desks.iter().all(|d| d.utilisation.is_none()));
}
