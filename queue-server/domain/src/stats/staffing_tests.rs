use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Berlin;

use super::*;

/// A local time in Berlin.
fn at(date: &str, hour: u32, minute: u32) -> DateTime<Utc> {
    let date: NaiveDate = date.parse().unwrap();
    Berlin
        .from_local_datetime(&date.and_hms_opt(hour, minute, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn shift(desk: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Shift {
    Shift {
        desk: desk.to_owned(),
        started_at: from,
        ended_at: to,
    }
}

fn day(desk: &str, date: &str, seconds: i64) -> StaffedDay {
    StaffedDay {
        desk: desk.to_owned(),
        date: date.parse().unwrap(),
        seconds,
    }
}

#[test]
fn two_sessions_at_one_desk_count_once() {
    let d = "2026-01-13";
    let shifts = [
        // 08:00–12:00 and 10:00–14:00: the union is 08:00–14:00, six hours (not eight).
        shift("3", at(d, 8, 0), at(d, 12, 0)),
        shift("3", at(d, 10, 0), at(d, 14, 0)),
        // Inside the first: adds nothing.
        shift("3", at(d, 9, 0), at(d, 9, 30)),
        // Right after the union: touches it, adds 30 minutes.
        shift("3", at(d, 14, 0), at(d, 14, 30)),
        // Another desk counts on its own.
        shift("4", at(d, 9, 0), at(d, 10, 0)),
        // Ends before it starts (a broken row): nothing.
        shift("4", at(d, 12, 0), at(d, 11, 0)),
    ];
    assert_eq!(
        staffed_days(&shifts, &Zone::new(Berlin)),
        vec![day("3", d, 6 * 3600 + 1800), day("4", d, 3600)]
    );
}

#[test]
fn a_shift_over_midnight_splits_by_local_day() {
    // 22:00 to 02:30 local (21:00Z to 01:30Z): two hours on the 13th, 2.5 on the 14th.
    let shifts = [shift("3", at("2026-01-13", 22, 0), at("2026-01-14", 2, 30))];
    let days = staffed_days(&shifts, &Zone::new(Berlin));
    assert_eq!(
        days,
        vec![day("3", "2026-01-13", 7200), day("3", "2026-01-14", 9000)]
    );
    let only_13th =
        Period::new("2026-01-13".parse().unwrap(), "2026-01-13".parse().unwrap()).unwrap();
    assert_eq!(staffed_in(&days, only_13th).get("3"), Some(&7200));
}

#[test]
fn a_daylight_saving_day_has_23_or_25_hours() {
    let zone = Zone::new(Berlin);
    // Clocks go from 02:00 to 03:00 on 29 March 2026: that day has 23 hours.
    let spring = [shift("3", at("2026-03-28", 20, 0), at("2026-03-30", 4, 0))];
    assert_eq!(
        staffed_days(&spring, &zone),
        vec![
            day("3", "2026-03-28", 4 * 3600),
            day("3", "2026-03-29", 23 * 3600),
            day("3", "2026-03-30", 4 * 3600),
        ]
    );
    // Clocks go from 03:00 back to 02:00 on 25 October 2026: 01:00 to 04:00 is four hours.
    let autumn = [shift("3", at("2026-10-25", 1, 0), at("2026-10-25", 4, 0))];
    assert_eq!(
        staffed_days(&autumn, &zone),
        vec![day("3", "2026-10-25", 4 * 3600)]
    );
}

#[test]
fn utilisation_is_serving_over_staffed() {
    assert_eq!(utilisation(1800, 7200), Some(0.25));
    assert_eq!(utilisation(0, 3600), Some(0.0));
    assert_eq!(utilisation(600, 0), None);
}
