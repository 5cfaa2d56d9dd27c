//! A printer emulator: receives ESC/POS, answers real-time status like an Epson-compatible
//! printer, and renders every cut receipt the way an 80 mm printer would print it. Its
//! decoder is written independently of the encoder (own command parser, code pages from
//! `encoding_rs` and its own PC437 table), so a round trip through it is a real check.

mod decoder;
mod pc437;
mod render;
mod serve;
mod tables;

use std::path::PathBuf;

pub use decoder::{Decoder, Element, Receipt, Run};
pub use render::{render_png, render_text};
pub use serve::{PtyPrinter, serve_pty, serve_tcp};
pub use tables::CharacterTables;

/// What the emulated printer's sensors say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Condition {
    pub paper_out: bool,
    pub paper_near_end: bool,
    pub cover_open: bool,
    pub offline: bool,
}

impl Condition {
    /// Applies a control command (`paper-out`, `paper-ok`, `cover-open`, `cover-closed`,
    /// `offline`, `online`, `near-end`); false if the command is unknown.
    pub fn apply(&mut self, command: &str) -> bool {
        match command.trim() {
            "paper-out" => self.paper_out = true,
            "paper-ok" => {
                self.paper_out = false;
                self.paper_near_end = false;
            }
            "near-end" => self.paper_near_end = true,
            "cover-open" => self.cover_open = true,
            "cover-closed" => self.cover_open = false,
            "offline" => self.offline = true,
            "online" => self.offline = false,
            _ => return false,
        }
        true
    }

    fn can_print(&self) -> bool {
        !(self.paper_out || self.cover_open || self.offline)
    }

    /// The answer to `DLE EOT n` (Epson real-time status; fixed bits 1 and 4 set).
    fn status_byte(&self, n: u8) -> u8 {
        let bit = |on: bool, mask: u8| if on { mask } else { 0 };
        let stopped = !self.can_print();
        match n {
            1 => 0x12 | bit(stopped, 0x08),
            2 => 0x12 | bit(self.cover_open, 0x04) | bit(self.paper_out, 0x20),
            3 => 0x12,
            _ => 0x12 | bit(self.paper_near_end, 0x0C) | bit(self.paper_out, 0x60),
        }
    }
}

/// The emulated printer: sensors, decoder and the receipts printed so far.
pub struct Emulator {
    pub condition: Condition,
    decoder: Decoder,
    receipts: Vec<Receipt>,
    /// Bytes of print data received (status requests not counted).
    pub data_bytes: usize,
    /// Print data that arrived while the printer could not print.
    pub refused_bytes: usize,
    out_dir: Option<PathBuf>,
}

impl Emulator {
    /// An Epson-compatible printer (Epson's `ESC t` numbers).
    pub fn new(out_dir: Option<PathBuf>) -> Emulator {
        Emulator::with_tables(out_dir, CharacterTables::epson())
    }

    /// A printer with these character code tables (e.g. [`CharacterTables::of_profile`]).
    pub fn with_tables(out_dir: Option<PathBuf>, tables: CharacterTables) -> Emulator {
        Emulator {
            condition: Condition::default(),
            decoder: Decoder::with_tables(tables),
            receipts: Vec::new(),
            data_bytes: 0,
            refused_bytes: 0,
            out_dir,
        }
    }

    /// Consumes bytes from the host; returns the bytes to answer with.
    pub fn receive(&mut self, bytes: &[u8]) -> Vec<u8> {
        let condition = self.condition;
        let output = self.decoder.feed(bytes, |n| condition.status_byte(n));
        if output.data_bytes > 0 {
            self.data_bytes += output.data_bytes;
            if !condition.can_print() {
                self.refused_bytes += output.data_bytes;
            }
        }
        for receipt in output.receipts {
            self.save(&receipt);
            self.receipts.push(receipt);
        }
        output.answers
    }

    pub fn receipts(&self) -> &[Receipt] {
        &self.receipts
    }

    fn save(&self, receipt: &Receipt) {
        let Some(dir) = &self.out_dir else { return };
        let n = self.receipts.len() + 1;
        let png = dir.join(format!("receipt-{n:04}.png"));
        let text = dir.join(format!("receipt-{n:04}.txt"));
        let saved = render_png(receipt, 576)
            .save(&png)
            .map_err(|e| e.to_string())
            .and_then(|_| std::fs::write(&text, render_text(receipt)).map_err(|e| e.to_string()));
        match saved {
            Ok(()) => println!("receipt saved: {}", png.display()),
            Err(error) => eprintln!("cannot save {}: {error}", png.display()),
        }
    }
}
