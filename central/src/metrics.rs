//! `GET /metrics` in the Prometheus text format: per building the ingest lag (since its last
//! push of any kind), its outbox backlog as it last reported it and the days stored; the
//! connection pool's use; reports computing and waiting; buildings whose pushed days' report
//! parts are not kept yet (`keeper.rs`). Only the bearer of the configured metrics token may read it.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use lotse_queue_server::auth::token_hash;

use crate::building_token::bearer;
use crate::db::{days, live};
use crate::error::CentralError;
use crate::state::CentralState;

pub async fn metrics(
    State(state): State<CentralState>,
    headers: HeaderMap,
) -> Result<Response, CentralError> {
    let allowed = match (&state.config.metrics_token_sha256, bearer(&headers)) {
        (Some(hash), Some(token)) => hash.eq_ignore_ascii_case(&token_hash(token)),
        _ => false,
    };
    if !allowed {
        return Err(CentralError::Forbidden);
    }
    let holdings = days::holdings(&state.pool).await?;
    let latest = live::latest(&state.pool).await?;
    let now = state.now();
    let mut last: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    for holding in &holdings {
        if let Some(at) = holding.last_received {
            last.insert(&holding.building, at);
        }
    }
    for summary in &latest {
        let at = last.entry(&summary.building).or_insert(summary.received_at);
        *at = (*at).max(summary.received_at);
    }
    let mut text = String::new();
    text.push_str("# TYPE lotse_central_ingest_lag_seconds gauge\n");
    for building in &state.config.buildings {
        let lag = last
            .get(building.id.as_str())
            .map_or(-1, |at| (now - *at).num_seconds().max(0));
        let _ = writeln!(
            text,
            "lotse_central_ingest_lag_seconds{{building=\"{}\"}} {lag}",
            building.id
        );
    }
    text.push_str("# TYPE lotse_central_outbox_backlog gauge\n");
    for summary in &latest {
        let _ = writeln!(
            text,
            "lotse_central_outbox_backlog{{building=\"{}\"}} {}",
            summary.building, summary.summary.outbox_backlog
        );
    }
    text.push_str("# TYPE lotse_central_days_stored gauge\n");
    for holding in &holdings {
        let _ = writeln!(
            text,
            "lotse_central_days_stored{{building=\"{}\"}} {}",
            holding.building, holding.days
        );
    }
    let status = state.pool.status();
    let _ = writeln!(text, "# TYPE lotse_central_pool_connections gauge");
    let _ = writeln!(
        text,
        "lotse_central_pool_connections{{state=\"open\"}} {}",
        status.size
    );
    let _ = writeln!(
        text,
        "lotse_central_pool_connections{{state=\"idle\"}} {}",
        status.available
    );
    let _ = writeln!(
        text,
        "lotse_central_pool_connections{{state=\"max\"}} {}",
        status.max_size
    );
    let _ = writeln!(text, "lotse_central_pool_waiting {}", status.waiting);
    let _ = writeln!(text, "# TYPE lotse_central_reports gauge");
    let _ = writeln!(
        text,
        "lotse_central_reports{{state=\"computing\"}} {}",
        state.reports.running()
    );
    let _ = writeln!(
        text,
        "lotse_central_reports{{state=\"waiting\"}} {}",
        state.reports.waiting()
    );
    let _ = writeln!(text, "# TYPE lotse_central_buildings_to_keep gauge");
    let _ = writeln!(
        text,
        "lotse_central_buildings_to_keep {}",
        state.keeper.waiting()
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
