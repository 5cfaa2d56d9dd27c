//! The feedback question on the visitor status page in headless Chromium with JavaScript
//! off: a visit finished at a desk, the status page asks in Arabic (right to left) "How was
//! your visit?"; the visitor picks a face, writes a comment and sends the plain form; the
//! page then only thanks them. Screenshots go to the test output folder.

use fantoccini::Locator;
use lotse_protocol::Finish;

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};
use crate::web_staff::{click, text_of, type_into};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feedback_question_in_arabic_works_without_javascript() {
    let server = Server::start();
    let ticket = server
        .kiosk()
        .issue_ticket(&issue(&["residence-permit"], "ar"), &new_key())
        .await
        .unwrap();
    let staff = server.staff().await;
    staff.call_next("eg-01").await.unwrap().unwrap();
    staff.start("eg-01").await.unwrap();
    staff.finish("eg-01", &Finish::default()).await.unwrap();

    let phone = Browser::start_with(412, 915, &["--blink-settings=scriptEnabled=false"]).await;
    let status_page = format!("{}/t/{}", server.base_url, ticket.token);
    phone.client.goto(&status_page).await.unwrap();
    assert_eq!(
        text_of(&phone, "form.feedback legend").await,
        "كيف كانت زيارتك؟"
    );
    let dir = phone
        .client
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("dir")
        .await
        .unwrap();
    assert_eq!(dir.as_deref(), Some("rtl"));
    click(&phone, "label.face:nth-of-type(4)").await;
    phone.screenshot("status-feedback-ar").await;
    type_into(&phone, "#feedback-comment", "شكرًا، كان الموظف لطيفًا").await;
    click(&phone, "form.feedback button[type=submit]").await;
    let thanks = text_of(&phone, ".feedback-thanks").await;
    assert_eq!(thanks, "شكرًا لك على ملاحظاتك!");
    assert_eq!(
        phone.client.current_url().await.unwrap().as_str(),
        status_page
    );
    assert!(
        phone
            .client
            .find(Locator::Css("form.feedback"))
            .await
            .is_err(),
        "asked once"
    );
    phone.screenshot("status-feedback-ar-thanks").await;
    phone.close().await;
}
