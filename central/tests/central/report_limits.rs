//! A county report's size: one that would hold more legs and visits than `report_cells_max`
//! is refused with what to narrow, before anything is read; within it, it is computed.

use lotse_central::county_stats::{Narrowed, report};
use lotse_central::error::CentralError;
use lotse_central::turns::Turns;
use lotse_queue_server::stats::tables::Lang;

use crate::support::{BuildingServer, Central, Postgres, past_days};

#[tokio::test]
async fn a_report_larger_than_the_limit_is_refused_with_what_to_narrow() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(chrono::Utc::now)).await;
    let period = past_days(7);
    let ids = ["kreishaus".to_owned(), "nordstadt".to_owned()];
    for (i, id) in ids.iter().enumerate() {
        let building = BuildingServer::with_history(id, &central.url, 7, 90, 60 + i as u64).await;
        lotse_queue_server::central_push::push_due_days(&building.state, &building.link())
            .await
            .expect("pushed");
    }
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let size = lotse_central::db::days::size(&pool, &ids, period.previous().from, period.to)
        .await
        .expect("the size");
    assert!(size > 0);
    let everything = Narrowed::default();
    let within = Turns::new(1, u64::try_from(size).expect("a count"));
    let computed = report(&pool, &within, &ids, period, &everything, Lang::De)
        .await
        .expect("a report within the limit");
    assert!(computed.report.kpis.visits > 0);
    let below = Turns::new(1, u64::try_from(size - 1).expect("a count"));
    match report(&pool, &below, &ids, period, &everything, Lang::De).await {
        Err(CentralError::Invalid(message)) => {
            assert!(
                message.contains("fewer buildings or a shorter period"),
                "{message}"
            );
        }
        other => panic!("a report over the limit: {:?}", other.map(|_| "computed")),
    }
    // One building of the two fits.
    report(&pool, &below, &ids[..1], period, &everything, Lang::De)
        .await
        .expect("one building is within the limit");
}
