//! `display-board --screenshot DIR`: renders typical states of the board to PNG with the
//! software renderer, without a display, from sample data.

use std::cell::Cell;
use std::path::Path;
use std::rc::Rc;

use chrono::Duration;
use lotse_slint_snapshot::Snapshotter;
use slint::ComponentHandle;

use crate::board::{Board, Input, Settings};
use crate::controller::Controller;
use crate::{BoardAdapter, BoardWindow, sample};

/// The calls of a busy morning, newest first (number, desk).
const BUSY: [(&str, &str); 10] = [
    ("A-017", "eg-02"),
    ("J-031", "room-1-05"),
    ("B-012", "eg-04"),
    ("K-004", "room-0-09"),
    ("A-016", "eg-01"),
    ("P-008", "room-1-12"),
    ("U-003", "room-0-08"),
    ("I-009", "room-1-02"),
    ("B-011", "eg-03"),
    ("J-030", "room-1-06"),
];

struct Scene {
    name: &'static str,
    portrait: bool,
    settings: Settings,
    calls: &'static [(&'static str, &'static str)],
    waiting: u32,
    /// A live call on top of the snapshot (highlighted).
    live_call: Option<(&'static str, &'static str)>,
    /// Seconds of silence from the server before the picture is taken.
    silence: i64,
}

fn scenes() -> Vec<Scene> {
    let only = |languages: &[&str]| Settings {
        languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        ..Settings::default()
    };
    let busy = |name, portrait, settings| Scene {
        name,
        portrait,
        settings,
        calls: &BUSY,
        waiting: 3,
        live_call: Some(("U-004", "room-0-08")),
        silence: 0,
    };
    vec![
        busy("landscape-busy-lobby", false, only(&["de"])),
        busy("portrait-busy-lobby", true, only(&["en"])),
        busy("landscape-arabic-line", false, only(&["ar"])),
        busy("landscape-tigrinya-line", false, only(&["ti"])),
        Scene {
            name: "landscape-floor-1",
            settings: Settings {
                zone: Some("floor-1".into()),
                ..only(&["fa"])
            },
            ..busy("", false, Settings::default())
        },
        Scene {
            name: "landscape-connection-lost",
            silence: 25,
            live_call: None,
            ..busy("", false, only(&["uk"]))
        },
        Scene {
            name: "landscape-empty",
            calls: &[],
            waiting: 0,
            live_call: None,
            ..busy("", false, only(&["de"]))
        },
    ]
}

/// Renders every scene; `scale` below 1 shrinks the images (for docs).
pub fn render_all(dir: &Path, scale: f32) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut snapshotter = Snapshotter::install(1920, 1080)?;
    let window = BoardWindow::new()?;
    window.show()?;
    let mut written = Vec::new();
    for scene in scenes() {
        let (width, height) = if scene.portrait {
            (1080, 1920)
        } else {
            (1920, 1080)
        };
        snapshotter.set_size(width, height);
        window.global::<BoardAdapter>().set_portrait(scene.portrait);
        let start = sample::noon();
        let shot_at = start + Duration::seconds(2 + scene.silence);
        let building = sample::building();
        let mut snapshot = sample::snapshot(&building, scene.calls);
        snapshot.queues = sample::queues(&building, scene.waiting);
        let time = Rc::new(Cell::new(start));
        let clock = time.clone();
        let board = Board::new(scene.settings, start);
        let controller = Controller::new(
            &window,
            board,
            Rc::new(move || clock.get()),
            Box::new(|_| {}),
        );
        controller.handle(Input::Loaded(Box::new(building), Box::new(snapshot)));
        if let Some((number, desk)) = scene.live_call {
            controller.handle(sample::call(51, number, desk, 0));
        }
        time.set(shot_at);
        controller.render();
        let path = dir.join(format!("{}.png", scene.name));
        snapshotter.save_png(&path, scale)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}
