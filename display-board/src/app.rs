//! Running the board for real: window, controller, sound (gong and voice) and the I/O worker.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use chrono::Utc;
use lotse_protocol::Client;
use slint::ComponentHandle;

use crate::BoardWindow;
use crate::board::{Board, Input};
use crate::config::DisplayConfig;
use crate::controller::{Controller, OnSound};
use crate::recorded_voices;
use crate::sound::Sound;
use crate::worker::{Post, Worker};

thread_local! {
    /// The controller of the UI thread, for inputs posted from the worker.
    static CONTROLLER: RefCell<Option<Rc<Controller>>> = const { RefCell::new(None) };
}

fn post_to_ui() -> Post {
    Arc::new(|input: Input| {
        let posted = slint::invoke_from_event_loop(move || {
            CONTROLLER.with(|c| {
                if let Some(controller) = c.borrow().as_ref() {
                    controller.handle(input);
                }
            });
        });
        if posted.is_err() {
            tracing::debug!("the UI has stopped; input dropped");
        }
    })
}

/// Fetches the voices recorded on the server before the voices load, within a few seconds
/// (a server that is down costs the start no more).
fn fetch_recorded_voices(client: &Client, config: &DisplayConfig) {
    let Ok(table) = lotse_voices::PhraseTable::embedded() else {
        return;
    };
    let languages: Vec<&str> = table.languages().collect();
    let languages = recorded_voices::from_server(&config.speech, &languages);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let Ok(runtime) = runtime else { return };
    // The deadline's timer is created inside the runtime: `tokio::time::timeout` needs a
    // running runtime when it is called, not only when it is polled.
    let fetching = async {
        let fetch = recorded_voices::fetch(client, &config.speech.clips, &languages);
        tokio::time::timeout(RECORDED_VOICES_DEADLINE, fetch).await
    };
    if runtime.block_on(fetching).is_err() {
        tracing::warn!("the recorded voices took too long to fetch; the last ones are spoken");
    }
}

/// How long the start waits for the recorded voices at most.
const RECORDED_VOICES_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the board until its window closes.
pub fn run(config: DisplayConfig) -> anyhow::Result<()> {
    config.check()?;
    let window = BoardWindow::new()?;
    window
        .global::<crate::BoardAdapter>()
        .set_portrait(config.portrait);
    let size = if config.portrait {
        slint::LogicalSize::new(1080.0, 1920.0)
    } else {
        slint::LogicalSize::new(1920.0, 1080.0)
    };
    window.window().set_size(size);
    window.window().set_fullscreen(config.fullscreen);

    let client = lotse_protocol::server_ca::device_client(
        &config.server_url,
        lotse_protocol::Deadlines::default(),
        config.server_ca.as_deref(),
    )?
    .with_device_token(&config.device_token);
    if config.sound.enabled && config.speech.enabled {
        fetch_recorded_voices(&client, &config);
    }
    let sound = Sound::new(&config.sound, &config.speech);
    let on_sound: OnSound = Box::new(move |cue| sound.cue(cue));
    let board = Board::new(config.settings(), Utc::now());
    let controller = Controller::new(&window, board, Rc::new(Utc::now), on_sound);
    CONTROLLER.with(|c| *c.borrow_mut() = Some(controller.clone()));

    let _worker = Worker::start(client, config.zone.clone(), post_to_ui())?;
    let _ticks = controller.start_ticks();
    window.run()?;
    CONTROLLER.with(|c| *c.borrow_mut() = None);
    Ok(())
}
