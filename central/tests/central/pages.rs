//! The county pages: the live overview with a silent building shown offline, the same page
//! from a second instance on the same database, a supervisor's scope, the statistics page and
//! its export, and the login's throttle and CSRF check.

use chrono::{Duration, TimeZone, Utc};
use lotse_protocol::Client;
use lotse_protocol::central::{CENTRAL_SCHEMA, LiveService, LiveSummary};

use crate::support::{
    BuildingServer, Central, PASSWORD, Postgres, logged_in, movable_clock, token_of,
};

fn summary(at: chrono::DateTime<Utc>, waiting: u32) -> LiveSummary {
    LiveSummary {
        schema: CENTRAL_SCHEMA,
        at,
        services: vec![LiveService {
            service: "aufenthalt".into(),
            waiting,
            longest_wait_seconds: 25 * 60,
        }],
        desks_staffed: 3,
        alerts: Vec::new(),
        printers: Vec::new(),
        last_event_at: Some(at),
        outbox_backlog: 0,
    }
}

async fn push_live(central: &Central, building: &str, summary: &LiveSummary) {
    Client::new(&central.url)
        .expect("a client")
        .with_device_token(token_of(building))
        .push_live(building, summary)
        .await
        .expect("pushed");
}

async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    let answer = client.get(url).send().await.expect("an answer");
    (
        answer.status().as_u16(),
        answer.text().await.expect("a body"),
    )
}

/// The `<tr>` of a building on the overview.
fn row<'a>(html: &'a str, building: &str) -> &'a str {
    let start = html
        .find(&format!("data-building=\"{building}\""))
        .unwrap_or_else(|| panic!("{building} is on the page:\n{html}"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn a_silent_building_shows_offline_and_a_second_instance_serves_the_same_page() {
    let Some(pg) = Postgres::start() else { return };
    // 10:42 in Berlin.
    let start = Utc
        .with_ymd_and_hms(2026, 12, 7, 9, 42, 0)
        .single()
        .expect("a time");
    let (clock, now) = movable_clock(start);
    let first = Central::start(&pg, clock.clone()).await;
    let second = Central::start(&pg, clock).await;
    push_live(&first, "kreishaus", &summary(start, 7)).await;
    push_live(&second, "nordstadt", &summary(start, 2)).await;
    let browser = logged_in(&first, "landkreis").await;
    let (status, html) = page(&browser, format!("{}/county", first.url)).await;
    assert_eq!(status, 200, "{html}");
    assert!(row(&html, "kreishaus").contains("vor 0 s"), "{html}");
    assert!(row(&html, "nordstadt").contains("vor 0 s"), "{html}");
    assert!(
        row(&html, "suedhafen").contains("hat noch nie gemeldet"),
        "{html}"
    );
    // Five minutes on, only the Kreishaus has reported again.
    let later = start + Duration::minutes(5);
    *now.lock().expect("the clock") = later;
    push_live(&first, "kreishaus", &summary(later, 9)).await;
    let (_, html) = page(&browser, format!("{}/county", first.url)).await;
    assert!(row(&html, "kreishaus").contains("vor 0 s"), "{html}");
    assert!(row(&html, "kreishaus").contains(">9<"), "{html}");
    assert!(
        row(&html, "nordstadt").contains("offline seit 10:42"),
        "{html}"
    );
    // The second instance knows the session and shows the same page.
    let (status, from_second) = page(&browser, format!("{}/county", second.url)).await;
    assert_eq!(status, 200);
    assert_eq!(from_second, html);
    let (_, english) = page(&browser, format!("{}/county?lang=en", second.url)).await;
    assert!(
        row(&english, "nordstadt").contains("offline since 10:42"),
        "{english}"
    );
}

#[tokio::test]
async fn a_supervisor_sees_only_the_buildings_of_their_account() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(Utc::now)).await;
    push_live(&central, "nordstadt", &summary(Utc::now(), 2)).await;
    let browser = logged_in(&central, "aufsicht").await;
    let (_, html) = page(&browser, format!("{}/county", central.url)).await;
    assert!(html.contains("data-building=\"kreishaus\""), "{html}");
    assert!(!html.contains("nordstadt"), "{html}");
    let (status, _) = page(
        &browser,
        format!("{}/county/stats?buildings=nordstadt", central.url),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = page(
        &browser,
        format!(
            "{}/county/stats/export?buildings=kreishaus,nordstadt",
            central.url
        ),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_statistics_page_puts_buildings_side_by_side_and_exports_the_total() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(Utc::now)).await;
    let period = crate::support::past_days(7);
    let mut own_visits = 0;
    for (i, id) in ["kreishaus", "nordstadt"].into_iter().enumerate() {
        let building = BuildingServer::with_history(id, &central.url, 7, 90, 40 + i as u64).await;
        lotse_queue_server::central_push::push_due_days(&building.state, &building.link())
            .await
            .expect("pushed");
        own_visits += building.own_report(period).await.report.kpis.visits;
    }
    let browser = logged_in(&central, "landkreis").await;
    let query = format!(
        "buildings=kreishaus,nordstadt&from={}&to={}",
        period.from, period.to
    );
    let (status, html) = page(&browser, format!("{}/county/stats?{query}", central.url)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Häuser nebeneinander"), "{html}");
    assert!(html.contains("<svg"), "the building page's charts: {html}");
    let (status, csv) = page(
        &browser,
        format!("{}/county/stats/export?{query}&format=csv", central.url),
    )
    .await;
    assert_eq!(status, 200);
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let total = lotse_central::county_stats::report(
        &pool,
        &lotse_central::turns::Turns::new(1, u64::MAX),
        &["kreishaus".to_owned(), "nordstadt".to_owned()],
        period,
        &Default::default(),
        lotse_queue_server::stats::tables::Lang::De,
    )
    .await
    .expect("the total");
    assert_eq!(total.report.kpis.visits, own_visits);
    assert_eq!(csv, crate::support::csv(&total));
}

/// The county page narrows and splits as the building's own page does: one building's figures
/// for one service split by language equal that building's own, and an unknown service or
/// channel is refused.
#[tokio::test]
async fn the_statistics_page_narrows_and_splits_as_the_building_does() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(Utc::now)).await;
    let period = crate::support::past_days(7);
    let building = BuildingServer::with_history("kreishaus", &central.url, 7, 90, 41).await;
    lotse_queue_server::central_push::push_due_days(&building.state, &building.link())
        .await
        .expect("pushed");
    let filter = lotse_queue_server::stats::Filter {
        service: Some("residence-permit".to_owned()),
        ..Default::default()
    };
    let split = lotse_queue_server::stats::Dimension::Language;
    let own = building.own_narrowed(period, &filter, split).await;
    let all = building.own_report(period).await;
    assert!(
        own.report.kpis.legs > 0 && own.report.kpis.legs < all.report.kpis.legs,
        "the service is a part of the building's legs"
    );
    let browser = logged_in(&central, "landkreis").await;
    let query = format!(
        "buildings=kreishaus&from={}&to={}&service=residence-permit&split=language",
        period.from, period.to
    );
    let (status, html) = page(&browser, format!("{}/county/stats?{query}", central.url)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(r#"<option value="residence-permit" selected>"#),
        "the form keeps the choice: {html}"
    );
    assert!(html.contains("/county/stats/export?") && html.contains("service=residence-permit"));
    let (status, csv) = page(
        &browser,
        format!("{}/county/stats/export?{query}&format=csv", central.url),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(csv, crate::support::csv(&own), "the building's own figures");
    for wrong in ["service=no-such-service", "channel=pigeon", "split=moon"] {
        let url = format!("{}/county/stats?buildings=kreishaus&{wrong}", central.url);
        let (status, html) = page(&browser, url).await;
        assert_eq!(status, 422, "{wrong}: {html}");
        // A page that says what is wrong and leads back, not a JSON body.
        assert!(
            html.contains(r#"role="alert""#) && html.contains(r#"href="/county/stats?lang=de""#),
            "{wrong}: {html}"
        );
    }
}

#[tokio::test]
async fn logins_are_throttled_and_logging_out_needs_the_csrf_token() {
    let Some(pg) = Postgres::start() else { return };
    let central = Central::start(&pg, std::sync::Arc::new(Utc::now)).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let login = |password: &'static str| {
        client
            .post(format!("{}/county/login", central.url))
            .form(&[("name", "landkreis"), ("password", password)])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(login("wrong").await.expect("an answer").status(), 401);
    }
    assert_eq!(
        login(PASSWORD).await.expect("an answer").status(),
        429,
        "throttled"
    );
    // Another account is not affected; its logout needs the page's CSRF token.
    let browser = logged_in(&central, "aufsicht").await;
    let answer = browser
        .post(format!("{}/county/logout", central.url))
        .form(&[("csrf", "guessed")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 403);
    let (status, _) = page(&browser, format!("{}/county", central.url)).await;
    assert_eq!(status, 200, "still logged in");
    let (status, _) = page(
        &reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client"),
        format!("{}/county", central.url),
    )
    .await;
    assert_eq!(status, 303, "no session: to the login");
}
