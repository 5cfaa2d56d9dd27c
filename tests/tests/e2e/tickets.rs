//! Issuing tickets: numbering per agency, idempotent retries, the visitor status.

use lotse_protocol::ErrorCode;

use crate::util::{Server, issue, new_key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_count_per_agency_and_retries_return_the_same_ticket() {
    let server = Server::start();
    let kiosk = server.kiosk();

    let a1 = kiosk
        .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
        .await
        .unwrap();
    let a2 = kiosk
        .issue_ticket(&issue(&["eat-pickup"], "ar"), &new_key())
        .await
        .unwrap();
    let j1 = kiosk
        .issue_ticket(&issue(&["jobcenter-documents"], "uk"), &new_key())
        .await
        .unwrap();
    let b1 = kiosk
        .issue_ticket(
            &issue(&["payment-card", "residence-permit"], "ti"),
            &new_key(),
        )
        .await
        .unwrap();
    assert_eq!(a1.number, "A-001");
    assert_eq!(a2.number, "A-002");
    assert_eq!(j1.number, "J-001");
    assert_eq!(
        b1.number, "B-001",
        "the first concern's agency gives the prefix"
    );
    assert_eq!(b1.stops.len(), 2);
    assert_eq!(b1.current_stop, Some(0));
    assert_eq!(b1.stops[0].service, "residence-permit");
    assert_eq!(a2.people_ahead, Some(0), "eat-pickup has a line of its own");

    // The token is long and unguessable, the status URL points to the public base URL.
    assert!(a1.token.len() >= 22, "{}", a1.token);
    assert!(a1.status_url.starts_with("https://"));
    assert!(a1.status_url.ends_with(&a1.token));

    // A retry with the same key returns the same ticket, not a new number.
    let key = new_key();
    let request = issue(&["residence-permit"], "fa");
    let first = kiosk.issue_ticket(&request, &key).await.unwrap();
    let retry = kiosk.issue_ticket(&request, &key).await.unwrap();
    assert_eq!(first.number, "A-003");
    assert_eq!(
        first.people_ahead,
        Some(2),
        "A-001 and B-001 (its card comes after its permit: `after`) wait for residence-permit too"
    );
    assert_eq!(retry.number, first.number);
    assert_eq!(retry.token, first.token);
    let next = kiosk.issue_ticket(&request, &new_key()).await.unwrap();
    assert_eq!(next.number, "A-004");

    // The same key with a different request is refused.
    let other = issue(&["eat-pickup"], "fa");
    let error = kiosk.issue_ticket(&other, &key).await.unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::IdempotencyKeyReused));

    // Anyone with the token sees the ticket; nobody without it.
    let anonymous = server.client();
    let status = anonymous.ticket(&a1.token).await.unwrap();
    assert_eq!(status.number, "A-001");
    assert_eq!(status.language, "de");
    assert_eq!(status.people_ahead, Some(0));
    let missing = anonymous.ticket("not-a-real-token").await.unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::TicketNotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_add_walk_ins_and_appointments_check_in() {
    let server = Server::start();
    let staff = server.staff().await;
    let walk_in = staff
        .issue_ticket(&issue(&["naturalisation-advice"], "en"), &new_key())
        .await
        .unwrap();
    assert_eq!(walk_in.channel, lotse_protocol::Channel::WalkIn);

    // Appointment-only services are refused at the kiosk.
    let kiosk = server.kiosk();
    let refused = kiosk
        .issue_ticket(&issue(&["naturalisation-advice"], "en"), &new_key())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some(ErrorCode::AppointmentOnly));

    let booking = server
        .client()
        .with_device_token(crate::util::DEMO_BOOKING_TOKEN);
    let now = chrono::Utc::now();
    let appointments = lotse_protocol::ImportAppointments {
        appointments: vec![
            lotse_protocol::Appointment {
                code: "TERMIN-1234".into(),
                service: "naturalisation-advice".into(),
                at: now + chrono::Duration::minutes(5),
                language: Some("ar".into()),
            },
            lotse_protocol::Appointment {
                code: "TERMIN-LATE".into(),
                service: "residence-permit".into(),
                at: now - chrono::Duration::hours(2),
                language: None,
            },
            lotse_protocol::Appointment {
                code: "TERMIN-TOMORROW".into(),
                service: "residence-permit".into(),
                at: now + chrono::Duration::hours(20),
                language: None,
            },
        ],
    };
    let imported = booking.import_appointments(&appointments).await.unwrap();
    assert_eq!(imported.imported, 3);
    // A kiosk may not import appointments.
    let forbidden = kiosk.import_appointments(&appointments).await.unwrap_err();
    assert_eq!(forbidden.code(), Some(ErrorCode::Forbidden));

    let check_in = |code: &str| lotse_protocol::CheckIn {
        code: code.into(),
        language: None,
    };
    let ticket = kiosk.check_in(&check_in("TERMIN-1234")).await.unwrap();
    assert_eq!(ticket.channel, lotse_protocol::Channel::Appointment);
    assert_eq!(ticket.language, "ar");
    assert!(ticket.appointment_at.is_some());
    let again = kiosk.check_in(&check_in(" TERMIN-1234 ")).await.unwrap();
    assert_eq!(
        again.number, ticket.number,
        "scanning twice gives the same ticket"
    );

    let errors = [
        ("TERMIN-LATE", ErrorCode::AppointmentExpired),
        ("TERMIN-TOMORROW", ErrorCode::AppointmentTooEarly),
        ("NO-SUCH-CODE", ErrorCode::UnknownAppointment),
        (
            "\u{1b}[31m garbage from a scanner",
            ErrorCode::UnknownAppointment,
        ),
    ];
    for (code, expected) in errors {
        let error = kiosk.check_in(&check_in(code)).await.unwrap_err();
        assert_eq!(error.code(), Some(expected), "{code}");
    }
}
