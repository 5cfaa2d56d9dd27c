//! `display-board --voice-check`: what each language's voice lacks. For a clip pack the clips
//! the phrase table needs that are missing or unreadable; for an engine whether it starts and
//! says a word.

use crate::clips::ClipPack;
use crate::config::{SpeechConfig, VoiceChoice};
use crate::phrase::{PhraseTable, word};
use crate::voice::{CommandVoice, Voice};

/// One language's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageReport {
    pub language: String,
    /// `espeak`, `command` or `clips`.
    pub backend: &'static str,
    /// Empty when the language can be spoken.
    pub problems: Vec<String>,
}

/// Checks every language of `languages` with the voice `config` chooses for it.
pub fn check<'a>(
    config: &SpeechConfig,
    table: &PhraseTable,
    languages: impl IntoIterator<Item = &'a str>,
) -> Vec<LanguageReport> {
    languages
        .into_iter()
        .map(|language| {
            let mut problems = Vec::new();
            let backend = match config.choice(language) {
                VoiceChoice::Espeak { voice } => {
                    let voice = voice.unwrap_or_else(|| language.to_owned());
                    let engine = CommandVoice::espeak(&config.espeak, language, &voice);
                    if let Err(error) = engine.say(&word("check", "1")) {
                        problems.push(error.to_string());
                    }
                    "espeak"
                }
                VoiceChoice::Command { command } => {
                    match CommandVoice::command(language, &command) {
                        Some(engine) => {
                            if let Err(error) = engine.say(&word("check", "1")) {
                                problems.push(error.to_string());
                            }
                        }
                        None => problems.push("the command is empty".into()),
                    }
                    "command"
                }
                VoiceChoice::Clips { folder } => {
                    let folder = folder.unwrap_or_else(|| config.clips.join(language));
                    match (ClipPack::load(&folder), table.clip_list(language)) {
                        (Ok(pack), Ok(needed)) => {
                            for clip in needed {
                                let script = crate::Script {
                                    language: language.to_owned(),
                                    segments: vec![clip.clone()],
                                };
                                if !pack.missing(&script).is_empty() {
                                    problems
                                        .push(format!("missing clip {} «{}»", clip.key, clip.text));
                                }
                            }
                            for key in pack.broken() {
                                problems.push(format!("unreadable clip {key}"));
                            }
                        }
                        (Err(error), _) => problems.push(error.to_string()),
                        (_, Err(error)) => problems.push(error.to_string()),
                    }
                    "clips"
                }
            };
            if table.get(language).is_none() {
                problems.push("no phrase in the phrase table".into());
            }
            LanguageReport {
                language: language.to_owned(),
                backend,
                problems,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Audio;

    #[test]
    fn a_pack_missing_clips_is_reported_with_what_to_record() {
        let dir = tempfile::tempdir().expect("temp dir");
        let table = PhraseTable::embedded().expect("valid");
        let tone = Audio {
            rate: crate::audio::RATE,
            samples: vec![4_000; 2_000],
        };
        ClipPack::write(
            &dir.path().join("ps"),
            "ps",
            &[("digit.1".into(), tone.clone()), ("letter.A".into(), tone)],
        )
        .expect("written");
        let config = SpeechConfig {
            clips: dir.path().to_owned(),
            espeak: "/nonexistent/espeak-ng".into(),
            ..SpeechConfig::default()
        };
        let reports = check(&config, &table, ["ps", "ti", "de"]);
        let needed = table.clip_list("ps").expect("listed").len();
        assert_eq!(reports[0].backend, "clips");
        assert_eq!(reports[0].problems.len(), needed - 2);
        assert!(
            reports[0]
                .problems
                .iter()
                .any(|p| p.contains("place.desk") && p.contains("کړکۍ")),
            "{:?}",
            reports[0].problems
        );
        assert_eq!(reports[1].problems.len(), 1, "no pack for ti at all");
        assert_eq!(reports[2].backend, "espeak");
        assert_eq!(reports[2].problems.len(), 1, "no engine");
    }
}
