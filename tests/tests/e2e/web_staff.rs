//! The staff console and the visitor status page in headless Chromium: log in, choose a desk,
//! call the next visitor (whose status page switches to "your turn", in Arabic, right to
//! left), start, transfer to another agency with a note that only its desk reads, and the
//! supervisor and admin pages. Screenshots go to the test output folder.

use std::time::Duration;

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};

pub(crate) async fn wait_for(browser: &Browser, css: &str) -> fantoccini::elements::Element {
    browser.wait_for(css).await
}

/// Clicks `css`, finding it again if the live part was reloaded in between.
pub(crate) async fn click(browser: &Browser, css: &str) {
    for _ in 0..20 {
        if wait_for(browser, css).await.click().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot click {css}");
}

/// Types into `css`, finding it again if the live part was reloaded in between.
pub(crate) async fn type_into(browser: &Browser, css: &str, text: &str) {
    for _ in 0..20 {
        if wait_for(browser, css).await.send_keys(text).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot type into {css}");
}

/// The text of `css`, finding it again if the live part was reloaded in between.
pub(crate) async fn text_of(browser: &Browser, css: &str) -> String {
    for _ in 0..20 {
        if let Ok(text) = wait_for(browser, css).await.text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot read {css}");
}

/// The text of `css` once it contains `needle` (the message line still shows the previous
/// action's result until the next answer arrives); the last text seen when it never does.
pub(crate) async fn text_with(browser: &Browser, css: &str, needle: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = text_of(browser, css).await;
        if text.contains(needle) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    text
}

/// Logs in through the form (and stays where the login leads: the desk choice, or an
/// interpreter's own page).
pub(crate) async fn log_in(browser: &Browser, base: &str, (name, password): (&str, &str)) {
    let client = &browser.client;
    client.goto(&format!("{base}/staff/login")).await.unwrap();
    type_into(browser, "input[name=name]", name).await;
    type_into(browser, "input[name=password]", password).await;
    click(browser, ".login button[type=submit]").await;
}

/// Logs in through the form and sits down at `desk`; with `screenshots`, the login form and
/// the desk choice are saved.
pub(crate) async fn log_in_at(
    browser: &Browser,
    base: &str,
    (name, password): (&str, &str),
    desk: &str,
    screenshots: bool,
) {
    let client = &browser.client;
    client.goto(&format!("{base}/staff/login")).await.unwrap();
    type_into(browser, "input[name=name]", name).await;
    type_into(browser, "input[name=password]", password).await;
    if screenshots {
        browser.screenshot("staff-login").await;
    }
    click(browser, ".login button[type=submit]").await;
    let choice = format!("form:has(input[name=desk][value='{desk}']) button.desk");
    if screenshots {
        wait_for(browser, &choice).await;
        browser.screenshot("staff-desk-choice").await;
    }
    click(browser, &choice).await;
    wait_for(browser, "#live").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_call_and_transfer_show_on_the_visitors_status_page() {
    let server = Server::start();
    let base = server.base_url.clone();
    let ticket = server
        .kiosk()
        .issue_ticket(&issue(&["residence-permit"], "ar"), &new_key())
        .await
        .unwrap();
    let status_page = format!("{base}/t/{}", ticket.token);

    let phone = Browser::start(412, 915).await;
    phone.client.goto(&status_page).await.unwrap();
    assert_eq!(text_of(&phone, ".number strong").await, ticket.number);
    let dir = phone
        .client
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("dir")
        .await
        .unwrap();
    assert_eq!(
        dir.as_deref(),
        Some("rtl"),
        "Arabic is laid out right to left"
    );
    wait_for(&phone, ".panel[data-state=waiting]").await;
    assert!(
        text_of(&phone, ".moment").await.contains("تمديد الإقامة"),
        "the concern in Arabic"
    );
    phone.screenshot("status-ar-waiting").await;

    let desk = Browser::start(1280, 800).await;
    log_in_at(&desk, &base, ("staff", "lotse-demo-staff"), "eg-01", true).await;
    let next = text_of(&desk, ".next").await;
    assert!(
        next.contains(&ticket.number) && next.contains("wartet"),
        "{next}"
    );
    desk.screenshot("staff-console-idle").await;
    // Keyboard shortcut N calls the next visitor.
    desk.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("n")
        .await
        .unwrap();
    let message = text_with(&desk, "#message:not([hidden])", &ticket.number).await;
    assert!(message.contains(&ticket.number), "{message}");
    wait_for(&desk, ".current .ticket").await;
    desk.screenshot("staff-console-called").await;

    // The phone notices within its polling interval.
    phone
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".panel[data-state=called]"))
        .await
        .unwrap();
    let called = text_of(&phone, ".moment.called").await;
    assert!(called.contains('1'), "desk 1 is named: {called}");
    phone.screenshot("status-ar-called").await;

    // Start, then hand on to the asylum-benefits agency with a note.
    click(&desk, "button[data-action=start]").await;
    // Serving now: the panel offers "finish".
    wait_for(&desk, "button[data-action=finish]").await;
    let select = wait_for(&desk, ".transfer select[name=service]").await;
    select.select_by_value("payment-card").await.unwrap();
    type_into(
        &desk,
        ".transfer textarea[name=note]",
        "Kontoauszug liegt vor",
    )
    .await;
    click(&desk, ".transfer button[type=submit]").await;
    let message = text_with(&desk, "#message:not([hidden])", "weitergeleitet").await;
    assert!(message.contains("weitergeleitet"), "{message}");

    phone
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".panel[data-state=waiting]"))
        .await
        .unwrap();
    let moment = text_of(&phone, ".panel").await;
    assert!(moment.contains("بطاقة"), "now the payment card: {moment}");

    // The receiving desk reads the note; it calls the ticket by number.
    let receiving = Browser::start(1280, 800).await;
    let supervisor = ("supervisor", "lotse-demo-supervisor");
    log_in_at(&receiving, &base, supervisor, "eg-04", false).await;
    type_into(
        &receiving,
        "form[data-form=call] input[name=number]",
        &ticket.number,
    )
    .await;
    click(&receiving, "form[data-form=call] button").await;
    let note = text_of(&receiving, ".note").await;
    assert!(
        note.contains("Kontoauszug liegt vor") && note.contains("staff"),
        "{note}"
    );
    receiving.screenshot("staff-console-transfer-note").await;
    // Start and finish with an outcome: the panel moves on to the next visitor at once.
    click(&receiving, "button[data-action=start]").await;
    let outcome = wait_for(&receiving, "#outcome").await;
    outcome.select_by_value("completed").await.unwrap();
    click(&receiving, "button[data-action=finish]").await;
    wait_for(&receiving, "button[data-action=call-next]").await;

    // The supervisor's overview shows both desks with who sits there (the ticket is done).
    receiving
        .client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    let overview = text_of(&receiving, "#live").await;
    assert!(
        overview.contains("supervisor") && overview.contains("Schalter 1 staff"),
        "{overview}"
    );
    receiving.screenshot("staff-overview").await;

    let admin = Browser::start(1280, 800).await;
    log_in_at(&admin, &base, ("admin", "lotse-demo-admin"), "eg-02", false).await;
    admin
        .client
        .goto(&format!("{base}/staff/admin"))
        .await
        .unwrap();
    let audit = text_of(&admin, "table.audit").await;
    assert!(
        audit.contains("transfer") && audit.contains("call-next"),
        "{audit}"
    );
    admin.screenshot("staff-admin").await;

    // An unknown token shows a plain "not found".
    phone
        .client
        .goto(&format!("{base}/t/no-such-token"))
        .await
        .unwrap();
    assert!(text_of(&phone, "h1").await.contains("nicht gefunden"));
    phone.screenshot("status-not-found").await;

    for browser in [phone, desk, receiving, admin] {
        browser.close().await;
    }
}
