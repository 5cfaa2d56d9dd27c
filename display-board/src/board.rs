//! The board's state, without any UI: a snapshot from the server, then live events, folded into
//! what the wall shows. Time is an input; nothing here reads the clock or does I/O.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use lotse_protocol::{
    Building, DisplayCall, DisplaySnapshot, Event, Queues, date_caption, floor_caption, localized,
    place_caption, waiting_by_agency,
};

/// The board shows a "connection lost" marker when nothing arrived for this long.
pub const SILENCE_LIMIT: Duration = Duration::seconds(10);
/// Each language of the rotating line stays this long.
pub const LINE_SECONDS: i64 = 6;

/// What the board is told.
#[derive(Debug, Clone)]
pub enum Input {
    /// The building and a snapshot: replaces everything (at start).
    Loaded(Box<Building>, Box<DisplaySnapshot>),
    /// After a reconnect: a fresh building and waiting lines; missed calls follow as events.
    Refreshed(Box<Building>, Box<Queues>),
    Event(Box<Event>),
    Queues(Box<Queues>),
    /// The server is alive (a keep-alive or a reconnect).
    Contact,
}

/// What an input did, so the app knows when to sound the gong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    NewCall,
    Changed,
    Ignored,
}

/// How the board is set up (from the display's config).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Show only calls to desks of this zone; none shows all.
    pub zone: Option<String>,
    /// The calls shown large.
    pub current: usize,
    /// The calls shown below or beside them.
    pub history: usize,
    pub highlight: Duration,
    /// Languages of the rotating line; empty means every language the building has.
    pub languages: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            zone: None,
            current: 3,
            history: 8,
            highlight: Duration::seconds(12),
            languages: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
struct ShownCall {
    call: DisplayCall,
    /// Set for calls that arrived live; snapshot calls are not highlighted.
    highlighted_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct Board {
    settings: Settings,
    building: Option<Building>,
    time_zone: Tz,
    /// Newest first.
    calls: Vec<ShownCall>,
    queues: Option<Queues>,
    last_event_id: i64,
    last_contact: DateTime<Utc>,
}

/// Everything the window shows, as plain text and numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub site_name: String,
    pub clock: String,
    pub date: String,
    pub current: Vec<CallView>,
    pub history: Vec<CallView>,
    pub agencies: Vec<AgencyView>,
    pub line: Option<LineView>,
    /// `hh:mm` of the last contact when the connection is lost.
    pub connection_lost_since: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallView {
    pub number: String,
    pub caption: String,
    pub place: String,
    pub floor: String,
    pub direction: String,
    /// `#RRGGBB` of the agency.
    pub colour: String,
    /// The SVG pictogram of the called service (else its agency's); none shows the colour only.
    pub pictogram: Option<String>,
    pub highlighted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyView {
    pub letter: String,
    pub name: String,
    pub colour: String,
    /// The agency's SVG pictogram; none shows the letter.
    pub pictogram: Option<String>,
    pub waiting: u32,
    pub estimated_wait_minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineView {
    pub language: String,
    pub text: String,
    pub notice: String,
    pub rtl: bool,
}

impl Board {
    /// An empty board; `now` counts as the last contact, so the marker appears only if the
    /// server stays silent.
    pub fn new(settings: Settings, now: DateTime<Utc>) -> Board {
        Board {
            settings,
            building: None,
            time_zone: Tz::Europe__Berlin,
            calls: Vec::new(),
            queues: None,
            last_event_id: 0,
            last_contact: now,
        }
    }

    pub fn handle(&mut self, input: Input, now: DateTime<Utc>) -> Outcome {
        match input {
            Input::Loaded(building, snapshot) => {
                self.set_building(*building);
                self.last_event_id = snapshot.last_event_id;
                self.calls = snapshot
                    .calls
                    .into_iter()
                    .filter(|c| self.in_zone(&c.desk))
                    .map(|call| ShownCall {
                        call,
                        highlighted_until: None,
                    })
                    .collect();
                self.calls.truncate(self.capacity());
                self.queues = Some(snapshot.queues);
                self.last_contact = now;
                Outcome::Changed
            }
            Input::Refreshed(building, queues) => {
                self.set_building(*building);
                self.queues = Some(*queues);
                self.last_contact = now;
                Outcome::Changed
            }
            Input::Event(event) => {
                self.last_contact = now;
                self.apply(&event, now)
            }
            Input::Queues(queues) => {
                self.queues = Some(*queues);
                Outcome::Changed
            }
            Input::Contact => {
                self.last_contact = now;
                Outcome::Ignored
            }
        }
    }

    fn set_building(&mut self, building: Building) {
        self.time_zone = building.site.time_zone;
        self.building = Some(building);
    }

    fn capacity(&self) -> usize {
        self.settings.current + self.settings.history
    }

    fn in_zone(&self, desk: &str) -> bool {
        self.building
            .as_ref()
            .is_some_and(|b| b.desk_in_zone(desk, self.settings.zone.as_deref()))
    }

    /// Events already in the snapshot (or seen before) are ignored, so a replay after a
    /// reconnect never shows a call twice.
    fn apply(&mut self, event: &Event, now: DateTime<Utc>) -> Outcome {
        if event.id <= self.last_event_id {
            return Outcome::Ignored;
        }
        self.last_event_id = event.id;
        let Some(call) = DisplayCall::from_event(event) else {
            return Outcome::Ignored;
        };
        if !self.in_zone(&call.desk) {
            return Outcome::Ignored;
        }
        self.calls.retain(|c| c.call.number != call.number);
        self.calls.insert(
            0,
            ShownCall {
                call,
                highlighted_until: Some(now + self.settings.highlight),
            },
        );
        self.calls.truncate(self.capacity());
        Outcome::NewCall
    }

    /// The building, once loaded.
    pub fn building(&self) -> Option<&Building> {
        self.building.as_ref()
    }

    /// The building's time zone (Berlin until it is loaded).
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Whether a call is still highlighted at `now` (the window animates only then).
    pub fn is_animating(&self, now: DateTime<Utc>) -> bool {
        self.calls
            .iter()
            .any(|c| c.highlighted_until.is_some_and(|until| until > now))
    }

    pub fn view(&self, now: DateTime<Utc>) -> View {
        let local = now.with_timezone(&self.time_zone);
        let mut view = View {
            clock: local.format("%H:%M").to_string(),
            date: date_caption(local.date_naive()),
            ..View::default()
        };
        if now - self.last_contact > SILENCE_LIMIT {
            let since = self.last_contact.with_timezone(&self.time_zone);
            view.connection_lost_since = Some(since.format("%H:%M").to_string());
        }
        let Some(building) = &self.building else {
            return view;
        };
        let default = building.site.default_language.as_str();
        view.site_name = localized(&building.site.name, default, default).to_owned();
        let calls: Vec<CallView> = self
            .calls
            .iter()
            .map(|shown| call_view(building, shown, now))
            .collect();
        let split = calls.len().min(self.settings.current);
        view.history = calls[split..].to_vec();
        view.current = calls[..split].to_vec();
        if let Some(queues) = &self.queues {
            view.agencies = waiting_by_agency(building, queues)
                .into_iter()
                .filter_map(|line| {
                    let agency = building.agency(&line.agency)?;
                    Some(AgencyView {
                        letter: agency.prefix.clone(),
                        name: localized(&agency.name, default, default).to_owned(),
                        colour: agency.colour.clone(),
                        pictogram: building.agency_pictogram(&agency.id).map(str::to_owned),
                        waiting: line.waiting,
                        estimated_wait_minutes: line.estimated_wait_minutes,
                    })
                })
                .collect();
        }
        view.line = self.line(building, now);
        view
    }

    /// The rotating line: the next language every [`LINE_SECONDS`].
    fn line(&self, building: &Building, now: DateTime<Utc>) -> Option<LineView> {
        let signage = &building.signage;
        let languages: Vec<&String> = building
            .site
            .languages
            .iter()
            .filter(|l| self.settings.languages.is_empty() || self.settings.languages.contains(l))
            .filter(|l| signage.watch_for_number.contains_key(*l))
            .collect();
        if languages.is_empty() {
            return None;
        }
        let index = (now.timestamp().div_euclid(LINE_SECONDS) as usize) % languages.len();
        let language = languages[index];
        let default = building.site.default_language.as_str();
        let notice: Vec<&str> = signage
            .notices
            .iter()
            .map(|n| localized(n, language, default))
            .collect();
        Some(LineView {
            language: language.clone(),
            text: localized(&signage.watch_for_number, language, default).to_owned(),
            notice: notice.join(" · "),
            rtl: lotse_protocol::languages::is_rtl(language),
        })
    }
}

fn call_view(building: &Building, shown: &ShownCall, now: DateTime<Utc>) -> CallView {
    let call = &shown.call;
    let pictogram = building.service_pictogram(&call.service).map(str::to_owned);
    let default = building.site.default_language.as_str();
    let colour = building
        .service(&call.service)
        .and_then(|s| building.agency(&s.agency))
        .map_or("#444444", |a| a.colour.as_str())
        .to_owned();
    let highlighted = shown.highlighted_until.is_some_and(|until| until > now);
    match building.desk(&call.desk) {
        Some(desk) => {
            let (de, en) = place_caption(desk.kind);
            let (floor_de, floor_en) = floor_caption(desk.floor);
            CallView {
                number: call.number.clone(),
                caption: format!("{de} · {en}"),
                place: desk.number.clone(),
                floor: format!("{floor_de} · {floor_en}"),
                direction: desk
                    .direction
                    .as_ref()
                    .map(|d| localized(d, default, default).to_owned())
                    .unwrap_or_default(),
                colour,
                pictogram,
                highlighted,
            }
        }
        None => CallView {
            number: call.number.clone(),
            caption: String::new(),
            place: call.desk.clone(),
            floor: String::new(),
            direction: String::new(),
            colour,
            pictogram,
            highlighted,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn at(seconds: i64) -> DateTime<Utc> {
        sample::noon() + Duration::seconds(seconds)
    }

    fn loaded(settings: Settings) -> Board {
        let mut board = Board::new(settings, at(0));
        let building = sample::building();
        let snapshot = sample::snapshot(&building, &[("A-001", "eg-01"), ("E-002", "room-1-05")]);
        board.handle(Input::Loaded(Box::new(building), Box::new(snapshot)), at(0));
        board
    }

    #[test]
    fn a_live_call_goes_on_top_highlighted_and_fades() {
        let mut board = loaded(Settings::default());
        let outcome = board.handle(sample::call(100, "B-007", "eg-03", 0), at(1));
        assert_eq!(outcome, Outcome::NewCall);
        let view = board.view(at(2));
        let numbers: Vec<&str> = view.current.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers, ["B-007", "A-001", "E-002"]);
        assert!(view.current[0].highlighted);
        assert!(!view.current[1].highlighted, "snapshot calls are not new");
        assert!(!board.view(at(60)).current[0].highlighted);
    }

    #[test]
    fn a_recall_moves_the_ticket_up_without_a_duplicate() {
        let mut board = loaded(Settings::default());
        board.handle(sample::call(100, "E-002", "room-1-05", 1), at(1));
        let view = board.view(at(1));
        let numbers: Vec<&str> = view.current.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers, ["E-002", "A-001"]);
    }

    #[test]
    fn events_already_in_the_snapshot_are_ignored() {
        let mut board = loaded(Settings::default());
        // The sample snapshot ends at event 50.
        let outcome = board.handle(sample::call(50, "C-009", "eg-05", 0), at(1));
        assert_eq!(outcome, Outcome::Ignored);
        assert_eq!(board.view(at(1)).current.len(), 2);
    }

    #[test]
    fn a_zone_display_shows_only_its_desks() {
        let mut board = loaded(Settings {
            zone: Some("floor-1".into()),
            ..Settings::default()
        });
        assert_eq!(board.view(at(0)).current.len(), 1, "only E-002 is upstairs");
        let outcome = board.handle(sample::call(100, "A-003", "eg-01", 0), at(1));
        assert_eq!(outcome, Outcome::Ignored);
        let outcome = board.handle(sample::call(101, "E-004", "room-1-05", 0), at(1));
        assert_eq!(outcome, Outcome::NewCall);
        let view = board.view(at(1));
        assert_eq!(view.current[0].number, "E-004");
        assert_eq!(view.current[0].floor, "1. OG · 1st floor");
    }

    #[test]
    fn history_keeps_the_newest_and_drops_the_oldest() {
        let mut board = loaded(Settings {
            current: 1,
            history: 2,
            ..Settings::default()
        });
        for n in 0..5 {
            board.handle(
                sample::call(100 + n, &format!("A-1{n:02}"), "eg-01", 0),
                at(n),
            );
        }
        let view = board.view(at(10));
        assert_eq!(view.current[0].number, "A-104");
        let history: Vec<&str> = view.history.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(history, ["A-103", "A-102"]);
    }

    #[test]
    fn silence_shows_the_connection_marker_until_contact() {
        let mut board = loaded(Settings::default());
        assert_eq!(board.view(at(10)).connection_lost_since, None);
        // 12:00 UTC is 13:00 in Berlin in winter.
        assert_eq!(
            board.view(at(11)).connection_lost_since.as_deref(),
            Some("13:00")
        );
        board.handle(Input::Contact, at(12));
        assert_eq!(board.view(at(13)).connection_lost_since, None);
    }

    #[test]
    fn the_line_rotates_through_the_languages() {
        let board = loaded(Settings {
            languages: vec!["de".into(), "ar".into(), "ti".into()],
            ..Settings::default()
        });
        let lines: Vec<LineView> = (0..3)
            .filter_map(|n| board.view(at(n * LINE_SECONDS)).line)
            .collect();
        let mut languages: Vec<&str> = lines.iter().map(|l| l.language.as_str()).collect();
        languages.sort_unstable();
        assert_eq!(languages, ["ar", "de", "ti"]);
        let arabic = lines
            .iter()
            .find(|l| l.language == "ar")
            .expect("an Arabic line");
        assert!(arabic.rtl);
        assert!(!arabic.notice.is_empty());
    }

    #[test]
    fn waiting_counts_follow_the_queues() {
        let mut board = loaded(Settings::default());
        let building = sample::building();
        board.handle(Input::Queues(Box::new(sample::queues(&building, 4))), at(1));
        let view = board.view(at(1));
        assert_eq!(view.agencies.len(), building.agencies.len());
        assert!(view.agencies.iter().all(|a| a.waiting > 0));
    }
}
