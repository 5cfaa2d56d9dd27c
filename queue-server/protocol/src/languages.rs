//! What staff screens call a language: its German and English name, by language code. The
//! visitor-facing name of a language (its endonym) lives with the kiosk, which draws it.

/// Code, German name, English name.
const NAMES: [(&str, &str, &str); 10] = [
    ("de", "Deutsch", "German"),
    ("en", "Englisch", "English"),
    ("ar", "Arabisch", "Arabic"),
    ("fa", "Persisch", "Persian"),
    ("ps", "Paschtu", "Pashto"),
    ("uk", "Ukrainisch", "Ukrainian"),
    ("ru", "Russisch", "Russian"),
    ("tr", "Türkisch", "Turkish"),
    ("ti", "Tigrinya", "Tigrinya"),
    ("fr", "Französisch", "French"),
];

/// The German name of `code` ("Arabisch"), or the code itself for a language not listed.
pub fn german_name(code: &str) -> &str {
    NAMES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, german, _)| german)
}

/// The English name of `code` ("Arabic"), or the code itself for a language not listed.
pub fn english_name(code: &str) -> &str {
    NAMES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, _, english)| english)
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
}
