//! The staff console's panel, in-process: a kiosk printer alert reaches every console, and a
//! transfer note is shown only to the agency it was written for.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use lotse_protocol::{PrinterCondition, Role};
use lotse_queue_server::auth::{AgencyScope, DeviceKind, token_hash};
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::services::commands::devices::report_printer;
use lotse_queue_server::services::queries::console;
use lotse_queue_server::storage::accounts;
use tower::ServiceExt;

struct Console {
    state: AppState,
    cookie: String,
    csrf: String,
}

impl Console {
    async fn open() -> Console {
        Console::open_for("*").await
    }

    /// A console of an account working for `agencies` (`*` = all).
    async fn open_for(agencies: &'static str) -> Console {
        let state = support::always_open_state();
        support::add_user(&state, "clerk", Role::Staff, agencies).await;
        let (cookie, csrf) = support::login(&state, "clerk").await;
        Console {
            state,
            cookie,
            csrf,
        }
    }

    async fn send(
        &self,
        request: axum::http::request::Builder,
        body: Body,
    ) -> (StatusCode, String) {
        let request = request
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .body(body)
            .unwrap();
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = support::body_bytes(response).await;
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn sit_at(&self, desk: &str) {
        let body = format!("csrf={}&desk={desk}", self.csrf);
        let request = Request::post("/staff/desk")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let (status, _) = self.send(request, Body::from(body)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }

    async fn panel(&self) -> String {
        let (status, html) = self.send(Request::get("/staff/panel"), Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        html
    }

    async fn api(&self, path: &str, json: &str) -> (StatusCode, String) {
        let request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        self.send(request, Body::from(json.to_owned())).await
    }
}

#[tokio::test]
async fn a_kiosk_out_of_paper_shows_on_the_console() {
    let console = Console::open().await;
    console.sit_at("eg-01").await;
    assert!(!console.panel().await.contains("Papier leer"));
    let hash = token_hash("kiosk-secret");
    console
        .state
        .store
        .run(move |c| {
            accounts::add_device(c, Utc::now(), DeviceKind::Kiosk, "Eingang", &hash)?;
            let paper_out = PrinterCondition::PaperOut;
            report_printer(c, Utc::now(), "Eingang", paper_out)
        })
        .await
        .unwrap();
    // The server's alert evaluation (every few seconds) raises the printer alert.
    lotse_queue_server::evaluate_alerts(&console.state)
        .await
        .unwrap();
    let panel = console.panel().await;
    assert!(
        panel.contains("Eingang") && panel.contains("Papier leer"),
        "{panel}"
    );
}

#[tokio::test]
async fn a_transfer_note_is_read_only_by_the_receiving_agency() {
    let console = Console::open().await;
    let (status, ticket) = console
        .api(
            "/api/v1/tickets",
            r#"{"services":["residence-permit"],"language":"de"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    console.sit_at("eg-01").await;
    let (status, _) = console.api("/api/v1/desks/eg-01/call-next", "").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = console
        .api(
            "/api/v1/desks/eg-01/transfer",
            r#"{"service":"payment-card","position":"front","note":"Kontoauszug liegt vor"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The asylum-benefits desk reads it.
    console.sit_at("eg-04").await;
    let (status, _) = console.api("/api/v1/desks/eg-04/call-next", "").await;
    assert_eq!(status, StatusCode::OK);
    let panel = console.panel().await;
    assert!(panel.contains("Kontoauszug liegt vor"), "{panel}");
    // Sent back to the immigration office: its desk does not see the other agency's note.
    let (status, _) = console
        .api(
            "/api/v1/desks/eg-04/transfer",
            r#"{"service":"address-change","position":"back"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    console.sit_at("eg-02").await;
    let (status, _) = console.api("/api/v1/desks/eg-02/call-next", "").await;
    assert_eq!(status, StatusCode::OK);
    let panel = console.panel().await;
    assert!(panel.contains("A-001"), "{panel}");
    assert!(!panel.contains("Kontoauszug"), "{panel}");
}

#[tokio::test]
async fn an_account_works_only_at_desks_of_its_agencies_and_reads_only_their_notes() {
    let console = Console::open_for("immigration").await;
    let (status, picker) = console.send(Request::get("/staff"), Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        picker.contains("Schalter 1"),
        "an immigration desk is offered"
    );
    assert!(
        !picker.contains("Schalter 4"),
        "an asylum-benefits desk is not"
    );
    let body = format!("csrf={}&desk=eg-04", console.csrf);
    let request = Request::post("/staff/desk")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let (status, _) = console.send(request, Body::from(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor through the API.
    let (status, _) = console.api("/api/v1/desks/eg-04/call-next", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A note written for the immigration office is read by this account at its desk ...
    let (status, _) = console
        .api(
            "/api/v1/tickets",
            r#"{"services":["address-change"],"language":"de"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    console.sit_at("eg-01").await;
    console.api("/api/v1/desks/eg-01/call-next", "").await;
    let (status, _) = console
        .api(
            "/api/v1/desks/eg-01/transfer",
            r#"{"service":"residence-permit","position":"front","note":"Pass liegt vor"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    console.api("/api/v1/desks/eg-01/call-next", "").await;
    assert!(console.panel().await.contains("Pass liegt vor"));
    // ... but not once the account no longer works for that agency: its desk is gone from
    // the console (it chooses again), and the desk view itself holds back the note.
    let state = console.state.clone();
    let jobcenter = AgencyScope::parse("jobcenter");
    let scope = jobcenter.clone();
    state
        .store
        .run(move |c| accounts::set_user_agencies(c, "clerk", &scope))
        .await
        .unwrap();
    let (status, _) = console
        .send(Request::get("/staff/panel"), Body::empty())
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, page) = console.send(Request::get("/staff"), Body::empty()).await;
    assert!(page.contains("An welchem Platz") && !page.contains("Pass liegt vor"));
    let (config, lines) = (state.config.clone(), state.store.lines());
    let view = state
        .store
        .run(move |c| {
            let desk = config.building.desk("eg-01").unwrap();
            Ok::<_, support::TestError>(console::desk_view(
                c,
                &lines,
                &config,
                Utc::now(),
                desk,
                &jobcenter,
            )?)
        })
        .await
        .unwrap();
    assert!(view.current.is_some() && view.notes.is_empty());
}

#[tokio::test]
async fn staff_put_tickets_and_appointments_only_into_their_agencies_lines() {
    let console = Console::open_for("immigration").await;
    let priority_elsewhere = r#"{"services":["payment-card"],"language":"de","priority":true}"#;
    let (status, _) = console.api("/api/v1/tickets", priority_elsewhere).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mixed = r#"{"services":["address-change","payment-card"],"language":"de"}"#;
    let (status, _) = console.api("/api/v1/tickets", mixed).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let own = r#"{"services":["address-change"],"language":"de","priority":true}"#;
    let (status, _) = console.api("/api/v1/tickets", own).await;
    assert_eq!(status, StatusCode::CREATED);

    // A supervisor of the immigration office imports only its appointments.
    let state = console.state.clone();
    support::add_user(&state, "lead", Role::Supervisor, "immigration").await;
    let (cookie, csrf) = support::login(&state, "lead").await;
    let lead = Console {
        state,
        cookie,
        csrf,
    };
    let at = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let import = |service: &str| {
        format!(
            r#"{{"appointments":[{{"code":"TERMIN-{service}","service":"{service}","at":"{at}"}}]}}"#
        )
    };
    let (status, _) = lead
        .api("/api/v1/appointments", &import("payment-card"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = lead
        .api("/api/v1/appointments", &import("address-change"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_parked_ticket_goes_back_only_through_a_desk_of_its_concern() {
    let everyone = Console::open().await;
    let (status, _) = everyone
        .api(
            "/api/v1/tickets",
            r#"{"services":["payment-card"],"language":"de"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    everyone.api("/api/v1/desks/eg-04/call-next", "").await;
    let (status, _) = everyone.api("/api/v1/desks/eg-04/park", "").await;
    assert_eq!(status, StatusCode::OK);
    // An immigration clerk at an immigration desk cannot take it back into its line.
    let state = everyone.state.clone();
    support::add_user(&state, "other", Role::Staff, "immigration").await;
    let (cookie, csrf) = support::login(&state, "other").await;
    let other = Console {
        state,
        cookie,
        csrf,
    };
    let (status, body) = other
        .api("/api/v1/desks/eg-01/resume", r#"{"number":"B-001"}"#)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("service_not_served_here"), "{body}");
    let (status, _) = everyone
        .api("/api/v1/desks/eg-04/resume", r#"{"number":"B-001"}"#)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_console_acts_only_at_the_desk_chosen_for_its_session() {
    let console = Console::open().await;
    console.sit_at("eg-01").await;
    let (status, _) = console.api("/api/v1/desks/eg-02/call-next", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = console.api("/api/v1/desks/eg-01/call-next", "").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

/// A visit waiting in two lines: at the permit desk the console lists its other concern
/// (waiting in the Jobcenter's line), and the Jobcenter's console says whom its next call
/// passes over and where they are.
#[tokio::test]
async fn the_console_shows_a_visits_other_concerns_and_who_is_passed_over() {
    let console = Console::open().await;
    for services in [
        r#"["residence-permit","jobcenter-documents"]"#,
        r#"["jobcenter-documents"]"#,
    ] {
        let body = format!(r#"{{"services":{services},"language":"de"}}"#);
        let (status, ticket) = console.api("/api/v1/tickets", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
    }
    console.sit_at("eg-01").await;
    let (status, _) = console.api("/api/v1/desks/eg-01/call-next", "").await;
    assert_eq!(status, StatusCode::OK);
    let panel = console.panel().await;
    assert!(panel.contains("Weitere Anliegen dieses Besuchs"), "{panel}");
    assert!(panel.contains("wartet dort in der Schlange"), "{panel}");

    console.sit_at("eg-06").await;
    let panel = console.panel().await;
    assert!(
        panel.contains("übersprungen, weil an einem anderen Platz: A-001 (gerade an Schalter 1)"),
        "{panel}"
    );
    assert!(panel.contains("J-001"), "the next one who is free: {panel}");
}
