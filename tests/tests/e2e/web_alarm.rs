//! The silent emergency alarm in headless Chromium against the real server: a desk raises
//! it with F9 (a foot switch sends the same key) and sees only a small confirmation; a
//! console on the same floor and the supervisor get the loud alert (place, way, who raised
//! it, siren, title, browser notification), a console upstairs gets nothing; a responder's
//! "on my way" shows to the others; the alarm survives a server restart; the supervisor
//! closes it with a note and every alert goes. A kiosk or display token can neither raise
//! it nor read it on the event stream. Screenshots `staff-alarm-responder` and
//! `staff-alarm-raiser` (copied to `docs/web/`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use futures::StreamExt;

use crate::browser::Browser;
use crate::util::{DEMO_DISPLAY_TOKEN, DEMO_KIOSK_TOKEN, Server, issue, new_key, server_binary};
use crate::web_staff::{click, log_in, log_in_at, text_of, type_into, wait_for};

const PASSWORD: &str = "a long enough password";

/// Adds a staff account with the server's own CLI, beside the running server.
fn add_staff(server: &Server, name: &str) {
    let mut child = Command::new(server_binary())
        .args(["user", "add", "--name", name, "--role", "staff", "--db"])
        .arg(server.db_path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("queue-server user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(PASSWORD.as_bytes())
        .expect("password written");
    assert!(
        child.wait().expect("user add ends").success(),
        "{name} added"
    );
}

const ALERTS: &str = "document.querySelectorAll('#alarms section.alarm').length";

/// What a device's event stream sends until the event naming `marker`.
async fn device_stream_until<B: AsRef<[u8]>>(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<B>> + Unpin),
    marker: &str,
) -> String {
    let mut text = String::new();
    while !text.contains(marker) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("the stream goes on")
            .expect("not ended")
            .expect("a chunk");
        text.push_str(&String::from_utf8_lossy(chunk.as_ref()));
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_alarm_reaches_the_floor_and_the_supervisor_not_the_raiser_nor_upstairs() {
    let mut server = Server::start();
    let base = server.base_url.clone();
    add_staff(&server, "ben");
    add_staff(&server, "carl");

    // Devices may neither raise an alarm nor list them.
    let http = reqwest::Client::new();
    for token in [DEMO_KIOSK_TOKEN, DEMO_DISPLAY_TOKEN] {
        for request in [
            http.post(format!("{base}/api/v1/alarms")),
            http.get(format!("{base}/api/v1/alarms")),
        ] {
            let status = request.bearer_auth(token).send().await.unwrap().status();
            assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "{token}");
        }
    }
    let display_stream = http
        .get(format!("{base}/api/v1/events"))
        .bearer_auth(DEMO_DISPLAY_TOKEN)
        .send()
        .await
        .unwrap();
    let mut display_stream = display_stream.bytes_stream();

    let switches = ["--autoplay-policy=no-user-gesture-required"];
    let raiser = Browser::start(1280, 800).await;
    log_in_at(
        &raiser,
        &base,
        ("staff", "lotse-demo-staff"),
        "eg-01",
        false,
    )
    .await;
    let colleague = Browser::start_with(1280, 800, &switches).await;
    log_in_at(&colleague, &base, ("ben", PASSWORD), "eg-04", false).await;
    let upstairs = Browser::start(1280, 800).await;
    log_in_at(&upstairs, &base, ("carl", PASSWORD), "room-1-02", false).await;
    let lead = Browser::start_with(1280, 800, &switches).await;
    lead.cdp(
        "Browser.grantPermissions",
        serde_json::json!({ "permissions": ["notifications"], "origin": base }),
    )
    .await;
    log_in(&lead, &base, ("supervisor", "lotse-demo-supervisor")).await;
    wait_for(&lead, "header.bar").await;
    lead.client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    // Every page follows the stream once loaded (its first event or keep-alive).
    for browser in [&raiser, &colleague, &upstairs, &lead] {
        wait_for(browser, "#alarms").await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    // F9 at desk 1 (the control is there, clearly marked).
    let control = text_of(&raiser, "button[data-alarm-action=raise]").await;
    assert!(control.contains("Stiller Alarm"), "{control}");
    raiser
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(&Key::F9)
        .await
        .unwrap();
    let sent = raiser
        .eventually(
            "document.getElementById('alarm-sent').textContent",
            10,
            |v| v.as_str().is_some_and(|s| !s.is_empty()),
        )
        .await;
    assert_eq!(sent, "✓ gesendet");

    // The same floor and the supervisor: loud, with place, way and who raised it.
    for browser in [&colleague, &lead] {
        browser.eventually(ALERTS, 10, |v| v == 1).await;
        let alert = text_of(browser, "#alarms section.alarm").await;
        for needle in ["NOTRUF", "Schalter 1", "EG", "Foyer, linke Seite", "staff"] {
            assert!(alert.contains(needle), "{needle}: {alert}");
        }
        browser
            .eventually("document.title.includes('NOTRUF')", 5, |v| v == true)
            .await;
        browser
            .eventually("Number(document.body.dataset.alarmSounds || 0)", 5, |v| {
                v.as_i64() >= Some(1)
            })
            .await;
    }
    lead.eventually(
        "Number(document.body.dataset.alarmNotifications || 0)",
        5,
        |v| v == 1,
    )
    .await;
    colleague.screenshot("staff-alarm-responder").await;

    // Upstairs and the raiser: nothing, also a while later.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        upstairs.eventually(ALERTS, 1, |_| true).await,
        0,
        "upstairs"
    );
    assert_eq!(
        raiser.eventually(ALERTS, 1, |_| true).await,
        0,
        "the raiser"
    );
    let title = raiser.eventually("document.title", 1, |_| true).await;
    assert!(!title.as_str().unwrap().contains("NOTRUF"), "{title}");
    assert_eq!(
        raiser
            .eventually("document.body.dataset.alarmSounds || 'none'", 1, |_| true)
            .await,
        "none",
        "silent at the desk"
    );
    raiser.screenshot("staff-alarm-raiser").await;

    // The display's stream went on past the alarm without it.
    let marker = server
        .kiosk()
        .issue_ticket(&issue(&["eat-pickup"], "de"), &new_key())
        .await
        .unwrap()
        .number;
    let seen = device_stream_until(&mut display_stream, &marker).await;
    assert!(!seen.contains("alarm"), "{seen}");

    // Ben is on his way: the supervisor sees it.
    click(&colleague, "#alarms button[data-alarm-action=acknowledge]").await;
    lead.eventually(
        "document.querySelector('#alarms .responders').textContent",
        10,
        |v| v.as_str().is_some_and(|s| s.contains("ben")),
    )
    .await;

    // The alarm lives on the server: after a restart the supervisor's fresh page shows it.
    server.restart();
    lead.client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    lead.eventually(ALERTS, 10, |v| v == 1).await;

    // The supervisor closes it with a note: every alert goes.
    type_into(
        &lead,
        "#alarms form.alarm-close input[name=note]",
        "Lage geklärt",
    )
    .await;
    click(&lead, "#alarms form.alarm-close button[type=submit]").await;
    lead.eventually(ALERTS, 10, |v| v == 0).await;
    colleague.eventually(ALERTS, 15, |v| v == 0).await;
    lead.client
        .goto(&format!("{base}/staff/alarms"))
        .await
        .unwrap();
    let closed = text_of(&lead, "section.alarms-closed").await;
    assert!(
        closed.contains("Lage geklärt") && closed.contains("ben"),
        "{closed}"
    );

    for browser in [raiser, colleague, upstairs, lead] {
        browser.close().await;
    }
}
