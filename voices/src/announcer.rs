//! Puts an announcement together: the script of each language from the phrase table, each
//! segment from that language's voice (cached, so the fixed parts and numbers heard before
//! cost nothing), trimmed, with the script's pauses, one language after the other.
//! A failing voice or a missing clip is logged once and leaves that language out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use lotse_protocol::{Building, DeskKind};

use crate::audio::{Audio, RATE};
use crate::phrase::{PhraseError, PhraseTable, Script, Spoken};
use crate::voice::{Voice, VoiceError};

/// Silence between two languages.
const LANGUAGE_PAUSE_MS: u32 = 600;

#[derive(Debug, thiserror::Error)]
pub enum AnnounceError {
    #[error(transparent)]
    Phrase(#[from] PhraseError),
    #[error(transparent)]
    Voice(#[from] VoiceError),
}

pub struct Announcer {
    table: PhraseTable,
    voices: BTreeMap<String, Arc<dyn Voice>>,
    /// (language, segment key) → trimmed audio at `RATE`.
    cache: Mutex<HashMap<(String, String), Arc<Audio>>>,
    /// Problems already logged.
    warned: Mutex<HashSet<String>>,
}

impl Announcer {
    pub fn new(table: PhraseTable, voices: BTreeMap<String, Arc<dyn Voice>>) -> Announcer {
        Announcer {
            table,
            voices,
            cache: Mutex::new(HashMap::new()),
            warned: Mutex::new(HashSet::new()),
        }
    }

    pub fn voice(&self, language: &str) -> Option<&Arc<dyn Voice>> {
        self.voices.get(language)
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.voices.keys().map(String::as_str)
    }

    /// The script `language`'s voice would say.
    pub fn script(&self, language: &str, spoken: &Spoken) -> Result<Script, AnnounceError> {
        let voice = self
            .voices
            .get(language)
            .ok_or_else(|| VoiceError::NoVoice(language.to_owned()))?;
        Ok(self.table.script(language, spoken, voice.reading())?)
    }

    /// One language, or the first problem.
    pub fn render(&self, language: &str, spoken: &Spoken) -> Result<Audio, AnnounceError> {
        let script = self.script(language, spoken)?;
        let voice = self
            .voices
            .get(language)
            .ok_or_else(|| VoiceError::NoVoice(language.to_owned()))?;
        let mut audio = Audio {
            rate: RATE,
            samples: Vec::new(),
        };
        for segment in &script.segments {
            let key = (language.to_owned(), segment.key.clone());
            let cached = self.cache_get(&key);
            let part = match cached {
                Some(part) => part,
                None => {
                    let part = Arc::new(voice.say(segment)?.trimmed().resampled(RATE));
                    if let Ok(mut cache) = self.cache.lock() {
                        cache.insert(key, part.clone());
                    }
                    part
                }
            };
            audio.append(&part);
            audio.append_silence(segment.pause_ms);
        }
        Ok(audio)
    }

    /// Every language in turn; a language that fails is logged (once per problem) and left
    /// out. Empty when nothing could be said.
    pub fn announce(&self, languages: &[String], spoken: &Spoken) -> Audio {
        let mut audio = Audio {
            rate: RATE,
            samples: Vec::new(),
        };
        for language in languages {
            match self.render(language, spoken) {
                Ok(part) => {
                    if !audio.samples.is_empty() {
                        audio.append_silence(LANGUAGE_PAUSE_MS);
                    }
                    audio.append(&part);
                }
                Err(error) => self.warn_once(language, &error),
            }
        }
        audio
    }

    /// Says the parts every call of `building` uses (phrase words, letters, places, desk
    /// numbers, floors) into the cache, and ticket numbers up to `numbers`, so a call needs
    /// at most its own number from the engine.
    pub fn prewarm(&self, building: &Building, numbers: u32) {
        let languages: Vec<String> = self.voices.keys().cloned().collect();
        for language in &languages {
            for desk in &building.desks {
                for agency in &building.agencies {
                    let spoken = Spoken {
                        number: format!("{}-1", agency.prefix),
                        kind: desk.kind,
                        place_number: desk.number.clone(),
                        floor: desk.floor,
                    };
                    if let Err(error) = self.render(language, &spoken) {
                        self.warn_once(language, &error);
                        break;
                    }
                }
            }
            for number in 0..=numbers {
                let spoken = Spoken {
                    number: number.to_string(),
                    kind: DeskKind::Desk,
                    place_number: "1".into(),
                    floor: 0,
                };
                if let Err(error) = self.render(language, &spoken) {
                    self.warn_once(language, &error);
                    break;
                }
            }
        }
    }

    /// Segments in the cache.
    pub fn cached(&self) -> usize {
        self.cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    fn cache_get(&self, key: &(String, String)) -> Option<Arc<Audio>> {
        self.cache.lock().ok().and_then(|c| c.get(key).cloned())
    }

    fn warn_once(&self, language: &str, error: &AnnounceError) {
        let problem = format!("{language}: {error}");
        let first = self
            .warned
            .lock()
            .map(|mut w| w.insert(problem))
            .unwrap_or(true);
        if first {
            tracing::warn!(%language, %error, "a call cannot be spoken in this language");
        }
    }

    /// How many distinct problems were logged (tests).
    pub fn problems_logged(&self) -> usize {
        self.warned.lock().map(|w| w.len()).unwrap_or(0)
    }
}
