//! The emulated printer's character code tables: which table each `ESC t n` selects. Real
//! printers differ here (Epson's 46 is WPC1251, Rongta's is CP856), so the emulator takes the
//! table of the model it plays. Tables are named as in the makers' manuals and decoded with
//! `encoding_rs` here, not with the encoder's types.

use std::collections::BTreeMap;

use crate::profile::PrinterProfile;

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
            (16, "WPC1252"),
            (17, "PC866"),
            (46, "WPC1251"),
            (47, "WPC1253"),
            (48, "WPC1254"),
        ])
    }

    /// A printer that has only its default table (PC437): ASCII prints, nothing else does.
    pub fn none() -> CharacterTables {
        CharacterTables {
            tables: BTreeMap::new(),
        }
    }

    /// The table of the model a profile describes.
    pub fn of_profile(profile: &PrinterProfile) -> CharacterTables {
        CharacterTables {
            tables: profile
                .code_pages
                .iter()
                .map(|(page, number)| (*number, page.manual_name().to_owned()))
                .collect(),
        }
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
