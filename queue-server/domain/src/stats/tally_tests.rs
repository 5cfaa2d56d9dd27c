//! Tallies add up: the report from the tallies of some days or cells, merged, is the report
//! from all of them at once, whatever is filtered and split.

use chrono::{Duration, NaiveDate, TimeZone};
use chrono_tz::Europe::Berlin;
use lotse_protocol::{Channel, StopStatus};
use proptest::prelude::*;
use strum::IntoEnumIterator;

use super::*;
use crate::premises::sample;
use crate::stats::Leg;
use crate::stats::feedback::VisitScore;
use crate::stats::figures::Zone;

/// One visit: its day (0-6 from Monday 16 November 2026), minute of arrival, language,
/// channel, score, and its legs (service, desk, how it ended, minutes waited and served).
type VisitPlan = (u8, u16, u8, u8, Option<u8>, Vec<(u8, u8, u8, u16, u16)>);

const LANGUAGES: [&str; 4] = ["de", "ar", "uk", "ti"];
const STATUSES: [StopStatus; 6] = [
    StopStatus::Done,
    StopStatus::Done,
    StopStatus::NoShow,
    StopStatus::Transferred,
    StopStatus::Cancelled,
    StopStatus::Parked,
];

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).expect("a date")
}

fn legs_of(plans: &[VisitPlan]) -> (Vec<Leg>, Vec<VisitScore>) {
    let building = sample::building();
    let (mut legs, mut scores) = (Vec::new(), Vec::new());
    for (visit, (day, minute, language, channel, score, plan)) in plans.iter().enumerate() {
        let visit = visit as i64 + 1;
        let date = first_day() + Duration::days(i64::from(*day));
        let local =
            date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(*minute));
        let issued = Berlin
            .from_local_datetime(&local)
            .earliest()
            .expect("a time")
            .to_utc();
        let mut at = issued;
        for (position, (service, desk, status, waited, served)) in plan.iter().enumerate() {
            let service = &building.services[usize::from(*service) % building.services.len()];
            let desk = &building.desks[usize::from(*desk) % building.desks.len()];
            let status = STATUSES[usize::from(*status) % STATUSES.len()];
            let called = at + Duration::minutes(i64::from(*waited));
            let started = called + Duration::seconds(75);
            let finished = started + Duration::minutes(i64::from(*served));
            let never_called = status == StopStatus::Cancelled && waited % 2 == 0;
            legs.push(Leg {
                visit,
                position: position as i64,
                id: visit * 10 + position as i64,
                service: service.id.clone(),
                status,
                channel: [Channel::Kiosk, Channel::WalkIn, Channel::Appointment]
                    [usize::from(*channel) % 3],
                language: LANGUAGES[usize::from(*language) % LANGUAGES.len()].to_owned(),
                issued_at: issued,
                // Booked up to 10 minutes before or after the check-in: on time or late.
                appointment_at: (*channel % 3 == 2)
                    .then_some(issued + Duration::minutes(i64::from(minute % 21) - 10)),
                queued_at: issued,
                called_at: (!never_called).then_some(called),
                started_at: (!never_called).then_some(started),
                finished_at: Some(finished),
                recalls: 0,
                desk: (!never_called).then(|| desk.id.clone()),
            });
            at = finished;
        }
        if let Some(score) = score {
            scores.push(VisitScore {
                visit,
                score: score % 5 + 1,
            });
        }
    }
    (legs, scores)
}

fn plans() -> impl Strategy<Value = Vec<VisitPlan>> {
    proptest::collection::vec(
        (
            0u8..7,
            420u16..1_200,
            any::<u8>(),
            any::<u8>(),
            proptest::option::of(any::<u8>()),
            proptest::collection::vec(
                (any::<u8>(), any::<u8>(), any::<u8>(), 0u16..120, 1u16..40),
                1..4,
            ),
        ),
        1..60,
    )
}

/// A filter of the sample building from the choices drawn (each maybe none).
fn filter_of(choices: [Option<u8>; 5]) -> Filter {
    let building = sample::building();
    let pick = |n: Option<u8>, len: usize| n.map(|n| usize::from(n) % len);
    Filter {
        agencies: pick(choices[0], building.agencies.len())
            .map(|i| [building.agencies[i].id.clone()].into()),
        service: pick(choices[1], building.services.len()).map(|i| building.services[i].id.clone()),
        desk: pick(choices[2], building.desks.len()).map(|i| building.desks[i].id.clone()),
        channel: pick(choices[3], 3)
            .map(|i| [Channel::Kiosk, Channel::WalkIn, Channel::Appointment][i]),
        language: pick(choices[4], LANGUAGES.len()).map(|i| LANGUAGES[i].to_owned()),
        ..Filter::default()
    }
}

proptest! {
    /// The days' tallies merged give the week's report, for any filter and split; so do the
    /// tallies of any two heaps of its cells.
    #[test]
    fn merged_tallies_give_the_report_of_all_their_cells(
        plans in plans(),
        choices in proptest::array::uniform5(proptest::option::of(any::<u8>())),
        split in 0usize..7,
        heap in proptest::collection::vec(any::<bool>(), 200),
    ) {
        let building = sample::building();
        let context = Context { building: &building, zone: Berlin };
        let (legs, scores) = legs_of(&plans);
        // As the centre holds them: days folded for good.
        let cells = Cells::fold(&legs, &scores, &building, &Zone::new(Berlin)).in_minutes();
        let week = Period::new(first_day(), first_day() + Duration::days(6)).expect("a week");
        let (filter, split) = (filter_of(choices), Dimension::iter().nth(split).expect("a dimension"));
        let whole = tally(&cells, &[], context, week, &filter, split);
        let mut by_day = Tally { split_by: split, ..Tally::default() };
        for date in week.dates() {
            let day = Period::new(date, date).expect("a day");
            by_day.merge(&tally(&cells, &[], context, day, &filter, split));
        }
        let mut heaps = [Cells::default(), Cells::default()];
        for (i, cell) in cells.legs.iter().enumerate() {
            heaps[usize::from(heap[i % heap.len()])].legs.push(cell.clone());
        }
        for (i, cell) in cells.visits.iter().enumerate() {
            heaps[usize::from(heap[(i + 7) % heap.len()])].visits.push(cell.clone());
        }
        let mut by_heap = tally(&heaps[0], &[], context, week, &filter, split);
        by_heap.merge(&tally(&heaps[1], &[], context, week, &filter, split));
        let report = whole.report(week, Berlin);
        prop_assert_eq!(&by_day.report(week, Berlin), &report);
        prop_assert_eq!(&by_heap.report(week, Berlin), &report);
        prop_assert_eq!(&by_day, &whole);
    }
}
