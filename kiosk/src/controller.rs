//! Connects the flow to the Slint window: callbacks become flow events, the flow's state
//! becomes adapter properties, effects go to a runner (the I/O worker, or a fake in tests).
//! Runs on the UI thread only and never does I/O itself.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::{Duration, Instant};

use lotse_protocol::{Availability, localized};
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use crate::flow::{Effect, Event, Flow, Problem as FlowProblem, Screen as FlowScreen};
use crate::qr::qr_image;
use crate::scanner::{WedgeDecoder, clean_code};
use crate::{
    AgencyItem, ChosenItem, KioskAdapter, KioskWindow, LanguageItem, Problem, Screen, ServiceItem,
};
use lotse_protocol::languages;
use lotse_slint_pictograms::PictogramImages;

type Runner = Box<dyn Fn(Effect)>;
/// Whether the kiosk has a voice for a language.
type Speaks = Box<dyn Fn(&str) -> bool>;

pub struct Controller {
    flow: RefCell<Flow>,
    window: slint::Weak<KioskWindow>,
    runner: RefCell<Option<Runner>>,
    pending: RefCell<VecDeque<Event>>,
    dispatching: Cell<bool>,
    wedge: RefCell<WedgeDecoder>,
    /// Whether the kiosk has a voice for a language (none until a reader is set).
    speaks: RefCell<Speaks>,
    /// The QR image of the shown ticket, made once per ticket.
    qr: RefCell<Option<(String, slint::Image)>>,
    /// QR images of booking addresses, made once per address.
    booking_qrs: RefCell<HashMap<String, slint::Image>>,
    /// The building's pictograms as images, made once each.
    pictograms: PictogramImages,
}

impl Controller {
    pub fn new(window: &KioskWindow, mut flow: Flow, offered: Vec<String>) -> Rc<Controller> {
        flow.offered = offered;
        let controller = Rc::new(Controller {
            flow: RefCell::new(flow),
            window: window.as_weak(),
            runner: RefCell::new(None),
            pending: RefCell::new(VecDeque::new()),
            dispatching: Cell::new(false),
            wedge: RefCell::new(WedgeDecoder::default()),
            speaks: RefCell::new(Box::new(|_: &str| false)),
            qr: RefCell::new(None),
            booking_qrs: RefCell::new(HashMap::new()),
            pictograms: PictogramImages::default(),
        });
        controller.wire(window);
        select_translation(&controller.flow.borrow().language);
        controller.render();
        controller
    }

    pub fn set_runner(&self, runner: Runner) {
        *self.runner.borrow_mut() = Some(runner);
    }

    /// Tells the Welcome screen which languages can be read aloud.
    pub fn set_speaks(&self, speaks: Speaks) {
        *self.speaks.borrow_mut() = speaks;
        self.render();
    }

    pub fn flow(&self) -> std::cell::Ref<'_, Flow> {
        self.flow.borrow()
    }

    /// Queues an event; handles it (and what it causes) unless already handling one.
    pub fn dispatch(&self, event: Event) {
        self.pending.borrow_mut().push_back(event);
        if self.dispatching.replace(true) {
            return;
        }
        loop {
            let next = self.pending.borrow_mut().pop_front();
            let Some(event) = next else { break };
            let effects = self.flow.borrow_mut().handle(event);
            for effect in effects {
                if let Effect::SelectLanguage(code) = &effect {
                    select_translation(code);
                }
                if let Some(runner) = self.runner.borrow().as_ref() {
                    runner(effect);
                }
            }
        }
        self.dispatching.set(false);
        self.render();
    }

    /// A timer that sends one tick per second.
    pub fn start_ticks(self: &Rc<Self>) -> slint::Timer {
        let timer = slint::Timer::default();
        let weak = Rc::downgrade(self);
        timer.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(1),
            move || {
                if let Some(controller) = weak.upgrade() {
                    controller.dispatch(Event::Tick);
                }
            },
        );
        timer
    }

    fn wire(self: &Rc<Self>, window: &KioskWindow) {
        let adapter = window.global::<KioskAdapter>();
        let on = |make: fn(SharedString) -> Event| {
            let weak = Rc::downgrade(self);
            move |text: SharedString| {
                if let Some(c) = weak.upgrade() {
                    c.dispatch(make(text));
                }
            }
        };
        let simple = |event: Event| {
            let weak = Rc::downgrade(self);
            move || {
                if let Some(c) = weak.upgrade() {
                    c.dispatch(event.clone());
                }
            }
        };
        adapter.on_choose_language(on(|s| Event::ChooseLanguage(s.into())));
        adapter.on_open_agency(on(|s| Event::OpenAgency(s.into())));
        adapter.on_toggle_service(on(|s| Event::ToggleService(s.into())));
        adapter.on_remove_service(on(|s| Event::RemoveService(s.into())));
        adapter.on_keypad(on(|s| Event::KeypadKey(s.into())));
        adapter.on_open_appointment(simple(Event::OpenAppointment));
        adapter.on_close_agency(simple(Event::CloseAgency));
        adapter.on_to_confirm(simple(Event::ToConfirm));
        adapter.on_print(simple(Event::Print));
        adapter.on_back(simple(Event::Back));
        adapter.on_start_over(simple(Event::StartOver));
        adapter.on_delete_key(simple(Event::DeleteKey));
        adapter.on_submit_code(simple(Event::SubmitCode));
        adapter.on_toggle_large_text(simple(Event::ToggleLargeText));
        adapter.on_toggle_lower_screen(simple(Event::ToggleLowerScreen));
        adapter.on_toggle_interpreter(simple(Event::ToggleInterpreter));
        adapter.on_toggle_read_aloud(simple(Event::ToggleReadAloud));
        adapter.on_activity(simple(Event::Activity));
        let weak = Rc::downgrade(self);
        adapter.on_key_text(move |text| {
            let Some(c) = weak.upgrade() else { return };
            let scanned = c.wedge.borrow_mut().key(&text, Instant::now());
            match scanned.as_deref().and_then(clean_code) {
                Some(code) => c.dispatch(Event::Scanned(code)),
                None => c.dispatch(Event::Activity),
            }
        });
    }

    /// Shows the flow's state in the window.
    /// The booking address as a QR code, made once per address.
    fn booking_qr(&self, url: &str) -> slint::Image {
        self.booking_qrs
            .borrow_mut()
            .entry(url.to_owned())
            .or_insert_with(|| qr_image(url))
            .clone()
    }

    pub fn render(&self) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let adapter = window.global::<KioskAdapter>();
        let flow = self.flow.borrow();
        let language = flow.language.as_str();
        adapter.set_screen(match flow.screen {
            FlowScreen::Welcome => Screen::Welcome,
            FlowScreen::Concerns => Screen::Concerns,
            FlowScreen::Confirm => Screen::Confirm,
            FlowScreen::Printing => Screen::Printing,
            FlowScreen::Done => Screen::Done,
            FlowScreen::Appointment => Screen::Appointment,
            FlowScreen::OutOfService => Screen::OutOfService,
        });
        adapter.set_problem(match flow.problem {
            FlowProblem::None => Problem::None,
            FlowProblem::CodeUnknown => Problem::CodeUnknown,
            FlowProblem::CodeTooEarly => Problem::CodeTooEarly,
            FlowProblem::CodeExpired => Problem::CodeExpired,
            FlowProblem::Printer => Problem::Printer,
            FlowProblem::SomethingWrong => Problem::SomethingWrong,
            FlowProblem::NoAnswer => Problem::NoAnswer,
        });
        adapter.set_rtl(flow.rtl());
        adapter.set_font(languages::font_family(language).into());
        adapter.set_large_text(flow.large_text);
        adapter.set_lower_screen(flow.lower_screen);
        adapter.set_read_aloud(flow.read_aloud);
        adapter.set_interpreter_offered(flow.interpreter_offered());
        adapter.set_interpreter(flow.interpreter && flow.interpreter_offered());
        adapter.set_code(flow.code.clone().into());

        let Some(building) = flow.building.as_ref() else {
            return;
        };
        let fallback = building.site.default_language.as_str();
        let text = |map: &lotse_protocol::Localized| {
            SharedString::from(localized(map, language, fallback))
        };
        adapter.set_site_name(text(&building.site.name));

        let shown = flow.shown_languages();
        let texts = crate::texts::Texts::embedded();
        let speaks = self.speaks.borrow();
        set_model(
            &adapter.get_languages(),
            |m| adapter.set_languages(m),
            shown
                .iter()
                .map(|l| LanguageItem {
                    code: l.code.into(),
                    name: l.endonym.into(),
                    font: languages::font_family(l.code).into(),
                    read_aloud: texts.get(l.code, crate::spoken::READ_ALOUD).into(),
                    speaks: speaks(l.code),
                })
                .collect(),
        );
        if let Some(greeting) = shown.get((flow.welcome_ticks / 3) as usize % shown.len().max(1)) {
            adapter.set_welcome_text(greeting.welcome.into());
            adapter.set_welcome_font(languages::font_family(greeting.code).into());
            adapter
                .set_welcome_read_aloud(texts.get(greeting.code, crate::spoken::READ_ALOUD).into());
        }
        set_model(
            &adapter.get_agencies(),
            |m| adapter.set_agencies(m),
            building
                .agencies
                .iter()
                .map(|a| {
                    let pictogram = self.pictograms.image(building.agency_pictogram(&a.id));
                    AgencyItem {
                        id: a.id.clone().into(),
                        name: text(&a.name),
                        letter: a.prefix.clone().into(),
                        colour: parse_colour(&a.colour),
                        has_pictogram: pictogram.is_some(),
                        pictogram: pictogram.unwrap_or_default(),
                    }
                })
                .collect(),
        );
        let agency = flow.agency.as_deref().and_then(|id| building.agency(id));
        adapter.set_agency_open(agency.is_some());
        if let Some(agency) = agency {
            adapter.set_agency_name(text(&agency.name));
            adapter.set_agency_colour(parse_colour(&agency.colour));
        }
        let services: Vec<ServiceItem> = building
            .services
            .iter()
            .filter(|s| agency.is_some_and(|a| a.id == s.agency))
            .map(|s| {
                let state = match flow.availability(&s.id) {
                    Some(Availability::Closed) => "closed",
                    Some(Availability::AppointmentOnly) => "appointment-only",
                    Some(Availability::FullToday) => "full-today",
                    Some(Availability::Open) | None => "open",
                };
                let pictogram = self.pictograms.image(building.service_pictogram(&s.id));
                ServiceItem {
                    id: s.id.clone().into(),
                    name: text(&s.name),
                    description: text(&s.description),
                    availability: state.into(),
                    booking_url: s.booking_url.clone().unwrap_or_default().into(),
                    booking_qr: match &s.booking_url {
                        Some(url) if state != "open" => self.booking_qr(url),
                        _ => slint::Image::default(),
                    },
                    chosen: flow.chosen.contains(&s.id),
                    letter: agency.map(|a| a.prefix.clone()).unwrap_or_default().into(),
                    colour: agency.map(|a| parse_colour(&a.colour)).unwrap_or_default(),
                    has_pictogram: pictogram.is_some(),
                    pictogram: pictogram.unwrap_or_default(),
                }
            })
            .collect();
        set_model(
            &adapter.get_services(),
            |m| adapter.set_services(m),
            services,
        );
        let chosen: Vec<ChosenItem> = flow
            .chosen
            .iter()
            .filter_map(|id| building.service(id))
            .map(|s| {
                let agency = building.agency(&s.agency);
                let wait = flow
                    .queue(&s.id)
                    .map_or(-1, |q| q.estimated_wait_minutes as i32);
                let pictogram = self.pictograms.image(building.service_pictogram(&s.id));
                ChosenItem {
                    id: s.id.clone().into(),
                    name: text(&s.name),
                    agency: agency.map(|a| text(&a.name)).unwrap_or_default(),
                    colour: agency.map(|a| parse_colour(&a.colour)).unwrap_or_default(),
                    letter: agency.map(|a| a.prefix.clone()).unwrap_or_default().into(),
                    has_pictogram: pictogram.is_some(),
                    pictogram: pictogram.unwrap_or_default(),
                    wait_minutes: wait,
                }
            })
            .collect();
        set_model(&adapter.get_chosen(), |m| adapter.set_chosen(m), chosen);

        match &flow.ticket {
            Some(ticket) => {
                adapter.set_number(ticket.number.clone().into());
                adapter.set_people_ahead(ticket.people_ahead.map_or(-1, |n| n as i32));
                adapter.set_wait_minutes(ticket.estimated_wait_minutes.map_or(-1, |n| n as i32));
                // The whole visit's estimate says something only with several concerns.
                adapter.set_visit_minutes(
                    ticket
                        .visit_estimate_minutes
                        .filter(|_| ticket.stops.len() > 1)
                        .map_or(-1, |n| n as i32),
                );
                let zone = building.site.time_zone;
                adapter.set_appointment_time(
                    ticket
                        .appointment_at
                        .map(|at| at.with_timezone(&zone).format("%H:%M").to_string())
                        .unwrap_or_default()
                        .into(),
                );
                let mut cached = self.qr.borrow_mut();
                if cached
                    .as_ref()
                    .is_none_or(|(url, _)| *url != ticket.status_url)
                {
                    *cached = Some((ticket.status_url.clone(), qr_image(&ticket.status_url)));
                }
                if let Some((_, image)) = cached.as_ref() {
                    adapter.set_qr(image.clone());
                }
            }
            None => {
                adapter.set_number(SharedString::new());
                adapter.set_people_ahead(-1);
                adapter.set_wait_minutes(-1);
                adapter.set_visit_minutes(-1);
                adapter.set_appointment_time(SharedString::new());
                adapter.set_qr(slint::Image::default());
                *self.qr.borrow_mut() = None;
            }
        }
    }
}

fn select_translation(code: &str) {
    if let Err(error) = slint::select_bundled_translation(code) {
        tracing::warn!(%error, code, "no translation for this language");
    }
}

/// Replaces a model's rows only when they changed, so lists do not flicker every second.
fn set_model<T: Clone + PartialEq + 'static>(
    current: &ModelRc<T>,
    set: impl FnOnce(ModelRc<T>),
    rows: Vec<T>,
) {
    let same = current.row_count() == rows.len()
        && rows
            .iter()
            .enumerate()
            .all(|(i, row)| current.row_data(i).as_ref() == Some(row));
    if !same {
        set(ModelRc::new(VecModel::from(rows)));
    }
}

fn parse_colour(hex: &str) -> slint::Color {
    let value = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0x0B4F9C);
    slint::Color::from_rgb_u8((value >> 16) as u8, (value >> 8) as u8, value as u8)
}
