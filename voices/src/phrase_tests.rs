//! Tests of the phrase table: every building language has a valid phrase, scripts come out
//! in the expected order.

use super::*;

/// The languages of the embedded sample building (the server's default config).
fn building_languages() -> Vec<String> {
    let text = include_str!("../../queue-server/src/config/building.toml");
    let value: toml::Value = toml::from_str(text).expect("the building parses");
    value["site"]["languages"]
        .as_array()
        .expect("a list of languages")
        .iter()
        .map(|l| l.as_str().expect("a code").to_owned())
        .collect()
}

fn counter_3() -> Spoken {
    Spoken {
        number: "A-042".into(),
        kind: DeskKind::Desk,
        place_number: "3".into(),
        floor: 0,
    }
}

#[test]
fn every_building_language_has_a_phrase_that_names_everything() {
    let table = PhraseTable::embedded().expect("the embedded table is valid");
    let languages = building_languages();
    assert_eq!(languages.len(), 10);
    for language in &languages {
        let script = table
            .script(language, &counter_3(), NumberReading::Words)
            .unwrap_or_else(|e| panic!("{language}: {e}"));
        let keys = script.keys();
        for expected in ["letter.A", "place.desk", "floor.0", "phrase.0"] {
            assert!(keys.contains(&expected), "{language}: {keys:?}");
        }
        assert!(
            keys.contains(&"number.42") || keys.contains(&"digit.4"),
            "{language}: {keys:?}"
        );
        let room = Spoken {
            kind: DeskKind::Room,
            place_number: "1.04".into(),
            floor: 1,
            ..counter_3()
        };
        let script = table
            .script(language, &room, NumberReading::Words)
            .expect("a script");
        assert!(script.keys().contains(&"floor.1"), "{language}");
        assert!(
            !script.text().contains('{'),
            "{language}: {}",
            script.text()
        );
    }
}

#[test]
fn the_phrase_table_has_every_language_of_the_language_table_and_no_other() {
    let table = PhraseTable::embedded().expect("valid");
    let mut phrases: Vec<&str> = table.languages().collect();
    let mut languages: Vec<&str> = lotse_protocol::languages::codes().collect();
    phrases.sort_unstable();
    languages.sort_unstable();
    assert_eq!(phrases, languages);
}

#[test]
fn only_pashto_and_tigrinya_await_native_review_and_read_digits() {
    let table = PhraseTable::embedded().expect("valid");
    let review: Vec<&str> = table
        .languages()
        .filter(|l| table.get(l).is_some_and(|p| p.review))
        .collect();
    assert_eq!(review, ["ps", "ti"]);
    for language in ["ps", "ti"] {
        let script = table
            .script(language, &counter_3(), NumberReading::Words)
            .expect("a script");
        assert!(script.keys().contains(&"digit.4"), "{language}");
    }
}

#[test]
fn the_german_call_reads_as_the_issue_says() {
    let table = PhraseTable::embedded().expect("valid");
    let script = table
        .script("de", &counter_3(), NumberReading::Words)
        .expect("a script");
    assert_eq!(
        script.keys(),
        [
            "phrase.0",
            "letter.A",
            "number.42",
            "phrase.1",
            "place.desk",
            "number.3",
            "floor.0"
        ]
    );
    assert_eq!(script.text(), "Nummer A 42 bitte zu Schalter 3 Erdgeschoss");
    // The commas became pauses after "42" and "3".
    assert_eq!(script.segments[2].pause_ms, COMMA_PAUSE_MS);
    assert_eq!(script.segments[5].pause_ms, COMMA_PAUSE_MS);
    assert_eq!(script.segments[6].pause_ms, 0);
}

#[test]
fn arabic_names_the_letter_in_arabic_and_a_clip_pack_reads_digits() {
    let table = PhraseTable::embedded().expect("valid");
    let script = table
        .script("ar", &counter_3(), NumberReading::Digits)
        .expect("a script");
    assert!(
        script.text().starts_with("الرقم أَيْ 4 2"),
        "{}",
        script.text()
    );
    assert!(script.text().contains("الشباك"));
}

#[test]
fn broken_tables_are_refused_with_the_language() {
    let missing_floor = "[xx]\nphrase = \"{number} {place} {place_number}\"\ndesk = \"d\"\nroom = \"r\"\nnumbers = \"words\"\n";
    let error = PhraseTable::parse(missing_floor).expect_err("refused");
    assert!(error.to_string().contains("xx"), "{error}");
    assert!(matches!(
        PhraseTable::embedded()
            .expect("valid")
            .script("zz", &counter_3(), NumberReading::Words),
        Err(PhraseError::UnknownLanguage(_))
    ));
}

#[test]
fn a_ticket_letter_is_named_in_the_visitors_script_where_it_is_not_latin() {
    let table = PhraseTable::embedded().expect("valid");
    let said = |language: &str| {
        table
            .script(language, &counter_3(), NumberReading::Words)
            .expect("a script")
            .segments[1]
            .text
            .clone()
    };
    assert_eq!(said("ru"), "а");
    assert_eq!(said("uk"), "а");
    assert_eq!(said("fa"), "اِی");
    assert_eq!(said("ti"), "ኤ");
    assert_eq!(said("de"), "A");
    let without = "[ru]\nphrase = \"{number} {place} {place_number} {floor}\"\ndesk = \"d\"\nroom = \"r\"\nnumbers = \"words\"\n";
    let error = PhraseTable::parse(without).expect_err("Russian without letter names");
    assert!(error.to_string().contains("letters"), "{error}");
}

#[test]
fn no_two_ticket_letters_sound_alike_in_one_language() {
    let table = PhraseTable::embedded().expect("valid: every language names each letter once");
    let arabic = table.get("ar").expect("Arabic");
    // Arabic has no /p/: P is "پِي" (pee, as Arabic speakers name the Latin letter and
    // write the sound in loanwords), B stays "بِي".
    assert_ne!(arabic.letter_name("B"), arabic.letter_name("P"));
    let same = "[ar]\nphrase = \"{number} {place} {place_number} {floor}\"\ndesk = \"d\"\nroom = \"r\"\nnumbers = \"words\"\nletters = { A = \"a\", B = \"b\", C = \"c\", D = \"d\", E = \"e\", F = \"f\", G = \"g\", H = \"h\", I = \"i\", J = \"j\", K = \"k\", L = \"l\", M = \"m\", N = \"n\", O = \"o\", P = \"b\", Q = \"q\", R = \"r\", S = \"s\", T = \"t\", U = \"u\", V = \"v\", W = \"w\", X = \"x\", Y = \"y\", Z = \"z\" }\n";
    let error = PhraseTable::parse(same).expect_err("B and P alike");
    assert!(error.to_string().contains("B and P"), "{error}");
}
