//! The kiosk's reader: one thread that turns the scripts of a screen (`spoken.rs`) into
//! sound with the voices of `lotse-voices` (espeak-ng, a command, recorded clip packs) and
//! plays them one after the other. A new screen or a stop cancels what is being said at
//! once: the UI thread only sends an order and never waits for audio. Nothing here is fatal:
//! a missing engine, clip or player is logged once and that part is left out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use lotse_voices::audio::RATE;
use lotse_voices::{Audio, Script, Voice};

/// How often a playing command is checked for a cancel.
const POLL: Duration = Duration::from_millis(10);

/// Whether what is being played was cancelled (a new screen, a stop).
pub type Cancelled<'a> = &'a dyn Fn() -> bool;

/// Plays a sound to its end or until cancelled.
pub trait Output: Send {
    fn play(&mut self, audio: &Audio, cancelled: Cancelled) -> std::io::Result<()>;
}

/// A program reading a WAV on standard input (`aplay -q -`, any ALSA device: the kiosk's
/// speaker or its headphone jack), stopped when cancelled.
pub struct CommandOutput {
    command: Vec<String>,
}

impl CommandOutput {
    pub fn new(command: Vec<String>) -> CommandOutput {
        CommandOutput { command }
    }
}

impl Output for CommandOutput {
    fn play(&mut self, audio: &Audio, cancelled: Cancelled) -> std::io::Result<()> {
        let Some((program, arguments)) = self.command.split_first() else {
            return Ok(());
        };
        let mut child = Command::new(program)
            .args(arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        // Written on its own thread: a long WAV fills the pipe while the player waits for
        // the device, and a cancel must still be seen.
        let writer = child.stdin.take().map(|mut stdin| {
            let wav = audio.to_wav();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&wav);
            })
        });
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if cancelled() {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(POLL);
        };
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        match status {
            Some(status) if !status.success() => {
                Err(std::io::Error::other(format!("{program} failed: {status}")))
            }
            _ => Ok(()),
        }
    }
}

/// The handle of the reading thread; dropping it ends the thread after the current part.
pub struct Reader {
    sender: mpsc::Sender<(u64, Vec<Script>)>,
    /// Raised by every order; a part of an older order is not said.
    generation: Arc<AtomicU64>,
    languages: Vec<String>,
}

impl Reader {
    /// Starts the thread with the voices per language and the output. `volume` 0–100.
    pub fn start(
        voices: BTreeMap<String, Arc<dyn Voice>>,
        output: Box<dyn Output>,
        volume: u8,
    ) -> std::io::Result<Reader> {
        let (sender, receiver) = mpsc::channel();
        let generation = Arc::new(AtomicU64::new(0));
        let languages = voices.keys().cloned().collect();
        let thread = Thread {
            voices,
            output,
            volume,
            generation: generation.clone(),
            cache: HashMap::new(),
            warned: HashSet::new(),
        };
        std::thread::Builder::new()
            .name("lotse-read-aloud".into())
            .spawn(move || thread.run(receiver))?;
        Ok(Reader {
            sender,
            generation,
            languages,
        })
    }

    /// Stops what is being said and says `scripts` in order; returns at once.
    pub fn say(&self, scripts: Vec<Script>) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if self.sender.send((generation, scripts)).is_err() {
            tracing::debug!("the reader has stopped; nothing said");
        }
    }

    /// Stops what is being said; returns at once.
    pub fn stop(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether `language` has a voice (the Welcome screen marks those without one).
    pub fn speaks(&self, language: &str) -> bool {
        self.languages.iter().any(|l| l == language)
    }
}

struct Thread {
    voices: BTreeMap<String, Arc<dyn Voice>>,
    output: Box<dyn Output>,
    volume: u8,
    generation: Arc<AtomicU64>,
    /// (language, segment key, text) → trimmed audio at `RATE`.
    cache: HashMap<(String, String, String), Arc<Audio>>,
    warned: HashSet<String>,
}

impl Thread {
    fn run(mut self, receiver: mpsc::Receiver<(u64, Vec<Script>)>) {
        while let Ok(mut order) = receiver.recv() {
            // Orders that came meanwhile replace it: only the newest screen is read.
            while let Ok(newer) = receiver.try_recv() {
                order = newer;
            }
            let (generation, scripts) = order;
            for script in &scripts {
                if self.cancelled(generation) {
                    break;
                }
                self.say(generation, script);
            }
        }
    }

    fn cancelled(&self, generation: u64) -> bool {
        self.generation.load(Ordering::SeqCst) != generation
    }

    /// One script: its segments, each followed by its pause, played as one sound.
    fn say(&mut self, generation: u64, script: &Script) {
        let Some(voice) = self.voices.get(&script.language).cloned() else {
            self.warn_once(&script.language, "no voice for this language");
            return;
        };
        let mut audio = Audio {
            rate: RATE,
            samples: Vec::new(),
        };
        for segment in &script.segments {
            if self.cancelled(generation) {
                return;
            }
            let key = (
                script.language.clone(),
                segment.key.clone(),
                segment.text.clone(),
            );
            let part = match self.cache.get(&key) {
                Some(part) => part.clone(),
                None => match voice.say(segment) {
                    Ok(said) => {
                        let part = Arc::new(said.trimmed().resampled(RATE));
                        self.cache.insert(key, part.clone());
                        part
                    }
                    Err(error) => {
                        self.warn_once(&script.language, &error.to_string());
                        continue;
                    }
                },
            };
            audio.append(&part);
            audio.append_silence(segment.pause_ms);
        }
        if audio.samples.is_empty() {
            return;
        }
        audio.set_volume(self.volume);
        let generations = self.generation.clone();
        let cancelled = move || generations.load(Ordering::SeqCst) != generation;
        if let Err(error) = self.output.play(&audio, &cancelled) {
            self.warn_once("output", &error.to_string());
        }
    }

    fn warn_once(&mut self, language: &str, problem: &str) {
        if self.warned.insert(format!("{language}: {problem}")) {
            tracing::warn!(%language, %problem, "cannot read aloud");
        }
    }
}

#[cfg(test)]
#[path = "read_aloud_tests.rs"]
mod tests;
