//! The staff pages in English in headless Chromium: English chosen on the login page, the
//! desk choice, the console and its messages follow it (`html lang="en"`); an admin's
//! administration page and the overview. Screenshots `staff-console-en`, `staff-admin-en`,
//! `staff-overview-en` (copied to `docs/web/`).

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};
use crate::web_staff::{click, text_of, type_into, wait_for};

/// Logs in on the English login page, choosing English for the account.
async fn log_in_choosing_english(browser: &Browser, base: &str, (name, password): (&str, &str)) {
    browser
        .client
        .goto(&format!("{base}/staff/login?lang=en"))
        .await
        .unwrap();
    type_into(browser, "input[name=name]", name).await;
    type_into(browser, "input[name=password]", password).await;
    let select = wait_for(browser, "select[name=lang]").await;
    select.select_by_value("en").await.unwrap();
    click(browser, ".login button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_speaks_english_when_the_account_chose_it() {
    let server = Server::start();
    let base = server.base_url.clone();
    server
        .kiosk()
        .issue_ticket(&issue(&["residence-permit"], "uk"), &new_key())
        .await
        .unwrap();
    let desk = Browser::start(1280, 900).await;
    log_in_choosing_english(&desk, &base, ("staff", "lotse-demo-staff")).await;
    // The desk choice once it has replaced the login form.
    wait_for(&desk, "button.desk").await;
    let question = text_of(&desk, "main h1").await;
    assert_eq!(question, "Which desk are you working at today?");
    click(
        &desk,
        "form:has(input[name=desk][value='eg-01']) button.desk",
    )
    .await;
    wait_for(&desk, "#live").await;
    let lang = desk
        .client
        .execute("return document.documentElement.lang", Vec::new())
        .await
        .unwrap();
    assert_eq!(lang, "en");
    let console = text_of(&desk, "main").await;
    for english in [
        "Call next number (N)",
        "Waiting lines",
        "Silent alarm (F9)",
        "Next up:",
    ] {
        assert!(console.contains(english), "{english}: {console}");
    }
    desk.screenshot("staff-console-en").await;
    // The short message after an action is English too.
    click(&desk, "button[data-action=call-next]").await;
    let message = crate::web_staff::text_with(&desk, "#message:not([hidden])", "called").await;
    assert!(message.ends_with(" called."), "{message}");
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_page_and_the_overview_speak_english_when_the_account_chose_it() {
    let server = Server::start();
    let base = server.base_url.clone();
    let admin = Browser::start(1280, 1400).await;
    log_in_choosing_english(&admin, &base, ("admin", "lotse-demo-admin")).await;
    // Logged in once the navigation shows.
    wait_for(&admin, "header nav").await;
    admin
        .client
        .goto(&format!("{base}/staff/admin"))
        .await
        .unwrap();
    let page = text_of(&admin, "main").await;
    for english in [
        "Accounts",
        "Create account",
        "Devices",
        "Generate token",
        "Audit log",
    ] {
        assert!(page.contains(english), "{english}: {page}");
    }
    for german in ["Konten", "Konto anlegen", "Geräte", "Protokoll"] {
        assert!(!page.contains(german), "{german}: {page}");
    }
    admin.screenshot("staff-admin-en").await;
    // The overview, its language part included.
    admin
        .client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    let overview = text_of(&admin, "main").await;
    for english in [
        "Waiting lines of all agencies",
        "Languages in the waiting lines",
        "Interpreting today",
    ] {
        assert!(overview.contains(english), "{english}: {overview}");
    }
    admin.screenshot("staff-overview-en").await;
    admin.close().await;
}
