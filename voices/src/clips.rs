//! Recorded clip packs: a folder per language with WAV clips and a `manifest.toml` naming the
//! clip of each script key (`"phrase.0" = "nummer.wav"`, `"digit.4" = "4.wav"`, …). The
//! announcement is the clips one after another. This is how Pashto and Tigrinya are spoken.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::audio::Audio;
use crate::phrase::{NumberReading, Script, Segment};
use crate::voice::{Backend, Voice, VoiceError};

pub const MANIFEST: &str = "manifest.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub language: String,
    /// Script key → file name in the folder.
    pub clips: BTreeMap<String, String>,
}

/// A pack loaded into memory (a few hundred kilobytes: every clip decoded once at start).
#[derive(Debug, Clone)]
pub struct ClipPack {
    language: String,
    folder: PathBuf,
    clips: BTreeMap<String, Audio>,
    /// Clips the manifest names whose files are missing or unreadable.
    broken: Vec<String>,
}

impl ClipPack {
    pub fn load(folder: &Path) -> Result<ClipPack, VoiceError> {
        let pack_error = |problem: String| VoiceError::Pack {
            folder: folder.display().to_string(),
            problem,
        };
        let text = std::fs::read_to_string(folder.join(MANIFEST))
            .map_err(|e| pack_error(format!("{MANIFEST}: {e}")))?;
        let manifest: Manifest =
            toml::from_str(&text).map_err(|e| pack_error(format!("{MANIFEST}: {e}")))?;
        let mut clips = BTreeMap::new();
        let mut broken = Vec::new();
        for (key, file) in &manifest.clips {
            let audio = std::fs::read(folder.join(file))
                .map_err(|e| e.to_string())
                .and_then(|bytes| Audio::from_wav(&bytes).map_err(|e| e.to_string()));
            match audio {
                Ok(audio) => {
                    clips.insert(key.clone(), audio);
                }
                Err(error) => {
                    tracing::warn!(folder = %folder.display(), %key, %file, %error, "unreadable clip");
                    broken.push(key.clone());
                }
            }
        }
        Ok(ClipPack {
            language: manifest.language,
            folder: folder.to_owned(),
            clips,
            broken,
        })
    }

    /// A pack of clips held elsewhere (the server keeps its recordings in its database).
    pub fn from_clips(language: &str, clips: Vec<(String, Audio)>) -> ClipPack {
        ClipPack {
            language: language.to_owned(),
            folder: PathBuf::new(),
            clips: clips.into_iter().collect(),
            broken: Vec::new(),
        }
    }

    /// Writes a pack: the clips as WAV files named after their keys, and the manifest.
    pub fn write(folder: &Path, language: &str, clips: &[(String, Audio)]) -> std::io::Result<()> {
        std::fs::create_dir_all(folder)?;
        let mut manifest = Manifest {
            language: language.to_owned(),
            clips: BTreeMap::new(),
        };
        for (key, audio) in clips {
            let file = format!("{key}.wav");
            std::fs::write(folder.join(&file), audio.to_wav())?;
            manifest.clips.insert(key.clone(), file);
        }
        let text = toml::to_string(&manifest).map_err(std::io::Error::other)?;
        std::fs::write(folder.join(MANIFEST), text)
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The keys of `script` this pack cannot say (`display-board voice check`).
    pub fn missing<'a>(&self, script: &'a Script) -> Vec<&'a str> {
        script
            .segments
            .iter()
            .map(|s| s.key.as_str())
            .filter(|key| !self.clips.contains_key(*key))
            .collect()
    }

    pub fn broken(&self) -> &[String] {
        &self.broken
    }
}

/// A pack of tones standing in for recordings, one per clip `language` needs (each clip a
/// different pitch; words longer than letters and digits): for tests, benchmarks and demos
/// before interpreters have recorded the real pack.
pub fn synthetic_pack(
    folder: &Path,
    table: &crate::PhraseTable,
    language: &str,
) -> Result<Vec<String>, VoiceError> {
    let list = table.clip_list(language).map_err(|e| VoiceError::Pack {
        folder: folder.display().to_string(),
        problem: e.to_string(),
    })?;
    let clips: Vec<(String, Audio)> = list
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            let short = segment.key.starts_with("letter.") || segment.key.starts_with("digit.");
            (
                segment.key.clone(),
                tone(index, if short { 180 } else { 420 }),
            )
        })
        .collect();
    ClipPack::write(folder, language, &clips).map_err(|e| VoiceError::Pack {
        folder: folder.display().to_string(),
        problem: e.to_string(),
    })?;
    Ok(list.into_iter().map(|s| s.key).collect())
}

/// A soft tone, distinct per `index`, with short fades.
fn tone(index: usize, milliseconds: u32) -> Audio {
    let rate = crate::audio::RATE;
    let frequency = 220.0 + 23.0 * index as f32;
    let count = (rate * milliseconds / 1000) as usize;
    let fade = (rate / 100) as usize;
    let samples = (0..count)
        .map(|n| {
            let envelope = (n.min(count - n).min(fade) as f32) / fade as f32;
            let t = n as f32 / rate as f32;
            (envelope * 9_000.0 * (std::f32::consts::TAU * frequency * t).sin()) as i16
        })
        .collect();
    Audio { rate, samples }
}

impl Voice for ClipPack {
    fn backend(&self) -> Backend {
        Backend::Clips
    }

    fn language(&self) -> &str {
        &self.language
    }

    fn reading(&self) -> NumberReading {
        NumberReading::Digits
    }

    fn say(&self, segment: &Segment) -> Result<Audio, VoiceError> {
        self.clips
            .get(&segment.key)
            .cloned()
            .ok_or_else(|| VoiceError::MissingClip {
                language: self.language.clone(),
                key: segment.key.clone(),
            })
    }
}
