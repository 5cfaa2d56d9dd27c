//! Pushes the central service takes and refuses: a day stored once however often it comes,
//! a higher version replacing a lower one and never the reverse, and every bad push answered
//! with a JSON error while nothing is stored.

use base64::Engine;
use chrono::{NaiveDate, TimeZone, Utc};
use lotse_protocol::central::{CENTRAL_SCHEMA, DayPush};
use lotse_queue_server::stats::Cells;
use lotse_queue_server::storage::aggregates;
use serde_json::{Value, json};

use crate::support::{Central, Postgres, fixed_clock, token_of};

/// The centre's clock: 7 December 2026, 11:00 in Berlin.
fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
        .single()
        .expect("a time")
}

fn empty_day(version: u32) -> DayPush {
    let cells = aggregates::encode(&Cells::default()).expect("encoded");
    DayPush {
        schema: CENTRAL_SCHEMA,
        version,
        cells_format: u32::try_from(aggregates::FORMAT).expect("small"),
        cells: base64::engine::general_purpose::STANDARD.encode(cells),
        visits: 0,
        legs: 0,
    }
}

async fn put(central: &Central, token: Option<&str>, path: &str, body: Vec<u8>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .put(format!("{}/api/v1{path}", central.url))
        .header("Content-Type", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, json)
}

/// The stored rows as (building, day, version).
async fn stored(pg: &Postgres) -> Vec<(String, NaiveDate, i32)> {
    let (client, connection) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .expect("connects");
    tokio::spawn(connection);
    client
        .query(
            "SELECT building, day, version FROM stat_days ORDER BY building, day",
            &[],
        )
        .await
        .expect("reads")
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

#[tokio::test]
async fn a_day_is_stored_once_and_a_lower_version_never_replaces_a_higher_one() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, fixed_clock(now())).await;
    let token = Some(token_of("kreishaus"));
    let path = "/buildings/kreishaus/days/2026-12-04";
    let body = |version| serde_json::to_vec(&empty_day(version)).expect("JSON");
    for _ in 0..3 {
        let (status, answer) = put(&central, token, path, body(1)).await;
        assert_eq!((status, &answer), (200, &json!({"stored": true})));
    }
    assert_eq!(
        put(&central, token, path, body(2)).await.1,
        json!({"stored": true})
    );
    assert_eq!(
        put(&central, token, path, body(1)).await.1,
        json!({"stored": false})
    );
    let day = NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date");
    assert_eq!(stored(&pg).await, [("kreishaus".to_owned(), day, 2)]);
}

/// What is sent (why, token, path, body) and the status and error code expected.
type Case<'a> = (&'a str, Option<&'a str>, &'a str, Vec<u8>, u16, &'a str);

#[tokio::test]
async fn bad_pushes_get_clear_json_errors_and_nothing_is_stored() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, fixed_clock(now())).await;
    let own = Some(token_of("kreishaus"));
    let day = "/buildings/kreishaus/days/2026-12-04";
    let good = serde_json::to_value(empty_day(1)).expect("JSON");
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        serde_json::to_vec(&body).expect("JSON")
    };
    let cases: Vec<Case> = vec![
        (
            "no token",
            None,
            day,
            with("version", json!(1)),
            401,
            "unauthenticated",
        ),
        (
            "an unknown token",
            Some("guessed"),
            day,
            with("version", json!(1)),
            401,
            "unauthenticated",
        ),
        (
            "another building's token",
            Some(token_of("nordstadt")),
            day,
            with("version", json!(1)),
            403,
            "forbidden",
        ),
        (
            "not JSON",
            own,
            day,
            b"{\"schema\": 1, ".to_vec(),
            400,
            "malformed_request",
        ),
        (
            "a missing field",
            own,
            day,
            br#"{"schema": 1}"#.to_vec(),
            400,
            "malformed_request",
        ),
        (
            "no date",
            own,
            "/buildings/kreishaus/days/yesterday",
            with("version", json!(1)),
            400,
            "malformed_request",
        ),
        (
            "too large",
            own,
            day,
            with("cells", json!("A".repeat(9 * 1024 * 1024))),
            413,
            "payload_too_large",
        ),
        (
            "a day in the future",
            own,
            "/buildings/kreishaus/days/2026-12-08",
            with("version", json!(1)),
            422,
            "day_in_future",
        ),
        (
            "an unknown schema",
            own,
            day,
            with("schema", json!(2)),
            422,
            "unknown_schema_version",
        ),
        (
            "an unknown version",
            own,
            day,
            with("version", json!(3)),
            422,
            "invalid_input",
        ),
        (
            "an unknown cells format",
            own,
            day,
            with("cells_format", json!(9)),
            422,
            "invalid_input",
        ),
        (
            "cells that are not base64",
            own,
            day,
            with("cells", json!("%%%")),
            400,
            "malformed_request",
        ),
        (
            "cells that do not decode",
            own,
            day,
            with("cells", json!("//79")),
            422,
            "invalid_input",
        ),
        (
            "counts that do not add up",
            own,
            day,
            with("visits", json!(5)),
            422,
            "invalid_input",
        ),
    ];
    for (what, token, path, body, status, code) in cases {
        let (got, answer) = put(&central, token, path, body).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{what}: {answer}"
        );
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: a message for people: {answer}"
        );
    }
    assert_eq!(stored(&pg).await, [], "nothing is stored");
    // A live summary for another building is refused the same way.
    let (status, _) = put(
        &central,
        own,
        "/buildings/nordstadt/live",
        br#"{"schema": 1}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 403);
}
