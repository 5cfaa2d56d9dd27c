//! The board's sound: for a new call the gong, then the call spoken in German and the
//! visitor's language (`lotse-voices`), through the configured player. Speaking is off in
//! quiet hours, when muted, and for calls replayed after a reconnect; then only the gong
//! rings. Nothing here is fatal: a missing engine, clip or player is logged once.

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lotse_protocol::Building;
use lotse_voices::{
    Announcer, CommandPlayer, PhraseTable, Request, Speaker, SpeakerSettings, SpeechConfig,
};

use crate::config::SoundConfig;
use crate::controller::SoundCue;
use crate::gong::{Gong, chime};

/// Ticket numbers said into the cache when the building arrives (the rest on first use).
const PREPARED_NUMBERS: u32 = 30;

pub struct Sound {
    gong: Option<Gong>,
    speech: Option<Speech>,
}

struct Speech {
    config: SpeechConfig,
    announcer: Arc<Announcer>,
    speaker: Speaker,
    prepared: Cell<bool>,
}

impl Sound {
    /// Silent when `sound.enabled` is off; the gong alone when speech is off or its phrase
    /// table cannot be read.
    pub fn new(sound: &SoundConfig, speech: &SpeechConfig) -> Sound {
        if !sound.enabled {
            return Sound {
                gong: None,
                speech: None,
            };
        }
        Sound {
            gong: Some(Gong::new(sound.command.clone(), sound.volume)),
            speech: speech
                .enabled
                .then(|| start_speech(sound, speech))
                .flatten(),
        }
    }

    pub fn cue(&self, cue: &SoundCue<'_>) {
        match *cue {
            SoundCue::Building(building) => {
                if let Some(speech) = &self.speech {
                    speech.prepare(building);
                }
            }
            SoundCue::Call {
                event,
                building,
                time_zone,
                now,
            } => {
                let spoken = self.speech.as_ref().and_then(|speech| {
                    let call = lotse_voices::call(event, building)?;
                    let local = now.with_timezone(&time_zone).time();
                    let max_age =
                        chrono::Duration::seconds(i64::from(speech.config.max_age_seconds));
                    let fresh = now - event.at <= max_age;
                    (fresh && speech.config.speaks_at(local)).then(|| {
                        speech.speaker.say(Request {
                            languages: speech.config.languages_for(call.language.as_deref()),
                            spoken: call.spoken,
                        });
                    })
                });
                // The speaker plays the gong before the voice; otherwise ring it here.
                if spoken.is_none()
                    && let Some(gong) = &self.gong
                {
                    gong.ring();
                }
            }
        }
    }

    /// Whether calls are spoken (tests).
    pub fn speaks(&self) -> bool {
        self.speech.is_some()
    }
}

fn start_speech(sound: &SoundConfig, config: &SpeechConfig) -> Option<Speech> {
    let table = PhraseTable::embedded()
        .map_err(|error| tracing::warn!(%error, "calls will not be spoken"))
        .ok()?;
    let languages: Vec<String> = table.languages().map(str::to_owned).collect();
    let voices = config.build_voices(languages.iter().map(String::as_str));
    let announcer = Arc::new(Announcer::new(table, voices));
    let settings = SpeakerSettings {
        gong: Some(chime(sound.volume)),
        volume: config.volume,
        max_age: Duration::from_secs(u64::from(config.max_age_seconds)),
    };
    let player = Box::new(CommandPlayer::new(sound.command.clone()));
    let speaker = Speaker::start(announcer.clone(), player, settings, Arc::new(Instant::now))
        .map_err(|error| tracing::warn!(%error, "cannot start the speaker"))
        .ok()?;
    Some(Speech {
        config: config.clone(),
        announcer,
        speaker,
        prepared: Cell::new(false),
    })
}

impl Speech {
    /// Says the building's phrase parts into the cache on a background thread, once.
    fn prepare(&self, building: &Building) {
        if self.prepared.replace(true) {
            return;
        }
        let (announcer, building) = (self.announcer.clone(), building.clone());
        let spawned = std::thread::Builder::new()
            .name("lotse-voices-prepare".into())
            .spawn(move || announcer.prewarm(&building, PREPARED_NUMBERS));
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot prepare the voices");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;
    use chrono::Duration as Span;

    fn cue_call(sound: &Sound, age_seconds: i64) {
        let building = sample::building();
        let crate::board::Input::Event(event) = sample::call(51, "A-042", "eg-03", 0) else {
            panic!("a call event");
        };
        let now = event.at + Span::seconds(age_seconds);
        sound.cue(&SoundCue::Building(&building));
        sound.cue(&SoundCue::Call {
            event: &event,
            building: &building,
            time_zone: chrono_tz::Europe::Berlin,
            now,
        });
    }

    #[test]
    fn missing_engine_and_player_are_not_fatal() {
        let sound_config = SoundConfig {
            enabled: true,
            volume: 50,
            command: vec!["/nonexistent/player".into()],
        };
        let speech = SpeechConfig {
            espeak: "/nonexistent/espeak-ng".into(),
            clips: "/nonexistent/voices".into(),
            ..SpeechConfig::default()
        };
        let sound = Sound::new(&sound_config, &speech);
        assert!(sound.speaks());
        cue_call(&sound, 1);
        cue_call(&sound, 3_600);
    }

    #[test]
    fn muted_sound_says_nothing() {
        let sound_config = SoundConfig {
            enabled: false,
            ..SoundConfig::default()
        };
        let sound = Sound::new(&sound_config, &SpeechConfig::default());
        assert!(!sound.speaks());
        cue_call(&sound, 1);
    }
}
