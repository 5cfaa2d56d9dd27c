//! The buildings' pushes: a closed day's cells, a live summary, the public profile. Each is
//! checked whole before anything is stored: the schema version first, then the shape, then
//! the content (a day not after today, cells that decode and add up to the counts sent).
//! Every refusal is a JSON error and stores nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use chrono::NaiveDate;
use lotse_protocol::central::{CENTRAL_SCHEMA, DayPush, LiveSummary, ProfilePush, PushAccepted};
use lotse_queue_server::stats::cells::Names;
use lotse_queue_server::storage::aggregates;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::building_token::PushingBuilding;
use crate::db::{days, live, profiles};
use crate::error::CentralError;
use crate::state::CentralState;

/// The largest push taken (a busy building's day is some tens of kilobytes).
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;

pub async fn put_day(
    State(state): State<CentralState>,
    PushingBuilding(building): PushingBuilding,
    Path((_, day)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushAccepted>, CentralError> {
    let day: NaiveDate = day
        .parse()
        .map_err(|_| CentralError::Malformed(format!("{day:?} is not a date (YYYY-MM-DD)")))?;
    let push: DayPush = parse(body)?;
    let today = state
        .now()
        .with_timezone(&state.config.time_zone)
        .date_naive();
    if day > today {
        return Err(CentralError::DayInFuture(day));
    }
    let day = checked_day(&building, day, push)?;
    let (date, stored) = (day.day, days::upsert(&state.pool, &day, state.now()).await?);
    if stored {
        state.keeper.day(&building, date);
    }
    Ok(Json(PushAccepted { stored }))
}

/// The day's cells decoded and checked against the counts sent with them.
fn checked_day(building: &str, date: NaiveDate, push: DayPush) -> Result<days::Day, CentralError> {
    if !(1..=2).contains(&push.version) {
        return Err(CentralError::Invalid(format!(
            "version {} is neither 1 (from the visits) nor 2 (folded)",
            push.version
        )));
    }
    if i64::from(push.cells_format) != aggregates::FORMAT {
        return Err(CentralError::Invalid(format!(
            "cells format {} is unknown here (this central service reads {})",
            push.cells_format,
            aggregates::FORMAT
        )));
    }
    let cells = base64::engine::general_purpose::STANDARD
        .decode(push.cells.as_bytes())
        .map_err(|e| CentralError::Malformed(format!("cells: not base64: {e}")))?;
    let decoded = aggregates::decode(date, &cells, &mut Names::default())
        .map_err(|e| CentralError::Invalid(format!("cells: {e}")))?;
    let visits: u32 = decoded.visits.iter().map(|c| c.visits).sum();
    let legs: u32 = decoded.legs.iter().map(|c| c.legs).sum();
    if (visits, legs) != (push.visits, push.legs) {
        return Err(CentralError::Invalid(format!(
            "the cells hold {visits} visits and {legs} legs, the push says {} and {}",
            push.visits, push.legs
        )));
    }
    let number = |n: u32| i32::try_from(n).map_err(|_| CentralError::Invalid("too many".into()));
    Ok(days::Day {
        building: building.to_owned(),
        day: date,
        version: number(push.version)?,
        format: number(push.cells_format)?,
        visits: number(visits)?,
        legs: number(legs)?,
        cells,
    })
}

pub async fn put_live(
    State(state): State<CentralState>,
    PushingBuilding(building): PushingBuilding,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushAccepted>, CentralError> {
    let summary: LiveSummary = parse(body)?;
    let stored = live::upsert(&state.pool, &building, &summary, state.now()).await?;
    Ok(Json(PushAccepted { stored }))
}

pub async fn put_profile(
    State(state): State<CentralState>,
    PushingBuilding(building): PushingBuilding,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushAccepted>, CentralError> {
    // An unknown time zone is refused as the profile is read.
    let profile: ProfilePush = parse(body)?;
    profiles::upsert(&state.pool, &building, &profile.building, state.now()).await?;
    state.keeper.all_days(&building);
    Ok(Json(PushAccepted { stored: true }))
}

/// Only the schema version, read before the rest (a later schema may change the rest).
#[derive(Deserialize)]
struct Versioned {
    schema: u32,
}

/// A push's body: within the size limit, of the known schema, of the expected shape.
fn parse<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, CentralError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => CentralError::TooLarge(MAX_PUSH_BYTES),
        _ => CentralError::Malformed(rejection.body_text()),
    })?;
    let versioned: Versioned = serde_json::from_slice(&body)
        .map_err(|e| CentralError::Malformed(format!("not a push with a schema version: {e}")))?;
    if versioned.schema != CENTRAL_SCHEMA {
        return Err(CentralError::UnknownSchema(versioned.schema));
    }
    serde_json::from_slice(&body).map_err(|e| CentralError::Malformed(e.to_string()))
}
