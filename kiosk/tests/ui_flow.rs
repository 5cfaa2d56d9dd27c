//! Headless UI tests: the whole visitor flow driven through accessible labels, with a fake
//! queue server (answers computed here) and a recording printer fed by the real layout.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use i_slint_backend_testing::ElementHandle;
use lotse_kiosk::controller::Controller;
use lotse_kiosk::flow::{Effect, Event, Flow, IssueFailure, Problem};
use lotse_kiosk::{KioskAdapter, KioskWindow, Screen, Strings, demo_data, ticket_print, worker};
use lotse_printer::raster::TextRenderer;
use lotse_printer::transport::{RecordingTransport, print_job};
use lotse_printer::{PrinterProfile, PrinterStatus, encode_ticket};
use lotse_protocol::{IssueTicket, PrinterCondition};
use slint::{ComponentHandle, Model};

/// What the fake server and printer saw, and how they behave.
#[derive(Default)]
struct Fakes {
    issued: Vec<(IssueTicket, String)>,
    server_down: bool,
    /// What the reader was told: the languages of each `Speak`, or `None` for a stop.
    spoken: Vec<Option<Vec<String>>>,
}

struct Kiosk {
    window: KioskWindow,
    controller: Rc<Controller>,
    fakes: Rc<RefCell<Fakes>>,
    printer: RecordingTransport,
}

fn kiosk() -> Kiosk {
    // One testing platform per test thread, so tests run in parallel.
    i_slint_backend_testing::init_no_event_loop();
    let window = KioskWindow::new().unwrap();
    // A shown window keeps its conditional parts (screens, lists) up to date.
    window.show().unwrap();
    let controller = Controller::new(&window, Flow::new("de", "test"), Vec::new());
    let fakes = Rc::new(RefCell::new(Fakes::default()));
    let printer = RecordingTransport::new();
    let weak: Weak<Controller> = Rc::downgrade(&controller);
    let (seen, paper) = (fakes.clone(), printer.clone());
    let building = demo_data::building();
    let renderer = RefCell::new(TextRenderer::new());
    controller.set_runner(Box::new(move |effect| {
        let Some(controller) = weak.upgrade() else {
            return;
        };
        let reply = match effect {
            Effect::SelectLanguage(_) | Effect::ReportPrinter(_) => None,
            Effect::Speak(scripts) => {
                let languages = scripts.into_iter().map(|s| s.language).collect();
                seen.borrow_mut().spoken.push(Some(languages));
                None
            }
            Effect::StopSpeaking => {
                seen.borrow_mut().spoken.push(None);
                None
            }
            Effect::LoadQueues => Some(Event::QueuesLoaded(Box::new(demo_data::queues(&building)))),
            Effect::IssueTicket { request, key } => {
                let mut fakes = seen.borrow_mut();
                fakes.issued.push((request.clone(), key));
                Some(if fakes.server_down {
                    Event::IssueFailed(IssueFailure::ServerUnreachable)
                } else {
                    let ticket = demo_data::ticket(&building, &request.services, &request.language);
                    Event::TicketIssued(Box::new(ticket))
                })
            }
            Effect::CheckIn { code, language } => Some(if code == "TERMIN-42" {
                let ticket = demo_data::ticket(&building, &["residence-permit".into()], &language);
                Event::CheckedIn(Box::new(ticket))
            } else {
                Event::CheckInFailed(Problem::CodeUnknown)
            }),
            Effect::Print { ticket } => {
                let print = ticket_print::ticket_print(&ticket, &building);
                let bytes = encode_ticket(
                    &print,
                    &PrinterProfile::epson_80mm(),
                    &mut renderer.borrow_mut(),
                )
                .unwrap();
                let mut transport = paper.clone();
                Some(match print_job(&mut transport, &bytes) {
                    Ok(()) => Event::Printed,
                    Err(error) => Event::PrintFailed(worker::printer_state(&error)),
                })
            }
        };
        if let Some(event) = reply {
            controller.dispatch(event);
        }
    }));
    controller.dispatch(Event::ServerUp(Box::new(demo_data::building())));
    Kiosk {
        window,
        controller,
        fakes,
        printer,
    }
}

impl Kiosk {
    fn tap(&self, label: &str) {
        let element = ElementHandle::find_by_accessible_label(&self.window, label)
            .next()
            .unwrap_or_else(|| panic!("nothing labelled \"{label}\" on {:?}", self.screen()));
        element.invoke_accessible_default_action();
    }

    fn screen(&self) -> Screen {
        self.window.global::<KioskAdapter>().get_screen()
    }

    /// Whether a text element shows exactly `text` (a text's accessible label is its text).
    fn shows(&self, text: &str) -> bool {
        ElementHandle::find_by_accessible_label(&self.window, text)
            .next()
            .is_some()
    }

    fn shown_number(&self) -> String {
        ElementHandle::find_by_accessible_label(&self.window, "ticket number")
            .next()
            .and_then(|e| e.accessible_value())
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    /// Seconds pass (the window's timer sends one tick per second).
    fn wait(&self, seconds: u32) {
        for _ in 0..seconds {
            self.controller.dispatch(Event::Tick);
        }
    }

    fn choose(&self, agency: &str, service: &str) {
        self.tap(&format!("agency {agency}"));
        self.tap(&format!("service {service}"));
        self.tap("back");
    }
}

#[test]
fn single_concern_ticket_is_printed_and_shown() {
    let k = kiosk();
    assert_eq!(k.screen(), Screen::Welcome);
    k.tap("language de");
    assert_eq!(k.screen(), Screen::Concerns);
    k.choose("immigration", "residence-permit");
    k.tap("next");
    assert_eq!(k.screen(), Screen::Confirm);
    k.tap("print");
    assert_eq!(k.screen(), Screen::Done);
    assert_eq!(k.shown_number(), "A-042");
    assert_eq!(k.printer.jobs(), 1);
    let printed = k.printer.received();
    assert!(
        printed.windows(5).any(|w| w == b"A-042"),
        "the number is on paper"
    );
    let issued = &k.fakes.borrow().issued;
    assert_eq!(issued[0].0.services, vec!["residence-permit"]);
    let strings = k.window.global::<Strings>();
    assert!(k.shows(&strings.get_wait_hint()));
    assert!(!k.shows(&strings.get_each_concern_called()));
    assert_eq!(k.window.global::<KioskAdapter>().get_visit_minutes(), -1);
    assert_eq!(issued[0].0.language, "de");
}

#[test]
fn several_concerns_make_one_ticket_and_can_be_removed() {
    let k = kiosk();
    k.tap("language en");
    k.choose("immigration", "residence-permit");
    k.choose("asylum-benefits", "payment-card");
    k.choose("jobcenter", "jobcenter-documents");
    k.tap("remove jobcenter-documents");
    // Closed and appointment-only services cannot be chosen.
    k.tap("agency immigration");
    k.tap("service address-change");
    k.tap("service naturalisation-advice");
    k.tap("back");
    k.tap("next");
    k.tap("print");
    assert_eq!(k.screen(), Screen::Done);
    let issued = &k.fakes.borrow().issued;
    assert_eq!(issued.len(), 1, "one touch, one ticket");
    assert_eq!(
        issued[0].0.services,
        vec!["residence-permit", "payment-card"]
    );
    // No order is promised, and the whole visit has an estimate.
    let strings = k.window.global::<Strings>();
    assert!(k.shows(&strings.get_each_concern_called()));
    assert!(!k.shows(&strings.get_wait_hint()));
    let whole = format!(
        "{}: {}",
        strings.get_whole_visit(),
        strings.invoke_about_minutes(75)
    );
    assert!(k.shows(&whole), "{whole}");
}

#[test]
fn appointment_check_in_by_keypad_and_unknown_code() {
    let k = kiosk();
    k.tap("appointment");
    assert_eq!(k.screen(), Screen::Appointment);
    for key in ["T", "E", "R", "M", "I", "N"] {
        k.tap(&format!("key {key}"));
    }
    k.tap("check in");
    assert_eq!(k.screen(), Screen::Appointment);
    assert_eq!(
        k.window.global::<KioskAdapter>().get_problem(),
        lotse_kiosk::Problem::CodeUnknown
    );
    for key in ["-", "4", "2"] {
        k.tap(&format!("key {key}"));
    }
    k.tap("check in");
    assert_eq!(k.screen(), Screen::Done);
    assert_eq!(k.shown_number(), "A-042");
    assert_eq!(k.printer.jobs(), 1);
}

#[test]
fn arabic_mirrors_the_layout_and_translates_the_interface() {
    let k = kiosk();
    let strings = k.window.global::<Strings>();
    assert_eq!(
        strings.get_next(),
        "Weiter",
        "German before a language is chosen"
    );
    k.tap("language ar");
    let adapter = k.window.global::<KioskAdapter>();
    assert!(adapter.get_rtl());
    assert_eq!(adapter.get_font(), "Noto Sans Arabic");
    assert_eq!(strings.get_next(), "التالي");
    k.tap("agency immigration");
    let services = adapter.get_services();
    let first = slint::Model::row_data(&services, 0).unwrap();
    assert_eq!(first.name, "تمديد الإقامة");
    // An appointment-only service offers its booking address as a QR code; open ones do not.
    let rows: Vec<_> = slint::Model::iter(&services).collect();
    let by_appointment = rows
        .iter()
        .find(|s| s.id == "naturalisation-advice")
        .unwrap();
    assert_eq!(by_appointment.availability, "appointment-only");
    assert!(by_appointment.booking_qr.size().width > 100);
    assert_eq!(first.booking_qr.size().width, 0);
    let qr = ElementHandle::find_by_accessible_label(&k.window, "booking QR naturalisation-advice");
    assert_eq!(qr.count(), 1);
}

#[test]
fn idle_kiosk_forgets_the_visitor() {
    let k = kiosk();
    k.tap("language ar");
    k.choose("immigration", "residence-permit");
    k.wait(59);
    assert_eq!(k.screen(), Screen::Concerns, "still within the idle time");
    k.tap("agency jobcenter");
    k.wait(59);
    assert_eq!(
        k.screen(),
        Screen::Concerns,
        "a touch restarts the idle time"
    );
    k.wait(1);
    assert_eq!(k.screen(), Screen::Welcome);
    assert!(k.controller.flow().chosen.is_empty());
    assert_eq!(k.controller.flow().language, "de");
    assert!(!k.window.global::<KioskAdapter>().get_rtl());
}

#[test]
fn server_down_shows_out_of_service_and_recovers() {
    let k = kiosk();
    k.controller.dispatch(Event::ServerDown);
    assert_eq!(k.screen(), Screen::OutOfService);
    // Touches do nothing while out of service.
    assert!(
        ElementHandle::find_by_accessible_label(&k.window, "language de")
            .next()
            .is_none()
    );
    k.controller
        .dispatch(Event::ServerUp(Box::new(demo_data::building())));
    assert_eq!(k.screen(), Screen::Welcome);

    // A request that gets no answer tells the visitor and keeps the choice, with a way on
    // (print again: same key, so never two tickets); the health check's verdict that the
    // server is down then takes the kiosk out of service.
    k.tap("language de");
    k.choose("immigration", "residence-permit");
    k.tap("next");
    k.fakes.borrow_mut().server_down = true;
    k.tap("print");
    assert_eq!(k.screen(), Screen::Confirm);
    assert!(
        ElementHandle::find_by_accessible_label(&k.window, "no-answer")
            .next()
            .is_some(),
        "the visitor is told the system did not answer"
    );
    assert_eq!(k.fakes.borrow().issued.len(), 1);
    k.controller.dispatch(Event::ServerDown);
    assert_eq!(k.screen(), Screen::OutOfService);
}

#[test]
fn paper_out_still_gives_the_number_on_screen() {
    let k = kiosk();
    k.printer.set_status(PrinterStatus {
        paper_out: true,
        ..Default::default()
    });
    k.tap("language uk");
    k.choose("immigration", "residence-permit");
    k.tap("next");
    k.tap("print");
    assert_eq!(k.screen(), Screen::Done);
    assert_eq!(k.shown_number(), "A-042");
    assert_eq!(
        k.window.global::<KioskAdapter>().get_problem(),
        lotse_kiosk::Problem::Printer
    );
    assert_eq!(
        k.printer.jobs(),
        0,
        "nothing sent to a printer without paper"
    );
    assert_eq!(k.controller.flow().printer, PrinterCondition::PaperOut);
    // The next visitor is not sent to the printer until it is back.
    k.tap("finish");
    k.tap("language de");
    k.choose("immigration", "residence-permit");
    k.tap("next");
    k.tap("print");
    assert_eq!(k.printer.jobs(), 0);
    k.controller
        .dispatch(Event::PrinterChecked(PrinterCondition::Ready));
    assert_eq!(k.controller.flow().printer, PrinterCondition::Ready);
}

#[test]
fn an_arabic_visitor_can_ask_for_an_interpreter_on_confirm() {
    let k = kiosk();
    k.tap("language ar");
    let adapter = k.window.global::<KioskAdapter>();
    assert!(adapter.get_rtl());
    k.choose("immigration", "residence-permit");
    k.tap("next");
    assert_eq!(k.screen(), Screen::Confirm);
    let strings = k.window.global::<Strings>();
    assert_eq!(strings.get_want_interpreter(), "أرغب في مترجم فوري");
    assert!(adapter.get_interpreter_offered());
    assert!(!adapter.get_interpreter(), "off by default");
    k.tap("interpreter");
    assert!(adapter.get_interpreter());
    k.tap("print");
    let (request, _) = k.fakes.borrow().issued.last().cloned().unwrap();
    assert!(request.interpreter, "{request:?}");
    assert_eq!(request.language, "ar");
    assert_eq!(k.screen(), Screen::Done);
    // The next visitor starts without it.
    k.tap("finish");
    assert!(!adapter.get_interpreter());
}

#[test]
fn german_visitors_are_not_offered_an_interpreter() {
    let k = kiosk();
    k.tap("language de");
    k.choose("immigration", "residence-permit");
    k.tap("next");
    assert_eq!(k.screen(), Screen::Confirm);
    assert!(!k.window.global::<KioskAdapter>().get_interpreter_offered());
    let offered = ElementHandle::find_by_accessible_label(&k.window, "interpreter").count();
    assert_eq!(offered, 0);
    k.controller.dispatch(Event::ToggleInterpreter);
    k.tap("print");
    let (request, _) = k.fakes.borrow().issued.last().cloned().unwrap();
    assert!(!request.interpreter);
}

#[test]
fn waits_and_places_in_line_take_the_languages_plural_and_zero_forms() {
    let k = kiosk();
    let strings = k.window.global::<Strings>();
    assert_eq!(strings.invoke_about_minutes(1), "etwa 1 Minute");
    assert_eq!(strings.invoke_about_minutes(0), "weniger als eine Minute");
    assert_eq!(strings.invoke_people_ahead(0), "Sie sind als Nächstes dran");
    k.tap("language ar");
    assert_eq!(strings.invoke_about_minutes(2), "حوالي دقيقتين");
    assert_eq!(strings.invoke_about_minutes(5), "حوالي 5 دقائق");
    assert_eq!(strings.invoke_about_minutes(11), "حوالي 11 دقيقة");
    slint::select_bundled_translation("ru").unwrap();
    assert_eq!(strings.invoke_about_minutes(1), "около 1 минуты");
    assert_eq!(strings.invoke_about_minutes(3), "около 3 минут");
    assert_eq!(strings.invoke_about_minutes(25), "около 25 минут");
}

fn shown(k: &Kiosk, label: &str) -> usize {
    ElementHandle::find_by_accessible_label(&k.window, label).count()
}

#[test]
fn concern_tiles_and_confirm_show_pictograms_instead_of_letters() {
    let k = kiosk();
    k.tap("language ar");
    for agency in ["immigration", "jobcenter", "youth-welfare"] {
        assert_eq!(shown(&k, &format!("pictogram {agency}")), 1, "{agency}");
        assert_eq!(shown(&k, &format!("letter {agency}")), 0, "{agency}");
    }
    let agencies = k.window.global::<KioskAdapter>().get_agencies();
    let jobcenter = slint::Model::row_data(&agencies, 3).unwrap();
    assert_eq!(jobcenter.id, "jobcenter");
    assert!(jobcenter.pictogram.size().width > 0, "the SVG is drawn");
    k.tap("agency jobcenter");
    assert_eq!(shown(&k, "pictogram citizens-income"), 1);
    k.tap("service citizens-income");
    k.tap("back");
    k.tap("next");
    assert_eq!(k.screen(), Screen::Confirm);
    assert_eq!(shown(&k, "pictogram citizens-income"), 1);
    assert_eq!(shown(&k, "letter citizens-income"), 0);
}

#[test]
fn an_agency_without_a_pictogram_keeps_its_letter() {
    let k = kiosk();
    let mut building = demo_data::building();
    let jobcenter = building
        .agencies
        .iter_mut()
        .find(|a| a.id == "jobcenter")
        .unwrap();
    jobcenter.icon = None;
    for service in building
        .services
        .iter_mut()
        .filter(|s| s.agency == "jobcenter")
    {
        service.icon = None;
    }
    k.controller.dispatch(Event::ServerUp(Box::new(building)));
    k.tap("language de");
    assert_eq!(shown(&k, "letter jobcenter"), 1);
    assert_eq!(shown(&k, "pictogram jobcenter"), 0);
    assert_eq!(shown(&k, "pictogram immigration"), 1);
    k.tap("agency jobcenter");
    assert_eq!(shown(&k, "letter citizens-income"), 1);
}

/// The top and bottom edge of the element labelled `label` (the first, if several).
fn edges(k: &Kiosk, label: &str) -> (f32, f32) {
    let element = ElementHandle::find_by_accessible_label(&k.window, label)
        .next()
        .unwrap_or_else(|| panic!("no element {label:?}"));
    let top = element.absolute_position().y;
    (top, top + element.size().height)
}

#[test]
fn with_the_lower_screen_and_large_text_the_language_buttons_stay_clear_of_the_buttons_below() {
    let k = kiosk();
    k.window
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    for (lower, large) in [(false, false), (true, false), (true, true)] {
        if lower && !large {
            k.tap("lower screen");
        }
        if large {
            k.tap("large text");
        }
        let codes: Vec<_> = demo_data::building().site.languages.clone();
        let lowest_language = codes
            .iter()
            .map(|code| edges(&k, &format!("language {code}")).1)
            .fold(f32::MIN, f32::max);
        let (appointment_top, appointment_bottom) = edges(&k, "appointment");
        let (toggles_top, toggles_bottom) = edges(&k, "lower screen");
        assert!(
            lowest_language <= appointment_top,
            "lower screen {lower}, large text {large}: a language button ends at {lowest_language}, the appointment button starts at {appointment_top}"
        );
        assert!(
            appointment_bottom <= toggles_top,
            "lower screen {lower}, large text {large}"
        );
        assert!(
            toggles_bottom <= 1920.0,
            "lower screen {lower}, large text {large}: the toggles end at {toggles_bottom}"
        );
    }
}

#[test]
fn the_speaker_control_on_welcome_reads_each_screen_and_stops_on_start_over() {
    let k = kiosk();
    let checked = || {
        ElementHandle::find_by_accessible_label(&k.window, "read aloud")
            .next()
            .expect("a speaker control on Welcome")
            .accessible_checked()
    };
    assert_eq!(checked(), Some(false));
    k.tap("read aloud");
    assert_eq!(checked(), Some(true));
    assert!(k.window.global::<KioskAdapter>().get_read_aloud());
    // "Read aloud" in every language offered, each in its own script.
    let words: Vec<String> = k
        .window
        .global::<KioskAdapter>()
        .get_languages()
        .iter()
        .map(|l| l.read_aloud.to_string())
        .collect();
    assert!(words.contains(&"استمع".to_owned()) && words.contains(&"ስምዑ".to_owned()));
    k.tap("language ar");
    k.tap("back");
    let spoken = k.fakes.borrow().spoken.clone();
    assert_eq!(spoken.len(), 3, "{spoken:?}");
    assert_eq!(
        spoken[0].as_ref().map(Vec::len),
        Some(10),
        "each language's name"
    );
    assert_eq!(spoken[1], Some(vec!["ar".to_owned()]));
    assert_eq!(spoken[2], None, "back at Welcome: silence");
}
