//! The stats page and its downloads, in-process, on a generated month: supervisors see the
//! figures and download exactly them (CSV parsed, XLSX opened with a reader); staff get 403;
//! bad filters get 422; a ticket issued today counts at once.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use lotse_protocol::Role;
use lotse_queue_server::demo_history::Generator;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::storage::history;
use tower::ServiceExt;

async fn get(state: &AppState, cookie: &str, uri: &str) -> (StatusCode, Vec<u8>) {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = support::body_bytes(response).await;
    (status, bytes.to_vec())
}

/// A state at Monday 30 November 2026, 10:00 Berlin, with November 1–29 generated.
async fn generated_month() -> AppState {
    let (state, _clock) = support::state_with_clock();
    let config = state.config.clone();
    let first: chrono::NaiveDate = "2026-11-01".parse().unwrap();
    let mut generator = Generator::new(&config, 3);
    for date in first.iter_days().take(29) {
        let day = generator.day(date);
        state
            .store
            .run(move |c| history::insert_day(c, date, &day))
            .await
            .unwrap();
    }
    support::add_user(&state, "lead", Role::Supervisor, "*").await;
    support::add_user(&state, "clerk", Role::Staff, "*").await;
    state
}

const MONTH: &str = "range=custom&from=2026-11-01&to=2026-11-29";

#[tokio::test]
async fn supervisors_see_the_figures_and_download_exactly_them() {
    let state = generated_month().await;
    let (cookie, _) = support::login(&state, "lead").await;
    let (status, page) = get(&state, &cookie, &format!("/staff/stats?{MONTH}")).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    for heading in [
        "Kennzahlen",
        "Ankünfte (Besuche) nach Wochentag und Stunde",
        "Sprachbedarf je Stunde (Besuche)",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert_eq!(page.matches("<svg").count(), 4, "four charts");

    let (status, csv) = get(
        &state,
        &cookie,
        &format!("/staff/stats/export?{MONTH}&format=csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let kpi = |label: &str| {
        records
            .iter()
            .find(|r| &r[0] == "kpis" && &r[1] == label && r[2].starts_with("2026-11-01"))
            .map(|r| r[3].to_owned())
            .unwrap()
    };
    let visits = kpi("Besuche");
    assert!(
        visits.parse::<u32>().unwrap() > 5_000,
        "{visits} visits in 20 working days"
    );
    // The page shows the same numbers (German decimal comma).
    let mean_wait = kpi("Wartezeit, Mittel (min)");
    assert!(
        page.contains(&format!("<span class=\"value\">{visits}</span>")),
        "visits tile"
    );
    assert!(page.contains(&format!(
        "<span class=\"value\">{}</span>",
        mean_wait.replace('.', ",")
    )));

    let (status, xlsx) = get(
        &state,
        &cookie,
        &format!("/staff/stats/export?{MONTH}&format=xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let kpis = workbook.worksheet_range("kpis").unwrap();
    assert_eq!(
        kpis.get_value((3, 0)),
        Some(&Data::String("Besuche".into()))
    );
    assert_eq!(
        kpis.get_value((3, 1)),
        Some(&Data::Float(visits.parse().unwrap()))
    );

    let (status, legs) = get(
        &state,
        &cookie,
        &format!("/staff/stats/export?{MONTH}&format=legs"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let legs = String::from_utf8(legs).unwrap();
    let visits_in_legs: std::collections::HashSet<&str> = legs
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .collect();
    assert_eq!(visits_in_legs.len().to_string(), visits);

    let (_, english) = get(
        &state,
        &cookie,
        &format!("/staff/stats?{MONTH}&lang=en&split=language"),
    )
    .await;
    let english = String::from_utf8(english).unwrap();
    assert!(english.contains("Key figures") && english.contains("By Language"));
}

#[tokio::test]
async fn staff_are_refused_and_bad_filters_are_422() {
    let state = generated_month().await;
    let (clerk, _) = support::login(&state, "clerk").await;
    for uri in ["/staff/stats", "/staff/stats/export?format=xlsx"] {
        assert_eq!(
            get(&state, &clerk, uri).await.0,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    let (lead, _) = support::login(&state, "lead").await;
    for query in [
        "range=decade",
        "range=custom&from=2026-11-30&to=2026-11-01",
        "range=custom&from=yesterday&to=2026-11-01",
        "agency=nobody",
        "channel=pigeon",
        "split=shoe-size",
    ] {
        let (status, _) = get(&state, &lead, &format!("/staff/stats?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    let (status, _) = get(&state, &lead, "/staff/stats/export?format=pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_ticket_issued_today_counts_at_once() {
    let state = generated_month().await;
    support::walk_in(&state, "payment-card", "ar").await;
    let (cookie, _) = support::login(&state, "lead").await;
    let (_, csv) = get(
        &state,
        &cookie,
        "/staff/stats/export?range=today&format=csv",
    )
    .await;
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.contains("kpis,Besuche,2026-11-30 – 2026-11-30,1\r\n"),
        "{}",
        &text[..300]
    );
    assert!(
        text.contains("outcomes,offen,Anliegen,1\r\n"),
        "still waiting"
    );
}

/// A KPI of the period (`kpis` rows of the tables CSV: table, row, column, value).
fn kpi_of(csv: &[u8], label: &str) -> String {
    csv::Reader::from_reader(csv)
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "kpis" && &r[1] == label && r[2].starts_with("2026-11-01"))
        .map(|r| r[3].to_owned())
        .unwrap()
}

/// The agency of each leg in the leg-level CSV.
fn leg_agencies(csv: &[u8]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv);
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "agency")
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .collect()
}

#[tokio::test]
async fn a_supervisor_sees_only_their_agencies_and_admins_see_all() {
    let state = generated_month().await;
    support::add_user(&state, "jc-lead", Role::Supervisor, "jobcenter").await;
    support::add_user(&state, "it", Role::Admin, "jobcenter").await;
    let (jc, _) = support::login(&state, "jc-lead").await;
    let (admin, _) = support::login(&state, "it").await;
    let export =
        |format: &str, extra: &str| format!("/staff/stats/export?{MONTH}&format={format}{extra}");

    // The expectation, from the admin's leg-level data: the legs at the jobcenter.
    let (status, all_legs) = get(&state, &admin, &export("legs", "")).await;
    assert_eq!(status, StatusCode::OK);
    let agencies = leg_agencies(&all_legs);
    let jobcenter_legs = agencies.iter().filter(|a| *a == "jobcenter").count();
    assert!(jobcenter_legs > 100 && jobcenter_legs < agencies.len());

    // The supervisor's figures without an agency chosen: only the jobcenter's legs.
    let (status, mine) = get(&state, &jc, &export("csv", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kpi_of(&mine, "Anliegen"), jobcenter_legs.to_string());
    // The same as the admin's figures for the jobcenter.
    let (_, admins_jobcenter) = get(&state, &admin, &export("csv", "&agency=jobcenter")).await;
    for label in ["Anliegen", "Besuche", "Wartezeit, Mittel (min)", "bedient"] {
        assert_eq!(
            kpi_of(&mine, label),
            kpi_of(&admins_jobcenter, label),
            "{label}"
        );
    }
    // Their leg-level data: only the jobcenter's legs.
    let (_, my_legs) = get(&state, &jc, &export("legs", "")).await;
    let my_agencies = leg_agencies(&my_legs);
    assert_eq!(my_agencies.len(), jobcenter_legs);
    assert!(my_agencies.iter().all(|a| a == "jobcenter"));

    // The agency choice offers only theirs; another agency asked for is refused.
    let (_, page) = get(&state, &jc, &format!("/staff/stats?{MONTH}")).await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("<option value=\"jobcenter\""));
    assert!(!page.contains("<option value=\"immigration\""));
    for uri in [
        format!("/staff/stats?{MONTH}&agency=immigration"),
        export("xlsx", "&agency=immigration"),
        export("legs", "&agency=immigration"),
    ] {
        assert_eq!(
            get(&state, &jc, &uri).await.0,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }

    // The admin (whatever agencies the account names) sees every agency's legs.
    let (_, everything) = get(&state, &admin, &export("csv", "")).await;
    assert_eq!(kpi_of(&everything, "Anliegen"), agencies.len().to_string());
    let (status, _) = get(&state, &admin, &export("csv", "&agency=immigration")).await;
    assert_eq!(status, StatusCode::OK);
}
