//! Shows the board in the Slint window: feeds inputs to the pure [`Board`], writes its view
//! into the `BoardAdapter` properties and cues the sound (gong, spoken call) for new calls.
//! Runs on the UI thread.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_protocol::{Building, Event};
use lotse_slint_pictograms::PictogramImages;
use slint::{Color, ComponentHandle, Model, ModelRc, SharedString, VecModel};

use crate::board::{Board, CallView, Input, Outcome, View};
use crate::{AgencyRow, BoardAdapter, BoardWindow, CallRow};

/// The current time; tests pass a fixed one.
pub type Clock = Rc<dyn Fn() -> DateTime<Utc>>;

/// What the sound (gong and voice) is told.
#[derive(Debug, Clone, Copy)]
pub enum SoundCue<'a> {
    /// The building arrived (voices can prepare its phrases).
    Building(&'a Building),
    /// A new call on this display.
    Call {
        event: &'a Event,
        building: &'a Building,
        time_zone: Tz,
        now: DateTime<Utc>,
    },
}

/// Called on the UI thread; must return at once (sound plays on its own threads).
pub type OnSound = Box<dyn Fn(&SoundCue<'_>)>;

pub struct Controller {
    window: slint::Weak<BoardWindow>,
    board: RefCell<Board>,
    clock: Clock,
    /// Told of the building and of each new call (the gong and the voice).
    on_sound: OnSound,
    /// The last view written, so an unchanged view costs nothing.
    shown: RefCell<Option<View>>,
    /// The building's pictograms as images, made once each.
    pictograms: PictogramImages,
}

impl Controller {
    pub fn new(
        window: &BoardWindow,
        board: Board,
        clock: Clock,
        on_sound: OnSound,
    ) -> Rc<Controller> {
        let controller = Rc::new(Controller {
            window: window.as_weak(),
            board: RefCell::new(board),
            clock,
            on_sound,
            shown: RefCell::new(None),
            pictograms: PictogramImages::default(),
        });
        controller.render();
        controller
    }

    pub fn handle(&self, input: Input) {
        let now = (self.clock)();
        let (event, loaded) = match &input {
            Input::Event(event) => (Some(event.clone()), false),
            Input::Loaded(..) | Input::Refreshed(..) => (None, true),
            _ => (None, false),
        };
        let outcome = self.board.borrow_mut().handle(input, now);
        {
            let board = self.board.borrow();
            if let Some(building) = board.building() {
                if loaded {
                    (self.on_sound)(&SoundCue::Building(building));
                }
                if let (Outcome::NewCall, Some(event)) = (&outcome, &event) {
                    (self.on_sound)(&SoundCue::Call {
                        event,
                        building,
                        time_zone: board.time_zone(),
                        now,
                    });
                }
            }
        }
        if outcome != Outcome::Ignored {
            self.render();
        }
    }

    /// Redraws what time changes: the clock, the line, highlights and the connection marker.
    pub fn render(&self) {
        let view = self.board.borrow().view((self.clock)());
        if self.shown.borrow().as_ref() == Some(&view) {
            return;
        }
        let calls_changed =
            self.shown.borrow().as_ref().map(|shown| &shown.current) != Some(&view.current);
        if let Some(window) = self.window.upgrade() {
            let adapter = window.global::<BoardAdapter>();
            write(&adapter, &view, &self.pictograms);
            if calls_changed {
                log_calls_on_screen(&adapter);
            }
        }
        *self.shown.borrow_mut() = Some(view);
    }

    /// Re-renders every second while the returned timer lives.
    pub fn start_ticks(self: &Rc<Self>) -> slint::Timer {
        let timer = slint::Timer::default();
        let weak = Rc::downgrade(self);
        timer.start(
            slint::TimerMode::Repeated,
            std::time::Duration::from_secs(1),
            move || {
                if let Some(controller) = weak.upgrade() {
                    controller.render();
                }
            },
        );
        timer
    }
}

fn write(adapter: &BoardAdapter, view: &View, pictograms: &PictogramImages) {
    adapter.set_site_name(view.site_name.as_str().into());
    adapter.set_clock(view.clock.as_str().into());
    adapter.set_date(view.date.as_str().into());
    adapter.set_current(rows(&view.current, pictograms));
    adapter.set_history(rows(&view.history, pictograms));
    let agencies: Vec<AgencyRow> = view
        .agencies
        .iter()
        .map(|a| (a, pictograms.image(a.pictogram.as_deref())))
        .map(|(a, pictogram)| AgencyRow {
            letter: a.letter.as_str().into(),
            name: a.name.as_str().into(),
            colour: colour(&a.colour),
            has_pictogram: pictogram.is_some(),
            pictogram: pictogram.unwrap_or_default(),
            waiting: a.waiting.to_string().into(),
            estimate: match a.estimated_wait_minutes {
                Some(minutes) if a.waiting > 0 => format!("ca. {minutes} min").into(),
                Some(_) => "–".into(),
                None => "geschlossen".into(),
            },
        })
        .collect();
    adapter.set_agencies(ModelRc::new(VecModel::from(agencies)));
    match &view.line {
        Some(line) => {
            adapter.set_line(line.text.as_str().into());
            adapter.set_notice(line.notice.as_str().into());
            adapter.set_line_font(lotse_protocol::languages::font_family(&line.language).into());
            adapter.set_line_rtl(line.rtl);
        }
        None => {
            adapter.set_line(SharedString::new());
            adapter.set_notice(SharedString::new());
        }
    }
    adapter.set_connection_lost(match &view.connection_lost_since {
        Some(since) => {
            format!("Verbindung unterbrochen seit {since} · Connection lost since {since}").into()
        }
        None => SharedString::new(),
    });
}

/// Logs the current calls as the window holds them (read back from its properties, not from
/// the view), so an operator and the start-up test see what the wall shows.
fn log_calls_on_screen(adapter: &BoardAdapter) {
    let calls: Vec<String> = adapter
        .get_current()
        .iter()
        .map(|row| format!("{} → {}", row.number, row.place))
        .collect();
    tracing::info!(calls = %calls.join(", "), "calls on screen");
}

fn rows(calls: &[CallView], pictograms: &PictogramImages) -> ModelRc<CallRow> {
    let rows: Vec<CallRow> = calls
        .iter()
        .map(|c| (c, pictograms.image(c.pictogram.as_deref())))
        .map(|(c, pictogram)| CallRow {
            number: c.number.as_str().into(),
            caption: c.caption.as_str().into(),
            place: c.place.as_str().into(),
            floor: c.floor.as_str().into(),
            direction: c.direction.as_str().into(),
            colour: colour(&c.colour),
            has_pictogram: pictogram.is_some(),
            pictogram: pictogram.unwrap_or_default(),
            highlighted: c.highlighted,
        })
        .collect();
    ModelRc::new(VecModel::from(rows))
}

/// `#RRGGBB` to a colour; anything else is grey (the server validates colours).
fn colour(hex: &str) -> Color {
    let value = hex
        .strip_prefix('#')
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0x44_44_44);
    Color::from_rgb_u8((value >> 16) as u8, (value >> 8) as u8, value as u8)
}
