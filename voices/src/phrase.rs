//! The phrase table (one sentence per language with placeholders, in `phrases.toml`) and
//! how a call becomes a *script*: the sequence of segments a voice says, each with a clip
//! key (what a recorded pack names it) and a text (what an engine reads). Pure: no I/O.

use std::collections::BTreeMap;

use lotse_protocol::DeskKind;
use serde::Deserialize;

/// The table compiled into the program.
const EMBEDDED: &str = include_str!("phrases.toml");

/// Pause after a segment followed by a comma, in milliseconds.
const COMMA_PAUSE_MS: u32 = 250;
/// Pause between other segments.
const WORD_PAUSE_MS: u32 = 40;
/// Pause for a dot or dash inside a number ("1.04").
const SEPARATOR_PAUSE_MS: u32 = 120;

#[derive(Debug, thiserror::Error)]
pub enum PhraseError {
    #[error("the phrase table is invalid: {0}")]
    Table(#[from] toml::de::Error),
    #[error("no phrase for language {0}")]
    UnknownLanguage(String),
    #[error("phrase for {language}: {problem}")]
    Invalid { language: String, problem: String },
}

/// How numbers are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberReading {
    /// As a number ("zweiundvierzig"): the engine knows the language's numbers.
    Words,
    /// Digit by digit ("vier zwei"): clip packs, and engines without the language's numbers.
    Digits,
}

/// One language's entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrase {
    pub phrase: String,
    pub desk: String,
    pub room: String,
    pub numbers: NumberReading,
    /// Latin capital letter → how this language names it ("B" → "бэ"); required for
    /// languages not written in Latin letters, empty for the others.
    #[serde(default)]
    pub letters: BTreeMap<String, String>,
    /// Still needs a native speaker's review.
    #[serde(default)]
    pub review: bool,
}

impl Phrase {
    /// What is said for a ticket's letter: the language's name for it, or the letter
    /// itself (a Latin-script language's engine names it).
    pub fn letter_name<'a>(&'a self, letter: &'a str) -> &'a str {
        self.letters.get(letter).map_or(letter, String::as_str)
    }

    /// Segments of letters (`letter.A`) get the language's name for the letter.
    fn name_letters(&self, segments: &mut [Segment]) {
        for segment in segments {
            if let Some(letter) = segment.key.strip_prefix("letter.") {
                segment.text = self.letter_name(letter).to_owned();
            }
        }
    }
}

/// What is said about a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spoken {
    /// The ticket as displayed, e.g. `A-042`.
    pub number: String,
    pub kind: DeskKind,
    /// The desk's number as displayed, e.g. `3` or `1.04`.
    pub place_number: String,
    pub floor: i32,
}

/// One piece of an announcement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Segment {
    /// The clip's name in a recorded pack: `phrase.0`, `letter.A`, `digit.4`, `number.42`,
    /// `place.desk`, `floor.0`, …
    pub key: String,
    /// What an engine reads.
    pub text: String,
    /// Silence after it, in milliseconds.
    pub pause_ms: u32,
}

/// An announcement in one language, ready for a voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub language: String,
    pub segments: Vec<Segment>,
}

impl Script {
    pub fn keys(&self) -> Vec<&str> {
        self.segments.iter().map(|s| s.key.as_str()).collect()
    }

    /// The whole sentence, as one line (logs, the `voice check` listing).
    pub fn text(&self) -> String {
        let words: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        words.join(" ")
    }
}

#[derive(Debug, Clone)]
pub struct PhraseTable {
    languages: BTreeMap<String, Phrase>,
}

impl PhraseTable {
    /// The table compiled into the program.
    pub fn embedded() -> Result<PhraseTable, PhraseError> {
        PhraseTable::parse(EMBEDDED)
    }

    /// A table with no language (nothing can be said).
    pub fn empty() -> PhraseTable {
        PhraseTable {
            languages: BTreeMap::new(),
        }
    }

    pub fn parse(text: &str) -> Result<PhraseTable, PhraseError> {
        let languages: BTreeMap<String, Phrase> = toml::from_str(text)?;
        for (language, phrase) in &languages {
            check(language, phrase)?;
        }
        Ok(PhraseTable { languages })
    }

    pub fn get(&self, language: &str) -> Option<&Phrase> {
        self.languages.get(language)
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.keys().map(String::as_str)
    }

    /// The script of `spoken` in `language`. `engine_reading` is how the voice reads numbers
    /// at best: an engine may read words if the table says it knows the language's numbers;
    /// a clip pack passes `Digits`.
    pub fn script(
        &self,
        language: &str,
        spoken: &Spoken,
        engine_reading: NumberReading,
    ) -> Result<Script, PhraseError> {
        let phrase = self
            .get(language)
            .ok_or_else(|| PhraseError::UnknownLanguage(language.to_owned()))?;
        let reading = match (phrase.numbers, engine_reading) {
            (NumberReading::Words, NumberReading::Words) => NumberReading::Words,
            _ => NumberReading::Digits,
        };
        let mut segments: Vec<Segment> = Vec::new();
        let mut literal_index = 0;
        for piece in pieces(&phrase.phrase) {
            match piece {
                Piece::Literal(text) => {
                    if literal(&mut segments, text, literal_index) {
                        literal_index += 1;
                    }
                }
                Piece::Placeholder("number") => {
                    segments.extend(crate::number::ticket(&spoken.number, reading));
                }
                Piece::Placeholder("place") => segments.push(match spoken.kind {
                    DeskKind::Desk => word("place.desk", &phrase.desk),
                    DeskKind::Room => word("place.room", &phrase.room),
                }),
                Piece::Placeholder("place_number") => {
                    segments.extend(crate::number::place(&spoken.place_number, reading));
                }
                Piece::Placeholder("floor") => {
                    let text = lotse_protocol::floors::said(language, spoken.floor);
                    segments.push(word(&format!("floor.{}", spoken.floor), &text));
                }
                Piece::Placeholder(other) => {
                    return Err(PhraseError::Invalid {
                        language: language.to_owned(),
                        problem: format!("unknown placeholder {{{other}}}"),
                    });
                }
            }
        }
        if let Some(last) = segments.last_mut() {
            last.pause_ms = 0;
        }
        phrase.name_letters(&mut segments);
        Ok(Script {
            language: language.to_owned(),
            segments,
        })
    }
}

impl PhraseTable {
    /// Every clip a recorded pack for `language` needs, with the text to record: the
    /// phrase's words, the letters A–Z, the digits, both kinds of place and the floors.
    pub fn clip_list(&self, language: &str) -> Result<Vec<Segment>, PhraseError> {
        let phrase = self
            .get(language)
            .ok_or_else(|| PhraseError::UnknownLanguage(language.to_owned()))?;
        let mut clips = Vec::new();
        let mut index = 0;
        for piece in pieces(&phrase.phrase) {
            if let Piece::Literal(text) = piece
                && literal(&mut clips, text, index)
            {
                index += 1;
            }
        }
        clips.extend(('A'..='Z').map(|c| word(&format!("letter.{c}"), &c.to_string())));
        clips.extend(('0'..='9').map(|c| word(&format!("digit.{c}"), &c.to_string())));
        clips.push(word("place.desk", &phrase.desk));
        clips.push(word("place.room", &phrase.room));
        if let Some(floors) = lotse_protocol::floors::of(language) {
            for floor in floors.said.named_floors() {
                clips.push(word(&format!("floor.{floor}"), &floors.said.name(floor)));
            }
        }
        for clip in &mut clips {
            clip.pause_ms = 0;
        }
        phrase.name_letters(&mut clips);
        Ok(clips)
    }
}

pub(crate) fn word(key: &str, text: &str) -> Segment {
    Segment {
        key: key.to_owned(),
        text: text.to_owned(),
        pause_ms: WORD_PAUSE_MS,
    }
}

pub(crate) fn separator_pause(segments: &mut [Segment]) {
    if let Some(last) = segments.last_mut() {
        last.pause_ms = last.pause_ms.max(SEPARATOR_PAUSE_MS);
    }
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | '،' | '፣' | '.' | ':' | ';' | '።')
}

/// A literal part of the sentence: punctuation becomes a pause, the words a segment
/// (`phrase.<index>`, counting the literals that have words). Whether it had words.
fn literal(segments: &mut Vec<Segment>, text: &str, index: usize) -> bool {
    let trimmed = text.trim();
    let leading = trimmed.starts_with(is_comma);
    let trailing = trimmed.ends_with(is_comma);
    let words = trimmed.trim_matches(|c: char| is_comma(c) || c.is_whitespace());
    if leading && let Some(previous) = segments.last_mut() {
        previous.pause_ms = COMMA_PAUSE_MS;
    }
    if !words.is_empty() {
        let mut segment = word(&format!("phrase.{index}"), words);
        if trailing {
            segment.pause_ms = COMMA_PAUSE_MS;
        }
        segments.push(segment);
        return true;
    }
    if trailing && let Some(previous) = segments.last_mut() {
        previous.pause_ms = COMMA_PAUSE_MS;
    }
    false
}

enum Piece<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

/// Splits `Nummer {number}, bitte …` into literals and placeholders.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        pieces.push(Piece::Literal(&rest[..open]));
        pieces.push(Piece::Placeholder(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    pieces.push(Piece::Literal(rest));
    pieces
}

fn check(language: &str, phrase: &Phrase) -> Result<(), PhraseError> {
    let invalid = |problem: &str| PhraseError::Invalid {
        language: language.to_owned(),
        problem: problem.to_owned(),
    };
    let mut seen = Vec::new();
    for piece in pieces(&phrase.phrase) {
        if let Piece::Placeholder(name) = piece {
            if !["number", "place", "place_number", "floor"].contains(&name) {
                return Err(invalid(&format!("unknown placeholder {{{name}}}")));
            }
            seen.push(name);
        }
    }
    for required in ["number", "place", "place_number", "floor"] {
        if !seen.contains(&required) {
            return Err(invalid(&format!("the phrase lacks {{{required}}}")));
        }
    }
    if phrase.desk.trim().is_empty() || phrase.room.trim().is_empty() {
        return Err(invalid("desk and room must not be empty"));
    }
    let latin = lotse_protocol::languages::language(language)
        .is_none_or(|l| l.script == lotse_protocol::languages::Script::Latin);
    for letter in ('A'..='Z').map(String::from) {
        let named = phrase
            .letters
            .get(&letter)
            .is_some_and(|n| !n.trim().is_empty());
        if !latin && !named {
            return Err(invalid(&format!(
                "letters needs a name for {letter} (an engine would say its English name)"
            )));
        }
    }
    // Two letters with one name would make two tickets (B-042, P-042) sound the same.
    let mut named: BTreeMap<&str, &str> = BTreeMap::new();
    for (letter, name) in &phrase.letters {
        if let Some(first) = named.insert(name.trim(), letter) {
            return Err(invalid(&format!(
                "letters: {first} and {letter} are both named {name:?}; a visitor could not tell them apart"
            )));
        }
    }
    if let Some(other) = phrase
        .letters
        .keys()
        .find(|k| !matches!(k.as_bytes(), [b'A'..=b'Z']))
    {
        return Err(invalid(&format!(
            "letters: {other:?} is not a capital letter A-Z"
        )));
    }
    Ok(())
}

#[cfg(test)]
#[path = "phrase_tests.rs"]
mod tests;
