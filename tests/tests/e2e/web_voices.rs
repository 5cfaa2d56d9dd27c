//! The voice recording page in headless Chromium with a fake microphone (Chromium's test tone):
//! an admin records a Pashto word, it is stored, plays on the page, and the display API offers
//! it. Screenshot of the page in the test output folder.

use std::time::Duration;

use crate::browser::Browser;
use crate::util::Server;

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
    browser
        .wait_for("input[name=name]")
        .await
        .send_keys("admin")
        .await
        .unwrap();
    browser
        .wait_for("input[name=password]")
        .await
        .send_keys("lotse-demo-admin")
        .await
        .unwrap();
    browser
        .wait_for(".login button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for("header.bar").await;

    client
        .goto(&format!("{base}/staff/admin/voices"))
        .await
        .unwrap();
    browser
        .wait_for("a[href='/staff/admin/voices/ps']")
        .await
        .click()
        .await
        .unwrap();
    let row = "tr[data-key='digit.4']";
    let record = browser.wait_for(&format!("{row} button.record")).await;
    assert!(
        record.is_displayed().await.unwrap(),
        "the record button shows where a microphone can be used"
    );
    record.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    browser
        .wait_for(&format!("{row} button.record[aria-pressed=true]"))
        .await
        .click()
        .await
        .unwrap();
    // The page reloads with the recording in the row.
    browser.wait_for(&format!("{row} audio")).await;
    let status = browser
        .wait_for("main p[role=status]")
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
