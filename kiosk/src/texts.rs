//! The kiosk's own texts per language for the code that reads the screen aloud: the same
//! catalogues the Slint UI bundles (`lang/<code>/LC_MESSAGES/lotse-kiosk.po`, context
//! "kiosk"), compiled into the program and read once, so a spoken heading is always the
//! heading on screen.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The gettext context of every kiosk text (`@tr("kiosk" => …)`).
const CONTEXT: &str = "kiosk";

/// The catalogues, by language code (every language of `lotse_protocol::languages`).
const CATALOGUES: &[(&str, &str)] = &[
    ("ar", include_str!("../lang/ar/LC_MESSAGES/lotse-kiosk.po")),
    ("de", include_str!("../lang/de/LC_MESSAGES/lotse-kiosk.po")),
    ("en", include_str!("../lang/en/LC_MESSAGES/lotse-kiosk.po")),
    ("fa", include_str!("../lang/fa/LC_MESSAGES/lotse-kiosk.po")),
    ("fr", include_str!("../lang/fr/LC_MESSAGES/lotse-kiosk.po")),
    ("ps", include_str!("../lang/ps/LC_MESSAGES/lotse-kiosk.po")),
    ("ru", include_str!("../lang/ru/LC_MESSAGES/lotse-kiosk.po")),
    ("ti", include_str!("../lang/ti/LC_MESSAGES/lotse-kiosk.po")),
    ("tr", include_str!("../lang/tr/LC_MESSAGES/lotse-kiosk.po")),
    ("uk", include_str!("../lang/uk/LC_MESSAGES/lotse-kiosk.po")),
];

/// (language, message) → translation.
#[derive(Debug, Default)]
pub struct Texts {
    translations: HashMap<(String, String), String>,
}

impl Texts {
    /// The catalogues compiled into the program, read on first use.
    pub fn embedded() -> &'static Texts {
        static TEXTS: OnceLock<Texts> = OnceLock::new();
        TEXTS.get_or_init(|| {
            let mut texts = Texts::default();
            for (language, catalogue) in CATALOGUES {
                match rspolib::pofile(*catalogue) {
                    Ok(file) => {
                        for entry in file.entries.iter().filter(|e| {
                            e.msgctxt.as_deref() == Some(CONTEXT)
                                && !e.obsolete
                                && e.msgstr.as_deref().is_some_and(|s| !s.is_empty())
                        }) {
                            texts.translations.insert(
                                ((*language).to_owned(), entry.msgid.clone()),
                                entry.msgstr.clone().unwrap_or_default(),
                            );
                        }
                    }
                    // The catalogue check (translations_check) keeps this from happening.
                    Err(error) => tracing::error!(%error, language, "unreadable catalogue"),
                }
            }
            texts
        })
    }

    /// `message` in `language`; the English message itself where no translation exists.
    pub fn get<'a>(&'a self, language: &str, message: &'a str) -> &'a str {
        self.translations
            .get(&(language.to_owned(), message.to_owned()))
            .map_or(message, String::as_str)
    }

    /// Whether `language` has its own text for `message`.
    pub fn has(&self, language: &str, message: &str) -> bool {
        self.translations
            .contains_key(&(language.to_owned(), message.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_catalogue_compiled_in() {
        let texts = Texts::embedded();
        for language in lotse_protocol::languages::LANGUAGES {
            assert!(
                CATALOGUES.iter().any(|(code, _)| *code == language.code),
                "no catalogue for {}",
                language.code
            );
            assert!(texts.has(language.code, "Choose your language"));
        }
        assert_eq!(texts.get("ar", "Choose your language"), "اختر لغتك");
        assert_eq!(
            texts.get("xx", "Choose your language"),
            "Choose your language"
        );
    }
}
