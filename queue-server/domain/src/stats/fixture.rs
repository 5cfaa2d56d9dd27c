//! A day of legs whose figures are computed by hand (in the comments), for the figures' tests
//! here and the server's export and fold tests (feature `fixtures`). Times are Berlin local.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use lotse_protocol::{Channel, StopStatus};

use chrono::DateTime;
use lotse_protocol::Building;

use super::report::{Context, MissedAppointment, compute_from_legs};
use super::{Dimension, Filter, Leg, Period, Report};

pub fn at(local: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a time");
    Berlin
        .from_local_datetime(&naive)
        .earliest()
        .expect("exists")
        .with_timezone(&Utc)
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

/// A leg of `visit` issued at `issued` and queued then; the rest set by the caller.
pub fn leg(visit: i64, id: i64, service: &str, status: StopStatus, issued: &str) -> Leg {
    Leg {
        visit,
        position: 0,
        id,
        service: service.to_owned(),
        status,
        channel: Channel::Kiosk,
        language: "de".to_owned(),
        issued_at: at(issued),
        appointment_at: None,
        queued_at: at(issued),
        called_at: None,
        started_at: None,
        finished_at: None,
        recalls: 0,
        desk: None,
    }
}

pub fn times(mut leg: Leg, called: &str, started: Option<&str>, finished: Option<&str>) -> Leg {
    leg.called_at = Some(at(called));
    leg.started_at = started.map(at);
    leg.finished_at = finished.map(at);
    leg
}

/// Tuesday 17 November 2026 (CET, UTC+1):
/// - visit 1 (ar, kiosk, 09:00): payment-card (asylum-benefits, target 20 min) called 09:10,
///   recalled 09:12 (the last call counts), started 09:14, done 09:24 at eg-04 (speaks ar);
///   then its planned next concern citizens-income (jobcenter, target 30), queued with the
///   visit's arrival but waiting from 09:24, called 09:54, started 09:55, done 10:15 at
///   room-1-01 (does not speak ar).
/// - visit 2 (de, walk-in, 09:30): residence-permit (immigration, target 30) called 10:20,
///   started 10:21, transferred 10:31 at eg-01 to payment-card (asylum-benefits) at the front
///   of the line (queued 09:30, waiting from 10:31), called 10:41, no-show at 10:50.
/// - visit 3 (uk, appointment 10:00, checked in 09:55): housing-allocation, never called,
///   closed at midnight (walk-out).
/// - visit 4 (uk, appointment 10:00, checked in 10:05, late): keys-rooms called 10:15,
///   started 10:16, parked, closed at midnight.
pub fn fixture() -> Vec<Leg> {
    let mut a = times(
        leg(1, 1, "payment-card", StopStatus::Done, "2026-11-17 09:00"),
        "2026-11-17 09:12",
        Some("2026-11-17 09:14"),
        Some("2026-11-17 09:24"),
    );
    a.recalls = 1;
    a.desk = Some("eg-04".into());
    let mut b = times(
        leg(
            1,
            2,
            "citizens-income",
            StopStatus::Done,
            "2026-11-17 09:00",
        ),
        "2026-11-17 09:54",
        Some("2026-11-17 09:55"),
        Some("2026-11-17 10:15"),
    );
    b.position = 1;
    b.desk = Some("room-1-01".into());
    for l in [&mut a, &mut b] {
        l.language = "ar".into();
    }
    let mut c = times(
        leg(
            2,
            3,
            "residence-permit",
            StopStatus::Transferred,
            "2026-11-17 09:30",
        ),
        "2026-11-17 10:20",
        Some("2026-11-17 10:21"),
        Some("2026-11-17 10:31"),
    );
    c.desk = Some("eg-01".into());
    let mut d = times(
        leg(2, 4, "payment-card", StopStatus::NoShow, "2026-11-17 09:30"),
        "2026-11-17 10:41",
        None,
        Some("2026-11-17 10:50"),
    );
    d.recalls = 2;
    d.desk = Some("eg-04".into());
    for l in [&mut c, &mut d] {
        l.channel = Channel::WalkIn;
    }
    let mut e = leg(
        3,
        5,
        "housing-allocation",
        StopStatus::Cancelled,
        "2026-11-17 09:55",
    );
    e.finished_at = Some(at("2026-11-18 00:00"));
    e.appointment_at = Some(at("2026-11-17 10:00"));
    let mut f = times(
        leg(
            4,
            6,
            "keys-rooms",
            StopStatus::Cancelled,
            "2026-11-17 10:05",
        ),
        "2026-11-17 10:15",
        Some("2026-11-17 10:16"),
        Some("2026-11-18 00:00"),
    );
    f.appointment_at = Some(at("2026-11-17 10:00"));
    for l in [&mut e, &mut f] {
        l.channel = Channel::Appointment;
        l.language = "uk".into();
    }
    vec![a, b, c, d, e, f]
}

/// The fixture's day (2026-11-17) of `legs` in `building`, two missed appointments of
/// keys-rooms on the 17th and 18th.
pub fn report(building: &Building, legs: &[Leg], filter: &Filter, split: Dimension) -> Report {
    let missed = [
        MissedAppointment {
            date: date("2026-11-17"),
            service: "keys-rooms".into(),
        },
        MissedAppointment {
            date: date("2026-11-18"),
            service: "keys-rooms".into(),
        },
    ];
    let day = date("2026-11-17");
    compute_from_legs(
        legs,
        &missed,
        &[],
        Context {
            building,
            zone: Berlin,
        },
        Period::new(day, day).expect("a period"),
        filter,
        split,
    )
}
