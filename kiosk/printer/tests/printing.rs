//! Printing end to end: golden bytes, round trips through a serial pseudo-terminal and TCP to
//! the emulator, QR codes decoded from the rendered paper, typed errors for paper out, cover
//! open and offline, and timeouts.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lotse_printer::emulator::{Emulator, PtyPrinter, render_png, render_text, serve_tcp};
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::{SAMPLE_URL, sample_ticket};
use lotse_printer::transport::{
    FlowControl, SerialSettings, SerialTransport, TcpTransport, Timeouts, Transport, print_job,
    read_status,
};
use lotse_printer::{PrinterError, PrinterProfile, encode_ticket};

fn encode(language: &str) -> Vec<u8> {
    encode_ticket(
        &sample_ticket(language),
        &PrinterProfile::epson_80mm(),
        &mut TextRenderer::new(),
    )
    .unwrap()
}

/// The German ticket's exact bytes. Set `UPDATE_GOLDEN=1` to accept a deliberate change.
#[test]
fn german_ticket_bytes_match_the_golden_file() {
    let bytes = encode("de");
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/ticket-de.bin");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, &bytes).unwrap();
    }
    let expected = std::fs::read(golden).expect("golden file (run with UPDATE_GOLDEN=1)");
    assert_eq!(bytes, expected, "the German ticket's bytes changed");

    // What the golden file must contain, independently of how it was produced:
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&[0x1B, 0x74, 16]), "selects WPC1252 (ESC t 16)");
    assert!(contains(b"Ausl\xE4nderbeh\xF6rde"), "umlauts in WPC1252");
    assert!(contains(b"A-042"), "the number with a plain '-'");
    assert!(
        contains(&[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32]),
        "QR model 2"
    );
    assert!(
        contains(SAMPLE_URL.as_bytes()),
        "the status URL in the QR data"
    );
    assert!(
        !contains(&[0x1D, 0x76, 0x30]),
        "no raster image in a Latin ticket"
    );
    assert!(bytes.len() <= 1024, "{} bytes", bytes.len());
}

#[test]
fn tickets_stay_within_their_size_budgets() {
    for language in ["de", "en", "fr", "tr", "uk", "ru"] {
        let size = encode(language).len();
        assert!(size <= 1024, "{language}: {size} bytes");
    }
    for language in ["ar", "fa", "ps", "ti"] {
        let size = encode(language).len();
        assert!(size <= 6 * 1024, "{language}: {size} bytes");
    }
}

/// A visitor who asked for an interpreter reads on the ticket that one will be arranged; the
/// line keeps every language within its size budget.
#[test]
fn an_interpreter_request_is_printed_within_the_budgets() {
    let with_interpreter = |language: &str| {
        let ticket = lotse_printer::TicketPrint {
            interpreter: true,
            ..sample_ticket(language)
        };
        encode_ticket(
            &ticket,
            &PrinterProfile::epson_80mm(),
            &mut TextRenderer::new(),
        )
        .unwrap()
    };
    let line = b"An interpreter will be arranged.";
    let contains = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&with_interpreter("en"), line));
    assert!(!contains(&encode("en"), line));
    for language in ["de", "en", "fr", "tr", "uk", "ru"] {
        let size = with_interpreter(language).len();
        assert!(size <= 1024, "{language}: {size} bytes");
    }
    for language in ["ar", "fa", "ps", "ti"] {
        let (plain, asked) = (encode(language).len(), with_interpreter(language).len());
        assert!(asked > plain, "{language}: the line is printed");
        assert!(asked <= 6 * 1024, "{language}: {asked} bytes");
    }
}

fn serial(path: &str) -> SerialTransport {
    let settings = SerialSettings {
        path: path.to_owned(),
        baud: 38_400,
        flow_control: FlowControl::None,
    };
    SerialTransport::open(settings, Timeouts::default()).unwrap()
}

fn wait_for_receipts(emulator: &Mutex<Emulator>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while emulator.lock().unwrap().receipts().len() < n {
        assert!(Instant::now() < deadline, "no receipt within 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn decode_qr(image: &image::GrayImage) -> String {
    let mut prepared = rqrr::PreparedImage::prepare(image.clone());
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the ticket");
    grids[0].decode().unwrap().1
}

/// Serial pseudo-terminals are not thread-safe to set up in parallel: one test does all.
#[test]
fn serial_round_trip_status_and_faults() {
    let pty = PtyPrinter::start(Emulator::new(None)).unwrap();
    let emulator = pty.emulator.clone();
    let mut transport = serial(&pty.path);

    // A German ticket prints, and the paper shows the number, umlauts, agency and a QR code
    // that decodes to the status URL.
    let status = read_status(&mut transport).unwrap().unwrap();
    assert!(status.ready().is_ok());
    print_job(&mut transport, &encode("de")).unwrap();
    wait_for_receipts(&emulator, 1);
    let receipt = emulator.lock().unwrap().receipts()[0].clone();
    let text = render_text(&receipt);
    assert!(receipt.unknown_commands.is_empty(), "{text}");
    assert!(text.contains("A-042"), "{text}");
    assert!(text.contains("Ausländerbehörde"), "{text}");
    assert!(text.contains("Aufenthaltstitel verlängern"), "{text}");
    assert!(text.contains("Pass, biometrisches Foto"), "{text}");
    let png = render_png(&receipt, 576);
    assert_eq!(decode_qr(&png), SAMPLE_URL);

    // An Arabic ticket: raster strips for Arabic, the same QR code.
    print_job(&mut transport, &encode("ar")).unwrap();
    wait_for_receipts(&emulator, 2);
    let receipt = emulator.lock().unwrap().receipts()[1].clone();
    assert!(render_text(&receipt).contains("[image"));
    assert_eq!(decode_qr(&render_png(&receipt, 576)), SAMPLE_URL);

    // Faults are reported as typed errors before any ticket byte is sent.
    type Expect = fn(&PrinterError) -> bool;
    let faults: [(&str, Expect); 3] = [
        ("paper-out", |e| matches!(e, PrinterError::PaperOut)),
        ("cover-open", |e| matches!(e, PrinterError::CoverOpen)),
        ("offline", |e| matches!(e, PrinterError::Offline)),
    ];
    for (command, expected) in faults {
        let before = emulator.lock().unwrap().data_bytes;
        {
            let mut emulator = emulator.lock().unwrap();
            emulator.condition = Default::default();
            assert!(emulator.condition.apply(command));
        }
        let error = print_job(&mut transport, &encode("de")).unwrap_err();
        assert!(expected(&error), "{command}: got {error:?}");
        assert_eq!(
            emulator.lock().unwrap().data_bytes,
            before,
            "{command}: bytes were sent"
        );
    }
    emulator.lock().unwrap().condition = Default::default();
    assert!(
        read_status(&mut transport)
            .unwrap()
            .unwrap()
            .ready()
            .is_ok()
    );
}

#[test]
fn tcp_transport_prints_to_the_emulator() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let emulator = Arc::new(Mutex::new(Emulator::new(None)));
    let served = emulator.clone();
    std::thread::spawn(move || serve_tcp(listener, served));
    // By host name, as an administrator would configure it.
    let mut transport = TcpTransport::new("localhost", port, Timeouts::default());
    assert!(transport.describe().contains("localhost"));
    print_job(&mut transport, &encode("uk")).unwrap();
    wait_for_receipts(&emulator, 1);
    let receipt = emulator.lock().unwrap().receipts()[0].clone();
    let text = render_text(&receipt);
    assert!(
        text.contains("Продовжити дозвіл на проживання"),
        "Cyrillic as native text:\n{text}"
    );
    assert_eq!(decode_qr(&render_png(&receipt, 576)), SAMPLE_URL);

    emulator.lock().unwrap().condition.paper_out = true;
    let error = print_job(&mut transport, &encode("uk")).unwrap_err();
    assert!(matches!(error, PrinterError::PaperOut), "{error:?}");
}

#[test]
fn a_peer_that_never_reads_or_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts connections and then neither reads nor answers.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        write: Duration::from_millis(300),
        read: Duration::from_millis(300),
    };
    let mut transport = TcpTransport::new("127.0.0.1", port, timeouts);
    let error = read_status(&mut transport).unwrap_err();
    assert!(matches!(error, PrinterError::Timeout), "{error:?}");
    // Large enough to fill the socket buffers of both sides.
    let job = vec![b'x'; 64 * 1024 * 1024];
    let error = transport.write_all(&job).unwrap_err();
    assert!(matches!(error, PrinterError::Timeout), "{error:?}");

    // Nobody listening: a clear connection error, not a hang.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut transport = TcpTransport::new("127.0.0.1", closed_port, timeouts);
    let error = transport.write_all(b"x").unwrap_err();
    assert!(matches!(error, PrinterError::Io(_)), "{error:?}");
}
