//! What the kiosk says aloud for the screen a visitor sees: its heading, then its choices,
//! in the visitor's language, as scripts for the voices of `lotse-voices` (the same voices
//! and clip packs as the boards' calls). Pure: a function of the flow's state and the
//! compiled-in texts; the speech worker (`read_aloud.rs`) turns scripts into sound.
//!
//! Segment keys name what a recorded clip pack must hold: `text.<English message>` for the
//! kiosk's own texts, `language.<code>`, `agency.<id>`, `service.<id>`, and the ticket
//! number's keys from `lotse_voices::number` (`letter.A`, `digit.4`, `number.42`).

use lotse_protocol::{Availability, Building, localized};
use lotse_voices::phrase::{NumberReading, PhraseTable, Script, Segment};

use crate::flow::{Flow, Problem, Screen};
use crate::texts::Texts;

/// Silence after each item, so headings and choices are heard as separate lines.
const ITEM_PAUSE_MS: u32 = 400;

// The English messages (msgids) of the texts read aloud; `strings.slint` shows the same ones.
pub const READ_ALOUD: &str = "Read aloud";
const CHOOSE_OFFICE: &str = "Choose an office";
const CHOOSE_SERVICE: &str = "Choose your concern";
const PLEASE_CHECK: &str = "Please check your concerns";
const PRINT_TICKET: &str = "Print my ticket";
const WANT_INTERPRETER: &str = "I would like an interpreter";
const PRINTING: &str = "Your ticket is being printed …";
const TAKE_TICKET: &str = "Please take your ticket.";
const YOUR_NUMBER: &str = "Your number";
const WAIT_HINT: &str = "Please take a seat in the waiting area and watch the screen.";
const APPOINTMENT_TITLE: &str = "Scan the QR code of your appointment letter, or type the code.";
const CLOSED_NOW: &str = "Closed now";
const APPOINTMENT_ONLY: &str = "Only with an appointment";
const FULL_TODAY: &str = "No more tickets today";

/// Every kiosk text this module may say (the catalogue check asks each language for them).
pub const MESSAGES: &[&str] = &[
    READ_ALOUD,
    CHOOSE_OFFICE,
    CHOOSE_SERVICE,
    PLEASE_CHECK,
    PRINT_TICKET,
    WANT_INTERPRETER,
    PRINTING,
    TAKE_TICKET,
    YOUR_NUMBER,
    WAIT_HINT,
    APPOINTMENT_TITLE,
    CLOSED_NOW,
    APPOINTMENT_ONLY,
    FULL_TODAY,
    CODE_UNKNOWN,
    CODE_TOO_EARLY,
    CODE_EXPIRED,
    PRINTER_PROBLEM,
    NO_ANSWER,
    SOMETHING_WRONG,
];
const CODE_UNKNOWN: &str = "We cannot find this code. Please check it or ask at reception.";
const CODE_TOO_EARLY: &str = "Your appointment is later. Please come back closer to its time.";
const CODE_EXPIRED: &str = "Your appointment time has passed. Please ask at reception.";
const PRINTER_PROBLEM: &str = "The printer does not work right now. Please remember your number or scan the code with your phone.";
const NO_ANSWER: &str = "The ticket system did not answer. Please touch the button again. You will not get two tickets.";
const SOMETHING_WRONG: &str = "Something went wrong. Please try again or ask at reception.";

/// The scripts for the screen `flow` shows, in the order they are said. Welcome says each
/// offered language's name in that language (one script per language); every other screen
/// is one script in the visitor's language. Nothing for the out-of-service screen.
pub fn screen(flow: &Flow) -> Vec<Script> {
    let Some(building) = flow.building.as_ref() else {
        return Vec::new();
    };
    if flow.screen == Screen::Welcome {
        return flow
            .shown_languages()
            .into_iter()
            .map(|language| Script {
                language: language.code.to_owned(),
                segments: vec![item(
                    &format!("language.{}", language.code),
                    said_as(language.code, language.endonym),
                )],
            })
            .collect();
    }
    let say = Say::new(flow, building);
    let mut lines = Vec::new();
    if let Some(problem) = problem_message(flow.problem) {
        lines.push(say.text(problem));
    }
    match flow.screen {
        Screen::Welcome | Screen::OutOfService => return Vec::new(),
        Screen::Concerns => match flow.agency.as_deref().and_then(|id| building.agency(id)) {
            None => {
                lines.push(say.text(CHOOSE_OFFICE));
                lines.extend(building.agencies.iter().map(|agency| {
                    say.item(&format!("agency.{}", agency.id), say.name(&agency.name))
                }));
            }
            Some(agency) => {
                lines.push(say.text(CHOOSE_SERVICE));
                for service in building.services.iter().filter(|s| s.agency == agency.id) {
                    lines.push(say.service(&service.id));
                    if let Some(state) = flow.availability(&service.id).and_then(state_message) {
                        lines.push(say.text(state));
                    }
                }
            }
        },
        Screen::Confirm => {
            lines.push(say.text(PLEASE_CHECK));
            lines.extend(flow.chosen.iter().map(|id| say.service(id)));
            if flow.interpreter_offered() {
                lines.push(say.text(WANT_INTERPRETER));
            }
            lines.push(say.text(PRINT_TICKET));
        }
        Screen::Printing => lines.push(say.text(PRINTING)),
        Screen::Done => {
            if flow.problem == Problem::None {
                lines.push(say.text(TAKE_TICKET));
            }
            if let Some(ticket) = &flow.ticket {
                lines.push(say.text(YOUR_NUMBER));
                let mut number = say.number(&ticket.number);
                if let Some(last) = number.last_mut() {
                    last.pause_ms = ITEM_PAUSE_MS;
                }
                lines.extend(number);
            }
            lines.push(say.text(WAIT_HINT));
        }
        Screen::Appointment => lines.push(say.text(APPOINTMENT_TITLE)),
    }
    vec![Script {
        language: flow.language.clone(),
        segments: lines,
    }]
}

/// What is said when a visitor touches a concern: its name, in the visitor's language.
pub fn service_touched(flow: &Flow, service: &str) -> Vec<Script> {
    let Some(building) = flow.building.as_ref() else {
        return Vec::new();
    };
    vec![Script {
        language: flow.language.clone(),
        segments: vec![Say::new(flow, building).service(service)],
    }]
}

/// Words in the visitor's language.
struct Say<'a> {
    language: &'a str,
    fallback: &'a str,
    building: &'a Building,
    texts: &'static Texts,
}

impl<'a> Say<'a> {
    fn new(flow: &'a Flow, building: &'a Building) -> Say<'a> {
        Say {
            language: &flow.language,
            fallback: &building.site.default_language,
            building,
            texts: Texts::embedded(),
        }
    }

    fn text(&self, message: &str) -> Segment {
        self.item(
            &format!("text.{message}"),
            self.texts.get(self.language, message),
        )
    }

    /// An item whose engine text is the screen text, or how the voice is to read it.
    fn item(&self, key: &str, shown: &str) -> Segment {
        item(key, said_as(self.language, shown))
    }

    fn name(&self, name: &'a lotse_protocol::Localized) -> &'a str {
        localized(name, self.language, self.fallback)
    }

    fn service(&self, id: &str) -> Segment {
        let name = self.building.service(id).map_or(id, |s| self.name(&s.name));
        self.item(&format!("service.{id}"), name)
    }

    /// A ticket number as the calls read it: the letters by the language's names for them,
    /// the digits as the language's voice reads numbers.
    fn number(&self, number: &str) -> Vec<Segment> {
        let table = phrases();
        let phrase = table.get(self.language);
        let reading = phrase.map_or(NumberReading::Digits, |p| p.numbers);
        let mut segments = lotse_voices::number::ticket(number, reading);
        if let Some(phrase) = phrase {
            for segment in &mut segments {
                if let Some(letter) = segment.key.strip_prefix("letter.") {
                    segment.text = phrase.letter_name(letter).to_owned();
                }
            }
        }
        segments
    }
}

/// How the voice is to read a screen text (`said_as.toml`), else the text itself.
fn said_as<'a>(language: &str, shown: &'a str) -> &'a str {
    type Table = std::collections::HashMap<String, std::collections::HashMap<String, String>>;
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        toml::from_str(include_str!("said_as.toml")).unwrap_or_else(|error| {
            // `every_text_read_aloud_is_translated_in_every_language` parses it too.
            tracing::error!(%error, "said_as.toml is invalid");
            Table::new()
        })
    });
    match table.get(language).and_then(|texts| texts.get(shown)) {
        Some(said) => said.as_str(),
        None => shown,
    }
}

/// The calls' phrase table (ticket letters and number reading per language).
fn phrases() -> &'static PhraseTable {
    static TABLE: std::sync::OnceLock<PhraseTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        PhraseTable::embedded().unwrap_or_else(|error| {
            // The voices crate's own tests keep the embedded table valid.
            tracing::error!(%error, "the phrase table is invalid");
            PhraseTable::empty()
        })
    })
}

fn item(key: &str, text: &str) -> Segment {
    Segment {
        key: key.to_owned(),
        text: text.to_owned(),
        pause_ms: ITEM_PAUSE_MS,
    }
}

fn problem_message(problem: Problem) -> Option<&'static str> {
    match problem {
        Problem::None => None,
        Problem::CodeUnknown => Some(CODE_UNKNOWN),
        Problem::CodeTooEarly => Some(CODE_TOO_EARLY),
        Problem::CodeExpired => Some(CODE_EXPIRED),
        Problem::Printer => Some(PRINTER_PROBLEM),
        Problem::SomethingWrong => Some(SOMETHING_WRONG),
        Problem::NoAnswer => Some(NO_ANSWER),
    }
}

fn state_message(availability: Availability) -> Option<&'static str> {
    match availability {
        Availability::Open => None,
        Availability::Closed => Some(CLOSED_NOW),
        Availability::AppointmentOnly => Some(APPOINTMENT_ONLY),
        Availability::FullToday => Some(FULL_TODAY),
    }
}

#[cfg(test)]
#[path = "spoken_tests.rs"]
mod tests;
