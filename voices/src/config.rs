//! What a display says and with which voice: the `[speech]` part of a display's config
//! (volume, mute, quiet hours, languages, how old a call may be, a voice per language).
//! Choosing a voice is pure; `build_voices` loads them (clip packs read from disk).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveTime;
use lotse_protocol::languages::SpeechBackend;
use serde::Deserialize;

use crate::clips::ClipPack;
use crate::voice::{CommandVoice, Voice};

/// In `languages`: the language the visitor chose at the kiosk.
pub const TICKET_LANGUAGE: &str = "ticket";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechConfig {
    /// Speak calls at all (the gong rings either way when sound is on).
    pub enabled: bool,
    /// 0–100, for the voice (the gong has its own).
    pub volume: u8,
    /// The languages said, in order; `"ticket"` is the visitor's language. A language said
    /// twice is said once.
    pub languages: Vec<String>,
    /// A call still waiting for its turn after this long is dropped.
    pub max_age_seconds: u32,
    /// Local times `["HH:MM", "HH:MM"]` between which nothing is said (may span midnight).
    pub quiet_hours: Option<[String; 2]>,
    /// The espeak-ng program.
    pub espeak: String,
    /// Clip packs live in `<clips>/<language>/`.
    pub clips: PathBuf,
    /// A voice per language, overriding the default (espeak-ng where it has the language,
    /// otherwise the clip pack).
    pub voices: BTreeMap<String, VoiceChoice>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "backend", rename_all = "snake_case", deny_unknown_fields)]
pub enum VoiceChoice {
    /// espeak-ng with `voice` (default: the language code).
    Espeak { voice: Option<String> },
    /// A program reading text on stdin and writing WAV on stdout, with its arguments.
    Command { command: Vec<String> },
    /// A recorded pack; `folder` defaults to `<clips>/<language>`.
    Clips { folder: Option<PathBuf> },
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("speech.volume must be 0 to 100")]
    Volume,
    #[error("speech.max_age_seconds must be 1 to 600")]
    MaxAge,
    #[error("speech.quiet_hours: {0:?} is not a time HH:MM")]
    QuietHours(String),
    #[error("speech.voices.{0}: the command is empty")]
    EmptyCommand(String),
}

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechConfig {
            enabled: true,
            volume: 80,
            languages: vec!["de".into(), TICKET_LANGUAGE.into()],
            max_age_seconds: 30,
            quiet_hours: None,
            espeak: "espeak-ng".into(),
            clips: PathBuf::from("voices"),
            voices: BTreeMap::new(),
        }
    }
}

impl SpeechConfig {
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.volume > 100 {
            return Err(ConfigError::Volume);
        }
        if !(1..=600).contains(&self.max_age_seconds) {
            return Err(ConfigError::MaxAge);
        }
        self.quiet()?;
        for (language, choice) in &self.voices {
            if let VoiceChoice::Command { command } = choice
                && command.is_empty()
            {
                return Err(ConfigError::EmptyCommand(language.clone()));
            }
        }
        Ok(())
    }

    fn quiet(&self) -> Result<Option<(NaiveTime, NaiveTime)>, ConfigError> {
        let Some([from, until]) = &self.quiet_hours else {
            return Ok(None);
        };
        let parse = |text: &String| {
            NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| ConfigError::QuietHours(text.clone()))
        };
        Ok(Some((parse(from)?, parse(until)?)))
    }

    /// Whether calls are spoken at this local time (not muted, not in quiet hours).
    pub fn speaks_at(&self, local: NaiveTime) -> bool {
        if !self.enabled || self.volume == 0 {
            return false;
        }
        match self.quiet() {
            Ok(Some((from, until))) if from <= until => !(from <= local && local < until),
            Ok(Some((from, until))) => !(local >= from || local < until),
            _ => true,
        }
    }

    /// The languages a call is said in, in order, without repeats.
    pub fn languages_for(&self, ticket_language: Option<&str>) -> Vec<String> {
        let mut languages: Vec<String> = Vec::new();
        for language in &self.languages {
            let language = if language == TICKET_LANGUAGE {
                match ticket_language {
                    Some(l) => l,
                    None => continue,
                }
            } else {
                language.as_str()
            };
            if !languages.iter().any(|l| l == language) {
                languages.push(language.to_owned());
            }
        }
        languages
    }

    /// The voice that speaks `language`.
    pub fn choice(&self, language: &str) -> VoiceChoice {
        match self.voices.get(language) {
            Some(choice) => choice.clone(),
            None => match lotse_protocol::languages::language(language).map(|l| l.speech) {
                Some(SpeechBackend::Espeak) => VoiceChoice::Espeak { voice: None },
                Some(SpeechBackend::RecordedClips) | None => VoiceChoice::Clips { folder: None },
            },
        }
    }

    /// Loads the voice of each language; one that cannot be loaded (a missing clip pack) is
    /// logged and left out, so the other languages are still spoken.
    pub fn build_voices<'a>(
        &self,
        languages: impl IntoIterator<Item = &'a str>,
    ) -> BTreeMap<String, Arc<dyn Voice>> {
        let mut voices: BTreeMap<String, Arc<dyn Voice>> = BTreeMap::new();
        for language in languages {
            let voice: Option<Arc<dyn Voice>> = match self.choice(language) {
                VoiceChoice::Espeak { voice } => Some(Arc::new(CommandVoice::espeak(
                    &self.espeak,
                    language,
                    voice.as_deref().unwrap_or(language),
                ))),
                VoiceChoice::Command { command } => {
                    CommandVoice::command(language, &command).map(|v| Arc::new(v) as Arc<dyn Voice>)
                }
                VoiceChoice::Clips { folder } => {
                    let folder = folder.unwrap_or_else(|| self.clips.join(language));
                    match ClipPack::load(&folder) {
                        Ok(pack) => Some(Arc::new(pack)),
                        Err(error) => {
                            tracing::warn!(%language, %error, "no voice for this language");
                            None
                        }
                    }
                }
            };
            if let Some(voice) = voice {
                voices.insert(language.to_owned(), voice);
            }
        }
        voices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").expect("a time")
    }

    #[test]
    fn german_then_the_tickets_language_once() {
        let config = SpeechConfig::default();
        assert_eq!(config.languages_for(Some("ar")), ["de", "ar"]);
        assert_eq!(config.languages_for(Some("de")), ["de"]);
        assert_eq!(config.languages_for(None), ["de"]);
    }

    #[test]
    fn each_language_gets_the_right_backend() {
        let config: SpeechConfig = toml::from_str(
            "[voices.en]\nbackend = \"command\"\ncommand = [\"piper\", \"--model\", \"en.onnx\", \"--output_file\", \"-\"]\n[voices.fa]\nbackend = \"clips\"\nfolder = \"/srv/fa\"\n[voices.ar]\nbackend = \"espeak\"\nvoice = \"ar\"\n",
        )
        .expect("a valid config");
        assert!(config.check().is_ok());
        assert_eq!(config.choice("de"), VoiceChoice::Espeak { voice: None });
        assert!(
            matches!(config.choice("en"), VoiceChoice::Command { command } if command[0] == "piper")
        );
        assert_eq!(
            config.choice("fa"),
            VoiceChoice::Clips {
                folder: Some("/srv/fa".into())
            }
        );
        for language in ["ps", "ti"] {
            assert_eq!(config.choice(language), VoiceChoice::Clips { folder: None });
        }
        let voices = config.build_voices(["de", "en", "ps"]);
        // The pack for ps does not exist here: left out, not fatal.
        assert_eq!(voices.keys().collect::<Vec<_>>(), ["de", "en"]);
        assert_eq!(voices["de"].backend(), crate::Backend::Espeak);
        assert_eq!(voices["en"].backend(), crate::Backend::Command);
        assert_eq!(voices["en"].language(), "en");
    }

    #[test]
    fn quiet_hours_mute_and_bad_values() {
        let mut config = SpeechConfig {
            quiet_hours: Some(["20:00".into(), "07:30".into()]),
            ..SpeechConfig::default()
        };
        assert!(config.check().is_ok());
        assert!(!config.speaks_at(time("22:00")));
        assert!(!config.speaks_at(time("06:00")));
        assert!(config.speaks_at(time("07:30")));
        assert!(config.speaks_at(time("12:00")));
        config.quiet_hours = Some(["12:00".into(), "13:00".into()]);
        assert!(!config.speaks_at(time("12:30")));
        assert!(config.speaks_at(time("13:00")));
        config.volume = 0;
        assert!(!config.speaks_at(time("09:00")));
        config.quiet_hours = Some(["25:00".into(), "13:00".into()]);
        assert!(matches!(config.check(), Err(ConfigError::QuietHours(_))));
        assert!(toml::from_str::<SpeechConfig>("volum = 3").is_err());
    }
}
