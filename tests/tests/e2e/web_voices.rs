//! The voice recording page in headless Chromium with a fake microphone (Chromium's test tone):
//! an admin records a Pashto word, it is stored, plays on the page, and the display API offers
//! it. Screenshot of the page in the test output folder.

use std::time::Duration;

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::Server;

async fn wait_for(browser: &Browser, css: &str) -> fantoccini::elements::Element {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .every(Duration::from_millis(100))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no {css} within 10 s: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_records_a_pashto_word_from_the_microphone() {
    let server = Server::start();
    let base = server.base_url.clone();
    let browser = Browser::start_with(
        1280,
        900,
        &[
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    .await;
    let client = &browser.client;
    client.goto(&format!("{base}/staff/login")).await.unwrap();
    wait_for(&browser, "input[name=name]")
        .await
        .send_keys("admin")
        .await
        .unwrap();
    wait_for(&browser, "input[name=password]")
        .await
        .send_keys("lotse-demo-admin")
        .await
        .unwrap();
    wait_for(&browser, ".login button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&browser, "header.bar").await;

    client
        .goto(&format!("{base}/staff/admin/voices"))
        .await
        .unwrap();
    wait_for(&browser, "a[href='/staff/admin/voices/ps']")
        .await
        .click()
        .await
        .unwrap();
    let row = "tr[data-key='digit.4']";
    let record = wait_for(&browser, &format!("{row} button.record")).await;
    assert!(
        record.is_displayed().await.unwrap(),
        "the record button shows where a microphone can be used"
    );
    record.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    wait_for(&browser, &format!("{row} button.record[aria-pressed=true]"))
        .await
        .click()
        .await
        .unwrap();
    // The page reloads with the recording in the row.
    wait_for(&browser, &format!("{row} audio")).await;
    let status = wait_for(&browser, "main p[role=status]")
        .await
        .text()
        .await
        .unwrap();
    assert!(status.starts_with("1 von "), "{status}");
    client
        .execute("window.scrollTo(0, 0)", Vec::new())
        .await
        .unwrap();
    browser.screenshot("staff-admin-voices-ps").await;

    // A display can fetch it.
    let display = server.client().with_device_token("demo-display-token");
    let pack = display.voice_pack("ps").await.unwrap();
    assert_eq!(pack.clips.len(), 1);
    assert_eq!(pack.clips[0].key, "digit.4");
    let wav = display.voice_clip("ps", "digit.4").await.unwrap();
    let audio = lotse_voices::Audio::from_wav(&wav).unwrap();
    assert!(
        (0.5..8.0).contains(&audio.duration_seconds()),
        "{} s",
        audio.duration_seconds()
    );
    browser.close().await;
}
