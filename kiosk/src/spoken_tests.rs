//! The spoken sequence as a function of the flow: what each screen says, in which language
//! and order, and when speech starts, changes and stops. No audio here (`read_aloud_tests.rs`
//! plays it).

use super::*;
use crate::demo_data;
use crate::flow::{Effect, Event, Flow};

fn ready() -> Flow {
    let mut flow = Flow::new("de", "k");
    flow.handle(Event::ServerUp(Box::new(demo_data::building())));
    flow
}

/// The scripts of the last `Speak` among `effects`, as (language, text) lines.
fn spoken(effects: &[Effect]) -> Vec<(String, Vec<String>)> {
    effects
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::Speak(scripts) => Some(lines(scripts)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("nothing spoken: {effects:?}"))
}

fn lines(scripts: &[Script]) -> Vec<(String, Vec<String>)> {
    scripts
        .iter()
        .map(|s| {
            (
                s.language.clone(),
                s.segments.iter().map(|seg| seg.text.clone()).collect(),
            )
        })
        .collect()
}

fn keys(effects: &[Effect]) -> Vec<String> {
    match effects.iter().rev().find(|e| matches!(e, Effect::Speak(_))) {
        Some(Effect::Speak(scripts)) => scripts
            .iter()
            .flat_map(|s| s.segments.iter().map(|seg| seg.key.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_speaker_control_reads_each_language_name_in_its_own_language() {
    let mut flow = ready();
    assert!(
        flow.handle(Event::ToggleLargeText).is_empty(),
        "silent until asked"
    );
    let welcome = spoken(&flow.handle(Event::ToggleReadAloud));
    let languages: Vec<&str> = welcome.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        languages,
        ["de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ti", "fr"],
        "the building's order"
    );
    assert_eq!(welcome[2].1, ["العربية"]);
    assert_eq!(welcome[8].1, ["ትግርኛ"]);
    // Switched off: silence at once.
    assert_eq!(
        flow.handle(Event::ToggleReadAloud),
        vec![Effect::StopSpeaking]
    );
}

#[test]
fn a_visit_in_arabic_is_read_screen_by_screen_in_order() {
    let mut flow = ready();
    flow.handle(Event::ToggleReadAloud);
    let offices = spoken(&flow.handle(Event::ChooseLanguage("ar".into())));
    assert_eq!(offices.len(), 1);
    let (language, said) = &offices[0];
    assert_eq!(language, "ar");
    assert_eq!(said[0], "اِخْتَرْ قِسْمًا", "the heading first");
    assert_eq!(
        said.len(),
        1 + flow.building.as_ref().map_or(0, |b| b.agencies.len())
    );
    assert_eq!(said[1], "دائرة الأَجانِب", "then each office, in screen order");

    let concerns = spoken(&flow.handle(Event::OpenAgency("immigration".into())));
    assert_eq!(concerns[0].1[0], "اِخْتَرْ طَلَبَك", "as said_as.toml has it");
    assert!(concerns[0].1.contains(&"تمديد الإقامة".to_owned()));

    // Touching a concern names it (and selects it).
    let touched = spoken(&flow.handle(Event::ToggleService("residence-permit".into())));
    assert_eq!(
        touched,
        [("ar".to_owned(), vec!["تمديد الإقامة".to_owned()])]
    );

    let confirm = spoken(&flow.handle(Event::ToConfirm));
    assert_eq!(
        confirm[0].1,
        [
            "يُرجى مراجعة طَلَباتِك",
            "تمديد الإقامة",
            "أَرغَبُ في مُتَرجِمٍ فَوري",
            "اِطْبَعْ تَذْكِرَتِي"
        ]
    );
    spoken(&flow.handle(Event::Print));
    let ticket = demo_data::ticket(&demo_data::building(), &["residence-permit".into()], "ar");
    flow.handle(Event::TicketIssued(Box::new(ticket.clone())));
    let done = flow.handle(Event::Printed);
    let said = &spoken(&done)[0].1;
    assert_eq!(said[0], "يُرجى أَخْذُ تَذْكِرَتِك.");
    assert_eq!(said[1], "رَقْمُك");
    // The number as the calls say it: the letter by its Arabic name, then the number.
    assert!(ticket.number.starts_with("A-"), "{}", ticket.number);
    assert_eq!(said[2], "أَيْ");
    assert_eq!(keys(&done)[2], "letter.A");
    assert!(
        said.last().is_some_and(|l| l.contains("الشاشة")),
        "{said:?}"
    );
}

#[test]
fn a_visit_in_tigrinya_names_the_clips_a_pack_must_hold() {
    let mut flow = ready();
    flow.handle(Event::ToggleReadAloud);
    let offices = flow.handle(Event::ChooseLanguage("ti".into()));
    assert_eq!(spoken(&offices)[0].0, "ti");
    assert_eq!(spoken(&offices)[0].1[0], "ቤት ጽሕፈት ምረጹ");
    assert_eq!(keys(&offices)[0], "text.Choose an office");
    assert_eq!(keys(&offices)[1], "agency.immigration");
    flow.handle(Event::OpenAgency("immigration".into()));
    flow.handle(Event::ToggleService("residence-permit".into()));
    let confirm = flow.handle(Event::ToConfirm);
    assert_eq!(
        keys(&confirm),
        [
            "text.Please check your concerns",
            "service.residence-permit",
            "text.I would like an interpreter",
            "text.Print my ticket"
        ]
    );
    assert_eq!(spoken(&confirm)[0].1[1], "ምሕዳስ ፍቓድ መንበሪ");
    flow.handle(Event::Print);
    let ticket = demo_data::ticket(&demo_data::building(), &["residence-permit".into()], "ti");
    flow.handle(Event::TicketIssued(Box::new(ticket)));
    let done = flow.handle(Event::Printed);
    // Tigrinya's clip packs read numbers digit by digit.
    let done_keys = keys(&done);
    assert_eq!(done_keys[2], "letter.A");
    assert!(
        done_keys[3..].iter().any(|k| k.starts_with("digit.")),
        "{done_keys:?}"
    );
    assert_eq!(spoken(&done)[0].1[2], "ኤ");
}

#[test]
fn the_idle_reset_and_start_over_stop_speech() {
    let mut flow = ready();
    flow.handle(Event::ToggleReadAloud);
    flow.handle(Event::ChooseLanguage("ar".into()));
    let mut last = Vec::new();
    for _ in 0..flow.idle_limit {
        last = flow.handle(Event::Tick);
    }
    assert_eq!(flow.screen, Screen::Welcome);
    assert!(last.contains(&Effect::StopSpeaking), "{last:?}");
    assert!(!flow.read_aloud, "the next visitor starts without it");

    // With read-aloud on by default (kiosk config), starting over also stops, and the next
    // visitor's screens are read without a touch on the control.
    let mut flow = ready();
    flow.read_aloud_default = true;
    flow.read_aloud = true;
    assert_eq!(
        spoken(&flow.handle(Event::ChooseLanguage("fa".into())))[0].0,
        "fa"
    );
    let effects = flow.handle(Event::StartOver);
    assert!(effects.contains(&Effect::StopSpeaking), "{effects:?}");
    assert!(flow.read_aloud);
    assert_eq!(
        spoken(&flow.handle(Event::ChooseLanguage("ti".into())))[0].0,
        "ti"
    );
}

#[test]
fn touches_that_change_nothing_say_nothing() {
    let mut flow = ready();
    flow.handle(Event::ToggleReadAloud);
    flow.handle(Event::ChooseLanguage("ar".into()));
    assert!(flow.handle(Event::Activity).is_empty());
    assert!(flow.handle(Event::Tick).is_empty());
    assert!(
        flow.handle(Event::ToggleService("naturalisation-advice".into()))
            .is_empty(),
        "an appointment-only concern cannot be chosen, so it is not named as chosen"
    );
}

#[test]
fn arabic_screen_texts_are_read_with_the_vowel_marks_the_engine_needs() {
    let table: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        toml::from_str(include_str!("said_as.toml")).expect("said_as.toml parses");
    assert!(!table["ar"].is_empty());
    let mut flow = ready();
    flow.handle(Event::ToggleReadAloud);
    let offices = flow.handle(Event::ChooseLanguage("ar".into()));
    // The key names the screen text; the engine reads the vowelled form.
    assert_eq!(keys(&offices)[0], "text.Choose an office");
    assert_eq!(spoken(&offices)[0].1[0], "اِخْتَرْ قِسْمًا");
    assert_eq!(spoken(&offices)[0].1[1], "دائرة الأَجانِب");
}

#[test]
fn every_text_read_aloud_is_translated_in_every_language() {
    let texts = Texts::embedded();
    for language in lotse_protocol::languages::LANGUAGES {
        for message in MESSAGES {
            assert!(
                texts.has(language.code, message),
                "{}: no translation of {message:?}",
                language.code
            );
        }
    }
}
