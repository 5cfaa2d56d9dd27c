//! Display board numbers: call → screen latency (from the staff's call-next request, and from
//! the server's event time, to the updated Slint model), and the memory of the real
//! `display-board` program when idle (under Xvfb, when it is installed).
//! `cargo bench -p lotse-display-board --bench board_bench`

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use lotse_display_board::board::{Board, Input, Settings};
use lotse_display_board::controller::Controller;
use lotse_display_board::worker::{Post, Worker};
use lotse_display_board::{BoardAdapter, BoardWindow};
use lotse_protocol::{Client, IssueTicket};
use slint::{ComponentHandle, Model};

const CALLS: usize = 300;

fn percentile(samples: &mut [Duration], p: usize) -> f64 {
    samples.sort();
    samples[(samples.len() * p / 100).min(samples.len() - 1)].as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = lotse_queue_server::local::start_demo_server(&dir.path().join("bench.db")).unwrap();
    let io = tokio::runtime::Runtime::new().unwrap();
    let kiosk = Client::new(&url)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    let staff = Client::new(&url).unwrap();
    io.block_on(staff.login("staff", "lotse-demo-staff"))
        .unwrap();

    // The board on this (UI) thread, fed by the real worker through a channel.
    i_slint_backend_testing::init_no_event_loop();
    let window = BoardWindow::new().unwrap();
    window.show().unwrap();
    let controller = Controller::new(
        &window,
        Board::new(Settings::default(), Utc::now()),
        Rc::new(Utc::now),
        Box::new(|_| {}),
    );
    let (inputs_tx, inputs) = mpsc::channel::<Input>();
    let inputs_tx = Mutex::new(inputs_tx);
    let post: Post = Arc::new(move |input| {
        let _ = inputs_tx.lock().unwrap().send(input);
    });
    let display = Client::new(&url)
        .unwrap()
        .with_device_token("demo-display-token");
    let _worker = Worker::start(display, None, post).unwrap();
    let adapter = window.global::<BoardAdapter>();
    let shown_first = || {
        adapter
            .get_current()
            .row_data(0)
            .map(|c| c.number.to_string())
    };
    // Wait for the first load.
    while adapter.get_site_name().is_empty() || adapter.get_agencies().row_count() == 0 {
        controller.handle(inputs.recv_timeout(Duration::from_secs(10)).unwrap());
    }

    let (mut from_request, mut from_event) = (Vec::new(), Vec::new());
    for round in 0..CALLS {
        let request = IssueTicket {
            services: vec!["residence-permit".into()],
            language: "de".into(),
            channel: None,
            priority: false,
            interpreter: false,
        };
        let ticket = io
            .block_on(kiosk.issue_ticket(&request, &format!("bench-{round}")))
            .unwrap();
        let desk = ["eg-01", "eg-02"][round % 2];
        let requested = Instant::now();
        let called = io.block_on(staff.call_next(desk)).unwrap().unwrap();
        assert_eq!(called.number, ticket.number);
        let mut event_at = None;
        while shown_first().as_deref() != Some(ticket.number.as_str()) {
            let input = inputs.recv_timeout(Duration::from_secs(10)).unwrap();
            if let Input::Event(event) = &input
                && matches!(&event.change, lotse_protocol::Change::TicketCalled { number, .. } if *number == ticket.number)
            {
                event_at = Some(event.at);
            }
            controller.handle(input);
        }
        from_request.push(requested.elapsed());
        let event_at = event_at.unwrap();
        let since_event = (Utc::now() - event_at).to_std().unwrap_or_default();
        from_event.push(since_event);
        io.block_on(staff.finish(desk, &Default::default()))
            .unwrap();
    }
    println!(
        "call-next request → board model updated, {CALLS} calls: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&mut from_request, 50),
        percentile(&mut from_request, 99),
        percentile(&mut from_request, 100),
    );
    println!(
        "server event time → board model updated: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&mut from_event, 50),
        percentile(&mut from_event, 99),
        percentile(&mut from_event, 100),
    );
    idle_memory(&url);
}

/// Runs the real program in a virtual X display for a while and reads its memory.
fn idle_memory(url: &str) {
    let program = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("display-board"))
        .filter(|path| path.exists());
    let Some(program) = program else {
        println!(
            "idle RSS: skipped (build the binary first: cargo build --release -p lotse-display-board)"
        );
        return;
    };
    let Ok(mut xvfb) = Command::new("Xvfb")
        .args([":97", "-noreset", "-screen", "0", "1920x1080x24"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        println!("idle RSS: skipped (no Xvfb)");
        return;
    };
    std::thread::sleep(Duration::from_secs(1));
    for backend in ["winit-femtovg", "winit-software"] {
        let mut board = Command::new(&program)
            .args(["--server", url, "--token", "demo-display-token", "--mute"])
            .env("DISPLAY", ":97")
            .env("SLINT_BACKEND", backend)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(8));
        let rss = lotse_queue_server::local::rss_kib(board.id());
        println!("display-board idle after 8 s ({backend}, 1920x1080, Xvfb): RSS {rss} KiB");
        let _ = board.kill();
        let _ = board.wait();
    }
    let _ = xvfb.kill();
    let _ = xvfb.wait();
}
