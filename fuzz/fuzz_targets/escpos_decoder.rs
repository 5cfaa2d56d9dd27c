//! The printer emulator's ESC/POS decoder: any bytes, cut into any chunks, on a printer with
//! Epson's tables, no tables or a built-in profile's; then the receipts are rendered as text
//! and (one input in four) as PNG, the way the emulator saves them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotse_printer::emulator::CharacterTables;
use lotse_printer::emulator::Emulator;
use lotse_printer::emulator::{render_png, render_text};
use lotse_printer::profiles::Catalogue;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let tables = match first % 4 {
        0 => CharacterTables::epson(),
        1 => CharacterTables::none(),
        _ => {
            let profiles: Vec<_> = Catalogue::builtin().profiles().collect();
            match profiles.get(usize::from(first / 4) % profiles.len().max(1)) {
                Some(profile) => CharacterTables::of_profile(profile),
                None => CharacterTables::epson(),
            }
        }
    };
    let mut printer = Emulator::with_tables(None, tables);
    // The high bits choose the chunk size: the decoder must not care how bytes arrive.
    let chunk = usize::from(first >> 4) + 1;
    for part in rest.chunks(chunk) {
        let _ = printer.receive(part);
    }
    // Rendering a PNG costs more than decoding: one input in four renders one.
    let png = first & 0x0c == 0x0c;
    for receipt in printer.receipts() {
        let _ = render_text(receipt);
        if png {
            let _ = render_png(receipt, 576);
        }
    }
});
