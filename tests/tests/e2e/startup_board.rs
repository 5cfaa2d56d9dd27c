//! The wall display started as users start it: `display-board --server URL --token TOKEN` on
//! a virtual display, with speech on (the default) and off. It must stay alive, and a call
//! made at a desk must appear on its window: the board logs the calls its window holds, and
//! the screenshot changes where the mirrored layout places that call.

use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

use chrono::Utc;
use i_slint_backend_testing::ElementQuery;
use lotse_display_board::BoardWindow;
use lotse_display_board::board::{Board, Input, Settings};
use lotse_display_board::controller::Controller;
use lotse_protocol::{Building, DisplaySnapshot};
use slint::ComponentHandle;

use crate::programs::{Area, Program, VirtualDisplay, binary, changed_share};
use crate::util::{DEMO_DISPLAY_TOKEN, Server, issue, new_key, screenshot_dir};

const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1080;

#[test]
fn display_board_with_speech_starts_and_shows_a_call() {
    board_starts_and_shows_a_call("speech", "");
}

#[test]
fn display_board_without_speech_starts_and_shows_a_call() {
    board_starts_and_shows_a_call("no-speech", "[speech]\nenabled = false\n");
}

fn board_starts_and_shows_a_call(variant: &str, config: &str) {
    let server = Server::start();
    let display = VirtualDisplay::start(WIDTH, HEIGHT);
    let config_path = server.dir.path().join("display.toml");
    std::fs::write(&config_path, config).expect("display config");
    let mut command = Command::new(binary("display-board"));
    command
        .arg("--config")
        .arg(&config_path)
        .args(["--server", &server.base_url, "--token", DEMO_DISPLAY_TOKEN])
        .env("DISPLAY", &display.name);
    let mut board = Program::start("display-board", command, server.dir.path());
    display.window(&mut board, "Lotse", Duration::from_secs(30));
    board.assert_alive_after_start_period();

    let shots = screenshot_dir();
    let before = display.screenshot(&shots.join(format!("startup-board-{variant}-before.png")));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (called, building, snapshot) = runtime.block_on(async {
        server
            .kiosk()
            .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
            .await
            .expect("a ticket");
        let staff = server.staff().await;
        let called = staff
            .call_next("eg-01")
            .await
            .expect("call")
            .expect("a ticket");
        let display_client = server.display();
        let building = display_client.config().await.expect("config");
        let snapshot = display_client.display(None).await.expect("snapshot");
        (called, building, snapshot)
    });
    let line = board.wait_for_line(&format!("calls={}", called.number), Duration::from_secs(15));
    assert!(line.contains("calls on screen"), "{line}");
    // Let the highlight's first frame be drawn before the picture is taken.
    std::thread::sleep(Duration::from_secs(1));
    let after_path = shots.join(format!("startup-board-{variant}-called.png"));
    let after = display.screenshot(&after_path);

    let area = area_of_call(building, snapshot, &called.number);
    let share = changed_share(&before, &after, area);
    assert!(
        share > 0.05,
        "the called area {area:?} hardly changed ({:.1} %); see {}",
        share * 100.0,
        after_path.display()
    );
    board.assert_alive();
}

/// Where the board's layout places the call of `number`, from the same window driven by the
/// same controller in the test (Slint's testing backend), at the real window's size.
fn area_of_call(building: Building, snapshot: DisplaySnapshot, number: &str) -> Area {
    i_slint_backend_testing::init_no_event_loop();
    let window = BoardWindow::new().expect("board window");
    window
        .window()
        .set_size(slint::PhysicalSize::new(WIDTH, HEIGHT));
    window.show().expect("show");
    let board = Board::new(Settings::default(), Utc::now());
    let controller = Controller::new(&window, board, Rc::new(Utc::now), Box::new(|_| {}));
    controller.handle(Input::Loaded(Box::new(building), Box::new(snapshot)));
    let prefix = format!("call {number} ");
    let element = ElementQuery::from_root(&window)
        .match_predicate(move |element| {
            element
                .accessible_label()
                .is_some_and(|label| label.starts_with(&prefix))
        })
        .find_first()
        .unwrap_or_else(|| panic!("the board's layout has no call {number}"));
    let (position, size) = (element.absolute_position(), element.size());
    Area {
        x: position.x.max(0.0) as u32,
        y: position.y.max(0.0) as u32,
        width: size.width as u32,
        height: size.height as u32,
    }
}
