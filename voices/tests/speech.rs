//! Spoken calls end to end inside the crate: every building language produces a plausible
//! WAV with its configured backend, clip packs are joined in script order, the speaker says
//! a burst in order without overlap (fake clock), and a missing engine is logged once.
//! Needs espeak-ng (scripts/test installs it).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lotse_protocol::DeskKind;
use lotse_voices::clips::synthetic_pack;
use lotse_voices::{
    Announcer, Audio, Backend, ClipPack, PhraseTable, Player, Request, Speaker, SpeakerSettings,
    SpeechConfig, Spoken, VoiceChoice,
};

const BUILDING_LANGUAGES: [&str; 10] = ["de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ti", "fr"];

fn counter(number: &str) -> Spoken {
    Spoken {
        number: number.into(),
        kind: DeskKind::Desk,
        place_number: "3".into(),
        floor: 0,
    }
}

fn room() -> Spoken {
    Spoken {
        number: "J-108".into(),
        kind: DeskKind::Room,
        place_number: "1.04".into(),
        floor: 1,
    }
}

/// The default config with synthetic packs for the languages no engine has.
fn config_with_packs(dir: &Path) -> SpeechConfig {
    let table = PhraseTable::embedded().expect("valid");
    for language in ["ps", "ti"] {
        synthetic_pack(&dir.join(language), &table, language).expect("pack written");
    }
    SpeechConfig {
        clips: dir.to_owned(),
        ..SpeechConfig::default()
    }
}

#[test]
fn every_building_language_is_spoken_audibly_for_a_plausible_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_with_packs(dir.path());
    let voices = config.build_voices(BUILDING_LANGUAGES);
    let announcer = Announcer::new(PhraseTable::embedded().expect("valid"), voices);
    for language in BUILDING_LANGUAGES {
        let expected = if ["ps", "ti"].contains(&language) {
            Backend::Clips
        } else {
            Backend::Espeak
        };
        let voice = announcer.voice(language).expect("a voice");
        assert_eq!(voice.backend(), expected, "{language}");
        assert_eq!(voice.language(), language);
        for spoken in [counter("A-042"), room()] {
            let audio = announcer
                .render(language, &spoken)
                .unwrap_or_else(|e| panic!("{language}: {e}"));
            // Through a WAV and back, as a player gets it.
            let audio = Audio::from_wav(&audio.to_wav()).expect("a WAV");
            let (seconds, rms) = (audio.duration_seconds(), audio.rms());
            assert!(
                (1.0..=10.0).contains(&seconds),
                "{language}: {seconds:.2} s"
            );
            assert!(rms > 0.02, "{language}: rms {rms:.4}");
        }
    }
}

#[test]
fn a_command_backend_is_used_when_configured_with_espeak_standing_in() {
    let config: SpeechConfig = toml::from_str(
        "[voices.en]\nbackend = \"command\"\ncommand = [\"espeak-ng\", \"-v\", \"en-gb\", \"--stdout\"]\n",
    )
    .expect("valid");
    let announcer = Announcer::new(
        PhraseTable::embedded().expect("valid"),
        config.build_voices(["en"]),
    );
    assert_eq!(
        announcer.voice("en").map(|v| v.backend()),
        Some(Backend::Command)
    );
    let audio = announcer.render("en", &counter("B-7")).expect("spoken");
    assert!((1.0..=10.0).contains(&audio.duration_seconds()));
    assert!(audio.rms() > 0.02);
}

#[test]
fn a_clip_pack_is_joined_in_exactly_the_scripts_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = PhraseTable::embedded().expect("valid");
    // Each clip a block of one constant level, so the joined audio shows which came when.
    let list = table.clip_list("ps").expect("ps has a phrase");
    let clips: Vec<(String, Audio)> = list
        .iter()
        .enumerate()
        .map(|(i, segment)| {
            let level = 1_000 + 300 * i as i16;
            (
                segment.key.clone(),
                Audio {
                    rate: lotse_voices::audio::RATE,
                    samples: vec![level; 500],
                },
            )
        })
        .collect();
    ClipPack::write(&dir.path().join("ps"), "ps", &clips).expect("written");
    let config = SpeechConfig {
        clips: dir.path().to_owned(),
        ..SpeechConfig::default()
    };
    let announcer = Announcer::new(table, config.build_voices(["ps"]));
    let spoken = Spoken {
        number: "A-044".into(),
        ..room()
    };
    let script = announcer.script("ps", &spoken).expect("a script");
    let audio = announcer.render("ps", &spoken).expect("spoken");

    let mut heard: Vec<&str> = Vec::new();
    let mut previous = 0;
    for &sample in &audio.samples {
        if sample != 0 && sample != previous {
            let index = ((sample - 1_000) / 300) as usize;
            heard.push(&clips[index].0);
        }
        previous = sample;
    }
    assert_eq!(heard, script.keys());
    assert_eq!(
        script.keys(),
        [
            "phrase.0",
            "letter.A",
            "digit.4",
            "digit.4",
            "phrase.1",
            "place.room",
            "digit.1",
            "digit.0",
            "digit.4",
            "phrase.2",
            "floor.1"
        ]
    );
}

/// What the fake player heard: start, end and the WAV of each announcement.
type PlayLog = Arc<Mutex<Vec<(Instant, Instant, Vec<u8>)>>>;

/// Plays nothing: records each WAV and moves the fake clock on by its length.
struct RecordingPlayer {
    now: Arc<Mutex<Instant>>,
    played: PlayLog,
}

impl Player for RecordingPlayer {
    fn play(&mut self, wav: &[u8]) -> std::io::Result<()> {
        let seconds = Audio::from_wav(wav)
            .map_err(std::io::Error::other)?
            .duration_seconds();
        let mut now = self.now.lock().expect("clock");
        let start = *now;
        *now += Duration::from_secs_f64(seconds);
        self.played
            .lock()
            .expect("log")
            .push((start, *now, wav.to_vec()));
        Ok(())
    }
}

fn wait_for(played: &PlayLog, count: usize) {
    // Real time only bounds the wait for the speaker thread; the test's times are fake.
    for _ in 0..2_000 {
        if played.lock().expect("log").len() >= count {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the speaker played fewer than {count} calls");
}

#[test]
fn calls_100_ms_apart_are_spoken_in_order_without_overlap_and_stale_ones_dropped() {
    let announcer = Arc::new(Announcer::new(
        PhraseTable::embedded().expect("valid"),
        SpeechConfig::default().build_voices(["de", "ar"]),
    ));
    let now = Arc::new(Mutex::new(Instant::now()));
    let played = Arc::new(Mutex::new(Vec::new()));
    let player = RecordingPlayer {
        now: now.clone(),
        played: played.clone(),
    };
    let clock_now = now.clone();
    let clock = Arc::new(move || *clock_now.lock().expect("clock"));
    let settings = SpeakerSettings {
        gong: None,
        volume: 100,
        max_age: Duration::from_secs(60),
    };
    let speaker =
        Speaker::start(announcer.clone(), Box::new(player), settings, clock).expect("started");
    let languages = vec!["de".to_owned(), "ar".to_owned()];
    let first = counter("A-1");
    let second = counter("B-22");
    let start = *now.lock().expect("clock");
    speaker.say_at(
        Request {
            spoken: first.clone(),
            languages: languages.clone(),
        },
        start,
    );
    speaker.say_at(
        Request {
            spoken: second.clone(),
            languages: languages.clone(),
        },
        start + Duration::from_millis(100),
    );
    wait_for(&played, 2);
    let log = played.lock().expect("log").clone();
    assert_eq!(log.len(), 2);
    let said = |spoken: &Spoken| announcer.announce(&languages, spoken);
    assert_eq!(Audio::from_wav(&log[0].2).expect("wav"), said(&first));
    assert_eq!(Audio::from_wav(&log[1].2).expect("wav"), said(&second));
    assert!(
        log[1].0 >= log[0].1,
        "the second began before the first ended"
    );
    drop(speaker);

    // Three calls queued at once with a limit of one and a half announcements: the third is
    // too old when its turn comes.
    let length = said(&counter("C-1")).duration_seconds();
    let settings = SpeakerSettings {
        gong: None,
        volume: 100,
        max_age: Duration::from_secs_f64(length * 1.5),
    };
    let played = Arc::new(Mutex::new(Vec::new()));
    let player = RecordingPlayer {
        now: now.clone(),
        played: played.clone(),
    };
    let clock_now = now.clone();
    let clock = Arc::new(move || *clock_now.lock().expect("clock"));
    let speaker =
        Speaker::start(announcer.clone(), Box::new(player), settings, clock).expect("started");
    let start = *now.lock().expect("clock");
    for number in ["C-1", "C-2", "C-3"] {
        speaker.say_at(
            Request {
                spoken: counter(number),
                languages: languages.clone(),
            },
            start,
        );
    }
    wait_for(&played, 2);
    drop(speaker);
    std::thread::sleep(Duration::from_millis(300));
    let log = played.lock().expect("log").clone();
    assert_eq!(log.len(), 2, "the stale third call was spoken");
    assert_eq!(
        Audio::from_wav(&log[1].2).expect("wav"),
        said(&counter("C-2"))
    );
}

#[test]
fn a_missing_engine_is_logged_once_and_nothing_fails() {
    let mut config = SpeechConfig {
        espeak: "/nonexistent/espeak-ng".into(),
        ..SpeechConfig::default()
    };
    config.voices.insert(
        "ps".into(),
        VoiceChoice::Clips {
            folder: Some("/nonexistent/pack".into()),
        },
    );
    let voices = config.build_voices(["de", "ps"]);
    assert!(!voices.contains_key("ps"), "a missing pack is left out");
    let announcer = Announcer::new(PhraseTable::embedded().expect("valid"), voices);
    for _ in 0..3 {
        let audio = announcer.announce(&["de".into(), "ps".into()], &counter("A-1"));
        assert!(audio.samples.is_empty());
    }
    // One problem per language, each logged once.
    assert_eq!(announcer.problems_logged(), 2);
}
