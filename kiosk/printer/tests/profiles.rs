//! Every built-in printer profile against an emulated printer with that model's code-page
//! table, and against one that has only the profile's confirmed tables (and PC437): German,
//! Ukrainian and Turkish come out as the right letters (decoded back to text and compared)
//! or as raster strips, never garbled; the raster setting prints on a printer with no code
//! pages but PC437.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use lotse_printer::emulator::{CharacterTables, Element, Emulator, Receipt};
use lotse_printer::labels::Labels;
use lotse_printer::profile::CodePage;
use lotse_printer::profiles::{Catalogue, ProfilePatch};
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
        labels.each_concern_called.clone(),
        ticket.issued.clone(),
    ];
    for concern in &ticket.concerns {
        parts.push(concern.name.clone());
        parts.extend(concern.name_de.clone());
    }
    parts.extend(ticket.people_ahead.map(|n| labels.people_ahead(n)));
    parts.extend(
        ticket
            .wait_minutes
            .map(|m| labels.about_minutes(&ticket.language, m)),
    );
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
fn each_builtin_profile_prints_right_on_a_printer_with_only_its_confirmed_tables() {
    // The field check of issue 21: an emulator listing only confirmed entries. Before, the
    // assumed WPC1252 numbers of Rongta and Xprinter printed German as garbage there.
    let catalogue = Catalogue::parse_builtin().unwrap();
    for profile in catalogue.profiles() {
        for language in ["de", "uk", "tr"] {
            let ticket = sample_ticket(language);
            let tables = CharacterTables::confirmed_of_profile(profile);
            let receipt = print_on(&ticket, profile, tables);
            assert_prints_correctly(&ticket, profile, &receipt);
        }
    }
}

/// A German ticket of a Bürgeramt.
fn buergeramt_ticket() -> TicketPrint {
    let mut ticket = sample_ticket("de");
    ticket.site_name = "Bürgeramt".into();
    ticket.agency = "Bürgeramt Naumburg".into();
    ticket.concerns[0].name = "Aufenthaltserlaubnis ändern".into();
    ticket
}

fn encode(ticket: &TicketPrint, profile: &PrinterProfile) -> Vec<u8> {
    encode_ticket(ticket, profile, &mut TextRenderer::new()).unwrap()
}

fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn unconfirmed_rongta_and_xprinter_print_german_through_pc437() {
    let catalogue = Catalogue::parse_builtin().unwrap();
    let ticket = buergeramt_ticket();
    for name in ["rongta-rp326", "xprinter-xp80"] {
        let profile = catalogue.get(name).unwrap();
        // A unit with no Latin-1 table at the assumed number: only PC437 is sure.
        let receipt = print_on(
            &ticket,
            profile,
            CharacterTables::confirmed_of_profile(profile),
        );
        let text = native_lines(&receipt).join("\n");
        assert!(text.contains("Bürgeramt"), "{name}: {text}");
        assert!(
            text.contains("Aufenthaltserlaubnis ändern"),
            "{name}: {text}"
        );
        assert!(!text.contains('\u{FFFD}'), "{name}: {text}");
        assert_eq!(rasters(&receipt), 0, "{name}: German needs no raster strip");
        let bytes = encode(&ticket, profile);
        assert!(contains(&bytes, &[0x1B, b't', 0]), "{name}: ESC t 0");
        assert!(
            !contains(&bytes, &[0x1B, b't', 16]),
            "{name}: no assumed ESC t 16"
        );
        assert!(
            contains(&bytes, b"B\x81rgeramt"),
            "{name}: ü is 0x81 in PC437"
        );
        assert!(bytes.len() <= 1024, "{name}: {} bytes", bytes.len());

        // The old rule (every listed page used) garbles the same ticket on that unit.
        let all_used = PrinterProfile {
            confirmed: profile.code_pages.keys().copied().collect(),
            ..profile.clone()
        };
        let receipt = print_on(
            &ticket,
            &all_used,
            CharacterTables::confirmed_of_profile(profile),
        );
        let garbled = native_lines(&receipt).join("\n");
        assert!(!garbled.contains("Bürgeramt"), "{name}: {garbled}");
        assert!(garbled.contains('\u{FFFD}'), "{name}: {garbled}");
    }
}

#[test]
fn the_confirmed_epson_profile_still_prints_german_in_wpc1252() {
    let epson = PrinterProfile::epson_80mm();
    assert!(epson.is_confirmed(CodePage::Wpc1252));
    let ticket = buergeramt_ticket();
    let bytes = encode(&ticket, &epson);
    assert!(contains(&bytes, &[0x1B, b't', 16]), "ESC t 16");
    assert!(!contains(&bytes, &[0x1B, b't', 0]), "no PC437");
    assert!(contains(&bytes, b"B\xFCrgeramt"), "ü is 0xFC in WPC1252");
    assert!(bytes.len() <= 1024, "{} bytes", bytes.len());
    let receipt = print_on(
        &ticket,
        &epson,
        CharacterTables::confirmed_of_profile(&epson),
    );
    assert!(
        native_lines(&receipt)
            .join("\n")
            .contains("Aufenthaltserlaubnis ändern")
    );
}

#[test]
fn german_tickets_stay_within_a_kilobyte_on_every_80mm_profile() {
    // The bar is for text; a printer without native QR pays ~8 KB for the QR raster anyway.
    let catalogue = Catalogue::parse_builtin().unwrap();
    for profile in catalogue
        .profiles()
        .filter(|p| p.paper_mm == 80 && p.native_qr)
    {
        for ticket in [
            sample_ticket("de"),
            buergeramt_ticket(),
            sample_ticket("en"),
        ] {
            let size = encode(&ticket, profile).len();
            assert!(
                size <= 1024,
                "{} {}: {size} bytes",
                profile.name,
                ticket.language
            );
        }
    }
}

#[test]
fn each_profile_prints_natively_what_its_confirmed_tables_offer() {
    // Guards the tests above against passing by rastering everything.
    let catalogue = Catalogue::parse_builtin().unwrap();
    let native = |profile: &PrinterProfile, language: &str| {
        let ticket = sample_ticket(language);
        let receipt = print_on(&ticket, profile, CharacterTables::of_profile(profile));
        native_lines(&receipt).join("\n").contains(&ticket.agency)
    };
    for profile in catalogue.profiles() {
        assert!(native(profile, "de"), "{}: German natively", profile.name);
        let all_confirmed = profile
            .code_pages
            .keys()
            .all(|page| profile.is_confirmed(*page));
        for language in ["uk", "tr"] {
            let expected = all_confirmed
                && profile
                    .code_page_for(&sample_ticket(language).agency)
                    .is_some();
            assert_eq!(
                native(profile, language),
                expected,
                "{} {language}",
                profile.name
            );
        }
    }
    let epson = catalogue.get("epson-tm-t20iii").unwrap();
    assert!(native(epson, "uk") && native(epson, "tr"));
    let rongta = catalogue.get("rongta-rp326").unwrap();
    assert!(!native(rongta, "uk"), "assumed WPC1251: raster");
}

#[test]
fn epson_numbers_garble_cyrillic_on_a_rongta_and_a_confirmed_rongta_profile_does_not() {
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
    // Unconfirmed, Cyrillic goes as raster: more bytes, right letters.
    let unconfirmed = print_on(&ticket, rongta, CharacterTables::of_profile(rongta));
    assert!(!native_lines(&unconfirmed).join("\n").contains('\u{FFFD}'));
    assert!(rasters(&unconfirmed) > 0);
    // After a print-test on the unit, kiosk.toml confirms WPC1251: native text.
    let patch: ProfilePatch = toml::from_str("confirmed = [\"wpc1251\"]").unwrap();
    let confirmed = catalogue
        .with_patches(&[("rongta-rp326".to_owned(), patch)].into())
        .unwrap();
    let rongta = confirmed.get("rongta-rp326").unwrap();
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
    // Without the setting, the same printer prints German through PC437, the one table it
    // has, and Ukrainian as raster.
    let plain = PrinterProfile {
        raster_text: false,
        ..profile
    };
    let ticket = sample_ticket("de");
    let receipt = print_on(&ticket, &plain, CharacterTables::none());
    assert!(native_lines(&receipt).join("\n").contains(&ticket.agency));
    let ticket = sample_ticket("uk");
    let receipt = print_on(&ticket, &plain, CharacterTables::none());
    assert!(!native_lines(&receipt).join("").contains('\u{FFFD}'));
    assert!(rasters(&receipt) > 0);
}
