//! The visitor's status page when the visitor is called while it is in the background: the
//! title changes, screen readers are told, and a notification is shown through the page's
//! service worker if the visitor allowed notifications (Tigrinya). Headless Chromium cannot
//! put a tab into the background on request, so the test makes the page report itself
//! hidden (`document.visibilityState`), which is what `status.js` reads; the notification
//! call is recorded instead of shown. Without permission the page offers, once, to notify.

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{Server, status_page_of_new_ticket};
use crate::web_staff::wait_for;

/// Reports the page hidden and records notifications, shown through a service worker or
/// the page's own `Notification`, in `window.notified`.
const IN_BACKGROUND: &str = r#"
Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
window.notified = [];
const record = (title, options) => window.notified.push({ title, body: options?.body ?? '' });
ServiceWorkerRegistration.prototype.showNotification = async (title, options) => record(title, options);
"#;

async fn text(browser: &Browser, css: &str) -> String {
    wait_for(browser, css).await.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_in_the_background_changes_the_title_and_notifies() {
    let server = Server::start();
    let base = server.base_url.clone();
    let page = status_page_of_new_ticket(&server, "ti").await;

    // Not yet allowed: the offer shows, with its reason, in Tigrinya.
    let undecided = Browser::start(412, 915).await;
    undecided.client.goto(&page).await.unwrap();
    let offer = text(&undecided, "#notify:not([hidden])").await;
    assert!(offer.contains("ኣፍልጡኒ"), "the offer in Tigrinya: {offer}");
    undecided.screenshot("status-ti-notify-offer").await;
    undecided.close().await;

    let phone = Browser::start(412, 915).await;
    phone
        .cdp(
            "Browser.grantPermissions",
            serde_json::json!({ "origin": base, "permissions": ["notifications"] }),
        )
        .await;
    phone.client.goto(&page).await.unwrap();
    wait_for(&phone, ".panel[data-state=waiting]").await;
    let title = phone.client.title().await.unwrap();
    // Allowed already: nothing to offer; the service worker is registered.
    assert!(
        phone
            .client
            .find(Locator::Css("#notify[hidden]"))
            .await
            .is_ok()
    );
    let registered = phone
        .client
        .execute_async(
            "const done = arguments[0];
             const wait = () => navigator.serviceWorker.getRegistrations().then((all) =>
               all.some((r) => r.active) ? done(true) : setTimeout(wait, 100));
             wait();",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(registered, serde_json::json!(true), "the worker is active");
    phone.client.execute(IN_BACKGROUND, vec![]).await.unwrap();

    server.staff().await.call_next("eg-01").await.unwrap();
    // The page polls every 5 s; then the notification follows the service worker's answer.
    let notifications = phone
        .client
        .execute_async(
            "const done = arguments[0];
             const deadline = Date.now() + 15000;
             const wait = () => window.notified.length || Date.now() > deadline
               ? done(window.notified) : setTimeout(wait, 100);
             wait();",
            vec![],
        )
        .await
        .unwrap();
    let notifications = notifications.as_array().expect("a list");
    assert_eq!(
        notifications.len(),
        1,
        "one notification: {notifications:?}"
    );
    let your_turn = text(&phone, ".moment.called h1").await;
    assert_eq!(notifications[0]["title"], your_turn.as_str());
    assert!(
        notifications[0]["body"]
            .as_str()
            .is_some_and(|body| body.contains('1')),
        "the desk: {notifications:?}"
    );
    let called_title = phone.client.title().await.unwrap();
    assert_eq!(called_title, format!("(!) {your_turn} · {title}"));
    let announced = phone
        .client
        .find(Locator::Css("#announcer"))
        .await
        .unwrap()
        .html(true)
        .await
        .unwrap();
    assert!(announced.contains(&your_turn), "announced: {announced}");
}
