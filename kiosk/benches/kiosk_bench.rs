//! Kiosk numbers: start-up to the first rendered frame, memory, and touch ("Print") to the
//! first ticket byte at the printer, against a real queue server (in-process, real SQLite
//! file with durable commits) and a TCP printer that timestamps what it receives.
//! `cargo bench -p lotse-kiosk --bench kiosk_bench`

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lotse_kiosk::flow::{Event, Flow, Screen};
use lotse_kiosk::worker::Worker;
use lotse_printer::PrinterProfile;
use lotse_printer::service::PrinterService;
use lotse_printer::transport::{TcpTransport, Timeouts};
use lotse_protocol::Client;
use lotse_queue_server::local::rss_kib;

/// A printer on TCP that answers status requests "ready" and reports when job bytes arrive.
fn timestamping_printer(first_bytes: mpsc::Sender<Instant>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 8192];
            let mut reported = false;
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                if buffer[0] == 0x10 && n >= 3 && buffer[1] == 0x04 {
                    let _ = stream.write_all(&[0x12]);
                } else if !reported {
                    reported = true;
                    let _ = first_bytes.send(Instant::now());
                }
            }
        }
    });
    port
}

fn main() {
    let rss_before = rss_kib(std::process::id());

    // Start-up: window, controller and the first frame, in the software renderer.
    let started = Instant::now();
    let shots = tempfile::tempdir().unwrap();
    lotse_kiosk::screenshot::render_all(shots.path(), &["de".into()], false, 1.0).unwrap();
    let screens = std::fs::read_dir(shots.path()).unwrap().count();
    let render_all = started.elapsed();
    println!(
        "rendering {screens} kiosk screens (software renderer, 1080x1920): {:.0} ms, {:.1} ms per screen",
        render_all.as_secs_f64() * 1000.0,
        render_all.as_secs_f64() * 1000.0 / screens as f64
    );
    println!(
        "RSS after the UI is up: {} KiB (before: {} KiB)",
        rss_kib(std::process::id()),
        rss_before
    );

    // Touch to first printer byte.
    let dir = tempfile::tempdir().unwrap();
    let url = lotse_queue_server::local::start_demo_server(&dir.path().join("bench.db")).unwrap();
    let token = "demo-kiosk-token";
    let (first_tx, first_rx) = mpsc::channel();
    let port = timestamping_printer(first_tx);
    let printer = PrinterService::start(Box::new(TcpTransport::new(
        "127.0.0.1",
        port,
        Timeouts::default(),
    )));
    let (events_tx, events) = mpsc::channel();
    let events_tx = Mutex::new(events_tx);
    let post = Arc::new(move |event: Event| {
        let _ = events_tx.lock().unwrap().send(event);
    });
    let client = Client::new(&url).unwrap().with_device_token(token);
    let worker = Worker::start(client, Some(printer), PrinterProfile::epson_80mm(), post).unwrap();
    let mut flow = Flow::new("de", "bench");
    let pump = |flow: &mut Flow, until: &dyn Fn(&Flow) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !until(flow) {
            assert!(Instant::now() < deadline, "stuck on {:?}", flow.screen);
            if let Ok(event) = events.recv_timeout(Duration::from_millis(100)) {
                for effect in flow.handle(event) {
                    worker.run(effect);
                }
            }
        }
    };
    pump(&mut flow, &|f| f.screen == Screen::Welcome);
    let mut samples = Vec::new();
    for round in 0..200 {
        let language = if round % 2 == 0 { "de" } else { "ar" };
        for event in [
            Event::StartOver,
            Event::ChooseLanguage(language.into()),
            Event::ToggleService("residence-permit".into()),
            Event::ToggleService("payment-card".into()),
            Event::ToConfirm,
        ] {
            for effect in flow.handle(event) {
                worker.run(effect);
            }
        }
        while first_rx.try_recv().is_ok() {}
        let touched = Instant::now();
        for effect in flow.handle(Event::Print) {
            worker.run(effect);
        }
        pump(&mut flow, &|f| f.screen == Screen::Done);
        let first_byte = first_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        samples.push(first_byte.duration_since(touched));
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "touch (Print) to first printer byte over {} tickets (de/ar alternating, real server, durable SQLite): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 99 / 100]),
        ms(samples[samples.len() - 1])
    );
}
