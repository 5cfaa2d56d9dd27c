//! The emulator's ESC/POS parser: bytes in, receipts (lines of styled text, raster images,
//! QR codes, feeds) out. Incomplete commands wait for more bytes.

use super::tables::CharacterTables;

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub underline: bool,
    /// Font B (9 x 17 dots) instead of font A (12 x 24).
    pub small: bool,
    pub width: u8,
    pub height: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    Line {
        runs: Vec<Run>,
        align: Align,
    },
    /// `GS v 0` raster image, row-major bits, MSB first; printed with each dot doubled in
    /// width and/or height when the mode says so.
    Raster {
        width_bytes: usize,
        height: usize,
        data: Vec<u8>,
        align: Align,
        double_width: bool,
        double_height: bool,
    },
    /// A QR code printed from stored data (`GS ( k`).
    Qr {
        data: String,
        module: u8,
        ec: char,
        align: Align,
    },
    /// Blank paper, in dots.
    Feed(u32),
}

/// Everything between two cuts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Receipt {
    pub elements: Vec<Element>,
    /// Commands the emulator did not understand (a sign of an encoder bug).
    pub unknown_commands: Vec<String>,
}

pub struct Output {
    pub answers: Vec<u8>,
    pub receipts: Vec<Receipt>,
    pub data_bytes: usize,
}

#[derive(Clone)]
struct Style {
    bold: bool,
    underline: bool,
    small: bool,
    width: u8,
    height: u8,
    align: Align,
    /// `ESC t` table number (the printer's own numbering).
    table: u8,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            bold: false,
            underline: false,
            small: false,
            width: 1,
            height: 1,
            align: Align::Left,
            table: 0,
        }
    }
}

pub struct Decoder {
    pending: Vec<u8>,
    style: Style,
    line: Vec<Run>,
    line_bytes: Vec<u8>,
    receipt: Receipt,
    qr_data: String,
    qr_module: u8,
    qr_ec: char,
    /// Dots fed by a line feed with nothing on the line (default pitch 30).
    line_pitch: u32,
    tables: CharacterTables,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

/// How a complete command was understood, with its length in bytes.
enum Parsed {
    Incomplete,
    Done(usize),
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::with_tables(CharacterTables::epson())
    }

    /// A decoder for a printer with these character code tables.
    pub fn with_tables(tables: CharacterTables) -> Decoder {
        Decoder {
            tables,
            pending: Vec::new(),
            style: Style::default(),
            line: Vec::new(),
            line_bytes: Vec::new(),
            receipt: Receipt::default(),
            qr_data: String::new(),
            qr_module: 3,
            qr_ec: 'L',
            line_pitch: 30,
        }
    }

    /// Parses as much as possible; `status(n)` answers `DLE EOT n`.
    pub fn feed(&mut self, bytes: &[u8], status: impl Fn(u8) -> u8) -> Output {
        self.pending.extend_from_slice(bytes);
        let mut output = Output {
            answers: Vec::new(),
            receipts: Vec::new(),
            data_bytes: 0,
        };
        let mut at = 0;
        while at < self.pending.len() {
            match self.parse(at, &status, &mut output) {
                Parsed::Incomplete => break,
                Parsed::Done(length) => at += length,
            }
        }
        self.pending.drain(..at);
        output
    }

    fn byte(&self, index: usize) -> Option<u8> {
        self.pending.get(index).copied()
    }

    fn parse(&mut self, at: usize, status: &impl Fn(u8) -> u8, out: &mut Output) -> Parsed {
        let b = self.pending[at];
        let need = |n: usize| at + n <= self.pending.len();
        match b {
            0x10 => {
                if !need(3) {
                    return Parsed::Incomplete;
                }
                if self.byte(at + 1) == Some(0x04) {
                    out.answers.push(status(self.pending[at + 2]));
                    return Parsed::Done(3);
                }
                self.unknown(at, 1);
                Parsed::Done(1)
            }
            0x0A => {
                out.data_bytes += 1;
                self.end_line();
                Parsed::Done(1)
            }
            0x0D => {
                out.data_bytes += 1;
                Parsed::Done(1)
            }
            0x1B => {
                if !need(2) {
                    return Parsed::Incomplete;
                }
                let parsed = self.escape(at);
                if let Parsed::Done(n) = parsed {
                    out.data_bytes += n;
                }
                parsed
            }
            0x1D => {
                if !need(2) {
                    return Parsed::Incomplete;
                }
                let parsed = self.group_separator(at, out);
                if let Parsed::Done(n) = parsed {
                    out.data_bytes += n;
                }
                parsed
            }
            0x00..=0x1F => {
                self.unknown(at, 1);
                out.data_bytes += 1;
                Parsed::Done(1)
            }
            _ => {
                self.line_bytes.push(b);
                out.data_bytes += 1;
                Parsed::Done(1)
            }
        }
    }

    /// `ESC x ...`
    fn escape(&mut self, at: usize) -> Parsed {
        let command = self.pending[at + 1];
        let argument = self.byte(at + 2);
        let with_argument = |decoder: &mut Decoder, apply: fn(&mut Decoder, u8)| match argument {
            Some(n) => {
                decoder.flush_run();
                apply(decoder, n);
                Parsed::Done(3)
            }
            None => Parsed::Incomplete,
        };
        match command {
            b'@' => {
                self.flush_run();
                self.style = Style::default();
                self.line_pitch = 30;
                Parsed::Done(2)
            }
            b't' => with_argument(self, |d, n| d.style.table = n),
            b'E' | b'G' => with_argument(self, |d, n| d.style.bold = n & 1 == 1),
            b'-' => with_argument(self, |d, n| d.style.underline = n & 3 != 0 && n != b'0'),
            b'M' => with_argument(self, |d, n| d.style.small = n == 1 || n == b'1'),
            b'a' => with_argument(self, |d, n| {
                d.style.align = match n {
                    1 | b'1' => Align::Center,
                    2 | b'2' => Align::Right,
                    _ => Align::Left,
                }
            }),
            b'!' => with_argument(self, |d, n| {
                d.style.small = n & 0x01 != 0;
                d.style.bold = n & 0x08 != 0;
                d.style.height = if n & 0x10 != 0 { 2 } else { 1 };
                d.style.width = if n & 0x20 != 0 { 2 } else { 1 };
                d.style.underline = n & 0x80 != 0;
            }),
            b'd' => with_argument(self, |d, n| {
                d.end_line();
                d.receipt
                    .elements
                    .push(Element::Feed(u32::from(n.saturating_sub(1)) * d.line_pitch));
            }),
            b'J' => with_argument(self, |d, n| {
                d.end_line();
                d.receipt.elements.push(Element::Feed(u32::from(n)));
            }),
            b'3' => with_argument(self, |d, n| d.line_pitch = u32::from(n)),
            b'2' => {
                self.line_pitch = 30;
                Parsed::Done(2)
            }
            b'R' | b'{' | b'V' => with_argument(self, |_, _| {}),
            _ => {
                self.unknown(at, 2);
                Parsed::Done(2)
            }
        }
    }

    /// `GS x ...`
    fn group_separator(&mut self, at: usize, out: &mut Output) -> Parsed {
        let command = self.pending[at + 1];
        let available = self.pending.len() - at;
        match command {
            b'!' => match self.byte(at + 2) {
                Some(n) => {
                    self.flush_run();
                    self.style.width = (n >> 4) + 1;
                    self.style.height = (n & 0x0F) + 1;
                    Parsed::Done(3)
                }
                None => Parsed::Incomplete,
            },
            b'B' | b'b' | b'f' | b'h' | b'w' | b'H' => {
                if available < 3 {
                    Parsed::Incomplete
                } else {
                    Parsed::Done(3)
                }
            }
            b'L' | b'W' => {
                if available < 4 {
                    Parsed::Incomplete
                } else {
                    Parsed::Done(4)
                }
            }
            b'V' => {
                let Some(mode) = self.byte(at + 2) else {
                    return Parsed::Incomplete;
                };
                let length = if matches!(mode, 65 | 66 | 97 | 98 | 103 | 104) {
                    4
                } else {
                    3
                };
                if available < length {
                    return Parsed::Incomplete;
                }
                self.cut(out);
                Parsed::Done(length)
            }
            b'v' => self.raster(at),
            b'(' => self.two_dimensional(at),
            _ => {
                self.unknown(at, 2);
                Parsed::Done(2)
            }
        }
    }

    /// `GS v 0 m xL xH yL yH d...`
    fn raster(&mut self, at: usize) -> Parsed {
        if self.pending.len() < at + 8 {
            return Parsed::Incomplete;
        }
        let p = &self.pending[at..];
        let width_bytes = usize::from(u16::from_le_bytes([p[4], p[5]]));
        let height = usize::from(u16::from_le_bytes([p[6], p[7]]));
        let length = 8 + width_bytes * height;
        if p.len() < length {
            return Parsed::Incomplete;
        }
        let data = p[8..length].to_vec();
        let mode = p[3] & 0x0F;
        self.end_line();
        self.receipt.elements.push(Element::Raster {
            width_bytes,
            height,
            data,
            align: self.style.align,
            double_width: mode == 1 || mode == 3 || mode == 49 || mode == 51,
            double_height: mode == 2 || mode == 3 || mode == 50 || mode == 51,
        });
        Parsed::Done(length)
    }

    /// `GS ( k pL pH cn fn ...`: only QR codes (cn = 49) are understood.
    fn two_dimensional(&mut self, at: usize) -> Parsed {
        if self.pending.len() < at + 5 {
            return Parsed::Incomplete;
        }
        let p = &self.pending[at..];
        if p[2] != b'k' {
            self.unknown(at, 3);
            return Parsed::Done(3);
        }
        let length = 5 + usize::from(u16::from_le_bytes([p[3], p[4]]));
        if p.len() < length {
            return Parsed::Incomplete;
        }
        let body = p[5..length].to_vec();
        match (body.first(), body.get(1)) {
            (Some(49), Some(65)) => {}
            (Some(49), Some(67)) => self.qr_module = body.get(2).copied().unwrap_or(3),
            (Some(49), Some(69)) => {
                self.qr_ec = match body.get(2) {
                    Some(49) => 'M',
                    Some(50) => 'Q',
                    Some(51) => 'H',
                    _ => 'L',
                }
            }
            (Some(49), Some(80)) => {
                self.qr_data = String::from_utf8_lossy(body.get(3..).unwrap_or_default()).into()
            }
            (Some(49), Some(81)) => {
                self.end_line();
                self.receipt.elements.push(Element::Qr {
                    data: self.qr_data.clone(),
                    module: self.qr_module,
                    ec: self.qr_ec,
                    align: self.style.align,
                });
            }
            _ => self.unknown(at, length.min(8)),
        }
        Parsed::Done(length)
    }

    fn unknown(&mut self, at: usize, length: usize) {
        let end = (at + length).min(self.pending.len());
        let bytes: Vec<String> = self.pending[at..end]
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        self.receipt.unknown_commands.push(bytes.join(" "));
    }

    /// Ends the current run when the style changes.
    fn flush_run(&mut self) {
        if self.line_bytes.is_empty() {
            return;
        }
        let text = self.tables.decode(self.style.table, &self.line_bytes);
        self.line_bytes.clear();
        self.line.push(Run {
            text,
            bold: self.style.bold,
            underline: self.style.underline,
            small: self.style.small,
            width: self.style.width,
            height: self.style.height,
        });
    }

    fn end_line(&mut self) {
        self.flush_run();
        if self.line.is_empty() {
            return;
        }
        let runs = std::mem::take(&mut self.line);
        self.receipt.elements.push(Element::Line {
            runs,
            align: self.style.align,
        });
    }

    fn cut(&mut self, out: &mut Output) {
        self.end_line();
        out.receipts.push(std::mem::take(&mut self.receipt));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_styled_text_qr_and_cut_split_anywhere() {
        let mut bytes = vec![0x1B, b'@', 0x1B, b't', 16, 0x1B, b'a', 1, 0x1B, b'E', 1];
        bytes.extend_from_slice(&encoding_rs::WINDOWS_1252.encode("Größe - Straße").0);
        bytes.push(0x0A);
        bytes.extend_from_slice(&[0x1D, b'(', b'k', 7, 0, 49, 80, 48]);
        bytes.extend_from_slice(b"abcd");
        bytes.extend_from_slice(&[0x1D, b'(', b'k', 3, 0, 49, 81, 48]);
        bytes.extend_from_slice(&[0x10, 0x04, 1, 0x1D, b'V', 0]);
        // Feed one byte at a time: commands split across reads still decode.
        let mut decoder = Decoder::new();
        let mut answers = Vec::new();
        let mut receipts = Vec::new();
        for byte in bytes {
            let out = decoder.feed(&[byte], |_| 0x12);
            answers.extend(out.answers);
            receipts.extend(out.receipts);
        }
        assert_eq!(answers, vec![0x12]);
        assert_eq!(receipts.len(), 1);
        let receipt = &receipts[0];
        assert!(
            receipt.unknown_commands.is_empty(),
            "{:?}",
            receipt.unknown_commands
        );
        match &receipt.elements[0] {
            Element::Line { runs, align } => {
                assert_eq!(runs[0].text, "Größe - Straße");
                assert!(runs[0].bold);
                assert_eq!(*align, Align::Center);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&receipt.elements[1], Element::Qr { data, .. } if data == "abcd"));
    }
}
