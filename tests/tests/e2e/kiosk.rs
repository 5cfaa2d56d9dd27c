//! The kiosk's logic (flow and I/O worker, without a window) against the real server and the
//! printer emulator on a serial pseudo-terminal: the printed QR code leads to a status page
//! the server answers for that very ticket.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lotse_kiosk::flow::{Event, Flow, Screen};
use lotse_kiosk::worker::Worker;
use lotse_printer::PrinterProfile;
use lotse_printer::emulator::{Emulator, PtyPrinter, render_png, render_text};
use lotse_printer::service::PrinterService;
use lotse_printer::transport::{FlowControl, SerialSettings, SerialTransport, Timeouts};

use crate::util::Server;

/// Runs flow and worker like the kiosk's UI thread would, until `done` or a timeout.
fn drive(
    flow: &mut Flow,
    worker: &Worker,
    events: &mpsc::Receiver<Event>,
    first: Vec<Event>,
    done: impl Fn(&Flow) -> bool,
) {
    let mut queue = first;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        for event in queue.drain(..) {
            for effect in flow.handle(event) {
                worker.run(effect);
            }
        }
        if done(flow) {
            return;
        }
        assert!(Instant::now() < deadline, "stuck on {:?}", flow.screen);
        if let Ok(event) = events.recv_timeout(Duration::from_millis(200)) {
            queue.push(event);
        }
    }
}

#[test]
fn kiosk_ticket_prints_a_qr_code_the_server_answers() {
    let server = Server::start();
    let pty = PtyPrinter::start(Emulator::new(None)).unwrap();
    let emulator = pty.emulator.clone();
    let settings = SerialSettings {
        path: pty.path.clone(),
        baud: 115_200,
        flow_control: FlowControl::None,
    };
    let transport = SerialTransport::open(settings, Timeouts::default()).unwrap();
    let printer = PrinterService::start(Box::new(transport));
    let (sender, events) = mpsc::channel();
    let sender = Mutex::new(sender);
    let post = Arc::new(move |event: Event| {
        let _ = sender.lock().unwrap().send(event);
    });
    let worker = Worker::start(
        server.kiosk(),
        Some(printer),
        PrinterProfile::epson_80mm(),
        post,
    )
    .unwrap();

    let mut flow = Flow::new("de", &crate::util::new_key());
    // The worker finds the server and loads the building.
    drive(&mut flow, &worker, &events, vec![], |f| {
        f.screen == Screen::Welcome
    });
    let first_visit = vec![
        Event::ChooseLanguage("ar".into()),
        Event::OpenAgency("immigration".into()),
        Event::ToggleService("residence-permit".into()),
        Event::OpenAgency("asylum-benefits".into()),
        Event::ToggleService("payment-card".into()),
        Event::ToConfirm,
        Event::Print,
    ];
    drive(&mut flow, &worker, &events, first_visit, |f| {
        f.screen == Screen::Done
    });
    let ticket = flow.ticket.clone().expect("a ticket on screen");
    assert_eq!(ticket.number, "A-001");
    assert_eq!(ticket.stops.len(), 2);
    assert_eq!(
        flow.problem,
        lotse_kiosk::flow::Problem::None,
        "printed without problems"
    );

    // "Printed" means the job left the kiosk; the emulator may still be reading the pty.
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.lock().unwrap().receipts().is_empty() {
        assert!(Instant::now() < deadline, "no receipt within 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    let receipt = emulator.lock().unwrap().receipts()[0].clone();
    let text = render_text(&receipt);
    assert!(text.contains("A-001"), "{text}");
    assert!(
        text.contains("[image"),
        "Arabic lines are raster strips:\n{text}"
    );
    assert!(
        text.contains("Aufenthaltstitel verlängern"),
        "German names for staff:\n{text}"
    );
    let image = render_png(&receipt, 576);
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let url = grids[0].decode().unwrap().1;
    assert_eq!(url, ticket.status_url);
    // The status page token in the printed URL is the ticket's: the server answers for it.
    let token = url.rsplit('/').next().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(server.client().ticket(token)).unwrap();
    assert_eq!(status.number, "A-001");
    assert_eq!(status.language, "ar");

    // Paper out: the next visitor still gets a ticket on screen, nothing is printed.
    emulator.lock().unwrap().condition.paper_out = true;
    flow.handle(Event::StartOver);
    let second_visit = vec![
        Event::ChooseLanguage("de".into()),
        Event::OpenAgency("jobcenter".into()),
        Event::ToggleService("jobcenter-documents".into()),
        Event::ToConfirm,
        Event::Print,
    ];
    drive(&mut flow, &worker, &events, second_visit, |f| {
        f.screen == Screen::Done
    });
    assert_eq!(flow.ticket.as_ref().unwrap().number, "J-001");
    assert_eq!(flow.problem, lotse_kiosk::flow::Problem::Printer);
    assert_eq!(emulator.lock().unwrap().receipts().len(), 1);
    // Staff learn about it: the kiosk reported its printer, the server made an event of it.
    let mut reported = false;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !reported && Instant::now() < deadline {
        let replay = runtime.block_on(async {
            let mut items = lotse_protocol::event_stream::subscribe(
                server.display(),
                Some(0),
                Default::default(),
            );
            let mut found = false;
            while let Ok(Some(item)) =
                tokio::time::timeout(Duration::from_millis(500), items.recv()).await
            {
                if let lotse_protocol::event_stream::StreamItem::Event(event) = item {
                    found |= matches!(
                        event.change,
                        lotse_protocol::Change::DeviceStatus {
                            printer: lotse_protocol::PrinterCondition::PaperOut,
                            ..
                        }
                    );
                }
            }
            found
        });
        reported = replay;
    }
    assert!(reported, "a device_status paper_out event");
    drop(worker);
    drop(runtime);
}
