//! Floors, defined once: the building config gives the number on the lift button, and
//! `floors.toml` says per language how that floor is written (status page, displays, staff
//! screens) and said (spoken calls). Pure; the table is compiled in.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

/// How one language names floors in one form (written or said).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forms {
    /// Floor 0, the entrance level.
    pub ground: String,
    /// Floors above; `{n}` is the lift button.
    pub upper: String,
    /// Floors below; `{n}` is the depth (1 for floor -1).
    pub basement: String,
    /// Floors with a name of their own, by lift button ("-1", "1", …).
    #[serde(default)]
    pub named: BTreeMap<String, String>,
}

impl Forms {
    /// The name of `floor`.
    pub fn name(&self, floor: i32) -> String {
        if let Some(named) = self.named.get(&floor.to_string()) {
            return named.clone();
        }
        match floor {
            0 => self.ground.clone(),
            f if f > 0 => self.upper.replace("{n}", &f.to_string()),
            f => self.basement.replace("{n}", &f.unsigned_abs().to_string()),
        }
    }

    /// The floors this form names by a word of their own, ground floor included (what a
    /// recorded clip pack needs besides the digits).
    pub fn named_floors(&self) -> Vec<i32> {
        let mut floors: Vec<i32> = self.named.keys().filter_map(|k| k.parse().ok()).collect();
        floors.push(0);
        floors.sort_unstable();
        floors.dedup();
        floors
    }
}

/// One language's floors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floors {
    pub written: Forms,
    pub said: Forms,
}

static TABLE: LazyLock<HashMap<String, Floors>> = LazyLock::new(|| {
    toml::from_str(include_str!("floors.toml")).unwrap_or_else(|error| {
        tracing::error!(%error, "floors.toml is invalid");
        HashMap::new()
    })
});

/// The floors of `language`, or English's for a language without its own (never a panic).
pub fn of(language: &str) -> Option<&'static Floors> {
    TABLE.get(language).or_else(|| TABLE.get("en"))
}

/// `floor` as `language` writes it: `1. OG`, `Поверх 1`, `الطابق الأول`.
pub fn written(language: &str, floor: i32) -> String {
    of(language).map_or_else(|| floor.to_string(), |f| f.written.name(floor))
}

/// `floor` as `language` says it in a call: `erstes Obergeschoss`, `поверх 1`.
pub fn said(language: &str, floor: i32) -> String {
    of(language).map_or_else(|| floor.to_string(), |f| f.said.name(floor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::{self, Script};

    #[test]
    fn every_language_of_the_table_names_its_floors_in_its_script() {
        for language in languages::LANGUAGES {
            let floors = TABLE
                .get(language.code)
                .unwrap_or_else(|| panic!("no floors for {}", language.code));
            for forms in [&floors.written, &floors.said] {
                assert!(forms.upper.contains("{n}"), "{}", language.code);
                assert!(forms.basement.contains("{n}"), "{}", language.code);
                for floor in -2..=4 {
                    let name = forms.name(floor);
                    if language.script != Script::Latin {
                        assert!(
                            !name.chars().any(|c| c.is_ascii_alphabetic()),
                            "{}: {name}",
                            language.code
                        );
                    }
                }
            }
        }
        assert_eq!(TABLE.len(), languages::LANGUAGES.len());
    }

    #[test]
    fn a_basement_is_never_a_negative_upper_floor() {
        for language in languages::codes() {
            for floor in [-1, -2] {
                for name in [written(language, floor), said(language, floor)] {
                    // "-1. Obergeschoss", "-1e étage": a basement read as an upper floor.
                    let as_upper = [format!("{floor}."), format!("{floor}e")];
                    assert!(
                        !as_upper.iter().any(|wrong| name.contains(wrong.as_str())),
                        "{language}: {name}"
                    );
                }
            }
        }
        assert_eq!(written("de", -1), "1. UG");
        assert_eq!(written("fr", -1), "Sous-sol");
        assert_eq!(said("de", -1), "Untergeschoss");
        assert_eq!(written("uk", -1), "Поверх -1 (підвал)");
    }

    #[test]
    fn ukrainian_and_russian_count_like_the_lift() {
        assert_eq!(written("uk", 1), "Поверх 1");
        assert_eq!(said("uk", 1), "поверх 1");
        assert_eq!(written("ru", 0), "Этаж 0 (вход)");
        assert_eq!(said("ru", 2), "этаж 2");
        assert_eq!(written("de", 1), "1. OG");
        assert_eq!(said("de", 1), "erstes Obergeschoss");
        assert_eq!(written("en", 11), "Floor 11");
        assert_eq!(written("xx", 0), "Ground floor");
    }
}
