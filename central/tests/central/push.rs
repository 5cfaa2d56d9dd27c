//! Buildings pushing through their outbox to a real central service on a real PostgreSQL.

use chrono::Datelike;
use lotse_queue_server::central_push::push_due_days;
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::storage::central_outbox;

use crate::support::{BuildingServer, Central, Postgres, csv, past_days};

#[tokio::test]
async fn the_centres_figures_equal_each_buildings_own_after_an_outage() {
    let Some(pg) = Postgres::start() else { return };
    let clock = std::sync::Arc::new(chrono::Utc::now);
    let central = Central::start(&pg, clock.clone()).await;
    let address = central.url.trim_start_matches("http://").to_owned();
    // Twelve days each; the oldest seven folded for good (version 2), the rest from rows.
    let mut buildings = Vec::new();
    for (i, id) in ["kreishaus", "nordstadt", "suedhafen"]
        .into_iter()
        .enumerate()
    {
        buildings.push(BuildingServer::with_history(id, &central.url, 12, 6, 7 + i as u64).await);
    }
    // The generated history has visits on working days only.
    let days = past_days(12)
        .dates()
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .count();
    // The first building pushes; then the centre goes away while the others try.
    let pushed = push_due_days(&buildings[0].state, &buildings[0].link())
        .await
        .expect("pushed");
    assert_eq!(
        (pushed.queued, pushed.sent, pushed.refused),
        (days, days, 0)
    );
    central.stop().await;
    for building in &buildings[1..] {
        let error = push_due_days(&building.state, &building.link())
            .await
            .expect_err("the centre is away");
        assert!(error.to_string().contains("central service"), "{error}");
        let backlog = building
            .state
            .store
            .read(central_outbox::backlog)
            .await
            .expect("backlog");
        assert_eq!(backlog, days as i64, "every day waits in the outbox");
    }
    // The centre comes back on the same address and database: the outboxes drain.
    let central = Central::start_on(&address, &pg, clock).await;
    for building in &buildings[1..] {
        let pushed = push_due_days(&building.state, &building.link())
            .await
            .expect("pushed");
        assert_eq!((pushed.queued, pushed.sent), (0, days));
    }
    // Pushing again sends nothing: every day is in.
    let again = push_due_days(&buildings[0].state, &buildings[0].link())
        .await
        .expect("pushed");
    assert_eq!((again.queued, again.sent), (0, 0));
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let period = past_days(12);
    let mut county_visits = 0;
    for building in &buildings {
        let own = building.own_report(period).await;
        let centre = lotse_central::county_stats::report(
            &pool,
            &lotse_central::turns::Turns::new(1, u64::MAX),
            std::slice::from_ref(&building.id),
            period,
            &Default::default(),
            Lang::De,
        )
        .await
        .expect("the centre's report");
        assert!(own.report.kpis.visits > 0, "{} has visits", building.id);
        assert_eq!(
            csv(&centre),
            csv(&own),
            "{}: the centre's figures",
            building.id
        );
        county_visits += own.report.kpis.visits;
    }
    let ids: Vec<String> = buildings.iter().map(|b| b.id.clone()).collect();
    let county = lotse_central::county_stats::report(
        &pool,
        &lotse_central::turns::Turns::new(1, u64::MAX),
        &ids,
        period,
        &Default::default(),
        Lang::De,
    )
    .await
    .expect("the county's report");
    assert_eq!(county.report.kpis.visits, county_visits);
    drop(central);
}
