//! The code pages Lotse can encode text in, and how each encodes a line. Which `ESC t` number
//! selects a page is a fact of each printer model (`profiles.toml`), with one exception that
//! the ESC/POS standard fixes: `ESC t 0` is PC437 on every ESC/POS printer.

use oem_cp::Cp437;
use serde::{Deserialize, Serialize};

/// The `ESC t` number of PC437: the table every ESC/POS printer has and starts in. It is the
/// only number the code knows; every other one comes from a profile.
pub const PC437_TABLE: u8 = 0;

/// A code page Lotse can encode text in. The declaration order is the order of preference: a
/// line goes out in the first usable page that encodes all of it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize
)]
#[serde(rename_all = "snake_case")]
pub enum CodePage {
    /// Windows-1252: German, French, English.
    Wpc1252,
    /// Windows-1251: Cyrillic (Ukrainian, Russian).
    Wpc1251,
    /// Windows-1254: Turkish.
    Wpc1254,
    /// PC866 (DOS Cyrillic): Russian; lacks Ukrainian і and ґ.
    Pc866,
    /// PC437 (DOS US): ä ö ü Ä Ö Ü ß é è à ç, but no € or œ. Last: every printer has it, so
    /// it is the fallback for Latin text when no better page is confirmed.
    Pc437,
}

impl CodePage {
    pub const ALL: [CodePage; 5] = [
        CodePage::Wpc1252,
        CodePage::Wpc1251,
        CodePage::Wpc1254,
        CodePage::Pc866,
        CodePage::Pc437,
    ];

    /// `text` in this page's bytes, or `None` if a character of it is not in the page.
    pub fn encode(self, text: &str) -> Option<Vec<u8>> {
        let encoding = match self {
            CodePage::Wpc1252 => encoding_rs::WINDOWS_1252,
            CodePage::Wpc1251 => encoding_rs::WINDOWS_1251,
            CodePage::Wpc1254 => encoding_rs::WINDOWS_1254,
            CodePage::Pc866 => encoding_rs::IBM866,
            CodePage::Pc437 => {
                return text
                    .chars()
                    .map(|c| Cp437::try_from(c).ok().map(u8::from))
                    .collect();
            }
        };
        let (bytes, _, unmappable) = encoding.encode(text);
        (!unmappable).then(|| bytes.into_owned())
    }

    /// Whether every character of `text` is in this page.
    pub fn encodes(self, text: &str) -> bool {
        self.encode(text).is_some()
    }

    /// The name printer manuals use for the page, e.g. `WPC1252`.
    pub fn manual_name(self) -> &'static str {
        match self {
            CodePage::Wpc1252 => "WPC1252",
            CodePage::Wpc1251 => "WPC1251",
            CodePage::Wpc1254 => "WPC1254",
            CodePage::Pc866 => "PC866",
            CodePage::Pc437 => "PC437",
        }
    }

    /// The name used in `profiles.toml` and `kiosk.toml`, e.g. `wpc1252`.
    pub fn key(self) -> &'static str {
        match self {
            CodePage::Wpc1252 => "wpc1252",
            CodePage::Wpc1251 => "wpc1251",
            CodePage::Wpc1254 => "wpc1254",
            CodePage::Pc866 => "pc866",
            CodePage::Pc437 => "pc437",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc437_has_the_german_letters_and_not_the_euro() {
        assert_eq!(
            CodePage::Pc437.encode("Bürgeramt - Größe"),
            Some(b"B\x81rgeramt - Gr\x94\xE1e".to_vec())
        );
        assert_eq!(
            CodePage::Pc437.encode("ÄÖÜäöüßéèàç"),
            Some(vec![
                0x8E, 0x99, 0x9A, 0x84, 0x94, 0x81, 0xE1, 0x82, 0x8A, 0x85, 0x87
            ])
        );
        assert!(!CodePage::Pc437.encodes("5 €"));
        assert!(!CodePage::Pc437.encodes("œuvre"));
        assert!(!CodePage::Pc437.encodes("Перед"));
        assert_eq!(CodePage::Wpc1252.encode("5 €"), Some(b"5 \x80".to_vec()));
        assert!(!CodePage::Wpc1252.encodes("Sıra"));
    }
}
