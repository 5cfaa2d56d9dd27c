//! Interpreter requests in headless Chromium: a visitor asks for an Arabic interpreter at the
//! kiosk, the interpreter's page shows it live, the desk is warned that the interpreter is not
//! there yet and calls the visitor anyway, the interpreter accepts, and the desk sees who
//! accepted. Screenshots of the interpreter page and of the console go to the test output.

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};
use crate::web_staff::{click, log_in, log_in_at, text_of, text_with, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_arabic_interpreter_is_asked_for_accepted_and_seen_at_the_desk() {
    let server = Server::start();
    let base = server.base_url.clone();

    // The interpreter (demo account: Arabic, Persian, Pashto) logs in and lands on their page.
    let interpreter = Browser::start(1280, 800).await;
    let client = &interpreter.client;
    log_in(
        &interpreter,
        &base,
        ("interpreter", "lotse-demo-interpreter"),
    )
    .await;
    wait_for(&interpreter, "section.requests").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/staff/interpreter")
    );
    assert!(
        text_of(&interpreter, "section.requests")
            .await
            .contains("Keine offenen Anfragen")
    );

    // A visitor asks for an interpreter at the kiosk; the page shows it without a reload.
    let request = lotse_protocol::IssueTicket {
        interpreter: true,
        ..issue(&["residence-permit"], "ar")
    };
    let ticket = server
        .kiosk()
        .issue_ticket(&request, &new_key())
        .await
        .unwrap();
    assert_eq!(
        ticket.interpreter,
        Some(lotse_protocol::InterpreterStatus::Open)
    );
    let open = text_with(&interpreter, "section.requests", &ticket.number).await;
    assert!(
        open.contains(&ticket.number) && open.contains("Arabisch"),
        "{open}"
    );
    assert!(open.contains("Wartebereich"), "not called yet: {open}");

    // The desk is warned before calling; it calls the visitor anyway.
    let desk = Browser::start(1280, 800).await;
    log_in_at(&desk, &base, ("staff", "lotse-demo-staff"), "eg-01", false).await;
    let warning = text_of(&desk, ".alert").await;
    assert!(warning.contains("Sprachmittler noch nicht da"), "{warning}");
    wait_for(&desk, "button[data-action=call-next-except]").await;
    desk.screenshot("staff-console-interpreter-warning").await;
    click(&desk, "button[data-action=call-next]").await;
    let message = text_with(&desk, "#message:not([hidden])", &ticket.number).await;
    assert!(message.contains("aufgerufen"), "{message}");
    wait_for(&desk, ".current .ticket").await;

    // The interpreter sees where the visitor is now, and accepts.
    let placed = text_with(&interpreter, "section.requests", "Schalter 1").await;
    assert!(placed.contains("Schalter 1"), "{placed}");
    interpreter.screenshot("staff-interpreter-open").await;
    click(&interpreter, "button[data-verb=accept]").await;
    let mine = text_with(&interpreter, "section.assignment", &ticket.number).await;
    assert!(mine.contains("angenommen von interpreter"), "{mine}");
    wait_for(&interpreter, "button[data-verb=arrived]").await;
    interpreter.screenshot("staff-interpreter-accepted").await;

    // The desk sees who accepted, live.
    let state = text_with(&desk, "p.interpreter", "angenommen von").await;
    assert!(state.contains("angenommen von interpreter"), "{state}");
    desk.screenshot("staff-console-interpreter").await;

    // Arrived: the desk sees that too.
    click(&interpreter, "button[data-verb=arrived]").await;
    let state = text_with(&desk, "p.interpreter", "ist da").await;
    assert!(state.contains("interpreter ist da"), "{state}");
    let arrived = desk
        .client
        .find(Locator::Css("p.interpreter[data-interpreter=arrived]"))
        .await;
    assert!(arrived.is_ok());

    // The supervisor sees who waits in which language and which staffed desk speaks it, the
    // request with how long it waited, and the day's numbers.
    for language in ["ar", "ru", "ru"] {
        let waiting = issue(&["residence-permit"], language);
        server
            .kiosk()
            .issue_ticket(&waiting, &new_key())
            .await
            .unwrap();
    }
    let supervisor = Browser::start(1280, 800).await;
    let lead = ("supervisor", "lotse-demo-supervisor");
    log_in_at(&supervisor, &base, lead, "eg-04", false).await;
    supervisor
        .client
        .goto(&format!("{base}/staff/overview"))
        .await
        .unwrap();
    let lines = text_of(&supervisor, "section.languages").await;
    assert!(lines.contains("Russisch 2 Schalter 1"), "{lines}");
    assert!(lines.contains("Arabisch 1 keiner"), "{lines}");
    let requests = text_of(&supervisor, "section.interpreters").await;
    assert!(
        requests.contains(&ticket.number) && requests.contains("interpreter ist da"),
        "{requests}"
    );
    supervisor
        .client
        .execute(
            "document.querySelector('section.languages').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    supervisor.screenshot("staff-overview-languages").await;

    for browser in [interpreter, desk, supervisor] {
        browser.close().await;
    }
}
