//! Renders the German, Ukrainian and Turkish sample ticket of every built-in printer profile,
//! printed on an emulated printer with that model's code-page table, into PNG files; plus
//! the raster setting on a printer with no code pages. For looking at them and for the
//! documentation: `cargo run -p lotse-printer --example render_profiles -- docs/printers`.

use lotse_printer::emulator::{CharacterTables, Emulator, render_png};
use lotse_printer::profiles::Catalogue;
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::sample_ticket;
use lotse_printer::{PrinterProfile, encode_ticket};

fn render(
    profile: &PrinterProfile,
    tables: CharacterTables,
    language: &str,
    path: &str,
    renderer: &mut TextRenderer,
) -> anyhow::Result<()> {
    let bytes = encode_ticket(&sample_ticket(language), profile, renderer)?;
    let mut emulator = Emulator::with_tables(None, tables);
    emulator.receive(&bytes);
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
