//! What the kiosk needs to know about each language: its own name in its own script, the
//! font that draws it, its direction and a welcome word.

/// One kiosk language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    pub code: &'static str,
    /// The language's name in itself (no flags: a flag is a country, not a language).
    pub endonym: &'static str,
    pub welcome: &'static str,
    pub rtl: bool,
}

pub const LANGUAGES: [Language; 10] = [
    Language {
        code: "de",
        endonym: "Deutsch",
        welcome: "Willkommen",
        rtl: false,
    },
    Language {
        code: "en",
        endonym: "English",
        welcome: "Welcome",
        rtl: false,
    },
    Language {
        code: "ar",
        endonym: "العربية",
        welcome: "أهلاً وسهلاً",
        rtl: true,
    },
    Language {
        code: "fa",
        endonym: "فارسی",
        welcome: "خوش آمدید",
        rtl: true,
    },
    Language {
        code: "ps",
        endonym: "پښتو",
        welcome: "ښه راغلاست",
        rtl: true,
    },
    Language {
        code: "uk",
        endonym: "Українська",
        welcome: "Ласкаво просимо",
        rtl: false,
    },
    Language {
        code: "ru",
        endonym: "Русский",
        welcome: "Добро пожаловать",
        rtl: false,
    },
    Language {
        code: "tr",
        endonym: "Türkçe",
        welcome: "Hoş geldiniz",
        rtl: false,
    },
    Language {
        code: "ti",
        endonym: "ትግርኛ",
        welcome: "እንቋዕ ብደሓን መጻእኩም",
        rtl: false,
    },
    Language {
        code: "fr",
        endonym: "Français",
        welcome: "Bienvenue",
        rtl: false,
    },
];

pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// The bundled font family that draws `code`'s script; Slint does not fall back to imported
/// fonts, so every text sets it explicitly.
pub fn font_family(code: &str) -> &'static str {
    match code {
        "ar" | "fa" | "ps" => "Noto Sans Arabic",
        "ti" => "Noto Sans Ethiopic",
        _ => "Noto Sans",
    }
}

pub fn is_rtl(code: &str) -> bool {
    language(code).is_some_and(|l| l.rtl)
}
