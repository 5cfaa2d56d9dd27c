//! Renders the sample ticket in several languages through the emulator into PNG files, for
//! looking at them and for the documentation: `cargo run -p lotse-printer --example
//! render_tickets -- docs/tickets`.

use lotse_printer::emulator::{Emulator, render_png};
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::sample_ticket;
use lotse_printer::{PrinterProfile, encode_ticket};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/tickets".into());
    std::fs::create_dir_all(&dir)?;
    let mut renderer = TextRenderer::new();
    for (language, profile) in [
        ("de", PrinterProfile::epson_80mm()),
        ("ar", PrinterProfile::epson_80mm()),
        ("ti", PrinterProfile::epson_80mm()),
        ("uk", PrinterProfile::epson_80mm()),
        ("fa", PrinterProfile::epson_80mm()),
        ("ps", PrinterProfile::epson_80mm()),
        ("de", PrinterProfile::generic_58mm()),
    ] {
        let bytes = encode_ticket(&sample_ticket(language), &profile, &mut renderer)?;
        let mut emulator = Emulator::new(None);
        emulator.receive(&bytes);
        // A printer without a cutter never cuts: feed a cut so the receipt ends.
        emulator.receive(&[0x1D, b'V', 0]);
        let receipt = emulator
            .receipts()
            .first()
            .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
        let path = format!("{dir}/ticket-{language}-{}mm.png", profile.paper_mm);
        render_png(receipt, profile.dots).save(&path)?;
        println!("{path}: {} bytes on the wire", bytes.len());
        if std::env::var_os("SHOW_TEXT").is_some() {
            println!("{}", lotse_printer::emulator::render_text(receipt));
        }
    }
    Ok(())
}
