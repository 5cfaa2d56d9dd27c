//! Desk work through the API: call-next order, multi-stop visits, transfer, no-show, park.

use lotse_protocol::{CallReason, ErrorCode, Finish, LinePosition, StopStatus, Transfer};

use crate::util::{Server, issue, new_key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_flow_follows_the_rules() {
    let server = Server::start();
    let kiosk = server.kiosk();
    let staff = server.staff().await;

    // Nobody waiting: 204.
    assert_eq!(staff.call_next("eg-01").await.unwrap(), None);

    // A visit with two concerns, then two single ones for the first service.
    let multi = kiosk
        .issue_ticket(
            &issue(&["residence-permit", "payment-card"], "de"),
            &new_key(),
        )
        .await
        .unwrap();
    // In a language desk eg-01 does not speak (it speaks German, English and Russian), so
    // that the plain order applies: a desk prefers its languages within a fairness bound.
    let second = kiosk
        .issue_ticket(&issue(&["residence-permit"], "ar"), &new_key())
        .await
        .unwrap();
    let card_only = kiosk
        .issue_ticket(&issue(&["payment-card"], "ru"), &new_key())
        .await
        .unwrap();

    // Longest wait first: the multi-concern visit arrived first.
    let called = staff.call_next("eg-01").await.unwrap().unwrap();
    assert_eq!(called.number, multi.number);
    assert_eq!(called.status, StopStatus::Called);
    assert!(matches!(
        called.reason,
        Some(CallReason::LongestWait { .. })
    ));
    // The status page says where to go.
    let status = server.client().ticket(&multi.token).await.unwrap();
    assert_eq!(status.called_to.as_deref(), Some("eg-01"));

    // A busy desk cannot call again.
    let busy = staff.call_next("eg-01").await.unwrap_err();
    assert_eq!(busy.code(), Some(ErrorCode::DeskBusy));

    staff.start("eg-01").await.unwrap();
    let done = staff.finish("eg-01", &Finish::default()).await.unwrap();
    assert_eq!(done.status, StopStatus::Done);

    // The visit moves on to payment-card and keeps its arrival: ahead of the later card visitor.
    let status = server.client().ticket(&multi.token).await.unwrap();
    assert_eq!(status.current_stop, Some(1));
    assert_eq!(status.stops[0].status, StopStatus::Done);
    assert_eq!(status.stops[1].status, StopStatus::Waiting);
    assert_eq!(status.people_ahead, Some(0));
    let card_status = server.client().ticket(&card_only.token).await.unwrap();
    assert_eq!(card_status.people_ahead, Some(1));
    let called = staff.call_next("eg-04").await.unwrap().unwrap();
    assert_eq!(called.number, multi.number);
    staff
        .finish(
            "eg-04",
            &Finish {
                outcome: Some("completed".into()),
            },
        )
        .await
        .unwrap();
    let status = server.client().ticket(&multi.token).await.unwrap();
    assert_eq!(status.current_stop, None, "the visit is over");

    // Transfer to another agency, to the front of its line: before the card visitor.
    let called = staff.call_next("eg-01").await.unwrap().unwrap();
    assert_eq!(called.number, second.number);
    let transfer = Transfer {
        service: "payment-card".into(),
        position: LinePosition::Front,
        note: Some("needs card replaced".into()),
    };
    staff.transfer("eg-01", &transfer).await.unwrap();
    let called = staff.call_next("eg-04").await.unwrap().unwrap();
    assert_eq!(called.number, second.number);
    assert!(matches!(
        called.reason,
        Some(CallReason::TransferredFront { .. })
    ));

    // Park and resume keep the place; the desk is free meanwhile.
    staff.park("eg-04").await.unwrap();
    let parked = server.client().ticket(&second.token).await.unwrap();
    assert_eq!(parked.stops.last().unwrap().status, StopStatus::Parked);
    let resumed = staff.resume("eg-04", &second.number).await.unwrap();
    assert_eq!(resumed.status, StopStatus::Waiting);
    let called = staff.call_next("eg-04").await.unwrap().unwrap();
    assert_eq!(
        called.number, second.number,
        "resumed ticket keeps its front place"
    );
    staff.finish("eg-04", &Finish::default()).await.unwrap();

    // No-show only after two recalls; calling the number again re-activates it.
    let called = staff.call_next("eg-05").await.unwrap().unwrap();
    assert_eq!(called.number, card_only.number);
    let early = staff.no_show("eg-05").await.unwrap_err();
    assert_eq!(early.code(), Some(ErrorCode::RecallsRequired));
    assert_eq!(staff.recall("eg-05").await.unwrap().recalls, 1);
    assert_eq!(staff.recall("eg-05").await.unwrap().recalls, 2);
    let gone = staff.no_show("eg-05").await.unwrap();
    assert_eq!(gone.status, StopStatus::NoShow);
    assert_eq!(staff.call_next("eg-05").await.unwrap(), None);
    let back = staff.call("eg-05", &card_only.number).await.unwrap();
    assert_eq!(back.reason, Some(CallReason::CalledByNumber));

    // A desk that does not serve the ticket's service cannot call it by number.
    let other = kiosk
        .issue_ticket(&issue(&["citizens-income"], "tr"), &new_key())
        .await
        .unwrap();
    let wrong = staff.call("eg-01", &other.number).await.unwrap_err();
    assert_eq!(wrong.code(), Some(ErrorCode::ServiceNotServedHere));

    // Devices cannot act at desks; unknown desks are 404.
    let forbidden = kiosk.call_next("eg-01").await.unwrap_err();
    assert_eq!(forbidden.code(), Some(ErrorCode::Forbidden));
    let unknown = staff.call_next("no-such-desk").await.unwrap_err();
    assert_eq!(unknown.code(), Some(ErrorCode::UnknownDesk));

    // The lines report counts.
    let queues = server.display().queues().await.unwrap();
    let income = queues
        .services
        .iter()
        .find(|q| q.service == "citizens-income")
        .unwrap();
    assert_eq!(income.waiting, 1);
}
