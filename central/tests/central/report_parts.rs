//! Kept report parts (`report_parts`): a county report from kept months and days equals the
//! building's own, and follows every change of what they were computed from: a day pushed
//! again with other cells, a damaged part, a changed profile.

use base64::Engine;
use chrono::NaiveDate;
use deadpool_postgres::Pool;
use lotse_central::county_stats::{self, Narrowed};
use lotse_central::turns::Turns;
use lotse_protocol::Building;
use lotse_protocol::central::{CENTRAL_SCHEMA, DayPush, ProfilePush};
use lotse_queue_server::central_push::push_due_days;
use lotse_queue_server::stats::load::Computed;
use lotse_queue_server::stats::report::{Context, Report};
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::stats::{Dimension, Filter, Period, compute};

use crate::support::{BuildingServer, Central, Postgres, csv, past_days, token_of};

const ID: &str = "kreishaus";

async fn centre(pool: &Pool, period: Period) -> Computed {
    let ids = [ID.to_owned()];
    let everything = Narrowed::default();
    county_stats::report(
        pool,
        &Turns::new(1, u64::MAX),
        &ids,
        period,
        &everything,
        Lang::De,
    )
    .await
    .expect("the centre's report")
}

/// The report computed straight from the stored days with `building`'s profile, no part kept.
async fn straight(pool: &Pool, period: Period, building: &Building) -> Report {
    let ids = [ID.to_owned()];
    let rows = lotse_central::db::days::read(pool, &ids, period.from, period.to)
        .await
        .expect("the days");
    let cells = county_stats::decode(rows).expect("decoded");
    let context = Context {
        building,
        zone: building.site.time_zone,
    };
    compute(
        &cells,
        &[],
        context,
        period,
        &Filter::default(),
        Dimension::Service,
    )
}

fn assert_same(centre: &Computed, straight: &Report) {
    assert_eq!(centre.report.kpis, straight.kpis);
    assert_eq!(centre.report.services, straight.services);
    assert_eq!(centre.report.languages, straight.languages);
    assert_eq!(centre.report.wait_distribution, straight.wait_distribution);
}

/// The building's report of `period` once it computes nothing (a limit of 0 refuses anything
/// to compute): from parts kept ahead. Waits up to a minute for them.
async fn from_parts_kept_ahead(pool: &Pool, period: Period) -> Computed {
    let (ids, everything, nothing) = ([ID.to_owned()], Narrowed::default(), Turns::new(1, 0));
    let started = std::time::Instant::now();
    loop {
        match county_stats::report(pool, &nothing, &ids, period, &everything, Lang::De).await {
            Ok(computed) => return computed,
            Err(_) if started.elapsed() < std::time::Duration::from_secs(60) => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(error) => panic!("the parts were not kept ahead: {error}"),
        }
    }
}

async fn scalar(pool: &Pool, sql: &str) -> i64 {
    let client = pool.get().await.expect("a connection");
    client.query_one(sql, &[]).await.expect("a row").get(0)
}

#[tokio::test]
async fn kept_parts_follow_every_change_of_their_days_and_profile() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(chrono::Utc::now)).await;
    let building = BuildingServer::with_history(ID, &central.url, 62, 90, 11).await;
    push_due_days(&building.state, &building.link())
        .await
        .expect("pushed");
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    // 62 days always hold a whole calendar month.
    let period = past_days(62);
    let first = centre(&pool, period).await;
    assert!(first.report.kpis.visits > 0);
    assert_eq!(csv(&first), csv(&building.own_report(period).await));
    let months = "SELECT COUNT(*) FROM report_parts WHERE first_day < last_day";
    assert!(scalar(&pool, months).await >= 1, "a whole month is kept");
    // From the kept parts: the same.
    assert_eq!(csv(&centre(&pool, period).await), csv(&first));

    // A day inside the kept month is pushed again (a higher version) with another day's
    // cells: the report counts the new cells.
    let client = pool.get().await.expect("a connection");
    let month = client
        .query_one(
            "SELECT first_day, last_day FROM report_parts WHERE first_day < last_day LIMIT 1",
            &[],
        )
        .await
        .expect("a kept month");
    let (month_first, month_last): (NaiveDate, NaiveDate) = (month.get(0), month.get(1));
    let days = client
        .query(
            "SELECT day, version, format, cells, visits, legs FROM stat_days
             WHERE building = $1 AND day >= $2 AND day <= $3 ORDER BY visits",
            &[&ID, &month_first, &month_last],
        )
        .await
        .expect("the month's days");
    let (fewest, most) = (&days[0], &days[days.len() - 1]);
    let (fewest_visits, most_visits): (i32, i32) = (fewest.get(4), most.get(4));
    assert!(fewest_visits < most_visits, "days of different sizes");
    let day: NaiveDate = fewest.get(0);
    let version: i32 = fewest.get(1);
    let cells: Vec<u8> = most.get(3);
    let push = DayPush {
        schema: CENTRAL_SCHEMA,
        version: u32::try_from(version + 1).expect("a version"),
        cells_format: u32::try_from(most.get::<_, i32>(2)).expect("a format"),
        cells: base64::engine::general_purpose::STANDARD.encode(&cells),
        visits: u32::try_from(most_visits).expect("visits"),
        legs: u32::try_from(most.get::<_, i32>(5)).expect("legs"),
    };
    let pusher = lotse_protocol::Client::new(&central.url)
        .expect("a client")
        .with_device_token(token_of(ID));
    pusher.push_day(ID, day, &push).await.expect("pushed again");
    let changed = centre(&pool, period).await;
    assert_eq!(
        changed.report.kpis.visits,
        first.report.kpis.visits - fewest_visits as usize + most_visits as usize
    );
    let profile = building.config.building.clone();
    assert_same(&changed, &straight(&pool, period, &profile).await);

    // A damaged kept part is computed again, not misread.
    client
        .execute("UPDATE report_parts SET tally = '\\x00ff'::bytea", &[])
        .await
        .expect("damaged");
    assert_eq!(csv(&centre(&pool, period).await), csv(&changed));

    // A changed profile (every target wait one minute) computes the parts again with it.
    let mut strict = profile.clone();
    for service in &mut strict.services {
        service.target_wait_minutes = 1;
    }
    let profile_push = ProfilePush {
        schema: CENTRAL_SCHEMA,
        building: strict.clone(),
    };
    pusher
        .push_profile(ID, &profile_push)
        .await
        .expect("the profile");
    let stricter = centre(&pool, period).await;
    assert!(
        stricter.report.kpis.service_level < changed.report.kpis.service_level,
        "{:?} against {:?}",
        stricter.report.kpis.service_level,
        changed.report.kpis.service_level
    );
    assert_same(&stricter, &straight(&pool, period, &strict).await);
    drop(central);
}

#[tokio::test]
async fn pushed_days_are_kept_ahead_so_the_first_report_computes_nothing() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(chrono::Utc::now)).await;
    let building = BuildingServer::with_history(ID, &central.url, 62, 90, 12).await;
    push_due_days(&building.state, &building.link())
        .await
        .expect("pushed");
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let period = past_days(62);
    let ahead = from_parts_kept_ahead(&pool, period).await;
    assert!(ahead.report.kpis.visits > 0);
    assert_eq!(csv(&ahead), csv(&building.own_report(period).await));
    drop(central);
}

#[tokio::test]
async fn a_restarted_centre_keeps_what_was_pushed_before_it_stopped() {
    let Some(pg) = Postgres::start() else { return };
    let clock = std::sync::Arc::new(chrono::Utc::now);
    let central = Central::start(&pg, clock.clone()).await;
    let address = central.url.trim_start_matches("http://").to_owned();
    let building = BuildingServer::with_history(ID, &central.url, 40, 90, 13).await;
    push_due_days(&building.state, &building.link())
        .await
        .expect("pushed");
    // Stopped before the building was quiet long enough for its days to be kept.
    central.stop().await;
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let kept = "SELECT COUNT(*) FROM report_parts";
    assert_eq!(scalar(&pool, kept).await, 0, "nothing kept before the stop");
    let central = Central::start_on(&address, &pg, clock).await;
    let period = past_days(40);
    let ahead = from_parts_kept_ahead(&pool, period).await;
    assert_eq!(csv(&ahead), csv(&building.own_report(period).await));
    drop(central);
}

#[tokio::test]
async fn each_building_beside_the_total_is_its_own_report() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(chrono::Utc::now)).await;
    let mut buildings = Vec::new();
    for (i, id) in ["kreishaus", "nordstadt"].into_iter().enumerate() {
        let building = BuildingServer::with_history(id, &central.url, 10, 90, 20 + i as u64).await;
        push_due_days(&building.state, &building.link())
            .await
            .expect("pushed");
        buildings.push(building);
    }
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let ids: Vec<String> = buildings.iter().map(|b| b.id.clone()).collect();
    let period = past_days(10);
    let asked = county_stats::Asked {
        buildings: &ids,
        period,
        narrowed: &Narrowed::default(),
        lang: Lang::De,
    };
    let (total, each) = county_stats::reports(&pool, &Turns::new(1, u64::MAX), asked, true)
        .await
        .expect("the reports");
    assert_eq!(each.len(), 2);
    let mut visits = 0;
    for ((id, computed), building) in each.iter().zip(&buildings) {
        assert_eq!(id, &building.id);
        assert_eq!(
            csv(computed),
            csv(&building.own_report(period).await),
            "{id}"
        );
        visits += computed.report.kpis.visits;
    }
    assert!(visits > 0);
    assert_eq!(total.report.kpis.visits, visits);
    drop(central);
}
