//! The spoken-call texts the server works with, loaded once: for the browser display's
//! announcements and for the voice clips recorded on the admin page.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use lotse_voices::{
    Announcer, Audio, ClipPack, PhraseTable, Segment, SpeechConfig, Voice, VoiceChoice,
};

use crate::config::Config;
use crate::domain::DomainError;
use crate::domain::voice_clips;
use crate::http::error::AppError;
use crate::storage::{Store, voice_clips as stored_clips};

/// The embedded phrase table (empty, with a warning, if it were invalid: calls then go
/// unspoken rather than the server failing).
pub fn phrase_table() -> &'static PhraseTable {
    static TABLE: OnceLock<PhraseTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        PhraseTable::embedded().unwrap_or_else(|error| {
            tracing::warn!(%error, "the phrase table is invalid; calls are not spoken");
            PhraseTable::empty()
        })
    })
}

/// The clips a recorded pack of `language` needs in this building.
pub fn needed_clips(config: &Config, language: &str) -> Result<Vec<Segment>, DomainError> {
    voice_clips::needed(phrase_table(), &config.building.site.languages, language)
}

/// The voices of the browser display's announcements: espeak-ng where it speaks a language,
/// the clips recorded on the admin page for the others. Built on first use and again after
/// the recordings change (the voices keep their phrase cache in between).
pub async fn announcer(store: &Store) -> Result<Arc<Announcer>, AppError> {
    /// The announcer and the version of the recordings it was built from.
    type Built = Option<((i64, i64), Arc<Announcer>)>;
    static CURRENT: Mutex<Built> = Mutex::new(None);
    let version = store.read(stored_clips::version).await?;
    if let Some((built, announcer)) = &*CURRENT.lock().unwrap_or_else(PoisonError::into_inner)
        && *built == version
    {
        return Ok(announcer.clone());
    }
    let recorded = store.read(stored_clips::all).await?;
    let announcer = Arc::new(build_announcer(recorded));
    *CURRENT.lock().unwrap_or_else(PoisonError::into_inner) = Some((version, announcer.clone()));
    Ok(announcer)
}

fn build_announcer(recorded: Vec<(String, String, Vec<u8>)>) -> Announcer {
    let table = phrase_table().clone();
    let config = SpeechConfig::default();
    let recorded_here =
        |language: &str| config.choice(language) == VoiceChoice::Clips { folder: None };
    let (from_clips, from_engines): (Vec<&str>, Vec<&str>) = table
        .languages()
        .partition(|language| recorded_here(language));
    let mut voices: BTreeMap<String, Arc<dyn Voice>> = config.build_voices(from_engines);
    for language in from_clips {
        let clips: Vec<(String, Audio)> = recorded
            .iter()
            .filter(|(of, _, _)| of == language)
            .filter_map(|(_, key, wav)| Some((key.clone(), Audio::from_wav(wav).ok()?)))
            .collect();
        if !clips.is_empty() {
            voices.insert(
                language.to_owned(),
                Arc::new(ClipPack::from_clips(language, clips)),
            );
        }
    }
    Announcer::new(table, voices)
}
