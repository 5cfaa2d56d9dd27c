//! Live alerts on the supervisor's overview in headless Chromium: a kiosk printer failing and
//! a line waiting past its target (a building whose alert factor makes 15 minutes two
//! seconds) show up live, highlighted, each sounding once; acknowledging one removes its
//! highlight and names who did; a fresh load shows them without the live stream. A desk
//! console shows the alerts of its desk's lines and the printers'. Screenshots
//! `staff-overview-alerts` and `staff-console-alerts` in the test output folder (copied to
//! `docs/web/`).

use std::time::Duration;

use lotse_protocol::{DeviceStatus, PrinterCondition};

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};
use crate::web_staff::{click, log_in, log_in_at, text_of, wait_for};

const UNACKNOWLEDGED: &str = "document.querySelectorAll('.alert-item.unacknowledged').length";
const CHIMES: &str = "Number(document.body.dataset.chimes || 0)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_alerts_arrive_live_and_acknowledges_one() {
    // eat-pickup: target 15 minutes; a factor of 0.002 alerts after 1.8 seconds.
    let server = Server::start_with_building(|building| {
        building.replacen("alert_factor = 1.5", "alert_factor = 0.002", 1)
    });
    let base = server.base_url.clone();
    let browser =
        Browser::start_with(1280, 900, &["--autoplay-policy=no-user-gesture-required"]).await;
    log_in(&browser, &base, ("supervisor", "lotse-demo-supervisor")).await;
    wait_for(&browser, "header.bar").await;
    browser
        .client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    assert!(
        text_of(&browser, "section.alerts")
            .await
            .contains("Keine Hinweise")
    );
    click(&browser, "#sound").await;

    // The kiosk's printer runs out of paper: the alert arrives over the event stream.
    server
        .kiosk()
        .report_status(&DeviceStatus {
            printer: PrinterCondition::PaperOut,
        })
        .await
        .unwrap();
    browser.eventually(UNACKNOWLEDGED, 10, |v| v == 1).await;
    let printer = text_of(&browser, ".alert-item.unacknowledged").await;
    assert!(
        printer.contains("Papier leer") && printer.contains("paper out"),
        "{printer}"
    );
    browser.eventually(CHIMES, 5, |v| v == 1).await;

    // A visitor for eat-pickup waits past 1.8 seconds: the next evaluation (every 5 s)
    // raises the wait alert.
    server
        .kiosk()
        .issue_ticket(&issue(&["eat-pickup"], "de"), &new_key())
        .await
        .unwrap();
    browser.eventually(UNACKNOWLEDGED, 20, |v| v == 2).await;
    browser.eventually(CHIMES, 5, |v| v == 2).await;
    let all = text_of(&browser, "section.alerts").await;
    assert!(
        all.contains("längste Wartezeit über 0,002 × Ziel (15 Min.)"),
        "{all}"
    );

    // Acknowledging the printer alert takes away its highlight, on this and every page.
    let printer_id = browser
        .eventually(
            "document.querySelector('.alert-item.unacknowledged').dataset.alert",
            5,
            |v| v.is_string(),
        )
        .await;
    let printer_id = printer_id.as_str().unwrap().to_owned();
    click(
        &browser,
        &format!(".alert-item[data-alert='{printer_id}'] button[data-action=acknowledge-alert]"),
    )
    .await;
    let done = format!(".alert-item[data-alert='{printer_id}'][data-acknowledged=yes]");
    wait_for(&browser, &done).await;
    let class = wait_for(&browser, &done)
        .await
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(!class.contains("unacknowledged"), "{class}");
    assert!(
        text_of(&browser, &done)
            .await
            .contains("quittiert von / acknowledged by supervisor")
    );
    browser.eventually(UNACKNOWLEDGED, 5, |v| v == 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        browser.eventually(CHIMES, 1, |_| true).await,
        2,
        "an acknowledgement does not sound"
    );
    browser
        .client
        .execute("window.scrollTo(0, 0)", Vec::new())
        .await
        .unwrap();
    browser.screenshot("staff-overview-alerts").await;

    // A fresh load shows both, as the server renders them.
    browser
        .client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    assert_eq!(
        browser
            .eventually("document.querySelectorAll('.alert-item').length", 5, |v| v
                == 2)
            .await,
        2
    );
    browser.close().await;

    // A desk serving eat-pickup shows its line's alert and the printer's; one serving
    // neither line shows only the printer's.
    let desk = Browser::start(1280, 900).await;
    log_in_at(&desk, &base, ("staff", "lotse-demo-staff"), "eg-01", false).await;
    let shown = text_of(&desk, "section.alerts").await;
    assert!(
        shown.contains("Aufenthaltskarte (eAT) abholen") && shown.contains("Papier leer"),
        "{shown}"
    );
    desk.screenshot("staff-console-alerts").await;
    desk.close().await;
    let other = Browser::start(1280, 900).await;
    log_in_at(&other, &base, ("staff", "lotse-demo-staff"), "eg-04", false).await;
    let shown = text_of(&other, "section.alerts").await;
    assert!(
        !shown.contains("Aufenthaltskarte") && shown.contains("Papier leer"),
        "{shown}"
    );
    other.close().await;
}
