//! The county pages (`lotse-central`) in headless Chromium over a real PostgreSQL: a county
//! admin logs in through the form, sees the live overview with one building offline, a
//! printer out of paper and an alert, and the statistics of two buildings side by side
//! with their charts, in German and English. Screenshots `county-overview`,
//! `county-overview-en`, `county-stats` (copied to `docs/web/`).

// The central service's own test support (PostgreSQL, the centre in-process, buildings with
// a generated history), shared rather than copied; not every helper is used here.
#[path = "../../../central/tests/central/support/mod.rs"]
#[allow(dead_code)]
mod county;

use chrono::{Duration, Utc};
use lotse_protocol::Client;
use lotse_protocol::central::{CENTRAL_SCHEMA, LiveAlert, LivePrinter, LiveService, LiveSummary};

use crate::browser::Browser;
use crate::web_staff::{click, text_of, type_into, wait_for};
use county::{BuildingServer, Central, PASSWORD, Postgres, movable_clock, past_days, token_of};

fn line(service: &str, waiting: u32, longest_minutes: u32) -> LiveService {
    LiveService {
        service: service.into(),
        waiting,
        longest_wait_seconds: longest_minutes * 60,
    }
}

async fn report(central: &Central, building: &str, summary: LiveSummary) {
    Client::new(&central.url)
        .unwrap()
        .with_device_token(token_of(building))
        .push_live(building, &summary)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_admin_sees_the_overview_and_two_buildings_side_by_side() {
    let Some(pg) = Postgres::start() else { return };
    let start = Utc::now();
    let (clock, now) = movable_clock(start);
    let central = Central::start(&pg, clock).await;
    for (i, id) in ["kreishaus", "nordstadt"].into_iter().enumerate() {
        let building = BuildingServer::with_history(id, &central.url, 7, 90, 70 + i as u64).await;
        lotse_queue_server::central_push::push_due_days(&building.state, &building.link())
            .await
            .unwrap();
    }
    // The Südhafen reported once and then went silent; ten minutes later the others report.
    let quiet = LiveSummary {
        schema: CENTRAL_SCHEMA,
        at: start,
        services: vec![line("jobcenter-counselling", 4, 12)],
        desks_staffed: 2,
        alerts: Vec::new(),
        printers: Vec::new(),
        last_event_at: Some(start),
        outbox_backlog: 0,
    };
    report(&central, "suedhafen", quiet).await;
    let later = start + Duration::minutes(10);
    *now.lock().unwrap() = later;
    let busy = LiveSummary {
        schema: CENTRAL_SCHEMA,
        at: later,
        services: vec![
            line("residence-permit", 14, 52),
            line("benefit-application", 6, 21),
            line("citizens-income", 3, 9),
        ],
        desks_staffed: 9,
        alerts: vec![LiveAlert {
            kind: "wait".into(),
            service: Some("residence-permit".into()),
            raised_at: later - Duration::minutes(4),
        }],
        printers: vec![LivePrinter {
            kiosk: "kiosk-eingang".into(),
            condition: "paper_out".into(),
        }],
        last_event_at: Some(later),
        outbox_backlog: 0,
    };
    report(&central, "kreishaus", busy.clone()).await;
    let calm = LiveSummary {
        services: vec![line("address-change", 2, 6)],
        desks_staffed: 3,
        alerts: Vec::new(),
        printers: Vec::new(),
        ..busy
    };
    report(&central, "nordstadt", calm).await;

    let browser = Browser::start(1280, 1000).await;
    let base = &central.url;
    browser
        .client
        .goto(&format!("{base}/county/login"))
        .await
        .unwrap();
    type_into(&browser, "input[name=name]", "landkreis").await;
    type_into(&browser, "input[name=password]", PASSWORD).await;
    click(&browser, "form.login button[type=submit]").await;
    let overview = wait_for(&browser, "tr[data-building=suedhafen]").await;
    let offline = overview.text().await.unwrap();
    assert!(offline.contains("offline seit"), "{offline}");
    let kreishaus = text_of(&browser, "tr[data-building=kreishaus]").await;
    assert!(
        kreishaus.contains("23") && kreishaus.contains("52 min"),
        "{kreishaus}"
    );
    // Alerts and printers in words, with the building's service names.
    for words in [
        "Aufenthaltstitel verlängern: längste Wartezeit über",
        "kiosk-eingang: Papier leer",
    ] {
        assert!(kreishaus.contains(words), "{words}: {kreishaus}");
    }
    browser.screenshot("county-overview").await;
    browser
        .client
        .goto(&format!("{base}/county?lang=en"))
        .await
        .unwrap();
    let english = text_of(&browser, "tr[data-building=suedhafen]").await;
    assert!(english.contains("offline since"), "{english}");
    let kreishaus = text_of(&browser, "tr[data-building=kreishaus]").await;
    for words in [
        "Extend residence permit: longest wait",
        "kiosk-eingang: paper out",
    ] {
        assert!(kreishaus.contains(words), "{words}: {kreishaus}");
    }
    browser.screenshot("county-overview-en").await;

    let period = past_days(7);
    browser
        .client
        .goto(&format!(
            "{base}/county/stats?buildings=kreishaus,nordstadt&from={}&to={}",
            period.from, period.to
        ))
        .await
        .unwrap();
    wait_for(&browser, "svg").await;
    let page = text_of(&browser, "main").await;
    assert!(page.contains("Häuser nebeneinander"), "{page}");
    browser.screenshot("county-stats").await;
    browser.close().await;
}
