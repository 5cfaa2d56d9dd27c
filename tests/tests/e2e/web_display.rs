//! The browser display (`/display`) in headless Chromium: registration with a display token,
//! a call made through the API appearing live, the connection marker while the server is
//! away, and catching up after its restart.

use std::time::Duration;

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{DEMO_DISPLAY_TOKEN, DEMO_KIOSK_TOKEN, Server, issue, new_key};

/// Waits up to `seconds` for an element matching `css`.
async fn wait_for(browser: &Browser, css: &str, seconds: u64) -> fantoccini::elements::Element {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(seconds))
        .every(Duration::from_millis(100))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no {css} within {seconds} s: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_display_shows_calls_live_and_survives_a_restart() {
    let mut server = Server::start();
    let browser = Browser::start(1920, 1080).await;
    let client = &browser.client;

    // Without a token the page says how to register, and shows no data.
    client
        .goto(&format!("{}/display", server.base_url))
        .await
        .unwrap();
    let heading = client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.contains("not registered"), "{heading}");
    // A kiosk token is not a display token.
    client
        .goto(&format!(
            "{}/display?token={DEMO_KIOSK_TOKEN}",
            server.base_url
        ))
        .await
        .unwrap();
    assert!(client.find(Locator::Css("#board")).await.is_err());

    client
        .goto(&format!(
            "{}/display?zone=lobby&token={DEMO_DISPLAY_TOKEN}",
            server.base_url
        ))
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(
        url.query(),
        Some("zone=lobby"),
        "the token leaves the address bar"
    );
    wait_for(&browser, ".calls .empty", 5).await;

    let staff = server.staff().await;
    let ticket = server
        .kiosk()
        .issue_ticket(&issue(&["payment-card"], "ar"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-04").await.unwrap().unwrap();
    let call = wait_for(
        &browser,
        &format!(".calls .call[data-key='{}/0'].new", ticket.number),
        10,
    )
    .await;
    let text = call.text().await.unwrap();
    assert!(
        text.contains(&ticket.number) && text.contains("4"),
        "{text}"
    );
    assert!(text.contains("Schalter"), "{text}");
    // Give the pulse a moment so the screenshot shows it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    browser.screenshot("browser-display-call").await;

    // Server gone: after 10 s without keep-alives the marker appears.
    server.kill();
    wait_for(&browser, "#connection:not([hidden])", 20).await;
    browser.screenshot("browser-display-connection-lost").await;

    // Back again; a call made right away appears, and the marker goes.
    server.restart();
    let staff = server.staff().await;
    let next = server
        .kiosk()
        .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-01").await.unwrap().unwrap();
    wait_for(
        &browser,
        &format!(".calls .call[data-key='{}/0']", next.number),
        20,
    )
    .await;
    wait_for(&browser, "#connection[hidden]", 5).await;
    let history = client.find_all(Locator::Css(".calls .call")).await.unwrap();
    assert_eq!(history.len(), 2, "both calls are on the board");

    // The page runs under a policy that forbids inline scripts and framing.
    let response = reqwest::get(format!("{}/display", server.base_url))
        .await
        .unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_enabling_sound_a_call_fetches_its_spoken_announcement() {
    let server = Server::start();
    let browser = Browser::start(1280, 720).await;
    let client = &browser.client;
    client
        .goto(&format!(
            "{}/display?zone=lobby&token={DEMO_DISPLAY_TOKEN}",
            server.base_url
        ))
        .await
        .unwrap();
    let button = wait_for(&browser, "#sound", 5).await;
    let label = button.text().await.unwrap();
    assert!(
        label.contains("Ton einschalten") && label.contains("Enable sound"),
        "{label}"
    );
    button.click().await.unwrap();
    wait_for(&browser, "body[data-sound='on'] #sound[hidden]", 5).await;

    let staff = server.staff().await;
    server
        .kiosk()
        .issue_ticket(&issue(&["payment-card"], "ar"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-04").await.unwrap().unwrap();
    // German and Arabic with espeak-ng after the gong: rendered on the first call, so allow
    // for the engine starting cold on a busy machine.
    let body = wait_for(&browser, "body[data-announcement]", 30).await;
    let fetched = body.attr("data-announcement").await.unwrap().unwrap();
    let parts: Vec<&str> = fetched.split(' ').collect();
    assert_eq!(parts[..2], ["200", "audio/wav"], "{fetched}");
    let bytes: usize = parts[2].parse().unwrap();
    // More than the 1.9 s gong alone (84 KB at 22.05 kHz): the voice is in it.
    assert!(bytes > 200_000, "{fetched}");
    browser.close().await;
}
