//! The visitor flow as a pure state machine: events in (touches, ticks, results of network
//! and printer work), state changes and effects out. No I/O, no clock: a tick is one second.

use lotse_protocol::{Availability, Building, IssueTicket, PrinterCondition, Queues, Ticket};

use lotse_protocol::languages;

/// Seconds without a touch before any screen forgets the visitor and returns to Welcome.
pub const DEFAULT_IDLE_SECONDS: u32 = 60;
/// Seconds the Done screen stays.
pub const DEFAULT_DONE_SECONDS: u32 = 20;
/// Seconds the Printing screen waits for the worker before it gives the visitor a way on.
/// Longer than the worker's own deadlines (issuing, then printing), so that normally the
/// worker's answer comes first; this is the backstop for an answer that never comes.
pub const DEFAULT_PRINTING_SECONDS: u32 = 35;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Concerns,
    Confirm,
    Printing,
    Done,
    Appointment,
    OutOfService,
}

/// What went wrong, shown on the screen it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    None,
    CodeUnknown,
    CodeTooEarly,
    CodeExpired,
    /// The ticket exists but the printer could not print it.
    Printer,
    SomethingWrong,
    /// The server did not answer in time; printing again asks with the same key, so a
    /// ticket issued meanwhile is returned, not issued twice.
    NoAnswer,
}

/// What the Printing screen waits for.
#[derive(Debug, Clone, PartialEq)]
enum Waiting {
    /// A ticket for these concerns (with an interpreter or not), asked with this idempotency
    /// key.
    Ticket {
        chosen: Vec<String>,
        interpreter: bool,
        key: String,
    },
    CheckIn,
}

/// Why issuing a ticket failed for good (retries are the worker's business).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueFailure {
    /// A chosen service stopped taking walk-ins (closed, full, appointment only).
    Unavailable,
    ServerUnreachable,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    ChooseLanguage(String),
    OpenAppointment,
    OpenAgency(String),
    CloseAgency,
    ToggleService(String),
    RemoveService(String),
    ToConfirm,
    Print,
    Back,
    StartOver,
    KeypadKey(String),
    DeleteKey,
    SubmitCode,
    /// A code from a barcode scanner, already cleaned.
    Scanned(String),
    ToggleLargeText,
    ToggleLowerScreen,
    /// "I would like an interpreter" on the Confirm screen.
    ToggleInterpreter,
    /// The speaker control: read each screen aloud, or stop.
    ToggleReadAloud,
    /// Any touch.
    Activity,
    /// One second passed.
    Tick,
    ServerUp(Box<Building>),
    ServerDown,
    QueuesLoaded(Box<Queues>),
    TicketIssued(Box<Ticket>),
    IssueFailed(IssueFailure),
    CheckedIn(Box<Ticket>),
    CheckInFailed(Problem),
    Printed,
    PrintFailed(PrinterCondition),
    PrinterChecked(PrinterCondition),
}

/// Work for the I/O side.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Switch the UI's translation.
    SelectLanguage(String),
    LoadQueues,
    /// Issue with this idempotency key, retrying with the same key until a final answer.
    IssueTicket {
        request: IssueTicket,
        key: String,
    },
    CheckIn {
        code: String,
        language: String,
    },
    Print {
        ticket: Box<Ticket>,
    },
    /// Tell the server the printer's state so staff see it.
    ReportPrinter(PrinterCondition),
    /// Say these scripts, one after the other, instead of whatever is being said.
    Speak(Vec<lotse_voices::Script>),
    /// Stop speaking.
    StopSpeaking,
}

/// What a screen reads aloud depends on; when it changes, the new screen is read.
#[derive(Debug, Clone, PartialEq)]
struct View {
    read_aloud: bool,
    screen: Screen,
    agency: Option<String>,
    language: String,
    problem: Problem,
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub screen: Screen,
    pub language: String,
    pub default_language: String,
    pub building: Option<Building>,
    pub queues: Option<Queues>,
    /// The agency whose services are listed; none shows the agency tiles.
    pub agency: Option<String>,
    pub chosen: Vec<String>,
    /// The visitor asked for an interpreter (only offered for other languages than the
    /// building's default).
    pub interpreter: bool,
    pub code: String,
    pub ticket: Option<Ticket>,
    pub problem: Problem,
    pub printer: PrinterCondition,
    pub large_text: bool,
    pub lower_screen: bool,
    /// Each screen is read aloud (the speaker control on Welcome).
    pub read_aloud: bool,
    /// Whether read-aloud is on when a visitor starts (the kiosk config's `read_aloud`).
    pub read_aloud_default: bool,
    /// Languages offered, in order (empty = all of the building's).
    pub offered: Vec<String>,
    pub idle_seconds: u32,
    pub idle_limit: u32,
    pub done_limit: u32,
    pub printing_limit: u32,
    /// Counts ticks on Welcome to cycle the greeting through the languages.
    pub welcome_ticks: u32,
    /// A new key per print request; a retry of the same request reuses it.
    next_key: u64,
    waiting: Option<Waiting>,
    /// Seconds on the Printing screen.
    waited_seconds: u32,
    /// The unanswered ticket request a new touch on Print repeats (same concerns, same key).
    unanswered: Option<Waiting>,
    key_prefix: String,
}

impl Flow {
    pub fn new(default_language: &str, key_prefix: &str) -> Flow {
        Flow {
            screen: Screen::OutOfService,
            language: default_language.to_owned(),
            default_language: default_language.to_owned(),
            building: None,
            queues: None,
            agency: None,
            chosen: Vec::new(),
            interpreter: false,
            code: String::new(),
            ticket: None,
            problem: Problem::None,
            printer: PrinterCondition::Ready,
            large_text: false,
            lower_screen: false,
            read_aloud: false,
            read_aloud_default: false,
            offered: Vec::new(),
            idle_seconds: 0,
            idle_limit: DEFAULT_IDLE_SECONDS,
            done_limit: DEFAULT_DONE_SECONDS,
            printing_limit: DEFAULT_PRINTING_SECONDS,
            welcome_ticks: 0,
            next_key: 0,
            waiting: None,
            waited_seconds: 0,
            unanswered: None,
            key_prefix: key_prefix.to_owned(),
        }
    }

    /// The languages the Welcome screen offers, in order.
    pub fn shown_languages(&self) -> Vec<&'static languages::Language> {
        let Some(building) = self.building.as_ref() else {
            return Vec::new();
        };
        let wanted: &[String] = if self.offered.is_empty() {
            &building.site.languages
        } else {
            &self.offered
        };
        wanted
            .iter()
            .filter_map(|code| languages::language(code))
            .collect()
    }

    pub fn rtl(&self) -> bool {
        languages::is_rtl(&self.language)
    }

    /// Whether the Confirm screen offers an interpreter: not in the building's default
    /// language, which every desk speaks.
    pub fn interpreter_offered(&self) -> bool {
        let default = self
            .building
            .as_ref()
            .map_or(self.default_language.as_str(), |b| {
                b.site.default_language.as_str()
            });
        self.language != default
    }

    /// Forgets everything about the current visitor (privacy) and shows Welcome.
    fn reset(&mut self) -> Vec<Effect> {
        self.agency = None;
        self.chosen.clear();
        self.interpreter = false;
        self.code.clear();
        self.ticket = None;
        self.problem = Problem::None;
        self.waiting = None;
        self.unanswered = None;
        self.large_text = false;
        self.lower_screen = false;
        self.read_aloud = self.read_aloud_default;
        self.idle_seconds = 0;
        self.welcome_ticks = 0;
        self.screen = if self.building.is_some() {
            Screen::Welcome
        } else {
            Screen::OutOfService
        };
        if self.language != self.default_language {
            self.language = self.default_language.clone();
            return vec![Effect::SelectLanguage(self.language.clone())];
        }
        Vec::new()
    }

    fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.idle_seconds = 0;
        self.waited_seconds = 0;
    }

    /// Handles one event; when read-aloud is on, a new screen is read (stopping what was
    /// being said), a touched concern is named, and returning to Welcome stops speech.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        let before = self.view();
        let touched = match &event {
            Event::ToggleService(id) => Some((id.clone(), self.chosen.len())),
            _ => None,
        };
        let mut effects = self.apply(event);
        let after = self.view();
        if !after.read_aloud {
            if before.read_aloud {
                effects.push(Effect::StopSpeaking);
            }
        } else if !before.read_aloud {
            // Just switched on: read the screen, Welcome's language names included.
            effects.push(Effect::Speak(crate::spoken::screen(self)));
        } else if before != after {
            effects.push(if self.screen == Screen::Welcome {
                // Back at Welcome (walked away, or started over): silence for the next one.
                Effect::StopSpeaking
            } else {
                Effect::Speak(crate::spoken::screen(self))
            });
        } else if let Some((id, count)) = touched
            && count != self.chosen.len()
        {
            effects.push(Effect::Speak(crate::spoken::service_touched(self, &id)));
        }
        effects
    }

    fn view(&self) -> View {
        View {
            read_aloud: self.read_aloud,
            screen: self.screen,
            agency: self.agency.clone(),
            language: self.language.clone(),
            problem: self.problem,
        }
    }

    fn apply(&mut self, event: Event) -> Vec<Effect> {
        use Event::*;
        if matches!(self.screen, Screen::OutOfService)
            && !matches!(event, ServerUp(_) | Tick | PrinterChecked(_))
        {
            return Vec::new();
        }
        match event {
            ChooseLanguage(code) => {
                let known = languages::language(&code).is_some();
                if !known || self.screen != Screen::Welcome {
                    return Vec::new();
                }
                self.language = code.clone();
                self.go(Screen::Concerns);
                vec![Effect::SelectLanguage(code), Effect::LoadQueues]
            }
            OpenAppointment => {
                if self.screen == Screen::Welcome {
                    self.code.clear();
                    self.problem = Problem::None;
                    self.go(Screen::Appointment);
                }
                Vec::new()
            }
            OpenAgency(id) => {
                let exists = self
                    .building
                    .as_ref()
                    .is_some_and(|b| b.agency(&id).is_some());
                if self.screen == Screen::Concerns && exists {
                    self.agency = Some(id);
                    self.idle_seconds = 0;
                }
                Vec::new()
            }
            CloseAgency => {
                self.agency = None;
                self.idle_seconds = 0;
                Vec::new()
            }
            ToggleService(id) => {
                if self.screen != Screen::Concerns || !self.available(&id) {
                    return Vec::new();
                }
                if let Some(at) = self.chosen.iter().position(|c| *c == id) {
                    self.chosen.remove(at);
                } else if self.chosen.len() < lotse_protocol::limits::MAX_CONCERNS {
                    self.chosen.push(id);
                }
                self.idle_seconds = 0;
                Vec::new()
            }
            RemoveService(id) => {
                self.chosen.retain(|c| *c != id);
                if self.chosen.is_empty() && self.screen == Screen::Confirm {
                    self.go(Screen::Concerns);
                }
                self.idle_seconds = 0;
                Vec::new()
            }
            ToConfirm => {
                if self.screen == Screen::Concerns && !self.chosen.is_empty() {
                    self.go(Screen::Confirm);
                    return vec![Effect::LoadQueues];
                }
                Vec::new()
            }
            Print => {
                if self.screen != Screen::Confirm || self.chosen.is_empty() {
                    return Vec::new();
                }
                self.go(Screen::Printing);
                self.problem = Problem::None;
                let key = match self.unanswered.take() {
                    // The same request again: the server returns the ticket if it issued one.
                    Some(Waiting::Ticket {
                        chosen,
                        interpreter,
                        key,
                    }) if chosen == self.chosen && interpreter == self.interpreter => key,
                    _ => {
                        self.next_key += 1;
                        format!("{}-{}", self.key_prefix, self.next_key)
                    }
                };
                self.waiting = Some(Waiting::Ticket {
                    chosen: self.chosen.clone(),
                    interpreter: self.interpreter,
                    key: key.clone(),
                });
                vec![Effect::IssueTicket {
                    request: IssueTicket {
                        services: self.chosen.clone(),
                        language: self.language.clone(),
                        channel: None,
                        priority: false,
                        interpreter: self.interpreter && self.interpreter_offered(),
                    },
                    key,
                }]
            }
            Back => {
                match self.screen {
                    Screen::Concerns if self.agency.is_some() => self.agency = None,
                    Screen::Concerns | Screen::Appointment => return self.reset(),
                    Screen::Confirm => self.go(Screen::Concerns),
                    _ => {}
                }
                self.idle_seconds = 0;
                Vec::new()
            }
            StartOver => self.reset(),
            KeypadKey(key) => {
                if self.screen == Screen::Appointment && self.code.len() < 32 {
                    if let Some(clean) = crate::scanner::clean_code(&key) {
                        self.code.push_str(&clean);
                    }
                    self.problem = Problem::None;
                }
                self.idle_seconds = 0;
                Vec::new()
            }
            DeleteKey => {
                self.code.pop();
                self.idle_seconds = 0;
                Vec::new()
            }
            SubmitCode => {
                if self.screen != Screen::Appointment || self.code.is_empty() {
                    return Vec::new();
                }
                let code = self.code.clone();
                self.go(Screen::Printing);
                self.waiting = Some(Waiting::CheckIn);
                vec![Effect::CheckIn {
                    code,
                    language: self.language.clone(),
                }]
            }
            Scanned(code) => {
                // A scan works from Welcome and the appointment screen alike.
                if !matches!(self.screen, Screen::Welcome | Screen::Appointment) {
                    return Vec::new();
                }
                self.code = code.clone();
                self.go(Screen::Printing);
                self.waiting = Some(Waiting::CheckIn);
                vec![Effect::CheckIn {
                    code,
                    language: self.language.clone(),
                }]
            }
            ToggleInterpreter => {
                if self.screen == Screen::Confirm && self.interpreter_offered() {
                    self.interpreter = !self.interpreter;
                    self.idle_seconds = 0;
                }
                Vec::new()
            }
            ToggleReadAloud => {
                self.read_aloud = !self.read_aloud;
                self.idle_seconds = 0;
                Vec::new()
            }
            ToggleLargeText => {
                self.large_text = !self.large_text;
                self.idle_seconds = 0;
                Vec::new()
            }
            ToggleLowerScreen => {
                self.lower_screen = !self.lower_screen;
                self.idle_seconds = 0;
                Vec::new()
            }
            Activity => {
                self.idle_seconds = 0;
                Vec::new()
            }
            Tick => self.tick(),
            ServerUp(building) => {
                self.default_language = building.site.default_language.clone();
                self.building = Some(*building);
                if self.screen == Screen::OutOfService {
                    return self.reset();
                }
                Vec::new()
            }
            ServerDown => {
                // A visitor in the middle of printing keeps waiting: the worker retries.
                if self.screen != Screen::Printing {
                    self.reset();
                    self.screen = Screen::OutOfService;
                }
                Vec::new()
            }
            QueuesLoaded(queues) => {
                self.queues = Some(*queues);
                // Drop choices that stopped being available meanwhile.
                let chosen = std::mem::take(&mut self.chosen);
                self.chosen = chosen.into_iter().filter(|c| self.available(c)).collect();
                Vec::new()
            }
            TicketIssued(ticket) | CheckedIn(ticket) => {
                if self.screen != Screen::Printing {
                    return Vec::new();
                }
                self.ticket = Some((*ticket).clone());
                if self.printer == PrinterCondition::Ready {
                    vec![Effect::Print { ticket }]
                } else {
                    // No paper: the visitor still gets the number and QR on screen.
                    self.problem = Problem::Printer;
                    self.go(Screen::Done);
                    Vec::new()
                }
            }
            IssueFailed(failure) => {
                if self.screen != Screen::Printing {
                    return Vec::new();
                }
                self.problem = Problem::SomethingWrong;
                match failure {
                    IssueFailure::Unavailable => {
                        self.go(Screen::Concerns);
                        vec![Effect::LoadQueues]
                    }
                    IssueFailure::ServerUnreachable => {
                        // The visitor keeps the choice and can ask again with the same key;
                        // if the server is really gone, its health check takes the kiosk
                        // out of service.
                        self.no_answer();
                        Vec::new()
                    }
                    IssueFailure::Other => {
                        self.go(Screen::Confirm);
                        Vec::new()
                    }
                }
            }
            CheckInFailed(problem) => {
                if self.screen == Screen::Printing {
                    self.problem = problem;
                    self.go(Screen::Appointment);
                }
                Vec::new()
            }
            Printed => {
                if self.screen == Screen::Printing {
                    self.problem = Problem::None;
                    self.go(Screen::Done);
                }
                Vec::new()
            }
            PrintFailed(state) => {
                self.printer = state;
                if self.screen == Screen::Printing {
                    self.problem = Problem::Printer;
                    self.go(Screen::Done);
                }
                vec![Effect::ReportPrinter(state)]
            }
            PrinterChecked(state) => {
                let changed = state != self.printer;
                self.printer = state;
                if changed {
                    vec![Effect::ReportPrinter(state)]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn tick(&mut self) -> Vec<Effect> {
        self.idle_seconds = self.idle_seconds.saturating_add(1);
        match self.screen {
            Screen::Welcome => {
                self.welcome_ticks = self.welcome_ticks.wrapping_add(1);
                Vec::new()
            }
            // Its own counter: touches while waiting must not postpone the deadline.
            Screen::Printing if self.waited_seconds + 1 >= self.printing_limit => {
                self.give_up_waiting();
                Vec::new()
            }
            Screen::Printing => {
                self.waited_seconds += 1;
                Vec::new()
            }
            Screen::OutOfService => Vec::new(),
            Screen::Done if self.idle_seconds >= self.done_limit => self.reset(),
            _ if self.idle_seconds >= self.idle_limit => self.reset(),
            _ => Vec::new(),
        }
    }

    /// The answer did not come in time: a way on for the visitor on a screen they know.
    fn give_up_waiting(&mut self) {
        if self.ticket.is_some() {
            // Issued but the printer never answered: the number and QR are on screen.
            self.problem = Problem::Printer;
            self.waiting = None;
            self.go(Screen::Done);
            return;
        }
        match self.waiting {
            Some(Waiting::CheckIn) => {
                self.waiting = None;
                self.problem = Problem::SomethingWrong;
                self.go(Screen::Appointment);
            }
            _ => self.no_answer(),
        }
    }

    /// Back to Confirm with the unanswered request kept for a retry with the same key.
    fn no_answer(&mut self) {
        self.unanswered = self.waiting.take();
        self.problem = Problem::NoAnswer;
        self.go(Screen::Confirm);
    }

    /// The last queue report's line for `service`.
    pub fn queue(&self, service: &str) -> Option<&lotse_protocol::ServiceQueue> {
        self.queues
            .as_ref()
            .and_then(|q| q.services.iter().find(|s| s.service == service))
    }

    /// Whether a kiosk visitor can take a ticket for `service` now, and if not why; `None`
    /// for a service the building does not have. Without a queue report a walk-in service
    /// counts as open (the server still decides when the ticket is issued).
    pub fn availability(&self, service: &str) -> Option<Availability> {
        let service = self.building.as_ref()?.service(service)?;
        let reported = self.queue(&service.id).map(|q| q.availability);
        Some(match reported {
            // The server applied the rule; its report already knows hours and limits.
            Some(reported) => reported,
            // Without a report only the building file is known: the server decides the rest
            // when the ticket is issued.
            None => Availability::of(service.walk_in, true, false),
        })
    }

    /// Whether a kiosk visitor can choose `service` now (per the last queue report).
    pub fn available(&self, service: &str) -> bool {
        self.availability(service) == Some(Availability::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_data;

    fn ready() -> Flow {
        let mut flow = Flow::new("de", "k");
        flow.handle(Event::ServerUp(Box::new(demo_data::building())));
        flow
    }

    fn at_confirm() -> Flow {
        let mut flow = ready();
        flow.handle(Event::ChooseLanguage("fa".into()));
        flow.handle(Event::ToggleService("residence-permit".into()));
        flow.handle(Event::ToConfirm);
        flow
    }

    fn issue_keys(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::IssueTicket { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn one_touch_one_request_and_a_new_key_per_visit() {
        let mut flow = at_confirm();
        let first = issue_keys(&flow.handle(Event::Print));
        assert_eq!(first.len(), 1);
        // A second touch while printing asks for nothing more.
        assert!(flow.handle(Event::Print).is_empty());
        let ticket = demo_data::ticket(&demo_data::building(), &["residence-permit".into()], "fa");
        let effects = flow.handle(Event::TicketIssued(Box::new(ticket)));
        assert!(matches!(effects.as_slice(), [Effect::Print { .. }]));
        flow.handle(Event::Printed);
        assert_eq!(flow.screen, Screen::Done);
        flow.handle(Event::StartOver);
        assert_eq!(flow.screen, Screen::Welcome);
        assert_eq!(
            flow.language, "de",
            "privacy: the next visitor starts fresh"
        );
        assert!(flow.chosen.is_empty() && flow.ticket.is_none());
        flow.handle(Event::ChooseLanguage("de".into()));
        flow.handle(Event::ToggleService("payment-card".into()));
        flow.handle(Event::ToConfirm);
        let second = issue_keys(&flow.handle(Event::Print));
        assert_ne!(first, second);
    }

    #[test]
    fn printer_problems_still_give_the_ticket_on_screen() {
        let mut flow = at_confirm();
        assert_eq!(
            flow.handle(Event::PrinterChecked(PrinterCondition::PaperOut)),
            vec![Effect::ReportPrinter(PrinterCondition::PaperOut)]
        );
        assert!(
            flow.handle(Event::PrinterChecked(PrinterCondition::PaperOut))
                .is_empty()
        );
        flow.handle(Event::Print);
        let ticket = demo_data::ticket(&demo_data::building(), &["residence-permit".into()], "fa");
        let effects = flow.handle(Event::TicketIssued(Box::new(ticket)));
        assert!(effects.is_empty(), "no job for a printer without paper");
        assert_eq!(
            (flow.screen, flow.problem),
            (Screen::Done, Problem::Printer)
        );
        assert!(flow.ticket.is_some());
    }

    #[test]
    fn rules_against_odd_input() {
        let mut flow = ready();
        // Unknown languages and services, and touches on the wrong screen, change nothing.
        assert!(flow.handle(Event::ChooseLanguage("xx".into())).is_empty());
        assert_eq!(flow.screen, Screen::Welcome);
        flow.handle(Event::ToggleService("residence-permit".into()));
        assert!(flow.chosen.is_empty());
        flow.handle(Event::ChooseLanguage("de".into()));
        flow.handle(Event::ToggleService("no-such-service".into()));
        flow.handle(Event::ToggleService("naturalisation-advice".into()));
        assert!(
            flow.chosen.is_empty(),
            "unknown and appointment-only are refused"
        );
        assert!(flow.handle(Event::ToConfirm).is_empty());
        assert_eq!(flow.screen, Screen::Concerns);
        // Results that arrive late (after a reset) are ignored.
        flow.handle(Event::StartOver);
        let ticket = demo_data::ticket(&demo_data::building(), &["residence-permit".into()], "de");
        assert!(
            flow.handle(Event::TicketIssued(Box::new(ticket)))
                .is_empty()
        );
        assert_eq!(flow.screen, Screen::Welcome);
        // A server outage while printing waits for the retries; elsewhere it is shown.
        let mut printing = at_confirm();
        printing.handle(Event::Print);
        printing.handle(Event::ServerDown);
        assert_eq!(printing.screen, Screen::Printing);
        flow.handle(Event::ServerDown);
        assert_eq!(flow.screen, Screen::OutOfService);
        assert!(flow.handle(Event::OpenAppointment).is_empty());
        assert_eq!(flow.screen, Screen::OutOfService);
    }

    #[test]
    fn idle_and_done_timeouts() {
        let check = |screen_events: Vec<Event>, ticks: u32, expected: Screen| {
            let mut flow = ready();
            for event in screen_events {
                flow.handle(event);
            }
            for _ in 0..ticks {
                flow.handle(Event::Tick);
            }
            assert_eq!(flow.screen, expected, "after {ticks} s");
        };
        let concerns = || vec![Event::ChooseLanguage("ar".into())];
        check(concerns(), DEFAULT_IDLE_SECONDS - 1, Screen::Concerns);
        check(concerns(), DEFAULT_IDLE_SECONDS, Screen::Welcome);
        check(
            vec![Event::OpenAppointment],
            DEFAULT_IDLE_SECONDS,
            Screen::Welcome,
        );
        check(vec![], 500, Screen::Welcome);
    }

    #[test]
    fn printing_that_never_ends_gives_up_after_its_deadline() {
        let mut flow = at_confirm();
        let key = issue_keys(&flow.handle(Event::Print));
        // No answer at all (a server that accepts and never answers); touches do not
        // postpone the deadline.
        for _ in 0..DEFAULT_PRINTING_SECONDS - 1 {
            flow.handle(Event::Tick);
            flow.handle(Event::Activity);
        }
        assert_eq!(flow.screen, Screen::Printing);
        flow.handle(Event::Tick);
        assert_eq!(
            (flow.screen, flow.problem),
            (Screen::Confirm, Problem::NoAnswer)
        );
        assert_eq!(flow.chosen, vec!["residence-permit".to_owned()]);
        // Trying again asks with the same key: a ticket issued meanwhile comes back.
        assert_eq!(issue_keys(&flow.handle(Event::Print)), key);
        assert_eq!(flow.problem, Problem::None);
        // A late answer to a request given up on is ignored.
        flow.handle(Event::StartOver);
        assert!(
            flow.handle(Event::IssueFailed(IssueFailure::ServerUnreachable))
                .is_empty()
        );
        assert_eq!(flow.screen, Screen::Welcome);
    }

    #[test]
    fn a_request_the_worker_gives_up_keeps_the_choice_and_the_key() {
        let mut flow = at_confirm();
        let key = issue_keys(&flow.handle(Event::Print));
        flow.handle(Event::IssueFailed(IssueFailure::ServerUnreachable));
        assert_eq!(
            (flow.screen, flow.problem),
            (Screen::Confirm, Problem::NoAnswer)
        );
        assert_eq!(issue_keys(&flow.handle(Event::Print)), key, "same key");
        // A changed choice is a new request with a new key.
        flow.handle(Event::IssueFailed(IssueFailure::ServerUnreachable));
        flow.handle(Event::Back);
        flow.handle(Event::ToggleService("payment-card".into()));
        flow.handle(Event::ToConfirm);
        let other = issue_keys(&flow.handle(Event::Print));
        assert_ne!(other, key);
    }

    #[test]
    fn a_printer_or_check_in_that_never_answers_ends_on_a_visitor_screen() {
        let mut flow = at_confirm();
        flow.handle(Event::Print);
        let ticket = demo_data::ticket(&demo_data::building(), &["residence-permit".into()], "fa");
        flow.handle(Event::TicketIssued(Box::new(ticket)));
        for _ in 0..DEFAULT_PRINTING_SECONDS {
            flow.handle(Event::Tick);
        }
        assert_eq!(
            (flow.screen, flow.problem),
            (Screen::Done, Problem::Printer)
        );
        assert!(flow.ticket.is_some(), "the number stays on screen");

        let mut checking_in = ready();
        checking_in.handle(Event::Scanned("ABC123".into()));
        assert_eq!(checking_in.screen, Screen::Printing);
        for _ in 0..DEFAULT_PRINTING_SECONDS {
            checking_in.handle(Event::Tick);
        }
        assert_eq!(
            (checking_in.screen, checking_in.problem),
            (Screen::Appointment, Problem::SomethingWrong)
        );
    }
}
