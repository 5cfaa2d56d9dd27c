//! The test print an installer runs on a new printer (`kiosk print-test`): what the profile
//! says about the printer, one check line per code page printed natively with a raster copy
//! of the same text beneath it as the reference, and the ticket texts of every language the
//! way a ticket prints them. If a native line differs from its reference, the profile's
//! `ESC t` number for that page is wrong for this printer.

use escpos::utils::JustifyMode;

use crate::error::PrinterError;
use crate::labels::Labels;
use crate::layout::{Style, Writer};
use crate::profile::{CodePage, PrinterProfile};
use crate::raster::TextRenderer;

/// The languages of the kiosk, in the order the test print shows them.
pub const LANGUAGES: [&str; 10] = ["de", "en", "fr", "tr", "uk", "ru", "ar", "fa", "ps", "ti"];

/// The letters that tell at a glance whether a code page is the right one.
pub fn check_text(page: CodePage) -> &'static str {
    match page {
        CodePage::Wpc1252 => "Deutsch: Ä Ö Ü ä ö ü ß  Français: é è à ç œ €",
        CodePage::Wpc1251 => "Українська: Ґ ґ Є є І і Ї ї  Русский: Ё ё Ы ы",
        CodePage::Wpc1254 => "Türkçe: Ç ç Ğ ğ İ ı Ö ö Ş ş Ü ü",
        CodePage::Pc866 => "Русский: Ё ё Ж ж Щ щ Ы ы Э э Я я",
    }
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

    // The code-page check: native text, then the same text as raster for comparison.
    w.justify(JustifyMode::LEFT)?;
    if profile.code_pages.is_empty() || profile.raster_text {
        w.line(
            "No code pages in use: every line is printed as raster.",
            Style::Small,
        )?;
    }
    for (page, number) in &profile.code_pages {
        if profile.raster_text {
            break;
        }
        let text = check_text(*page);
        w.line(
            &format!("{} = ESC t {number}, printed by the printer:", page.key()),
            Style::Small,
        )?;
        w.native(text, Some(*page), Style::Normal)?;
        w.line("must look like (raster):", Style::Small)?;
        w.raster(text, Style::Normal)?;
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
        w.line(&labels.about_minutes(35), Style::Normal)?;
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

    #[test]
    fn the_check_lines_decode_to_their_text_on_the_right_table_and_not_on_another() {
        let catalogue = Catalogue::parse_builtin().expect("loads");
        let rongta = catalogue.get("rongta-rp326").expect("rongta");
        let bytes =
            encode_test_print(rongta, &LANGUAGES, &mut TextRenderer::new()).expect("encodes");
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
        let wrong = text_on(CharacterTables::epson());
        assert!(!wrong.contains(check_text(CodePage::Wpc1251)), "{wrong}");
        assert!(
            right.contains("Відомство") || right.contains("Перед вами"),
            "{right}"
        );
    }
}
