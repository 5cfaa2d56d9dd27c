//! The test print an installer runs on a new printer (`kiosk print-test`): what the profile
//! says about the printer, one check line per code page printed natively with a raster copy
//! of the same text beneath it as the reference, and the ticket texts of every language the
//! way a ticket prints them. If a native line differs from its reference, the profile's
//! `ESC t` number for that page is wrong for this printer; if it matches, an assumed number
//! can be confirmed in kiosk.toml. [`code_page_report`] and [`how_to_confirm`] say which
//! numbers are confirmed, on the paper and in `kiosk print-test`'s output alike.

use escpos::utils::JustifyMode;

use crate::error::PrinterError;
use crate::labels::Labels;
use crate::layout::{Style, Writer};
use crate::profile::{CodePage, PrinterProfile};
use crate::raster::TextRenderer;

/// The letters that tell at a glance whether a code page is the right one.
pub fn check_text(page: CodePage) -> &'static str {
    match page {
        CodePage::Wpc1252 => "Deutsch: Ä Ö Ü ä ö ü ß  Français: é è à ç œ €",
        CodePage::Wpc1251 => "Українська: Ґ ґ Є є І і Ї ї  Русский: Ё ё Ы ы",
        CodePage::Wpc1254 => "Türkçe: Ç ç Ğ ğ İ ı Ö ö Ş ş Ü ü",
        CodePage::Pc866 => "Русский: Ё ё Ж ж Щ щ Ы ы Э э Я я",
        CodePage::Pc437 => "Deutsch: Ä Ö Ü ä ö ü ß  Français: é è à ç",
    }
}

/// One line per code page of `profile`, PC437 first: its `ESC t` number and whether it is
/// confirmed (and so used on tickets) or assumed.
pub fn code_page_report(profile: &PrinterProfile) -> Vec<String> {
    profile
        .tables()
        .map(|(page, number, confirmed)| {
            let status = match (page, confirmed) {
                (CodePage::Pc437, _) => "confirmed (every ESC/POS printer)",
                (_, true) => "confirmed",
                (_, false) => "ASSUMED: not used on tickets until confirmed",
            };
            format!("{:<7} = ESC t {number:<3} {status}", page.key())
        })
        .collect()
}

/// How an installer confirms the assumed pages of `profile`; empty when none is assumed.
pub fn how_to_confirm(profile: &PrinterProfile) -> Vec<String> {
    let all: Vec<String> = profile
        .tables()
        .filter(|(page, _, _)| *page != CodePage::Pc437)
        .map(|(page, _, _)| format!("\"{}\"", page.key()))
        .collect();
    if profile.tables().all(|(_, _, confirmed)| confirmed) {
        return Vec::new();
    }
    vec![
        "To confirm a page: compare its line on the test print with the raster copy \
         beneath it. Where they match, list the page in kiosk.toml (leave out any page whose \
         line differs) and restart the kiosk:"
            .to_owned(),
        format!("[printer_profiles.{}]", profile.name),
        format!("confirmed = [{}]", all.join(", ")),
    ]
}

/// Encodes the test print for `profile` with the texts of `languages`.
pub fn encode_test_print(
    profile: &PrinterProfile,
    languages: &[&str],
    renderer: &mut TextRenderer,
) -> Result<Vec<u8>, PrinterError> {
    let mut w = Writer::new(profile, renderer, "de")?;
    w.justify(JustifyMode::CENTER)?;
    w.line("LOTSE PRINT TEST", Style::Bold)?;
    w.line(
        &format!("profile {} ({})", profile.name, profile.model),
        Style::Small,
    )?;
    w.justify(JustifyMode::LEFT)?;
    w.line(
        &format!(
            "{} mm, {} dots, {} columns; QR {}; cutter {}; status {}; raster text {}",
            profile.paper_mm,
            profile.dots,
            profile.columns,
            yes_no(profile.native_qr),
            yes_no(profile.cutter),
            yes_no(profile.realtime_status),
            yes_no(profile.raster_text),
        ),
        Style::Small,
    )?;
    w.separator()?;

    // The code-page check: native text, then the same text as raster for comparison; PC437
    // and every listed page, assumed ones included, because this is how they get confirmed.
    w.justify(JustifyMode::LEFT)?;
    if profile.raster_text {
        w.line(
            "raster_text = true: tickets print every line as raster; the lines below show \
             whether the code pages would work.",
            Style::Small,
        )?;
    }
    for ((page, number, _), report) in profile.tables().zip(code_page_report(profile)) {
        let text = check_text(page);
        w.line(&report, Style::Small)?;
        w.line(
            &format!("ESC t {number}, printed by the printer:"),
            Style::Small,
        )?;
        w.native(text, Some(page), Style::Normal)?;
        w.line("must look like (raster):", Style::Small)?;
        w.raster(text, Style::Normal)?;
    }
    for line in how_to_confirm(profile) {
        w.line(&line, Style::Small)?;
    }
    w.separator()?;

    // Each language as its ticket would print it.
    for language in languages {
        let labels = Labels::of(language);
        w.language = language;
        w.align_start()?;
        w.line(&format!("[{language}]"), Style::Small)?;
        w.align_start()?;
        w.line(&labels.your_number, Style::Bold)?;
        w.line(&labels.people_ahead(7), Style::Normal)?;
        w.line(&labels.about_minutes(language, 35), Style::Normal)?;
    }
    w.separator()?;
    w.justify(JustifyMode::CENTER)?;
    w.qr("https://lotse.invalid/print-test")?;
    w.line(
        "QR: scan with a phone - it reads lotse.invalid/print-test",
        Style::Small,
    )?;
    w.finish()
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::{CharacterTables, Element, Emulator};
    use crate::profiles::Catalogue;

    fn every_language() -> Vec<&'static str> {
        lotse_protocol::languages::codes().collect()
    }

    #[test]
    fn the_check_lines_decode_to_their_text_on_the_right_table_and_not_on_another() {
        let catalogue = Catalogue::parse_builtin().expect("loads");
        let rongta = catalogue.get("rongta-rp326").expect("rongta");
        let bytes = encode_test_print(rongta, &every_language(), &mut TextRenderer::new())
            .expect("encodes");
        let text_on = |tables: CharacterTables| {
            let mut emulator = Emulator::with_tables(None, tables);
            emulator.receive(&bytes);
            let receipt = emulator.receipts().first().cloned().expect("a receipt");
            receipt
                .elements
                .iter()
                .filter_map(|e| match e {
                    Element::Line { runs, .. } => {
                        Some(runs.iter().map(|r| r.text.clone()).collect::<String>())
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let right = text_on(CharacterTables::of_profile(rongta));
        for page in rongta.code_pages.keys() {
            assert!(right.contains(check_text(*page)), "{page:?} in {right}");
        }
        assert!(right.contains(check_text(CodePage::Pc437)), "{right}");
        let wrong = text_on(CharacterTables::epson());
        assert!(!wrong.contains(check_text(CodePage::Wpc1251)), "{wrong}");
        // The language lines print as tickets do: Rongta's pages are assumed, so Ukrainian
        // goes as raster and German through PC437.
        assert!(!right.contains("Перед вами"), "{right}");
        assert!(right.contains("7 Personen vor Ihnen"), "{right}");
    }

    #[test]
    fn the_report_marks_each_page_and_says_how_to_confirm_it() {
        let catalogue = Catalogue::parse_builtin().expect("loads");
        let rongta = catalogue.get("rongta-rp326").expect("rongta");
        let report = code_page_report(rongta).join("\n");
        assert!(
            report.starts_with("pc437   = ESC t 0   confirmed (every ESC/POS printer)"),
            "{report}"
        );
        assert!(
            report.contains("wpc1251 = ESC t 6   ASSUMED: not used on tickets until confirmed"),
            "{report}"
        );
        let how = how_to_confirm(rongta).join("\n");
        assert!(how.contains("[printer_profiles.rongta-rp326]"), "{how}");
        assert!(
            how.contains(r#"confirmed = ["wpc1252", "wpc1251", "wpc1254", "pc866"]"#),
            "{how}"
        );
        let epson = catalogue.get("epson-tm-t20iii").expect("epson");
        assert!(
            code_page_report(epson)
                .iter()
                .all(|l| l.contains("confirmed"))
        );
        assert!(how_to_confirm(epson).is_empty(), "nothing to confirm");

        // The printed page says the same.
        let bytes = encode_test_print(rongta, &["de"], &mut TextRenderer::new()).expect("encodes");
        let mut emulator = Emulator::with_tables(None, CharacterTables::none());
        emulator.receive(&bytes);
        let text = crate::emulator::render_text(&emulator.receipts()[0]);
        assert!(text.contains("ASSUMED: not used on tickets"), "{text}");
        assert!(text.contains("[printer_profiles.rongta-rp326]"), "{text}");
    }
}
