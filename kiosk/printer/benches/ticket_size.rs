//! Bytes per ticket and time on the wire, per language, and how long encoding takes; then
//! the German, Ukrainian and Turkish ticket per built-in profile (an unconfirmed code page
//! costs raster bytes). `cargo bench -p lotse-printer --bench ticket_size`

use std::time::Instant;

use lotse_printer::profiles::Catalogue;
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::sample_ticket;
use lotse_printer::{PrinterProfile, encode_ticket};

const BAUDS: [u32; 4] = [9_600, 19_200, 38_400, 115_200];

fn main() -> anyhow::Result<()> {
    let profile = PrinterProfile::epson_80mm();
    let mut renderer = TextRenderer::new();
    println!("| language | bytes | 9600 baud | 19200 | 38400 | 115200 | encode (median of 20) |");
    println!("|---|---|---|---|---|---|---|");
    for language in lotse_protocol::languages::codes() {
        let ticket = sample_ticket(language);
        let mut bytes = Vec::new();
        let mut times = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            bytes = encode_ticket(&ticket, &profile, &mut renderer)?;
            times.push(start.elapsed());
        }
        times.sort();
        // 8N1 serial: 10 bits on the wire per byte.
        let wire: Vec<String> = BAUDS
            .iter()
            .map(|baud| {
                format!(
                    "{:.0} ms",
                    bytes.len() as f64 * 10.0 * 1000.0 / f64::from(*baud)
                )
            })
            .collect();
        println!(
            "| {language} | {} | {} | {:.1} ms |",
            bytes.len(),
            wire.join(" | "),
            times[times.len() / 2].as_secs_f64() * 1000.0
        );
    }
    println!();
    println!("| profile | confirmed pages | de | uk | tr |");
    println!("|---|---|---|---|---|");
    for profile in Catalogue::parse_builtin()?.profiles() {
        let confirmed: Vec<&str> = profile
            .tables()
            .filter(|(_, _, confirmed)| *confirmed)
            .map(|(page, _, _)| page.key())
            .collect();
        let mut sizes = Vec::new();
        for language in ["de", "uk", "tr"] {
            sizes.push(encode_ticket(&sample_ticket(language), profile, &mut renderer)?.len());
        }
        println!(
            "| {} | {} | {} | {} | {} |",
            profile.name,
            confirmed.join(", "),
            sizes[0],
            sizes[1],
            sizes[2]
        );
    }
    Ok(())
}
