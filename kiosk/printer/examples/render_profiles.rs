//! Renders the German, Ukrainian and Turkish sample ticket of every built-in printer profile,
//! printed on an emulated printer with that model's code-page table, into PNG files; the
//! German ticket of the unconfirmed Rongta and Xprinter profiles on a printer with only the
//! confirmed tables (PC437); the raster setting on a printer with no code pages but PC437;
//! and test prints. For looking at them and for the documentation:
//! `cargo run -p lotse-printer --example render_profiles -- docs/printers`.

use lotse_printer::emulator::{CharacterTables, Emulator, render_png};
use lotse_printer::profiles::Catalogue;
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::sample_ticket;
use lotse_printer::test_print::encode_test_print;
use lotse_printer::{PrinterProfile, encode_ticket};

fn render(
    profile: &PrinterProfile,
    tables: CharacterTables,
    language: &str,
    path: &str,
    renderer: &mut TextRenderer,
) -> anyhow::Result<()> {
    let bytes = encode_ticket(&sample_ticket(language), profile, renderer)?;
    save(profile, tables, &bytes, path)
}

/// Prints `bytes` on an emulated printer with `tables` and saves the receipt as `path`.
fn save(
    profile: &PrinterProfile,
    tables: CharacterTables,
    bytes: &[u8],
    path: &str,
) -> anyhow::Result<()> {
    let mut emulator = Emulator::with_tables(None, tables);
    emulator.receive(bytes);
    // A printer without a cutter never cuts: feed a cut so the receipt ends.
    emulator.receive(&[0x1D, b'V', 0]);
    let receipt = emulator
        .receipts()
        .first()
        .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
    render_png(receipt, profile.dots).save(path)?;
    println!("{path}: {} bytes on the wire", bytes.len());
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/printers".into());
    std::fs::create_dir_all(&dir)?;
    let mut renderer = TextRenderer::new();
    let catalogue = Catalogue::parse_builtin()?;
    for profile in catalogue.profiles() {
        // epson-80mm is the TM-T20III under its old name: same image.
        if profile.name == "epson-80mm" {
            continue;
        }
        for language in ["de", "uk", "tr"] {
            let path = format!("{dir}/{}-{language}.png", profile.name);
            let tables = CharacterTables::of_profile(profile);
            render(profile, tables, language, &path, &mut renderer)?;
        }
    }
    for name in ["rongta-rp326", "xprinter-xp80"] {
        if let Some(profile) = catalogue.get(name) {
            let path = format!("{dir}/{name}-de-confirmed-tables-only.png");
            let tables = CharacterTables::confirmed_of_profile(profile);
            render(profile, tables, "de", &path, &mut renderer)?;
        }
    }
    let test_prints = [
        ("star-escpos", "star-escpos", "print-test-star-escpos"),
        ("rongta-rp326", "rongta-rp326", "print-test-rongta-rp326"),
        (
            "epson-80mm",
            "rongta-rp326",
            "print-test-epson-profile-on-a-rongta",
        ),
    ];
    for (name, printer, file) in test_prints {
        if let (Some(profile), Some(printer)) = (catalogue.get(name), catalogue.get(printer)) {
            let bytes = encode_test_print(
                profile,
                &lotse_protocol::languages::codes().collect::<Vec<_>>(),
                &mut renderer,
            )?;
            let path = format!("{dir}/{file}.png");
            save(profile, CharacterTables::of_profile(printer), &bytes, &path)?;
        }
    }
    if let Some(xprinter) = catalogue.get("xprinter-xp80") {
        let rastered = PrinterProfile {
            raster_text: true,
            ..xprinter.clone()
        };
        for language in ["de", "uk", "tr"] {
            let path = format!("{dir}/raster-text-no-code-pages-{language}.png");
            render(
                &rastered,
                CharacterTables::none(),
                language,
                &path,
                &mut renderer,
            )?;
        }
    }
    Ok(())
}
