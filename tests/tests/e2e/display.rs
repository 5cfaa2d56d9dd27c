//! The display board's client against the real server: calls made through the API reach the
//! board's model, also across a server restart, and a floor display sees only its floor.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use lotse_display_board::board::{Board, Settings, View};
use lotse_display_board::worker::{Post, follow};

use crate::util::{Server, issue, new_key};

/// A board fed by the real worker code, readable from the test.
fn board(server: &Server, zone: Option<&str>) -> Arc<Mutex<Board>> {
    let settings = Settings {
        zone: zone.map(str::to_owned),
        ..Settings::default()
    };
    let board = Arc::new(Mutex::new(Board::new(settings, Utc::now())));
    let target = board.clone();
    let post: Post = Arc::new(move |input| {
        target.lock().unwrap().handle(input, Utc::now());
    });
    tokio::spawn(follow(server.display(), zone.map(str::to_owned), post));
    board
}

fn view(board: &Arc<Mutex<Board>>) -> View {
    board.lock().unwrap().view(Utc::now())
}

/// Waits until the board shows `number` as the newest call, and returns the view.
async fn until_called(board: &Arc<Mutex<Board>>, number: &str) -> View {
    for _ in 0..200 {
        let view = view(board);
        if view.current.first().is_some_and(|c| c.number == number) {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{number} not shown within 10 s: {:?}", view(board).current);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_reach_the_board_also_across_a_server_restart() {
    let mut server = Server::start();
    let (kiosk, staff) = (server.kiosk(), server.staff().await);
    let earlier = kiosk
        .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-01").await.unwrap().unwrap();
    staff.finish("eg-01", &Default::default()).await.unwrap();

    // A board started now loads the earlier call from the snapshot.
    let lobby = board(&server, None);
    let shown = until_called(&lobby, &earlier.number).await;
    assert!(!shown.current[0].highlighted, "a snapshot call is not new");

    let ticket = kiosk
        .issue_ticket(&issue(&["payment-card"], "ar"), &new_key())
        .await
        .unwrap();
    let called = staff.call_next("eg-04").await.unwrap().unwrap();
    assert_eq!(called.number, ticket.number);
    let shown = until_called(&lobby, &ticket.number).await;
    assert!(shown.current[0].highlighted);
    assert_eq!(shown.current[0].place, "4");
    assert_eq!(shown.current[1].number, earlier.number);
    let waiting: u32 = shown.agencies.iter().map(|a| a.waiting).sum();
    assert_eq!(waiting, 0, "both tickets were called");

    // Restart the server and call at once, before the board has reconnected.
    server.restart();
    let staff = server.staff().await;
    let after = server
        .kiosk()
        .issue_ticket(&issue(&["residence-permit"], "uk"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-02").await.unwrap().unwrap();
    let shown = until_called(&lobby, &after.number).await;
    let numbers: Vec<&str> = shown.current.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, [&after.number, &ticket.number, &earlier.number]);
    assert!(shown.connection_lost_since.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_floor_display_shows_only_calls_to_its_floor() {
    let server = Server::start();
    let (kiosk, staff) = (server.kiosk(), server.staff().await);
    let upstairs = board(&server, Some("floor-1"));
    // Wait for the board's first load so both calls below arrive live.
    for _ in 0..200 {
        if !view(&upstairs).site_name.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let downstairs = kiosk
        .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-01").await.unwrap().unwrap();
    let jobcenter = kiosk
        .issue_ticket(&issue(&["job-search-help"], "de"), &new_key())
        .await
        .unwrap();
    let desk = "room-1-12";
    staff.call_next(desk).await.unwrap().unwrap();
    let shown = until_called(&upstairs, &jobcenter.number).await;
    assert!(
        shown.current.iter().all(|c| c.number != downstairs.number),
        "the ground-floor call is not shown upstairs"
    );
    assert_eq!(shown.current[0].floor, "1. OG · 1st floor");
}
