//! Interpreter requests over the API, in-process: the life cycle from the kiosk to done, a
//! desk's request, the refusals (accepting twice, without the language, while busy, an
//! unknown request, the wrong role), every change as an event and an audit entry; and a desk
//! calling the next visitor instead of one whose interpreter has not come.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lotse_protocol::Role;
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::storage::interpreters;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Who sends a request: a staff session (cookie and CSRF token) or a device's bearer token.
enum Who {
    Session(String, String),
    Device(&'static str),
}

struct Building {
    state: AppState,
}

impl Building {
    async fn open() -> Building {
        let state = support::always_open_state();
        support::add_device(&state, DeviceKind::Kiosk, "lobby-kiosk").await;
        support::add_user(&state, "clerk", Role::Staff, "*").await;
        support::add_user(&state, "lead", Role::Supervisor, "*").await;
        for (name, languages) in [("samir", "ar,fa"), ("olga", "ru,uk")] {
            support::add_user(&state, name, Role::Interpreter, "*").await;
            let languages = interpreters::split_languages(languages);
            state
                .store
                .run(move |c| interpreters::set_languages(c, name, &languages))
                .await
                .unwrap();
        }
        Building { state }
    }

    async fn login(&self, name: &str) -> Who {
        let (cookie, csrf) = support::login(&self.state, name).await;
        Who::Session(cookie, csrf)
    }

    async fn send(
        &self,
        who: &Who,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        request = match who {
            Who::Session(cookie, csrf) => request
                .header(header::COOKIE, cookie)
                .header("x-csrf-token", csrf),
            Who::Device(token) => request.header(header::AUTHORIZATION, format!("Bearer {token}")),
        };
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let response = app(self.state.clone())
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = support::body_bytes(response).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A page (GET) or form (POST) as text.
    async fn page(
        &self,
        who: &Who,
        method: &str,
        path: &str,
        form: Option<String>,
    ) -> (StatusCode, String) {
        let Who::Session(cookie, _) = who else {
            panic!("pages are for sessions")
        };
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, cookie);
        if form.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let body = form.map_or_else(Body::empty, Body::from);
        let response = app(self.state.clone())
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = support::body_bytes(response).await;
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn post(&self, who: &Who, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(who, "POST", path, Some(body)).await
    }

    async fn act(&self, who: &Who, id: i64, action: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/interpreter-requests/{id}/{action}");
        self.send(who, "POST", &path, None).await
    }

    async fn list(&self, who: &Who) -> Vec<Value> {
        let (status, body) = self
            .send(who, "GET", "/api/v1/interpreter-requests", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().unwrap().clone()
    }

    async fn kiosk_ticket(&self, service: &str, language: &str, interpreter: bool) -> Value {
        let body = json!({"services": [service], "language": language, "interpreter": interpreter});
        let (status, ticket) = self
            .post(&Who::Device("lobby-kiosk"), "/api/v1/tickets", body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
        ticket
    }

    /// Rows of a table, as `column|column`.
    async fn rows(&self, sql: &'static str) -> Vec<String> {
        self.state
            .store
            .read(move |c| {
                let mut statement = c.prepare(sql)?;
                let rows = statement
                    .query_map([], |row| row.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok::<_, support::TestError>(rows)
            })
            .await
            .unwrap()
    }
}

fn error(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_kiosk_request_goes_from_open_to_done_and_every_step_is_recorded() {
    let building = Building::open().await;
    let ticket = building.kiosk_ticket("residence-permit", "ar", true).await;
    assert_eq!(ticket["interpreter"], "open", "{ticket}");
    let number = ticket["number"].as_str().unwrap().to_owned();
    let status_page = format!("/t/{}/panel", ticket["token"].as_str().unwrap());
    let page = |path: String| {
        let request = Request::get(path).body(Body::empty()).unwrap();
        app(building.state.clone()).oneshot(request)
    };
    let response = page(status_page.clone()).await.unwrap();
    let bytes = support::body_bytes(response).await;
    let html = String::from_utf8_lossy(&bytes);
    assert!(
        html.contains("يجري ترتيب مترجم لك."),
        "the status page says so: {html}"
    );
    let (samir, olga) = (building.login("samir").await, building.login("olga").await);
    let (clerk, lead) = (building.login("clerk").await, building.login("lead").await);

    let open = building.list(&samir).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["number"], number.as_str());
    assert_eq!(open[0]["language"], "ar");
    assert_eq!(open[0]["source"], "kiosk");
    assert_eq!(open[0]["desk"], Value::Null);
    assert!(building.list(&olga).await.is_empty(), "not her language");
    assert_eq!(building.list(&lead).await.len(), 1, "supervisors see all");
    let id = open[0]["id"].as_i64().unwrap();

    let (status, body) = building.act(&olga, id, "accept").await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::FORBIDDEN, "language_not_spoken")
    );
    let (status, body) = building.act(&clerk, id, "accept").await;
    assert_eq!((status, error(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = building.act(&samir, id, "accept").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "accepted");
    assert_eq!(body["interpreter"], "samir");
    let (status, body) = building.act(&samir, id, "accept").await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::CONFLICT, "wrong_status")
    );
    let (status, body) = building.act(&samir, 9999, "accept").await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::NOT_FOUND, "unknown_interpreter_request")
    );
    let (status, body) = building.act(&samir, id, "explode").await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "malformed_request")
    );
    let (status, body) = building.act(&olga, id, "arrived").await;
    assert_eq!((status, error(&body)), (StatusCode::FORBIDDEN, "forbidden"));

    // While busy, samir cannot take another request.
    let other = building.kiosk_ticket("payment-card", "fa", true).await;
    let other_id = building
        .list(&samir)
        .await
        .iter()
        .find(|r| r["number"] == other["number"])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, body) = building.act(&samir, other_id, "accept").await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::CONFLICT, "interpreter_busy")
    );

    // The desk calls the visitor: the request shows where they are.
    let (status, called) = building
        .post(&clerk, "/api/v1/desks/eg-02/call-next", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{called}");
    assert_eq!(called["number"], number.as_str());
    let mine = building.list(&samir).await;
    let request = mine.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(request["desk"], "eg-02");

    let (status, body) = building.act(&samir, id, "arrived").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("arrived"))
    );
    let (status, body) = building.act(&samir, id, "done").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("done"))
    );
    let (status, body) = building.act(&samir, id, "done").await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::CONFLICT, "wrong_status")
    );
    let (status, body) = building.act(&samir, other_id, "accept").await;
    assert_eq!(status, StatusCode::OK, "free again: {body}");
    let response = page(status_page).await.unwrap();
    let bytes = support::body_bytes(response).await;
    assert!(
        !String::from_utf8_lossy(&bytes).contains("مترجم"),
        "done: no more word of it"
    );

    let events = building
        .rows(
            "SELECT json_extract(body, '$.status') FROM events
               WHERE json_extract(body, '$.type') = 'interpreter' ORDER BY id",
        )
        .await;
    assert_eq!(
        events,
        ["open", "accepted", "open", "arrived", "done", "accepted"].map(String::from)
    );
    let audit = building
        .rows("SELECT actor || ' ' || action FROM audit WHERE action LIKE 'interpreter-%' ORDER BY id")
        .await;
    assert_eq!(
        audit,
        [
            "kiosk interpreter-request",
            "samir interpreter-accept",
            "kiosk interpreter-request",
            "samir interpreter-arrive",
            "samir interpreter-finish",
            "samir interpreter-accept",
        ]
        .map(String::from)
    );
}

#[tokio::test]
async fn a_desk_asks_for_its_visitor_and_cancels() {
    let building = Building::open().await;
    let clerk = building.login("clerk").await;
    let samir = building.login("samir").await;
    let ask = |body: Value| building.post(&clerk, "/api/v1/desks/eg-02/interpreter", body);
    let (status, body) = ask(json!({})).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::CONFLICT, "no_current_ticket")
    );
    let (number, _) = support::walk_in(&building.state, "residence-permit", "fa").await;
    let (status, body) = ask(json!({ "number": number })).await;
    assert_eq!(status, StatusCode::CREATED, "for the next visitor: {body}");
    assert_eq!(
        (body["language"].as_str(), body["source"].as_str()),
        (Some("fa"), Some("desk"))
    );
    assert_eq!(body["desk"], "eg-02");
    let (status, body) = ask(json!({ "number": number, "language": "ar" })).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::CONFLICT, "interpreter_already_requested")
    );
    let id = body_id(&building.list(&samir).await[0]);
    let (status, body) = building.act(&samir, id, "cancel").await;
    assert_eq!((status, error(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = building.act(&clerk, id, "cancel").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );

    // German needs no interpreter; a language the building does not offer is unknown.
    let (german, _) = support::walk_in(&building.state, "residence-permit", "de").await;
    let (status, body) = ask(json!({ "number": german })).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input")
    );
    let (status, body) = ask(json!({ "number": german, "language": "xx" })).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_language")
    );
    let (status, body) = ask(json!({ "number": "Z-999" })).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::NOT_FOUND, "ticket_not_found")
    );
}

fn body_id(request: &Value) -> i64 {
    request["id"].as_i64().unwrap()
}

#[tokio::test]
async fn interpreters_work_at_no_desk_and_issue_no_tickets() {
    let building = Building::open().await;
    let samir = building.login("samir").await;
    support::walk_in(&building.state, "residence-permit", "ar").await;
    let (status, _) = building
        .post(&samir, "/api/v1/desks/eg-02/call-next", json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = building
        .post(&samir, "/api/v1/desks/eg-02/interpreter", json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let body = json!({"services": ["residence-permit"], "language": "ar"});
    let (status, _) = building.post(&samir, "/api/v1/tickets", body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let kiosk = Who::Device("lobby-kiosk");
    let (status, _) = building
        .send(&kiosk, "GET", "/api/v1/interpreter-requests", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_desk_may_call_the_next_visitor_instead_and_the_skipped_keeps_the_place() {
    let building = Building::open().await;
    let clerk = building.login("clerk").await;
    let first = building.kiosk_ticket("residence-permit", "ar", true).await;
    let second = building.kiosk_ticket("residence-permit", "en", false).await;
    let first_number = first["number"].as_str().unwrap();
    let path = format!("/api/v1/desks/eg-01/call-next?except={first_number}");
    let (status, called) = building.post(&clerk, &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{called}");
    assert_eq!(called["number"], second["number"]);
    building
        .post(&clerk, "/api/v1/desks/eg-01/start", json!({}))
        .await;
    building
        .post(&clerk, "/api/v1/desks/eg-01/finish", json!({}))
        .await;
    let (status, called) = building
        .post(&clerk, "/api/v1/desks/eg-01/call-next", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{called}");
    assert_eq!(
        called["number"], first_number,
        "the skipped visitor is next"
    );
}

#[tokio::test]
async fn the_desk_the_interpreter_and_the_supervisor_see_the_request() {
    let building = Building::open().await;
    let ticket = building.kiosk_ticket("residence-permit", "ar", true).await;
    let number = ticket["number"].as_str().unwrap();
    let (clerk, samir) = (building.login("clerk").await, building.login("samir").await);
    let (olga, lead) = (building.login("olga").await, building.login("lead").await);
    let Who::Session(_, csrf) = &clerk else {
        unreachable!()
    };
    let form = format!("csrf={csrf}&desk=eg-02");
    let (status, _) = building
        .page(&clerk, "POST", "/staff/desk", Some(form))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, panel) = building.page(&clerk, "GET", "/staff/panel", None).await;
    assert!(panel.contains("Sprachmittler noch nicht da"), "{panel}");
    assert!(
        panel.contains(&format!(
            r#"data-action="call-next-except" data-number="{number}""#
        )),
        "{panel}"
    );
    assert!(panel.contains("offen – noch niemand angenommen"), "{panel}");

    let (status, mine) = building
        .page(&samir, "GET", "/staff/interpreter/panel", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for text in [number, "Wartebereich", "Arabisch", "Annehmen"] {
        assert!(mine.contains(text), "{text}: {mine}");
    }
    let (_, hers) = building
        .page(&olga, "GET", "/staff/interpreter/panel", None)
        .await;
    assert!(!hers.contains(number), "not her language: {hers}");
    let (_, overview) = building
        .page(&lead, "GET", "/staff/overview/panel", None)
        .await;
    assert!(
        overview.contains("Sprachen in den Warteschlangen"),
        "{overview}"
    );
    assert!(
        overview.contains("<td>Arabisch</td><td class=\"number\">1</td><td>Schalter 2</td>"),
        "{overview}"
    );

    let id = building.list(&samir).await[0]["id"].as_i64().unwrap();
    building.act(&samir, id, "accept").await;
    let (_, panel) = building.page(&clerk, "GET", "/staff/panel", None).await;
    assert!(panel.contains("angenommen von samir"), "{panel}");
    let (_, mine) = building
        .page(&samir, "GET", "/staff/interpreter/panel", None)
        .await;
    assert!(
        mine.contains("Ihr Einsatz") && mine.contains("Angekommen"),
        "{mine}"
    );

    // Roles: staff have no interpreter page; interpreters have no desk console.
    let (status, _) = building
        .page(&clerk, "GET", "/staff/interpreter", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = building.page(&samir, "GET", "/staff", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_admin_creates_an_interpreter_account_with_its_languages() {
    let building = Building::open().await;
    support::add_user(&building.state, "boss", Role::Admin, "*").await;
    let boss = building.login("boss").await;
    let Who::Session(_, csrf) = &boss else {
        unreachable!()
    };
    let password = support::PASSWORD.replace(' ', "+");
    let form = |role: &str, languages: &str| {
        format!("csrf={csrf}&name=nadia&role={role}&password={password}{languages}")
    };
    let refused = [
        form("interpreter", ""),
        form("interpreter", "&language=de"),
        form("interpreter", "&language=xx"),
        form("staff", "&language=ar"),
    ];
    for body in refused {
        let (status, _) = building
            .page(&boss, "POST", "/staff/admin/users", Some(body.clone()))
            .await;
        assert!(status.is_client_error(), "{body}: {status}");
    }
    let body = form("interpreter", "&language=ar&language=ps");
    let (status, _) = building
        .page(&boss, "POST", "/staff/admin/users", Some(body))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, admin) = building.page(&boss, "GET", "/staff/admin", None).await;
    assert!(admin.contains("Sprachen: Arabisch, Paschtu"), "{admin}");
    let languages = building
        .state
        .store
        .read(|c| interpreters::languages_of(c, "nadia"))
        .await
        .unwrap();
    assert_eq!(languages, ["ar", "ps"]);
}

/// Desk eg-02 calls, starts and finishes its next visitor.
async fn serve_next(building: &Building, clerk: &Who) {
    for action in ["call-next", "start", "finish"] {
        let path = format!("/api/v1/desks/eg-02/{action}");
        let (status, body) = building.post(clerk, &path, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
}

#[tokio::test]
async fn a_visit_that_ends_closes_its_interpreter_request() {
    let building = Building::open().await;
    let (clerk, samir) = (building.login("clerk").await, building.login("samir").await);
    let lead = building.login("lead").await;
    let status_of = async |id: i64| {
        let all = building.list(&lead).await;
        all.iter().find(|r| r["id"] == id).unwrap()["status"].clone()
    };
    // Open when the visit ends: cancelled.
    building.kiosk_ticket("residence-permit", "ar", true).await;
    let id = body_id(&building.list(&samir).await[0]);
    serve_next(&building, &clerk).await;
    assert_eq!(status_of(id).await, "cancelled");
    // Arrived when the visit ends: done, and samir is free again.
    building.kiosk_ticket("residence-permit", "fa", true).await;
    let id = body_id(&building.list(&samir).await[0]);
    building.act(&samir, id, "accept").await;
    building.act(&samir, id, "arrived").await;
    serve_next(&building, &clerk).await;
    assert_eq!(status_of(id).await, "done");
    let audit = building
        .rows("SELECT actor || ' ' || action FROM audit WHERE action IN ('interpreter-cancel', 'interpreter-finish')")
        .await;
    assert_eq!(
        audit,
        ["clerk interpreter-cancel", "clerk interpreter-finish"].map(String::from)
    );
}
