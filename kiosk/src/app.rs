//! Running the kiosk for real: window, controller, I/O worker, scanner.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use lotse_printer::service::PrinterService;
use slint::ComponentHandle;

use crate::KioskWindow;
use crate::config::KioskConfig;
use crate::controller::Controller;
use crate::flow::{Effect, Event, Flow};
use crate::read_aloud::{CommandOutput, Reader};
use crate::scanner;
use crate::worker::{Post, Worker};

thread_local! {
    /// The controller of the UI thread, for events posted from other threads.
    static CONTROLLER: RefCell<Option<Rc<Controller>>> = const { RefCell::new(None) };
}

/// Sends an event from any thread to the UI thread's controller.
fn post_to_ui() -> Post {
    Arc::new(|event: Event| {
        let posted = slint::invoke_from_event_loop(move || {
            CONTROLLER.with(|c| {
                if let Some(controller) = c.borrow().as_ref() {
                    controller.dispatch(event);
                }
            });
        });
        if posted.is_err() {
            tracing::debug!("the UI has stopped; event dropped");
        }
    })
}

/// Runs the kiosk until its window closes; `started` is when the process started, for the
/// start-up time in the log.
pub fn run(config: KioskConfig, started: std::time::Instant) -> anyhow::Result<()> {
    let window = KioskWindow::new()?;
    let mut first_frame = true;
    let notifier = window.window().set_rendering_notifier(move |state, _| {
        if first_frame && matches!(state, slint::RenderingState::AfterRendering) {
            first_frame = false;
            tracing::info!(
                milliseconds = started.elapsed().as_millis() as u64,
                "first frame shown"
            );
        }
    });
    if let Err(error) = notifier {
        tracing::debug!(%error, "this renderer reports no frames");
    }
    if config.landscape {
        window
            .window()
            .set_size(slint::LogicalSize::new(1920.0, 1080.0));
    }
    let mut flow = Flow::new("de", &uuid::Uuid::new_v4().to_string());
    flow.idle_limit = config.idle_seconds;
    flow.done_limit = config.done_seconds;
    flow.read_aloud_default = config.read_aloud;
    flow.read_aloud = config.read_aloud;
    let controller = Controller::new(&window, flow, config.languages.clone());
    let reader = Rc::new(start_reader(&config)?);
    let speaks = reader.clone();
    controller.set_speaks(Box::new(move |language| speaks.speaks(language)));
    CONTROLLER.with(|c| *c.borrow_mut() = Some(controller.clone()));

    let client = lotse_protocol::server_ca::device_client(
        &config.server_url,
        crate::worker::SERVER_DEADLINES,
        config.server_ca.as_deref(),
    )?
    .with_device_token(&config.device_token);
    let profile = config.profile()?;
    let printer = config
        .transport()?
        .map(|transport| PrinterService::start_with(transport, profile.realtime_status));
    if printer.is_none() {
        tracing::warn!("no printer configured: tickets are shown on screen only");
    }
    let worker = Rc::new(Worker::start(client, printer, profile, post_to_ui())?);
    let runner = worker.clone();
    controller.set_runner(Box::new(move |effect| match effect {
        Effect::Speak(scripts) => reader.say(scripts),
        Effect::StopSpeaking => reader.stop(),
        effect => runner.run(effect),
    }));

    if let Some(scanner) = config.scanner.clone() {
        let post = post_to_ui();
        std::thread::Builder::new()
            .name("lotse-scanner".into())
            .spawn(move || {
                let result = scanner::read_serial(&scanner.path, scanner.baud, |line| {
                    match scanner::clean_code(&line) {
                        Some(code) => post(Event::Scanned(code)),
                        None => tracing::warn!("scanner sent nothing usable"),
                    }
                });
                if let Err(error) = result {
                    tracing::error!(%error, path = %scanner.path, "barcode scanner stopped");
                }
            })?;
    }

    let _ticks = controller.start_ticks();
    window.run()?;
    CONTROLLER.with(|c| *c.borrow_mut() = None);
    Ok(())
}

/// The reader with a voice for every language (those that cannot be loaded are left out and
/// shown muted); with speech switched off, a reader with no voice says nothing.
fn start_reader(config: &KioskConfig) -> std::io::Result<Reader> {
    let voices = if config.speech.enabled {
        config
            .speech
            .build_voices(lotse_protocol::languages::codes())
    } else {
        Default::default()
    };
    Reader::start(
        voices,
        Box::new(CommandOutput::new(config.audio_player.clone())),
        config.speech.volume,
    )
}
