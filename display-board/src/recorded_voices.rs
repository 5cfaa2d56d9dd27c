//! The voice clips recorded on the server's admin page (`/staff/admin/voices`), fetched when
//! the display starts, before its voices load: each language spoken from a clip pack in the
//! default folder (`<speech.clips>/<language>`, e.g. Pashto and Tigrinya) gets the server's
//! recordings written there as a pack. A language with an explicit `folder`, or one the
//! server has no recordings for, is left alone; so is every pack when the server cannot be
//! reached (the last download stays and is spoken).

use std::path::Path;

use lotse_protocol::Client;
use lotse_voices::{Audio, ClipPack, SpeechConfig, VoiceChoice};

/// What became of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The pack was written with this many clips (and this many still missing on the server).
    Written {
        clips: usize,
        missing: usize,
    },
    /// The server has no recordings for the language.
    NoneRecorded,
    Failed(String),
}

/// The languages of `languages` that `speech` speaks from a pack in the default folder.
pub fn from_server<'a>(speech: &SpeechConfig, languages: &[&'a str]) -> Vec<&'a str> {
    languages
        .iter()
        .copied()
        .filter(|language| speech.choice(language) == VoiceChoice::Clips { folder: None })
        .collect()
}

/// Fetches the recordings of each of `languages` into `<clips>/<language>`.
pub async fn fetch(client: &Client, clips: &Path, languages: &[&str]) -> Vec<(String, Fetched)> {
    let mut results = Vec::new();
    for language in languages {
        let fetched = match fetch_one(client, clips, language).await {
            Ok(fetched) => fetched,
            Err(problem) => Fetched::Failed(problem),
        };
        match &fetched {
            Fetched::Failed(problem) => {
                tracing::warn!(%language, %problem, "cannot fetch the recorded voice; the last one stays");
            }
            Fetched::Written { clips, missing } => {
                tracing::info!(%language, clips, missing, "recorded voice fetched");
            }
            Fetched::NoneRecorded => {}
        }
        results.push(((*language).to_owned(), fetched));
    }
    results
}

async fn fetch_one(client: &Client, clips: &Path, language: &str) -> Result<Fetched, String> {
    let pack = client
        .voice_pack(language)
        .await
        .map_err(|e| e.to_string())?;
    if pack.clips.is_empty() {
        return Ok(Fetched::NoneRecorded);
    }
    let mut audio = Vec::with_capacity(pack.clips.len());
    for clip in &pack.clips {
        let wav = client
            .voice_clip(language, &clip.key)
            .await
            .map_err(|e| format!("{}: {e}", clip.key))?;
        let decoded = Audio::from_wav(&wav).map_err(|e| format!("{}: {e}", clip.key))?;
        audio.push((clip.key.clone(), decoded));
    }
    // Written beside the pack, then put in its place: a display never loads half a pack.
    let folder = clips.join(language);
    let incoming = clips.join(format!("{language}.incoming"));
    let _ = std::fs::remove_dir_all(&incoming);
    ClipPack::write(&incoming, language, &audio).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::rename(&incoming, &folder).map_err(|e| e.to_string())?;
    Ok(Fetched::Written {
        clips: audio.len(),
        missing: pack.missing.len(),
    })
}
