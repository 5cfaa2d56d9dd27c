//! The I/O side of the kiosk: a tokio runtime on its own threads talks to the queue server and
//! the printer and posts the outcomes back to the UI thread as flow events. The UI thread
//! never waits for the network or the printer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lotse_printer::raster::TextRenderer;
use lotse_printer::service::PrinterService;
use lotse_printer::{PrinterError, PrinterProfile, encode_ticket};
use lotse_protocol::{
    Building, CheckIn, Client, ClientError, Deadlines, ErrorCode, IssueTicket, Ticket,
};

use crate::flow::{Effect, Event, IssueFailure, Problem};
use crate::ticket_print::ticket_print;
use lotse_protocol::PrinterCondition;

/// Delivers an event to the UI thread.
pub type Post = Arc<dyn Fn(Event) + Send + Sync>;

/// How long a ticket request is retried (same idempotency key) before the visitor is told.
pub const ISSUE_DEADLINE: Duration = Duration::from_secs(15);
/// Deadlines of every request to the server: a stalled answer counts as a failed attempt
/// long before the visitor's patience ends.
pub const SERVER_DEADLINES: Deadlines = Deadlines {
    connect: Duration::from_secs(3),
    request: Duration::from_secs(5),
};
const HEALTH_INTERVAL: Duration = Duration::from_millis(700);
const PRINTER_INTERVAL: Duration = Duration::from_secs(10);

pub struct Worker {
    runtime: tokio::runtime::Runtime,
    client: Client,
    printer: Option<PrinterService>,
    profile: PrinterProfile,
    building: Arc<Mutex<Option<Building>>>,
    renderer: Arc<Mutex<TextRenderer>>,
    post: Post,
    /// Whether the kiosk is showing the server as up. A ticket request that gives up puts
    /// the kiosk out of service, so it clears this: the next good health check brings the
    /// kiosk back even if `/healthz` never stopped answering.
    shown_up: Arc<AtomicBool>,
}

impl Worker {
    pub fn start(
        client: Client,
        printer: Option<PrinterService>,
        profile: PrinterProfile,
        post: Post,
    ) -> anyhow::Result<Worker> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lotse-kiosk-io")
            .enable_all()
            .build()?;
        let worker = Worker {
            runtime,
            client,
            printer,
            profile,
            building: Arc::new(Mutex::new(None)),
            renderer: Arc::new(Mutex::new(TextRenderer::new())),
            post,
            shown_up: Arc::new(AtomicBool::new(false)),
        };
        worker.watch_server();
        worker.watch_printer();
        Ok(worker)
    }

    /// Polls the server: out of service within about a second of it going away, back as soon
    /// as it answers again (with a fresh building configuration).
    fn watch_server(&self) {
        let (client, post, building) = (
            self.client.clone(),
            self.post.clone(),
            self.building.clone(),
        );
        let shown_up = self.shown_up.clone();
        self.runtime.spawn(async move {
            loop {
                let up = shown_up.load(Ordering::SeqCst);
                let alive = tokio::time::timeout(HEALTH_INTERVAL, client.healthz())
                    .await
                    .is_ok_and(|r| r.is_ok());
                if alive && !up {
                    match client.config().await {
                        Ok(config) => {
                            *building.lock().unwrap_or_else(|p| p.into_inner()) =
                                Some(config.clone());
                            tracing::info!("queue server reachable");
                            post(Event::ServerUp(Box::new(config)));
                            shown_up.store(true, Ordering::SeqCst);
                        }
                        Err(error) => tracing::warn!(%error, "cannot load the building"),
                    }
                } else if !alive && up {
                    tracing::warn!("queue server unreachable");
                    post(Event::ServerDown);
                    shown_up.store(false, Ordering::SeqCst);
                } else if !alive && !up {
                    post(Event::ServerDown);
                }
                tokio::time::sleep(HEALTH_INTERVAL).await;
            }
        });
    }

    fn watch_printer(&self) {
        let Some(printer) = self.printer.clone() else {
            return;
        };
        let post = self.post.clone();
        self.runtime.spawn(async move {
            loop {
                let state = match printer.status().await {
                    Ok(Some(status)) => match status.ready() {
                        Ok(()) => PrinterCondition::Ready,
                        Err(error) => printer_state(&error),
                    },
                    Ok(None) => PrinterCondition::Ready,
                    Err(error) => printer_state(&error),
                };
                post(Event::PrinterChecked(state));
                tokio::time::sleep(PRINTER_INTERVAL).await;
            }
        });
    }

    pub fn run(&self, effect: Effect) {
        match effect {
            // The UI thread handles this one itself.
            Effect::SelectLanguage(_) => {}
            // The reader handles these (`app.rs`), on its own thread.
            Effect::Speak(_) | Effect::StopSpeaking => {}
            Effect::LoadQueues => {
                let (client, post) = (self.client.clone(), self.post.clone());
                self.runtime.spawn(async move {
                    match client.queues().await {
                        Ok(queues) => post(Event::QueuesLoaded(Box::new(queues))),
                        Err(error) => tracing::warn!(%error, "cannot load the queues"),
                    }
                });
            }
            Effect::IssueTicket { request, key } => {
                let (client, post) = (self.client.clone(), self.post.clone());
                let shown_up = self.shown_up.clone();
                self.runtime.spawn(async move {
                    let outcome = issue_with_retries(&client, &request, &key).await;
                    if matches!(outcome, Event::IssueFailed(IssueFailure::ServerUnreachable)) {
                        shown_up.store(false, Ordering::SeqCst);
                    }
                    post(outcome);
                });
            }
            Effect::CheckIn { code, language } => {
                let (client, post) = (self.client.clone(), self.post.clone());
                self.runtime.spawn(async move {
                    let request = CheckIn {
                        code,
                        language: Some(language),
                    };
                    let event = match client.check_in(&request).await {
                        Ok(ticket) => Event::CheckedIn(Box::new(ticket)),
                        Err(error) => Event::CheckInFailed(check_in_problem(&error)),
                    };
                    post(event);
                });
            }
            Effect::Print { ticket } => self.print(*ticket),
            Effect::ReportPrinter(state) => {
                tracing::warn!(?state, "printer state changed");
                let client = self.client.clone();
                self.runtime.spawn(async move {
                    let status = lotse_protocol::DeviceStatus { printer: state };
                    if let Err(error) = client.report_status(&status).await {
                        tracing::warn!(%error, "cannot report the printer state");
                    }
                });
            }
        }
    }

    fn print(&self, ticket: Ticket) {
        let post = self.post.clone();
        let Some(printer) = self.printer.clone() else {
            post(Event::PrintFailed(PrinterCondition::Unreachable));
            return;
        };
        let building = self
            .building
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(building) = building else {
            post(Event::PrintFailed(PrinterCondition::Unreachable));
            return;
        };
        let (profile, renderer) = (self.profile.clone(), self.renderer.clone());
        self.runtime.spawn(async move {
            // Encoding shapes text: CPU work, off the async threads.
            let encoded = tokio::task::spawn_blocking(move || {
                let mut renderer = renderer.lock().unwrap_or_else(|p| p.into_inner());
                encode_ticket(&ticket_print(&ticket, &building), &profile, &mut renderer)
            })
            .await;
            let job = match encoded {
                Ok(Ok(job)) => job,
                Ok(Err(error)) => {
                    tracing::error!(%error, "cannot lay out the ticket");
                    post(Event::PrintFailed(PrinterCondition::Offline));
                    return;
                }
                Err(error) => {
                    tracing::error!(%error, "layout task failed");
                    post(Event::PrintFailed(PrinterCondition::Offline));
                    return;
                }
            };
            match printer.print(job).await {
                Ok(()) => post(Event::Printed),
                Err(error) => {
                    tracing::warn!(%error, "printing failed");
                    post(Event::PrintFailed(printer_state(&error)));
                }
            }
        });
    }
}

/// Issues a ticket, retrying transport failures, timeouts and 5xx with the same key; gives up
/// at [`ISSUE_DEADLINE`] however the server misbehaves (each attempt also has the client's
/// own request deadline).
pub async fn issue_with_retries(client: &Client, request: &IssueTicket, key: &str) -> Event {
    match tokio::time::timeout(ISSUE_DEADLINE, retry_issue(client, request, key)).await {
        Ok(event) => event,
        Err(_elapsed) => {
            tracing::warn!(?ISSUE_DEADLINE, "giving up issuing a ticket");
            Event::IssueFailed(IssueFailure::ServerUnreachable)
        }
    }
}

async fn retry_issue(client: &Client, request: &IssueTicket, key: &str) -> Event {
    let mut pause = Duration::from_millis(200);
    loop {
        match client.issue_ticket(request, key).await {
            Ok(ticket) => return Event::TicketIssued(Box::new(ticket)),
            Err(error) if error.is_retryable() => {
                tracing::info!(%error, "retrying the ticket request with the same key");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(2));
            }
            Err(error) => {
                tracing::warn!(%error, "ticket refused");
                let unavailable = error.code().is_some_and(ErrorCode::is_unavailable_service);
                return Event::IssueFailed(if unavailable {
                    IssueFailure::Unavailable
                } else {
                    IssueFailure::Other
                });
            }
        }
    }
}

fn check_in_problem(error: &ClientError) -> Problem {
    match error.code() {
        Some(ErrorCode::UnknownAppointment) => Problem::CodeUnknown,
        Some(ErrorCode::AppointmentTooEarly) => Problem::CodeTooEarly,
        Some(ErrorCode::AppointmentExpired) => Problem::CodeExpired,
        _ => Problem::SomethingWrong,
    }
}

pub fn printer_state(error: &PrinterError) -> PrinterCondition {
    match error {
        PrinterError::PaperOut => PrinterCondition::PaperOut,
        PrinterError::CoverOpen => PrinterCondition::CoverOpen,
        PrinterError::Offline | PrinterError::Failure => PrinterCondition::Offline,
        _ => PrinterCondition::Unreachable,
    }
}
