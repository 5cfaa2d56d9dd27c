//! Counted texts ("about 5 minutes") with a form per CLDR plural category, chosen by the
//! language's real plural rules (`icu_plurals`): Arabic one/two/few/many, Ukrainian and
//! Russian one/few/many. In a text table a counted text is either one string (the same for
//! every count) or a table of forms by category, `other` required.

use std::collections::BTreeMap;

use icu_locale_core::LanguageIdentifier;
use icu_plurals::{PluralCategory, PluralRules};
use serde::Deserialize;

/// A CLDR plural category, as written in text tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl From<PluralCategory> for Category {
    fn from(category: PluralCategory) -> Category {
        match category {
            PluralCategory::Zero => Category::Zero,
            PluralCategory::One => Category::One,
            PluralCategory::Two => Category::Two,
            PluralCategory::Few => Category::Few,
            PluralCategory::Many => Category::Many,
            PluralCategory::Other => Category::Other,
        }
    }
}

/// The plural category of `n` in `language` (CLDR cardinal rules); `Other` for a language
/// CLDR does not know.
pub fn category(language: &str, n: u64) -> Category {
    let Ok(id) = LanguageIdentifier::try_from_str(language) else {
        return Category::Other;
    };
    match PluralRules::try_new_cardinal(id.into()) {
        Ok(rules) => rules.category_for(n).into(),
        Err(_) => Category::Other,
    }
}

/// A text that depends on a count.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Counted {
    /// The same words for every count (Persian, Turkish, abbreviations like "min").
    Same(String),
    /// A form per category; `other` is required and serves a category left out.
    Forms(BTreeMap<Category, String>),
}

impl Counted {
    /// The form for `n` in `language` (the caller fills in the number).
    pub fn form(&self, language: &str, n: u64) -> &str {
        match self {
            Counted::Same(text) => text,
            Counted::Forms(forms) => forms
                .get(&category(language, n))
                .or_else(|| forms.get(&Category::Other))
                .map_or("", String::as_str),
        }
    }

    /// The form for no particular count (`other`).
    pub fn other(&self) -> &str {
        match self {
            Counted::Same(text) => text,
            Counted::Forms(forms) => forms.get(&Category::Other).map_or("", String::as_str),
        }
    }

    /// Every form (for checks of placeholders and scripts).
    pub fn forms(&self) -> Vec<&str> {
        match self {
            Counted::Same(text) => vec![text],
            Counted::Forms(forms) => forms.values().map(String::as_str).collect(),
        }
    }

    /// Whether a table of forms has its required `other`.
    pub fn is_complete(&self) -> bool {
        match self {
            Counted::Same(_) => true,
            Counted::Forms(forms) => forms.contains_key(&Category::Other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_cldr() {
        let check =
            |language, n, expected| assert_eq!(category(language, n), expected, "{language} {n}");
        check("ar", 1, Category::One);
        check("ar", 2, Category::Two);
        check("ar", 3, Category::Few);
        check("ar", 10, Category::Few);
        check("ar", 11, Category::Many);
        check("ar", 100, Category::Other);
        check("ru", 1, Category::One);
        check("ru", 21, Category::One);
        check("ru", 3, Category::Few);
        check("ru", 5, Category::Many);
        check("ru", 12, Category::Many);
        check("uk", 22, Category::Few);
        check("de", 1, Category::One);
        check("de", 2, Category::Other);
        check("fr", 0, Category::One);
        check("xx-!", 1, Category::Other);
    }

    #[test]
    fn a_missing_form_falls_back_to_other() {
        let counted: Counted = toml::from_str::<BTreeMap<String, Counted>>(
            "t = { one = \"{n} Minute\", other = \"{n} Minuten\" }",
        )
        .expect("parses")
        .remove("t")
        .expect("t");
        assert_eq!(counted.form("de", 1), "{n} Minute");
        assert_eq!(counted.form("de", 7), "{n} Minuten");
        assert_eq!(counted.form("ar", 2), "{n} Minuten");
        assert!(counted.is_complete());
    }
}
