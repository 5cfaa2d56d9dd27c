//! Speech checked as sound: every text espeak-ng says for a language espeak-ng speaks (each
//! word of the phrase, the places, the floors, the ticket letters, the digits) must come out
//! as the IPA accepted in `pronunciation.toml`. A changed phrase or engine that changes how
//! something sounds fails here, and a person listens before accepting it:
//! `LOTSE_ACCEPT_IPA=1 cargo test -p lotse-voices --test pronunciation` rewrites the file,
//! and its diff is what gets reviewed (docs/translations.md says what was checked).

use std::collections::BTreeMap;
use std::process::Command;

use lotse_protocol::languages::{LANGUAGES, SpeechBackend};
use lotse_voices::PhraseTable;

const ACCEPTED: &str = include_str!("pronunciation.toml");
const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pronunciation.toml");

/// Language → text → IPA.
type Pronunciations = BTreeMap<String, BTreeMap<String, String>>;

/// What espeak-ng will say for `text` in `voice`, as one line of IPA; `None` without espeak-ng.
fn ipa(voice: &str, text: &str) -> Option<String> {
    let output = Command::new("espeak-ng")
        .args(["-q", "--ipa", "-v", voice, text])
        .output()
        .ok()?;
    assert!(output.status.success(), "espeak-ng failed on {text:?}");
    let said = String::from_utf8(output.stdout).expect("espeak-ng writes UTF-8");
    Some(said.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Every text of `language` an engine says, each once.
fn spoken_texts(table: &PhraseTable, language: &str) -> Vec<String> {
    let mut texts: Vec<String> = table
        .clip_list(language)
        .expect("a phrase for every language")
        .into_iter()
        .map(|clip| clip.text)
        .collect();
    texts.extend((-2..=4).map(|floor| lotse_protocol::floors::said(language, floor)));
    texts.sort();
    texts.dedup();
    texts
}

#[test]
fn every_spoken_text_sounds_as_accepted() {
    let table = PhraseTable::embedded().expect("valid");
    let accepted: Pronunciations = toml::from_str(ACCEPTED).expect("pronunciation.toml parses");
    let mut heard = Pronunciations::new();
    for language in LANGUAGES
        .iter()
        .filter(|l| l.speech == SpeechBackend::Espeak)
    {
        let mut said = BTreeMap::new();
        for text in spoken_texts(&table, language.code) {
            let Some(ipa) = ipa(language.code, &text) else {
                eprintln!("SKIPPED: espeak-ng is not installed (scripts/test installs it)");
                return;
            };
            said.insert(text, ipa);
        }
        heard.insert(language.code.to_owned(), said);
    }
    if std::env::var_os("LOTSE_ACCEPT_IPA").is_some() {
        std::fs::write(FILE, toml::to_string(&heard).expect("serialises")).expect("writes");
        return;
    }
    let mut problems = Vec::new();
    for (language, said) in &heard {
        let expected = accepted.get(language).cloned().unwrap_or_default();
        for (text, ipa) in said {
            match expected.get(text) {
                Some(wanted) if wanted == ipa => {}
                Some(wanted) => problems.push(format!("{language} {text:?}: {ipa} ≠ {wanted}")),
                None => problems.push(format!("{language} {text:?}: {ipa} not yet accepted")),
            }
        }
        for text in expected.keys().filter(|t| !said.contains_key(*t)) {
            problems.push(format!("{language} {text:?}: accepted but no longer said"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_text_switches_the_engine_to_another_language() {
    // espeak-ng marks a switch of voice with "(en)": a bare Latin letter in Russian is read
    // as its English name. Nothing a visitor hears may do that.
    let accepted: Pronunciations = toml::from_str(ACCEPTED).expect("pronunciation.toml parses");
    for (language, said) in &accepted {
        for (text, ipa) in said {
            assert!(
                !ipa.contains('('),
                "{language} {text:?} switches voice: {ipa}"
            );
        }
    }
}
