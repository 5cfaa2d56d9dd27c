//! Headless UI tests: a fake event stream (sample snapshot and call events) fed to the real
//! controller and window; what the window shows is read back through its adapter and its
//! accessible elements.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, Duration, Utc};
use i_slint_backend_testing::ElementHandle;
use lotse_display_board::board::{Board, Input, Settings};
use lotse_display_board::config::SoundConfig;
use lotse_display_board::controller::{Controller, SoundCue};
use lotse_display_board::sound::Sound;
use lotse_display_board::{BoardAdapter, BoardWindow, sample};
use lotse_voices::SpeechConfig;
use slint::{ComponentHandle, Model};

struct Wall {
    window: BoardWindow,
    controller: Rc<Controller>,
    time: Rc<Cell<DateTime<Utc>>>,
    gongs: Rc<Cell<u32>>,
}

impl Wall {
    fn new(settings: Settings) -> Wall {
        i_slint_backend_testing::init_no_event_loop();
        let window = BoardWindow::new().unwrap();
        window.show().unwrap();
        let time = Rc::new(Cell::new(sample::noon()));
        let gongs = Rc::new(Cell::new(0));
        let (clock, rung) = (time.clone(), gongs.clone());
        let controller = Controller::new(
            &window,
            Board::new(settings, sample::noon()),
            Rc::new(move || clock.get()),
            Box::new(move |cue| {
                if matches!(cue, SoundCue::Call { .. }) {
                    rung.set(rung.get() + 1);
                }
            }),
        );
        let building = sample::building();
        let mut snapshot =
            sample::snapshot(&building, &[("A-001", "eg-01"), ("J-002", "room-1-05")]);
        snapshot.queues = sample::queues(&building, 2);
        controller.handle(Input::Loaded(Box::new(building), Box::new(snapshot)));
        Wall {
            window,
            controller,
            time,
            gongs,
        }
    }

    fn later(&self, seconds: i64) {
        self.time.set(self.time.get() + Duration::seconds(seconds));
        self.controller.render();
    }

    /// (number, place, highlighted) of the large calls, then of the history.
    fn shown(&self) -> (Vec<(String, String, bool)>, Vec<String>) {
        let adapter = self.window.global::<BoardAdapter>();
        let current = adapter
            .get_current()
            .iter()
            .map(|c| (c.number.to_string(), c.place.to_string(), c.highlighted))
            .collect();
        let history = adapter
            .get_history()
            .iter()
            .map(|c| c.number.to_string())
            .collect();
        (current, history)
    }

    fn connection_marker_shown(&self) -> bool {
        ElementHandle::find_by_accessible_label(&self.window, "connection lost")
            .next()
            .is_some()
    }
}

#[test]
fn a_new_call_is_on_top_highlighted_with_a_gong_and_calms_down() {
    let wall = Wall::new(Settings::default());
    assert_eq!(wall.gongs.get(), 0, "the snapshot does not ring");
    wall.controller
        .handle(sample::call(51, "B-003", "eg-04", 0));
    let (current, _) = wall.shown();
    assert_eq!(current[0], ("B-003".into(), "4".into(), true));
    assert!(!current[1].2, "older calls are not highlighted");
    assert_eq!(wall.gongs.get(), 1);
    let label = ElementHandle::find_by_accessible_label(&wall.window, "call B-003 4")
        .next()
        .expect("the call is on the window");
    assert_eq!(label.accessible_description().as_deref(), Some("new"));
    wall.later(30);
    assert!(!wall.shown().0[0].2, "the highlight ends");
}

#[test]
fn older_calls_move_to_the_history_newest_first() {
    let wall = Wall::new(Settings {
        current: 2,
        history: 3,
        ..Settings::default()
    });
    for (n, number) in ["A-010", "A-011", "A-012", "A-013"].iter().enumerate() {
        wall.controller
            .handle(sample::call(60 + n as i64, number, "eg-01", 0));
    }
    let (current, history) = wall.shown();
    let current: Vec<&str> = current.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(current, ["A-013", "A-012"]);
    assert_eq!(history, ["A-011", "A-010", "A-001"]);
}

#[test]
fn a_floor_display_ignores_calls_to_other_zones() {
    let wall = Wall::new(Settings {
        zone: Some("floor-1".into()),
        ..Settings::default()
    });
    wall.controller
        .handle(sample::call(51, "A-020", "eg-02", 0));
    assert_eq!(wall.gongs.get(), 0);
    wall.controller
        .handle(sample::call(52, "J-021", "room-1-02", 0));
    let (current, _) = wall.shown();
    let numbers: Vec<&str> = current.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(numbers, ["J-021", "J-002"]);
    assert_eq!(wall.gongs.get(), 1);
}

#[test]
fn silence_shows_the_marker_and_contact_removes_it() {
    let wall = Wall::new(Settings::default());
    wall.later(5);
    assert!(!wall.connection_marker_shown());
    wall.later(6);
    assert!(wall.connection_marker_shown());
    let text = wall.window.global::<BoardAdapter>().get_connection_lost();
    assert!(text.contains("13:00"), "{text}");
    wall.controller.handle(Input::Contact);
    wall.later(1);
    assert!(!wall.connection_marker_shown());
}

#[test]
fn the_waiting_lines_and_the_language_line_are_shown() {
    let wall = Wall::new(Settings {
        languages: vec!["ar".into()],
        ..Settings::default()
    });
    let adapter = wall.window.global::<BoardAdapter>();
    assert_eq!(adapter.get_agencies().row_count(), 7);
    assert!(adapter.get_line_rtl());
    assert_eq!(adapter.get_line_font(), "Noto Sans Arabic");
    assert_eq!(adapter.get_line(), "يرجى الانتباه إلى رقمك");
}

#[test]
fn a_missing_voice_engine_and_player_never_stop_the_board() {
    i_slint_backend_testing::init_no_event_loop();
    let window = BoardWindow::new().unwrap();
    window.show().unwrap();
    let sound = Sound::new(
        &SoundConfig {
            enabled: true,
            volume: 50,
            command: vec!["/nonexistent/player".into()],
        },
        &SpeechConfig {
            espeak: "/nonexistent/espeak-ng".into(),
            clips: "/nonexistent/voices".into(),
            ..SpeechConfig::default()
        },
    );
    assert!(sound.speaks());
    let controller = Controller::new(
        &window,
        Board::new(Settings::default(), sample::noon()),
        Rc::new(sample::noon),
        Box::new(move |cue| sound.cue(cue)),
    );
    let building = sample::building();
    let snapshot = sample::snapshot(&building, &[("A-001", "eg-01")]);
    controller.handle(Input::Loaded(Box::new(building), Box::new(snapshot)));
    for (id, number) in [(51, "B-003"), (52, "B-004")] {
        controller.handle(sample::call(id, number, "eg-04", 0));
    }
    let adapter = window.global::<BoardAdapter>();
    let numbers: Vec<String> = adapter
        .get_current()
        .iter()
        .map(|c| c.number.to_string())
        .collect();
    assert_eq!(numbers, ["B-004", "B-003", "A-001"]);
}

#[test]
fn calls_and_waiting_lines_show_pictograms_beside_the_agency_colour() {
    let wall = Wall::new(Settings::default());
    let shows = |label: &str| {
        ElementHandle::find_by_accessible_label(&wall.window, label)
            .next()
            .is_some()
    };
    assert!(shows("pictogram A-001"), "the call's pictogram");
    assert!(shows("pictogram J-002"));
    assert!(shows("pictogram Jobcenter"), "the waiting line's pictogram");
    let adapter = wall.window.global::<BoardAdapter>();
    let first = adapter.get_agencies().row_data(0).unwrap();
    assert!(first.has_pictogram && first.pictogram.size().width > 0);
}
