//! What callers may reach of each other's work, through the real accept loop with clients on
//! several loopback addresses: appointments keep their agency on re-import, staff check in
//! and act on interpreter requests only for their agencies, an idempotency key belongs to the
//! device that chose it, and simultaneous wrong check-in codes cannot slip under the limit.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use chrono::{Duration, Utc};
use futures::future::join_all;
use lotse_protocol::Role;
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::http::CHECK_IN_FAILURES_PER_MINUTE;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::PASSWORD;
use support::served::{Served, plain_client_from};

const KIOSK: &str = "kiosk-lobby-token";
const OTHER_KIOSK: &str = "kiosk-floor-2-token";

/// A server with two kiosks and, per agency, a supervisor (`*-boss`) and a clerk (`*-clerk`)
/// of the immigration office and the Jobcenter.
async fn building() -> Served {
    let server = Served::start().await;
    server.add_device(DeviceKind::Kiosk, KIOSK).await;
    server.add_device(DeviceKind::Kiosk, OTHER_KIOSK).await;
    server
        .add_user("imm-boss", Role::Supervisor, "immigration")
        .await;
    server
        .add_user("job-boss", Role::Supervisor, "jobcenter")
        .await;
    server
        .add_user("imm-clerk", Role::Staff, "immigration")
        .await;
    server.add_user("job-clerk", Role::Staff, "jobcenter").await;
    server
}

/// A logged-in staff member: their client (cookies) and CSRF token.
struct Staff(reqwest::Client, String);

async fn staff(server: &Served, from: &str, name: &str) -> Staff {
    let (status, client, csrf) = server.login(from, name, PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    Staff(client, csrf)
}

impl Staff {
    async fn post(&self, server: &Served, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .0
            .post(server.url(path))
            .header("x-csrf-token", &self.1)
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap_or_default())
    }
}

/// POSTs `body` to `path` as the kiosk with token `token`, from `from`.
async fn as_kiosk(
    server: &Served,
    from: &str,
    token: &str,
    path: &str,
    body: Value,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = plain_client_from(from)
        .post(server.url(path))
        .bearer_auth(token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap_or_default())
}

fn appointment(code: &str, service: &str) -> Value {
    let at = Utc::now() + Duration::minutes(5);
    json!({ "appointments": [{ "code": code, "service": service, "at": at }] })
}

#[tokio::test]
async fn a_reimport_cannot_move_another_agencys_appointment() {
    let server = building().await;
    let immigration = staff(&server, "127.0.0.2", "imm-boss").await;
    let jobcenter = staff(&server, "127.0.0.3", "job-boss").await;
    let code = "IMMI-2026-ab12cd";
    let import = appointment(code, "residence-permit");
    let (status, _) = immigration
        .post(&server, "/api/v1/appointments", import)
        .await;
    assert_eq!(status, StatusCode::OK);
    let hijack = appointment(code, "citizens-income");
    let (status, body) = jobcenter
        .post(&server, "/api/v1/appointments", hijack)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The visitor's check-in lands where the appointment was booked.
    let check_in = json!({ "code": code });
    let (status, ticket) = as_kiosk(
        &server,
        "127.0.0.4",
        KIOSK,
        "/api/v1/checkins",
        check_in,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["stops"][0]["service"], "residence-permit");
    // Its own agency may still change it.
    let moved = appointment(code, "address-change");
    let (status, _) = immigration
        .post(&server, "/api/v1/appointments", moved)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn staff_check_in_only_their_agencys_appointments() {
    let server = building().await;
    let immigration = staff(&server, "127.0.0.2", "imm-boss").await;
    let code = "IMMI-2026-checkin1";
    let import = appointment(code, "residence-permit");
    let (status, _) = immigration
        .post(&server, "/api/v1/appointments", import)
        .await;
    assert_eq!(status, StatusCode::OK);
    let jobcenter = staff(&server, "127.0.0.3", "job-clerk").await;
    let (status, body) = jobcenter
        .post(&server, "/api/v1/checkins", json!({ "code": code }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let clerk = staff(&server, "127.0.0.4", "imm-clerk").await;
    let (status, body) = clerk
        .post(&server, "/api/v1/checkins", json!({ "code": code }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn an_idempotency_key_belongs_to_the_device_that_chose_it() {
    let server = building().await;
    let issue = json!({ "services": ["address-change"], "language": "de" });
    let key = Some("the-same-key-0001");
    let (status, first) = as_kiosk(
        &server,
        "127.0.0.2",
        KIOSK,
        "/api/v1/tickets",
        issue.clone(),
        key,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // The same kiosk retrying gets the same ticket ...
    let (_, again) = as_kiosk(
        &server,
        "127.0.0.2",
        KIOSK,
        "/api/v1/tickets",
        issue.clone(),
        key,
    )
    .await;
    assert_eq!(again["token"], first["token"]);
    // ... another kiosk with the same key and body gets its own.
    let (status, other) = as_kiosk(
        &server,
        "127.0.0.3",
        OTHER_KIOSK,
        "/api/v1/tickets",
        issue,
        key,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    assert_ne!(other["token"], first["token"]);
    assert_ne!(other["number"], first["number"]);
}

#[tokio::test]
async fn staff_act_only_on_interpreter_requests_of_their_agencies_visits() {
    let server = building().await;
    let issue = json!({ "services": ["residence-permit"], "language": "ar", "interpreter": true });
    let (status, ticket) =
        as_kiosk(&server, "127.0.0.2", KIOSK, "/api/v1/tickets", issue, None).await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let immigration = staff(&server, "127.0.0.3", "imm-clerk").await;
    let requests: Value = immigration
        .0
        .get(server.url("/api/v1/interpreter-requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = requests[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/interpreter-requests/{id}/cancel");
    let jobcenter = staff(&server, "127.0.0.4", "job-clerk").await;
    let (status, body) = jobcenter.post(&server, &path, json!(null)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = immigration.post(&server, &path, json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_check_in_codes_sent_together_are_all_counted() {
    let server = building().await;
    // One client, a hundred connections at once; the writer is kept busy meanwhile with
    // tickets (the throttle's decision must not depend on the writer's pace).
    let kiosk = plain_client_from("127.0.0.5");
    let busy = plain_client_from("127.0.0.6");
    let tickets = (0..50).map(|_| {
        busy.post(server.url("/api/v1/tickets"))
            .bearer_auth(OTHER_KIOSK)
            .json(&json!({ "services": ["address-change"], "language": "de" }))
            .send()
    });
    let guesses = (0..100).map(|n| {
        kiosk
            .post(server.url("/api/v1/checkins"))
            .bearer_auth(KIOSK)
            .json(&json!({ "code": format!("GUESS-{n:08}") }))
            .send()
    });
    let (answers, _) = futures::join!(join_all(guesses), join_all(tickets));
    let statuses: Vec<StatusCode> = answers
        .into_iter()
        .map(|answer| answer.unwrap().status())
        .collect();
    let tried = statuses
        .iter()
        .filter(|s| **s == StatusCode::NOT_FOUND)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(tried, CHECK_IN_FAILURES_PER_MINUTE, "{statuses:?}");
    assert_eq!(tried + refused, 100);
}
