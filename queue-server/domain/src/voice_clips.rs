//! What a recorded voice clip must be: one the phrase table needs for a language of the
//! building, and a WAV a display can play (readable, long enough to hold a word, short enough
//! to be one, not silent).

use chrono::{DateTime, Utc};
use lotse_protocol::{VoiceClip, VoicePack};
use lotse_voices::{Audio, PhraseTable, Segment};

use super::DomainError;

/// The largest recording accepted (10 s of 48 kHz 16-bit stereo is 1.9 MB).
pub const MAX_CLIP_BYTES: usize = 2 * 1024 * 1024;
pub const MIN_CLIP_SECONDS: f64 = 0.2;
pub const MAX_CLIP_SECONDS: f64 = 8.0;
/// Below this loudness (RMS as a share of full scale, about −50 dBFS) a recording is taken
/// to be silence.
pub const MIN_CLIP_RMS: f64 = 0.003;

/// The clips a recorded pack of `language` needs, each with the text to say.
pub fn needed(
    table: &PhraseTable,
    building_languages: &[String],
    language: &str,
) -> Result<Vec<Segment>, DomainError> {
    if !building_languages.iter().any(|l| l == language) {
        return Err(DomainError::UnknownLanguage(language.to_owned()));
    }
    table
        .clip_list(language)
        .map_err(|_| DomainError::UnknownLanguage(language.to_owned()))
}

/// What a display learns of a language's recordings: the needed clips that are recorded, and
/// those still missing, in the order of `needed`.
pub fn pack(
    language: &str,
    needed: &[Segment],
    recorded: &[(String, u64, DateTime<Utc>)],
) -> VoicePack {
    let mut clips = Vec::new();
    let mut missing = Vec::new();
    for clip in needed {
        match recorded.iter().find(|(key, _, _)| *key == clip.key) {
            Some((key, bytes, recorded_at)) => clips.push(VoiceClip {
                key: key.clone(),
                bytes: *bytes,
                recorded_at: *recorded_at,
            }),
            None => missing.push(clip.key.clone()),
        }
    }
    VoicePack {
        language: language.to_owned(),
        clips,
        missing,
    }
}

/// Checks a recording of clip `key` of `language`; the decoded audio when it is usable.
pub fn check_recording(needed: &[Segment], key: &str, wav: &[u8]) -> Result<Audio, DomainError> {
    if !needed.iter().any(|clip| clip.key == key) {
        return Err(DomainError::UnknownClip(key.to_owned()));
    }
    let bad = |problem: String| DomainError::BadRecording(problem);
    if wav.len() > MAX_CLIP_BYTES {
        return Err(bad(format!(
            "larger than {} MB",
            MAX_CLIP_BYTES / 1024 / 1024
        )));
    }
    let audio = Audio::from_wav(wav).map_err(|error| bad(format!("not a WAV file ({error})")))?;
    let seconds = audio.duration_seconds();
    if !(MIN_CLIP_SECONDS..=MAX_CLIP_SECONDS).contains(&seconds) {
        return Err(bad(format!(
            "{seconds:.1} s long; a clip is {MIN_CLIP_SECONDS}-{MAX_CLIP_SECONDS} s"
        )));
    }
    if audio.rms() < MIN_CLIP_RMS {
        return Err(bad("silent: nothing was heard".into()));
    }
    Ok(audio)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f64, amplitude: f64) -> Vec<u8> {
        let rate = 16_000u32;
        let samples = (0..(f64::from(rate) * seconds) as usize)
            .map(|i| {
                (amplitude * (i as f64 * 440.0 * std::f64::consts::TAU / 16_000.0).sin()) as i16
            })
            .collect();
        Audio { rate, samples }.to_wav()
    }

    fn needed_ps() -> Vec<Segment> {
        let table = PhraseTable::embedded().unwrap();
        needed(&table, &["de".into(), "ps".into()], "ps").unwrap()
    }

    #[test]
    fn a_language_needs_its_phrase_words_letters_digits_places_and_floors() {
        let keys: Vec<String> = needed_ps().into_iter().map(|c| c.key).collect();
        for key in [
            "letter.A",
            "digit.0",
            "digit.9",
            "place.desk",
            "place.room",
            "floor.0",
        ] {
            assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
        }
        let table = PhraseTable::embedded().unwrap();
        assert_eq!(
            needed(&table, &["de".into()], "ps").unwrap_err(),
            DomainError::UnknownLanguage("ps".into())
        );
    }

    #[test]
    fn only_a_needed_audible_wav_of_word_length_is_taken() {
        let needed = needed_ps();
        assert!(check_recording(&needed, "digit.4", &tone(1.0, 8_000.0)).is_ok());
        let refused = |key: &str, wav: &[u8]| check_recording(&needed, key, wav).unwrap_err();
        assert_eq!(
            refused("digit.44", &tone(1.0, 8_000.0)),
            DomainError::UnknownClip("digit.44".into())
        );
        for (wav, why) in [
            (b"RIFF garbage".to_vec(), "not a WAV"),
            (tone(0.05, 8_000.0), "long"),
            (tone(9.0, 8_000.0), "long"),
            (tone(1.0, 20.0), "silent"),
        ] {
            let DomainError::BadRecording(problem) = refused("digit.4", &wav) else {
                panic!("{why}: not refused as a bad recording");
            };
            assert!(problem.contains(why), "{problem} should say {why}");
        }
    }
}
