//! The one language table: every per-language fact the kiosk, the printer, the boards, the
//! server and its pages need (code, name in itself, German and English names, script and the
//! font that draws it, direction, greeting, default voice). A language missing here is not
//! offered to visitors; nothing else in the workspace lists languages.

/// How a language runs on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

/// The writing system a language uses; it decides the font and what "Latin-only" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Ethiopic,
}

impl Script {
    /// The bundled font family (`assets/fonts`) that draws this script. Slint does not fall
    /// back to imported fonts, so every text names it explicitly.
    pub fn font_family(self) -> &'static str {
        match self {
            Script::Latin | Script::Cyrillic => "Noto Sans",
            Script::Arabic => "Noto Sans Arabic",
            Script::Ethiopic => "Noto Sans Ethiopic",
        }
    }

    /// Whether `c` is a letter of this script (Latin letters count as Latin only).
    pub fn has_letter(self, c: char) -> bool {
        let code = c as u32;
        match self {
            Script::Latin => c.is_alphabetic() && code < 0x0250,
            Script::Cyrillic => (0x0400..=0x052F).contains(&code),
            Script::Arabic => {
                (0x0600..=0x06FF).contains(&code) || (0x0750..=0x077F).contains(&code)
            }
            Script::Ethiopic => (0x1200..=0x139F).contains(&code),
        }
    }
}

/// Who speaks a language when a display's config names no voice for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeechBackend {
    /// Debian's espeak-ng speaks it well enough (measured: de en fr tr uk ru ar fa).
    Espeak,
    /// No offline engine speaks it: a recorded clip pack does.
    RecordedClips,
}

/// One language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// ISO 639-1 code, as in the building config and on tickets.
    pub code: &'static str,
    /// The language's name in itself (no flags: a flag is a country, not a language).
    pub endonym: &'static str,
    /// Its German name, for staff screens ("Arabisch").
    pub german: &'static str,
    /// Its English name ("Arabic").
    pub english: &'static str,
    pub script: Script,
    pub direction: Direction,
    /// The kiosk's welcome word.
    pub welcome: &'static str,
    pub speech: SpeechBackend,
}

impl Language {
    pub fn is_rtl(&self) -> bool {
        self.direction == Direction::RightToLeft
    }

    pub fn font_family(&self) -> &'static str {
        self.script.font_family()
    }
}

const fn entry(
    code: &'static str,
    endonym: &'static str,
    german: &'static str,
    english: &'static str,
    script: Script,
    welcome: &'static str,
    speech: SpeechBackend,
) -> Language {
    let direction = match script {
        Script::Arabic => Direction::RightToLeft,
        _ => Direction::LeftToRight,
    };
    Language {
        code,
        endonym,
        german,
        english,
        script,
        direction,
        welcome,
        speech,
    }
}

use SpeechBackend::{Espeak, RecordedClips};

/// Every language Lotse speaks to visitors, in the kiosk's order.
pub const LANGUAGES: [Language; 10] = [
    entry(
        "de",
        "Deutsch",
        "Deutsch",
        "German",
        Script::Latin,
        "Willkommen",
        Espeak,
    ),
    entry(
        "en",
        "English",
        "Englisch",
        "English",
        Script::Latin,
        "Welcome",
        Espeak,
    ),
    entry(
        "ar",
        "العربية",
        "Arabisch",
        "Arabic",
        Script::Arabic,
        "أهلاً وسهلاً",
        Espeak,
    ),
    entry(
        "fa",
        "فارسی",
        "Persisch",
        "Persian",
        Script::Arabic,
        "خوش آمدید",
        Espeak,
    ),
    entry(
        "ps",
        "پښتو",
        "Paschtu",
        "Pashto",
        Script::Arabic,
        "ښه راغلاست",
        RecordedClips,
    ),
    entry(
        "uk",
        "Українська",
        "Ukrainisch",
        "Ukrainian",
        Script::Cyrillic,
        "Ласкаво просимо",
        Espeak,
    ),
    entry(
        "ru",
        "Русский",
        "Russisch",
        "Russian",
        Script::Cyrillic,
        "Добро пожаловать",
        Espeak,
    ),
    entry(
        "tr",
        "Türkçe",
        "Türkisch",
        "Turkish",
        Script::Latin,
        "Hoş geldiniz",
        Espeak,
    ),
    entry(
        "ti",
        "ትግርኛ",
        "Tigrinya",
        "Tigrinya",
        Script::Ethiopic,
        "እንቋዕ ብደሓን መጻእኩም",
        RecordedClips,
    ),
    entry(
        "fr",
        "Français",
        "Französisch",
        "French",
        Script::Latin,
        "Bienvenue",
        Espeak,
    ),
];

/// The language with `code`, if Lotse has it.
pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// Every language code, in the table's order.
pub fn codes() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().map(|l| l.code)
}

/// Whether `code` is written right to left (false for a language not in the table).
pub fn is_rtl(code: &str) -> bool {
    language(code).is_some_and(Language::is_rtl)
}

/// The bundled font family for `code`'s script (Noto Sans for a language not in the table).
pub fn font_family(code: &str) -> &'static str {
    language(code).map_or(Script::Latin.font_family(), Language::font_family)
}

/// The German name of `code` ("Arabisch"), or the code itself for a language not listed.
pub fn german_name(code: &str) -> &str {
    language(code).map_or(code, |l| l.german)
}

/// The English name of `code` ("Arabic"), or the code itself for a language not listed.
pub fn english_name(code: &str) -> &str {
    language(code).map_or(code, |l| l.english)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_code_fall_back_to_the_code() {
        assert_eq!(german_name("ar"), "Arabisch");
        assert_eq!(english_name("ti"), "Tigrinya");
        assert_eq!(german_name("xx"), "xx");
    }

    #[test]
    fn codes_are_unique_and_the_endonym_is_in_the_language_script() {
        let mut seen = std::collections::BTreeSet::new();
        for language in LANGUAGES {
            assert!(seen.insert(language.code), "{} twice", language.code);
            for text in [language.endonym, language.welcome] {
                assert!(
                    text.chars()
                        .filter(|c| c.is_alphabetic())
                        .all(|c| language.script.has_letter(c)),
                    "{}: {text:?} is not in its script",
                    language.code
                );
            }
        }
    }

    #[test]
    fn arabic_script_runs_right_to_left_and_has_its_font() {
        for code in ["ar", "fa", "ps"] {
            assert!(is_rtl(code), "{code}");
            assert_eq!(font_family(code), "Noto Sans Arabic");
        }
        assert!(!is_rtl("ti"));
        assert_eq!(font_family("ti"), "Noto Sans Ethiopic");
        assert_eq!(font_family("uk"), "Noto Sans");
        assert!(!is_rtl("xx"));
    }
}
