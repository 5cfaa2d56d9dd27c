//! A visit with three concerns in the sample building's order (`visit_order =
//! "several_lines"`), through the real server and a real Chromium: the visit waits in every
//! line whose prerequisites are met, the desk whose line calls first takes it, another desk
//! passes over the visitor while they are busy, and the payment card (after the residence
//! permit) comes last. The status page, in Arabic (right to left), lists the concerns
//! without promising an order, names the concern waited for now and the estimate for the
//! whole visit (screenshot `docs/status-page/ar-three-concerns.png`).

use fantoccini::Locator;
use lotse_protocol::{Finish, StopStatus, localized};

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};

/// The text of `css` on the page, once it is there.
async fn text(browser: &Browser, css: &str) -> String {
    browser.wait_for(css).await.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_concern_visit_moves_through_the_lines_as_they_call() {
    let server = Server::start();
    let kiosk = server.kiosk();
    let staff = server.staff().await;
    let building = kiosk.config().await.unwrap();
    let name = |service: &str| {
        let service = building.service(service).unwrap();
        localized(&service.name, "ar", "de").to_owned()
    };

    // Someone already waits for a residence permit; then the visit: tapped card, permit,
    // Jobcenter.
    let earlier = kiosk
        .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
        .await
        .unwrap();
    let visit = kiosk
        .issue_ticket(
            &issue(
                &["payment-card", "residence-permit", "jobcenter-documents"],
                "ar",
            ),
            &new_key(),
        )
        .await
        .unwrap();
    let status_of = |service: &str, ticket: &lotse_protocol::Ticket| {
        ticket
            .stops
            .iter()
            .find(|s| s.service == service)
            .map(|s| s.status)
            .unwrap()
    };
    assert_eq!(status_of("residence-permit", &visit), StopStatus::Waiting);
    assert_eq!(
        status_of("jobcenter-documents", &visit),
        StopStatus::Waiting
    );
    assert_eq!(status_of("payment-card", &visit), StopStatus::Pending);

    // The status page: the Jobcenter's empty line is the one to watch now; the concerns are
    // listed with no order promised; the whole visit has an estimate.
    let phone = Browser::start(412, 915).await;
    phone
        .client
        .goto(&format!("{}/t/{}", server.base_url, visit.token))
        .await
        .unwrap();
    let concern = text(&phone, ".moment.waiting .concern strong").await;
    assert_eq!(concern, name("jobcenter-documents"));
    let promise = text(&phone, ".each-concern").await;
    assert!(promise.contains("لكل طلب"), "{promise}");
    let whole = text(&phone, "dl.visit dd").await;
    assert!(whole.chars().any(|c| c.is_ascii_digit()), "{whole}");
    let listed = phone
        .client
        .find_all(Locator::Css("ul.stops li"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    let direction = phone
        .client
        .execute("return document.documentElement.dir", vec![])
        .await
        .unwrap();
    assert_eq!(direction, serde_json::json!("rtl"));
    phone.screenshot("ar-three-concerns").await;

    // The permit desk calls who came first; the Jobcenter calls the visit.
    let permit_desk = staff.call_next("eg-01").await.unwrap().unwrap();
    assert_eq!(permit_desk.number, earlier.number);
    let jobcenter = staff.call_next("eg-06").await.unwrap().unwrap();
    assert_eq!(jobcenter.number, visit.number);
    // Meanwhile the other permit desk passes over them: nobody else waits there.
    assert_eq!(staff.call_next("eg-02").await.unwrap(), None);
    staff.finish("eg-01", &Finish::default()).await.unwrap();
    staff.start("eg-06").await.unwrap();
    staff.finish("eg-06", &Finish::default()).await.unwrap();

    // Free again: their place in the permit line is still theirs.
    let permit = staff.call_next("eg-02").await.unwrap().unwrap();
    assert_eq!(permit.number, visit.number);
    let called = text(&phone, ".panel[data-state=called] .moment.called h1").await;
    assert!(!called.is_empty());
    staff.finish("eg-02", &Finish::default()).await.unwrap();

    // The card, which comes after the permit, joined its line with the visit's arrival.
    let now = server.client().ticket(&visit.token).await.unwrap();
    assert_eq!(status_of("payment-card", &now), StopStatus::Waiting);
    let concern = text(&phone, ".moment.waiting .concern strong").await;
    assert_eq!(concern, name("payment-card"));
    let card = staff.call_next("eg-04").await.unwrap().unwrap();
    assert_eq!(card.number, visit.number);
    staff.finish("eg-04", &Finish::default()).await.unwrap();
    let over = server.client().ticket(&visit.token).await.unwrap();
    assert_eq!(over.current_stop, None);
    assert_eq!(over.visit_estimate_minutes, None);
    text(&phone, ".panel[data-state=finished]").await;
    phone.close().await;
}
