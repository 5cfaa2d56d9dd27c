//! Every built-in printer profile against an emulated printer with that model's code-page
//! table: German, Ukrainian and Turkish come out as the right letters (decoded back to text
//! and compared) or as raster strips, never garbled; the raster setting prints on a printer
//! with no code pages at all.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use lotse_printer::emulator::{CharacterTables, Element, Emulator, Receipt};
use lotse_printer::labels::Labels;
use lotse_printer::profiles::Catalogue;
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::sample_ticket;
use lotse_printer::{PrinterProfile, TicketPrint, encode_ticket};

/// Prints `ticket` for `profile` on a printer with `tables`; the one receipt.
fn print_on(ticket: &TicketPrint, profile: &PrinterProfile, tables: CharacterTables) -> Receipt {
    let bytes = encode_ticket(ticket, profile, &mut TextRenderer::new()).unwrap();
    let mut emulator = Emulator::with_tables(None, tables);
    emulator.receive(&bytes);
    // A printer without a cutter never cuts: end the receipt by hand.
    emulator.receive(&[0x1D, b'V', 0]);
    emulator.receipts()[0].clone()
}

/// Every line of native text on the receipt.
fn native_lines(receipt: &Receipt) -> Vec<String> {
    receipt
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Line { runs, .. } => Some(runs.iter().map(|r| r.text.as_str()).collect()),
            _ => None,
        })
        .collect()
}

fn rasters(receipt: &Receipt) -> usize {
    receipt
        .elements
        .iter()
        .filter(|e| matches!(e, Element::Raster { .. }))
        .count()
}

/// All texts the ticket may print, so that each printed line can be found in it.
fn expected_text(ticket: &TicketPrint) -> String {
    let labels = Labels::of(&ticket.language);
    let mut parts = vec![
        ticket.site_name.clone(),
        ticket.number.clone(),
        ticket.agency.clone(),
        labels.your_number.clone(),
        labels.your_concerns.clone(),
        labels.scan_hint.clone(),
        labels.watch_screen.clone(),
        ticket.issued.clone(),
    ];
    for concern in &ticket.concerns {
        parts.push(concern.name.clone());
        parts.extend(concern.name_de.clone());
    }
    parts.extend(ticket.people_ahead.map(|n| labels.people_ahead(n)));
    parts.extend(ticket.wait_minutes.map(|m| labels.about_minutes(m)));
    if let Some(documents) = &ticket.documents {
        parts.push(format!("{} {documents}", labels.please_bring));
    }
    parts.join("\n")
}

/// The check: every native line is text the ticket contains (no wrong letters, no
/// replacement marks), and every line the profile can encode was printed natively.
fn assert_prints_correctly(ticket: &TicketPrint, profile: &PrinterProfile, receipt: &Receipt) {
    let expected = expected_text(ticket);
    let lines = native_lines(receipt);
    for line in &lines {
        let line = line.trim();
        if line.chars().all(|c| c == '-') {
            continue;
        }
        assert!(
            expected.contains(line),
            "{} ({}): printed {line:?}, which the ticket does not say",
            profile.name,
            ticket.language
        );
    }
    let printed = lines.join(" ");
    for concern in &ticket.concerns {
        if profile.code_page_for(&concern.name).is_some() {
            let first_word = concern.name.split(' ').next().unwrap();
            assert!(
                printed.contains(first_word),
                "{} ({}): {:?} should be native text",
                profile.name,
                ticket.language,
                concern.name
            );
        } else {
            assert!(rasters(receipt) > 0, "{}: raster expected", profile.name);
        }
    }
    assert!(
        receipt.unknown_commands.is_empty(),
        "{:?}",
        receipt.unknown_commands
    );
}

#[test]
fn each_builtin_profile_prints_german_ukrainian_and_turkish_on_its_own_table() {
    let catalogue = Catalogue::parse_builtin().unwrap();
    for profile in catalogue.profiles() {
        for language in ["de", "uk", "tr"] {
            let ticket = sample_ticket(language);
            let receipt = print_on(&ticket, profile, CharacterTables::of_profile(profile));
            assert_prints_correctly(&ticket, profile, &receipt);
        }
    }
}

#[test]
fn each_profile_prints_natively_what_its_table_offers() {
    // Guards the test above against passing by rastering everything.
    let catalogue = Catalogue::parse_builtin().unwrap();
    let native = |name: &str, language: &str| {
        let profile = catalogue.get(name).unwrap();
        let ticket = sample_ticket(language);
        let receipt = print_on(&ticket, profile, CharacterTables::of_profile(profile));
        native_lines(&receipt).join("\n").contains(&ticket.agency)
    };
    for name in ["epson-tm-t20iii", "citizen-ct-s310", "rongta-rp326"] {
        for language in ["de", "uk", "tr"] {
            assert!(native(name, language), "{name} {language}");
        }
    }
    assert!(native("star-escpos", "uk") && native("star-escpos", "de"));
    assert!(!native("star-escpos", "tr"), "Star has no WPC1254: raster");
    assert!(
        !native("xprinter-xp80", "uk"),
        "unknown Cyrillic table: raster"
    );
}

#[test]
fn epson_numbers_garble_cyrillic_on_a_rongta_and_its_own_profile_does_not() {
    // The field report: Epson's ESC t 46 is CP856 on a Rongta RP326.
    let catalogue = Catalogue::parse_builtin().unwrap();
    let rongta = catalogue.get("rongta-rp326").unwrap();
    let ticket = sample_ticket("uk");
    let garbled = print_on(
        &ticket,
        catalogue.get("epson-80mm").unwrap(),
        CharacterTables::of_profile(rongta),
    );
    let text = native_lines(&garbled).join("\n");
    assert!(!text.contains(&ticket.agency), "{text}");
    assert!(text.contains('\u{FFFD}'), "{text}");
    let right = print_on(&ticket, rongta, CharacterTables::of_profile(rongta));
    assert!(native_lines(&right).join("\n").contains(&ticket.agency));
}

#[test]
fn raster_text_prints_on_a_printer_without_code_pages() {
    let profile = PrinterProfile {
        raster_text: true,
        ..Catalogue::parse_builtin()
            .unwrap()
            .get("xprinter-xp80")
            .unwrap()
            .clone()
    };
    for language in ["de", "uk", "tr"] {
        let receipt = print_on(&sample_ticket(language), &profile, CharacterTables::none());
        let lines = native_lines(&receipt);
        assert!(lines.is_empty(), "{language}: native text {lines:?}");
        assert!(rasters(&receipt) >= 8, "{language}: {}", rasters(&receipt));
        assert!(
            receipt
                .elements
                .iter()
                .any(|e| matches!(e, Element::Qr { .. })),
            "the QR code is still native"
        );
    }
    // Without the setting, the same printer garbles German.
    let plain = PrinterProfile {
        raster_text: false,
        ..profile
    };
    let receipt = print_on(&sample_ticket("de"), &plain, CharacterTables::none());
    assert!(native_lines(&receipt).join("").contains('\u{FFFD}'));
}
