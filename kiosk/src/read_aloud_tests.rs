//! The reader with real voices and a recording output (the machine has no sound card): the
//! Arabic screens through espeak-ng, rendered to WAV and compared with what the intended
//! texts sound like; every text read aloud in every espeak-ng language checked as IPA;
//! Tigrinya through a clip pack; interrupting, stopping, and voices or
//! players that fail.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use lotse_voices::clips::ClipPack;
use lotse_voices::{CommandVoice, Segment};

use super::*;
use crate::demo_data;
use crate::flow::{Effect, Event, Flow};

/// What the output did.
#[derive(Debug, Clone, PartialEq)]
enum Played {
    Started(Audio),
    Finished,
    Cancelled,
    Failed,
}

/// Records what it is given; holds each sound until cancelled when `hold` is set, so a test
/// can interrupt it at a known point without timing.
struct Recorder {
    events: Sender<Played>,
    hold: bool,
}

impl Output for Recorder {
    fn play(&mut self, audio: &Audio, cancelled: Cancelled) -> std::io::Result<()> {
        let _ = self.events.send(Played::Started(audio.clone()));
        if self.hold {
            while !cancelled() {
                std::thread::sleep(Duration::from_millis(2));
            }
            let _ = self.events.send(Played::Cancelled);
        } else {
            let _ = self.events.send(Played::Finished);
        }
        Ok(())
    }
}

fn reader(voices: Vec<Arc<dyn Voice>>, hold: bool) -> (Reader, Receiver<Played>) {
    let (events, played) = channel();
    let voices: BTreeMap<String, Arc<dyn Voice>> = voices
        .into_iter()
        .map(|v| (v.language().to_owned(), v))
        .collect();
    let reader =
        Reader::start(voices, Box::new(Recorder { events, hold }), 100).expect("the reader starts");
    (reader, played)
}

/// The next thing the output did (a generous bound only so that a broken reader fails
/// instead of hanging; nothing is timed).
fn next(played: &Receiver<Played>) -> Played {
    played
        .recv_timeout(Duration::from_secs(60))
        .expect("the reader played something")
}

fn started(played: &Receiver<Played>) -> Audio {
    match next(played) {
        Played::Started(audio) => audio,
        other => panic!("expected a sound, got {other:?}"),
    }
}

fn espeak_available() -> bool {
    Command::new("espeak-ng").arg("--version").output().is_ok()
}

fn flow_at(language: &str) -> Flow {
    let mut flow = Flow::new("de", "k");
    flow.handle(Event::ServerUp(Box::new(demo_data::building())));
    flow.handle(Event::ToggleReadAloud);
    flow.handle(Event::ChooseLanguage(language.into()));
    flow
}

fn speak(effects: Vec<Effect>) -> Vec<Script> {
    effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Speak(scripts) => Some(scripts),
            _ => None,
        })
        .expect("a screen to read")
}

/// What the reader should produce for `script` with `voice`: each segment said alone,
/// trimmed, followed by its pause.
fn intended(voice: &dyn Voice, script: &Script) -> Audio {
    let mut audio = Audio {
        rate: RATE,
        samples: Vec::new(),
    };
    for segment in &script.segments {
        let said = voice.say(segment).expect("the voice says it");
        audio.append(&said.trimmed().resampled(RATE));
        audio.append_silence(segment.pause_ms);
    }
    audio
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tmp/read-aloud");
    std::fs::create_dir_all(&dir).expect("a folder for the WAVs");
    dir
}

/// What espeak-ng will say for `text`, as IPA.
fn ipa(voice: &str, text: &str) -> String {
    let output = Command::new("espeak-ng")
        .args(["-q", "--ipa", "-v", voice, text])
        .output()
        .expect("espeak-ng runs");
    let said = String::from_utf8(output.stdout).expect("UTF-8");
    said.split_whitespace().collect::<Vec<_>>().join(" ")
}

const ACCEPTED_IPA: &str = include_str!("read_aloud_ipa.toml");
const ACCEPTED_IPA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/read_aloud_ipa.toml");

#[test]
fn the_arabic_screens_are_rendered_as_their_texts_sound() {
    if !espeak_available() {
        eprintln!("SKIPPED: espeak-ng is not installed (scripts/test installs it)");
        return;
    }
    let voice: Arc<dyn Voice> = Arc::new(CommandVoice::espeak("espeak-ng", "ar", "ar"));
    let (reader, played) = reader(vec![voice.clone()], false);
    let mut flow = flow_at("ar");
    let mut screens = vec![crate::spoken::screen(&flow)];
    flow.handle(Event::OpenAgency("immigration".into()));
    flow.handle(Event::ToggleService("residence-permit".into()));
    screens.push(speak(flow.handle(Event::ToConfirm)));
    for (index, scripts) in screens.into_iter().enumerate() {
        reader.say(scripts.clone());
        let audio = started(&played);
        assert_eq!(next(&played), Played::Finished);
        std::fs::write(
            screenshots().join(format!("ar-{index}.wav")),
            audio.to_wav(),
        )
        .expect("the WAV is written");
        // The rendered sound is the intended texts, in order, in the Arabic voice.
        assert_eq!(
            audio,
            intended(voice.as_ref(), &scripts[0]),
            "screen {index}"
        );
        assert!(audio.rms() > 0.01 && audio.duration_seconds() > 2.0);
    }
}

/// Every screen a visit reads aloud in `language`, from the Welcome screen to the printed
/// ticket (Done): each Speak effect in turn.
fn visit_read_aloud(language: &str) -> Vec<Script> {
    let mut flow = Flow::new("de", "k");
    flow.handle(Event::ServerUp(Box::new(demo_data::building())));
    flow.handle(Event::ToggleReadAloud);
    let mut scripts = crate::spoken::screen(&flow);
    let mut said = |effects: Vec<Effect>| {
        for effect in effects {
            if let Effect::Speak(more) = effect {
                scripts.extend(more);
            }
        }
    };
    said(flow.handle(Event::ChooseLanguage(language.into())));
    said(
        crate::spoken::screen(&flow)
            .into_iter()
            .map(|s| Effect::Speak(vec![s]))
            .collect(),
    );
    said(flow.handle(Event::OpenAgency("immigration".into())));
    said(flow.handle(Event::ToggleService("residence-permit".into())));
    said(flow.handle(Event::ToConfirm));
    said(flow.handle(Event::Print));
    let ticket = demo_data::ticket(
        &demo_data::building(),
        &["residence-permit".into()],
        language,
    );
    said(flow.handle(Event::TicketIssued(Box::new(ticket))));
    said(flow.handle(Event::Printed));
    scripts
}

/// Every text the kiosk reads aloud through espeak-ng, per language, as espeak-ng's IPA: the
/// Welcome screen's language names, the offices, the concerns, the confirmation and the
/// printed ticket's number of a visit in each language espeak-ng speaks. A change of text, of `said_as.toml` or of the engine
/// that changes a pronunciation fails here until a listener accepted it.
#[test]
fn every_text_read_aloud_sounds_as_accepted() {
    if !espeak_available() {
        eprintln!("SKIPPED: espeak-ng is not installed (scripts/test installs it)");
        return;
    }
    let espeak_languages: Vec<&str> = demo_data::building()
        .site
        .languages
        .iter()
        .filter_map(|code| lotse_protocol::languages::language(code))
        .filter(|l| l.speech == lotse_protocol::languages::SpeechBackend::Espeak)
        .map(|l| l.code)
        .collect();
    assert!(espeak_languages.len() >= 8, "{espeak_languages:?}");
    let mut heard: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for language in &espeak_languages {
        for script in visit_read_aloud(language) {
            if !espeak_languages.contains(&script.language.as_str()) {
                continue;
            }
            for segment in &script.segments {
                heard
                    .entry(script.language.clone())
                    .or_default()
                    .insert(segment.text.clone(), ipa(&script.language, &segment.text));
            }
        }
    }
    if std::env::var_os("LOTSE_ACCEPT_IPA").is_some() {
        std::fs::write(
            ACCEPTED_IPA_FILE,
            toml::to_string(&heard).expect("serialises"),
        )
        .expect("writes");
        return;
    }
    let accepted: BTreeMap<String, BTreeMap<String, String>> =
        toml::from_str(ACCEPTED_IPA).expect("parses");
    for (language, texts) in &heard {
        assert_eq!(
            Some(texts),
            accepted.get(language),
            "{language}: the texts read aloud sound different from the accepted IPA \
             (listen, then LOTSE_ACCEPT_IPA=1 rewrites src/read_aloud_ipa.toml)"
        );
    }
    assert_eq!(
        heard.len(),
        accepted.len(),
        "a language's accepted IPA without its texts"
    );
}

#[test]
fn tigrinya_is_read_from_its_clip_pack_in_order() {
    let mut flow = flow_at("ti");
    flow.handle(Event::OpenAgency("immigration".into()));
    flow.handle(Event::ToggleService("residence-permit".into()));
    let scripts = speak(flow.handle(Event::ToConfirm));
    // A pack with one distinct tone per clip the screen needs (recordings stand in).
    let folder = tempfile::tempdir().expect("a temp dir");
    let clips: Vec<(String, Audio)> = scripts[0]
        .segments
        .iter()
        .enumerate()
        .map(|(n, s)| (s.key.clone(), tone(300 + 40 * n as u32)))
        .collect();
    ClipPack::write(folder.path(), "ti", &clips).expect("the pack is written");
    let pack: Arc<dyn Voice> = Arc::new(ClipPack::load(folder.path()).expect("loads"));
    let (reader, played) = reader(vec![pack.clone()], false);
    reader.say(scripts.clone());
    let audio = started(&played);
    std::fs::write(screenshots().join("ti-confirm.wav"), audio.to_wav()).expect("written");
    assert_eq!(audio, intended(pack.as_ref(), &scripts[0]));
    // A clip missing from the pack leaves that part out; the rest is still said.
    let mut longer = scripts[0].clone();
    longer.segments.insert(1, segment("text.Not recorded"));
    reader.say(vec![longer]);
    assert_eq!(next(&played), Played::Finished);
    assert_eq!(started(&played), audio);
}

#[test]
fn a_new_screen_interrupts_the_one_being_read() {
    let (reader, played) = reader(vec![pack_voice("ar", &["a", "b"])], true);
    reader.say(vec![script("ar", &["a"])]);
    let first = started(&played);
    reader.say(vec![script("ar", &["b"])]);
    assert_eq!(next(&played), Played::Cancelled, "the first stops at once");
    let second = started(&played);
    assert_ne!(first, second);
    reader.stop();
    assert_eq!(next(&played), Played::Cancelled, "a stop silences it");
}

#[test]
fn the_idle_reset_stops_the_reader_through_the_flow() {
    let (reader, played) = reader(vec![pack_voice("ar", &["a"])], true);
    let mut flow = flow_at("ar");
    reader.say(vec![script("ar", &["a"])]);
    started(&played);
    for _ in 0..flow.idle_limit {
        for effect in flow.handle(Event::Tick) {
            match effect {
                Effect::Speak(scripts) => reader.say(scripts),
                Effect::StopSpeaking => reader.stop(),
                _ => {}
            }
        }
    }
    assert_eq!(next(&played), Played::Cancelled);
}

#[test]
fn failing_voices_and_players_never_stop_the_reader() {
    let failing: Arc<dyn Voice> =
        Arc::new(CommandVoice::command("fa", &["false".into()]).expect("a command"));
    let missing: Arc<dyn Voice> = Arc::new(CommandVoice::espeak("/nonexistent/espeak", "ru", "ru"));
    let (reader, played) = reader(vec![failing, missing, pack_voice("ar", &["a"])], false);
    reader.say(vec![
        script("fa", &["a"]),
        script("ru", &["a"]),
        script("ps", &["a"]),
    ]);
    reader.say(vec![script("ar", &["a"])]);
    // Nothing of the failing languages was played; the next order still is.
    assert!(matches!(next(&played), Played::Started(_)));
    assert!(!reader.speaks("ps"));
    assert!(reader.speaks("ar"));

    // A player that fails (no audio device): logged, and the next screen is still played.
    let (events, played) = channel();
    let mut voices: BTreeMap<String, Arc<dyn Voice>> = BTreeMap::new();
    voices.insert("ar".into(), pack_voice("ar", &["a"]));
    let output = FailingFirst {
        failed: false,
        then: Recorder {
            events,
            hold: false,
        },
    };
    let flaky = Reader::start(voices, Box::new(output), 80).expect("starts");
    flaky.say(vec![script("ar", &["a"])]);
    assert_eq!(next(&played), Played::Failed);
    flaky.say(vec![script("ar", &["a"])]);
    assert!(matches!(next(&played), Played::Started(_)));
}

/// An output whose first play fails, as `aplay` does without a sound card.
struct FailingFirst {
    failed: bool,
    then: Recorder,
}

impl Output for FailingFirst {
    fn play(&mut self, audio: &Audio, cancelled: Cancelled) -> std::io::Result<()> {
        if !self.failed {
            self.failed = true;
            let _ = self.then.events.send(Played::Failed);
            return Err(std::io::Error::other("no sound card"));
        }
        self.then.play(audio, cancelled)
    }
}

#[test]
fn a_command_output_is_stopped_when_cancelled() {
    // `sleep` stands in for a player that plays for a long time.
    let mut output = CommandOutput::new(vec!["sleep".into(), "600".into()]);
    let (cancel, cancelled) = channel::<()>();
    let playing = std::thread::spawn(move || {
        let check = move || cancelled.try_recv().is_ok();
        output.play(&tone(500), &check)
    });
    cancel.send(()).expect("the player waits");
    assert!(playing.join().expect("no panic").is_ok());
}

fn tone(frequency: u32) -> Audio {
    let samples = (0..RATE / 5)
        .map(|n| {
            let t = n as f32 / RATE as f32;
            (8_000.0 * (std::f32::consts::TAU * frequency as f32 * t).sin()) as i16
        })
        .collect();
    Audio {
        rate: RATE,
        samples,
    }
}

fn segment(key: &str) -> Segment {
    Segment {
        key: key.to_owned(),
        text: key.to_owned(),
        pause_ms: 100,
    }
}

fn script(language: &str, keys: &[&str]) -> Script {
    Script {
        language: language.to_owned(),
        segments: keys.iter().map(|k| segment(k)).collect(),
    }
}

fn pack_voice(language: &str, keys: &[&str]) -> Arc<dyn Voice> {
    let clips = keys
        .iter()
        .enumerate()
        .map(|(n, k)| ((*k).to_owned(), tone(400 + 100 * n as u32)))
        .collect();
    Arc::new(ClipPack::from_clips(language, clips))
}
