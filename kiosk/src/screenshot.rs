//! `kiosk --screenshot DIR`: renders every screen in every language (and the fault screens)
//! to PNG with the software renderer, without a display, from sample data.

use std::path::Path;

use lotse_slint_snapshot::Snapshotter;
use slint::ComponentHandle;

use crate::KioskWindow;
use crate::controller::Controller;
use crate::demo_data;
use crate::flow::{Event, Flow, IssueFailure};
use lotse_protocol::PrinterCondition;
use lotse_protocol::languages::LANGUAGES;

/// The states to show, each set up by a list of events from a fresh Welcome screen.
fn scenes(language: &str) -> Vec<(&'static str, Vec<Event>)> {
    let building = demo_data::building();
    let queues = Box::new(demo_data::queues(&building));
    let chosen = ["residence-permit".to_string(), "payment-card".to_string()];
    let ticket = Box::new(demo_data::ticket(&building, &chosen, language));
    let choose = vec![
        Event::ChooseLanguage(language.into()),
        Event::QueuesLoaded(queues.clone()),
    ];
    let with_concerns = [
        choose.clone(),
        vec![
            Event::OpenAgency("immigration".into()),
            Event::ToggleService("residence-permit".into()),
            Event::OpenAgency("asylum-benefits".into()),
            Event::ToggleService("payment-card".into()),
            Event::OpenAgency("immigration".into()),
        ],
    ]
    .concat();
    let confirm = [
        with_concerns.clone(),
        vec![Event::ToConfirm, Event::QueuesLoaded(queues)],
    ]
    .concat();
    let printing = [confirm.clone(), vec![Event::Print]].concat();
    vec![
        ("1-welcome", vec![]),
        // The speaker control switched on: "Read aloud" in every language.
        ("1-welcome-read-aloud", vec![Event::ToggleReadAloud]),
        // Wheelchair users: everything in the lower part, with large text the tightest case.
        (
            "1-welcome-lower-screen",
            vec![Event::ToggleLowerScreen, Event::ToggleLargeText],
        ),
        ("2-agencies", choose),
        ("3-services", with_concerns),
        ("4-confirm", confirm.clone()),
        (
            "4-confirm-interpreter",
            [confirm, vec![Event::ToggleInterpreter]].concat(),
        ),
        ("5-printing", printing.clone()),
        (
            "6-done",
            [
                printing.clone(),
                vec![Event::TicketIssued(ticket.clone()), Event::Printed],
            ]
            .concat(),
        ),
        (
            "7-paper-out",
            [
                vec![Event::PrinterChecked(PrinterCondition::PaperOut)],
                printing.clone(),
                vec![Event::TicketIssued(ticket)],
            ]
            .concat(),
        ),
        (
            "9-no-answer",
            [
                printing,
                vec![Event::IssueFailed(IssueFailure::ServerUnreachable)],
            ]
            .concat(),
        ),
        (
            "8-appointment",
            vec![
                Event::OpenAppointment,
                Event::KeypadKey("T".into()),
                Event::KeypadKey("4".into()),
                Event::KeypadKey("2".into()),
            ],
        ),
    ]
}

/// Renders every scene in every language; `scale` below 1 shrinks the images (for docs).
pub fn render_all(
    dir: &Path,
    languages: &[String],
    landscape: bool,
    scale: f32,
) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let (width, height) = if landscape {
        (1920, 1080)
    } else {
        (1080, 1920)
    };
    let mut snapshotter = Snapshotter::install(width, height)?;
    let ui = KioskWindow::new()?;
    snapshotter.set_size(width, height);
    ui.show()?;
    let mut written = Vec::new();
    let codes: Vec<String> = if languages.is_empty() {
        LANGUAGES.iter().map(|l| l.code.to_string()).collect()
    } else {
        languages.to_vec()
    };
    let orientation = if landscape { "landscape" } else { "portrait" };
    for language in &codes {
        for (name, events) in scenes(language) {
            let controller = Controller::new(&ui, Flow::new("de", "screenshot"), Vec::new());
            // As with the default voices: espeak-ng's languages, no clip packs installed.
            controller.set_speaks(Box::new(|code| {
                lotse_protocol::languages::language(code)
                    .is_some_and(|l| l.speech == lotse_protocol::languages::SpeechBackend::Espeak)
            }));
            controller.dispatch(Event::ServerUp(Box::new(demo_data::building())));
            if let Err(error) = slint::select_bundled_translation("de") {
                tracing::warn!(%error, "no German translation");
            }
            for event in events {
                controller.dispatch(event);
            }
            let path = dir.join(format!("{orientation}-{language}-{name}.png"));
            snapshotter.save_png(&path, scale)?;
            written.push(path.display().to_string());
        }
    }
    // The fault screen needs no language.
    let controller = Controller::new(&ui, Flow::new("de", "screenshot"), Vec::new());
    controller.dispatch(Event::ServerDown);
    let path = dir.join(format!("{orientation}-out-of-service.png"));
    snapshotter.save_png(&path, scale)?;
    written.push(path.display().to_string());
    Ok(written)
}
