//! A county report's size: one whose days still to compute (not kept as parts) would hold
//! more legs and visits than `report_cells_max` is refused with what to narrow, before
//! anything is read; within it, it is computed.

use lotse_central::county_stats::{Narrowed, report};
use lotse_central::error::CentralError;
use lotse_central::turns::Turns;
use lotse_queue_server::stats::load::Computed;
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
    let below = Turns::new(1, u64::try_from(size - 1).expect("a count"));
    let refused = |result: Result<_, CentralError>| match result {
        Err(CentralError::Invalid(message)) => {
            assert!(
                message.contains("fewer buildings or a shorter period"),
                "{message}"
            );
        }
        other => panic!(
            "a report over the limit: {:?}",
            other.map(|_: Computed| "computed")
        ),
    };
    refused(report(&pool, &below, &ids, period, &everything, Lang::De).await);
    // One building of the two fits.
    report(&pool, &below, &ids[..1], period, &everything, Lang::De)
        .await
        .expect("one building is within the limit");
    let within = Turns::new(1, u64::try_from(size).expect("a count"));
    let computed = report(&pool, &within, &ids, period, &everything, Lang::De)
        .await
        .expect("a report within the limit");
    assert!(computed.report.kpis.visits > 0);
    // Its parts are kept: the same report computes nothing again.
    let nothing = Turns::new(1, 0);
    let again = report(&pool, &nothing, &ids, period, &everything, Lang::De)
        .await
        .expect("the report from kept parts");
    assert_eq!(again.report, computed.report);
    assert_eq!(again.previous, computed.previous);
    // Narrowed reports are not kept: computed every time, within the limit.
    let narrowed = Narrowed {
        channel: Some(lotse_protocol::Channel::Kiosk),
        ..Narrowed::default()
    };
    refused(report(&pool, &below, &ids, period, &narrowed, Lang::De).await);
}
