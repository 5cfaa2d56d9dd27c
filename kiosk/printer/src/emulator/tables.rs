//! The emulated printer's character code tables: which table each `ESC t n` selects. Real
//! printers differ here (Epson's 46 is WPC1251, Rongta's is CP856), so the emulator takes the
//! table of the model it plays; every model has PC437 at `ESC t 0`. Tables are named as in
//! the makers' manuals and decoded with `encoding_rs` and the emulator's own PC437 table
//! here, not with the encoder's types.

use std::collections::BTreeMap;

use super::pc437;
use crate::profile::PrinterProfile;

/// `ESC t 0`: PC437 on every ESC/POS printer (the emulator's own fact, not the encoder's).
const PC437: (u8, &str) = (0, "PC437");

/// `ESC t` number → the manual's table name (`WPC1252`, `PC866`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacterTables {
    tables: BTreeMap<u8, String>,
}

impl Default for CharacterTables {
    fn default() -> Self {
        CharacterTables::epson()
    }
}

impl CharacterTables {
    /// Epson's numbering (ESC/POS Command Reference, ESC t) for the tables the emulator knows.
    pub fn epson() -> CharacterTables {
        CharacterTables::from_pairs(&[
            PC437,
            (16, "WPC1252"),
            (17, "PC866"),
            (46, "WPC1251"),
            (47, "WPC1253"),
            (48, "WPC1254"),
        ])
    }

    /// A printer that has only the table every ESC/POS printer has: PC437 at `ESC t 0`.
    pub fn none() -> CharacterTables {
        CharacterTables::from_pairs(&[PC437])
    }

    /// The table of the model a profile describes, assumed numbers included: the printer
    /// as the profile believes it to be.
    pub fn of_profile(profile: &PrinterProfile) -> CharacterTables {
        CharacterTables::of_pages(profile, false)
    }

    /// Only the profile's confirmed numbers (and PC437): the model as an independent
    /// emulator that lists confirmed entries only plays it. Every other `ESC t n` selects an
    /// unknown table, as on a unit whose real table differs from the transcription.
    pub fn confirmed_of_profile(profile: &PrinterProfile) -> CharacterTables {
        CharacterTables::of_pages(profile, true)
    }

    fn of_pages(profile: &PrinterProfile, confirmed_only: bool) -> CharacterTables {
        let mut tables = CharacterTables::none();
        for (page, number) in &profile.code_pages {
            if !confirmed_only || profile.is_confirmed(*page) {
                tables.tables.insert(*number, page.manual_name().to_owned());
            }
        }
        tables
    }

    pub fn from_pairs(pairs: &[(u8, &str)]) -> CharacterTables {
        CharacterTables {
            tables: pairs
                .iter()
                .map(|(n, name)| (*n, (*name).to_owned()))
                .collect(),
        }
    }

    /// Text bytes printed while table `n` is selected. Unknown tables print ASCII and mark
    /// every other byte with U+FFFD, as a printer would print some wrong glyph.
    pub fn decode(&self, n: u8, bytes: &[u8]) -> String {
        let encoding = match self.tables.get(&n).map(String::as_str) {
            Some("WPC1252") => encoding_rs::WINDOWS_1252,
            Some("WPC1251") => encoding_rs::WINDOWS_1251,
            Some("WPC1253") => encoding_rs::WINDOWS_1253,
            Some("WPC1254") => encoding_rs::WINDOWS_1254,
            Some("PC866") => encoding_rs::IBM866,
            Some("PC437") => return pc437::decode(bytes),
            _ => {
                return bytes
                    .iter()
                    .map(|&b| if b < 0x80 { b as char } else { '\u{FFFD}' })
                    .collect();
            }
        };
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    }
}
