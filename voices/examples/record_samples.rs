//! Writes one sample announcement per building language into a folder (docs/voices/):
//! "A-042 to counter 3, ground floor", small (11 kHz, 8 bit). Pashto and Tigrinya come from
//! a synthetic tone pack (no engine speaks them) until interpreters record real packs.
//! `cargo run -p lotse-voices --example record_samples -- docs/voices`

use std::path::PathBuf;

use lotse_protocol::DeskKind;
use lotse_voices::clips::synthetic_pack;
use lotse_voices::{Announcer, PhraseTable, SpeechConfig, Spoken};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "docs/voices".into()),
    );
    std::fs::create_dir_all(&out)?;
    let table = PhraseTable::embedded()?;
    let packs = tempfile::tempdir()?;
    let languages: Vec<&str> = lotse_protocol::languages::codes().collect();
    let unspoken = lotse_protocol::languages::LANGUAGES
        .iter()
        .filter(|l| l.speech == lotse_protocol::languages::SpeechBackend::RecordedClips);
    for language in unspoken.map(|l| l.code) {
        synthetic_pack(&packs.path().join(language), &table, language)?;
    }
    let config = SpeechConfig {
        clips: packs.path().to_owned(),
        ..SpeechConfig::default()
    };
    let announcer = Announcer::new(table, config.build_voices(languages.iter().copied()));
    let spoken = Spoken {
        number: "A-042".into(),
        kind: DeskKind::Desk,
        place_number: "3".into(),
        floor: 0,
    };
    for language in languages {
        let audio = announcer.render(language, &spoken)?.resampled(11_025);
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: audio.rate,
            bits_per_sample: 8,
            sample_format: hound::SampleFormat::Int,
        };
        let path = out.join(format!("{language}.wav"));
        let mut writer = hound::WavWriter::create(&path, spec)?;
        for sample in &audio.samples {
            writer.write_sample((sample >> 8) as i8)?;
        }
        writer.finalize()?;
        let text = announcer.script(language, &spoken)?.text();
        println!(
            "{} {:.1} s: {text}",
            path.display(),
            audio.duration_seconds()
        );
    }
    Ok(())
}
