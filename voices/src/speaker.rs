//! The speaker of a display: one thread that takes calls in order, puts the gong and the
//! announcement into one WAV and hands it to the player, which plays it to the end before
//! the next call is taken, so announcements never overlap. The clock is an input.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::announcer::Announcer;
use crate::audio::{Audio, RATE};
use crate::phrase::Spoken;
use crate::queue::AnnouncementQueue;

/// Silence between the gong and the voice.
const AFTER_GONG_MS: u32 = 200;

/// Plays a WAV to its end.
pub trait Player: Send {
    fn play(&mut self, wav: &[u8]) -> std::io::Result<()>;
}

/// The current time; tests pass a fake.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// A program reading a WAV on standard input (`aplay -q -`), like the gong's player.
pub struct CommandPlayer {
    command: Vec<String>,
}

impl CommandPlayer {
    pub fn new(command: Vec<String>) -> CommandPlayer {
        CommandPlayer { command }
    }
}

impl Player for CommandPlayer {
    fn play(&mut self, wav: &[u8]) -> std::io::Result<()> {
        let Some((program, arguments)) = self.command.split_first() else {
            return Ok(());
        };
        let mut child = Command::new(program)
            .args(arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(wav)?;
        }
        let output = child.wait_with_output()?;
        if output.status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{program} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    }
}

/// One call to say.
#[derive(Debug, Clone)]
pub struct Request {
    pub spoken: Spoken,
    /// In order; from `SpeechConfig::languages_for`.
    pub languages: Vec<String>,
}

/// How the speaker sounds.
#[derive(Debug, Clone)]
pub struct SpeakerSettings {
    /// The gong (a WAV) played before the voice; none for the voice alone.
    pub gong: Option<Vec<u8>>,
    /// 0–100, applied to the voice.
    pub volume: u8,
    pub max_age: Duration,
}

/// The handle of the speaker thread; dropping it ends the thread after the current call.
pub struct Speaker {
    sender: mpsc::Sender<(Request, Instant)>,
    clock: Clock,
}

impl Speaker {
    pub fn start(
        announcer: Arc<Announcer>,
        player: Box<dyn Player>,
        settings: SpeakerSettings,
        clock: Clock,
    ) -> std::io::Result<Speaker> {
        let (sender, receiver) = mpsc::channel();
        let thread_clock = clock.clone();
        std::thread::Builder::new()
            .name("lotse-speaker".into())
            .spawn(move || run(announcer, player, settings, thread_clock, receiver))?;
        Ok(Speaker { sender, clock })
    }

    /// Queues a call made now; returns at once.
    pub fn say(&self, request: Request) {
        self.say_at(request, (self.clock)());
    }

    /// Queues a call made at `at` (its age decides whether it is still said).
    pub fn say_at(&self, request: Request, at: Instant) {
        if self.sender.send((request, at)).is_err() {
            tracing::debug!("the speaker has stopped; call not spoken");
        }
    }
}

/// The gong, a short silence and the announcement, as one WAV.
pub fn compose(gong: Option<&Audio>, voice: &Audio) -> Audio {
    let mut audio = Audio {
        rate: RATE,
        samples: Vec::with_capacity(voice.samples.len() + 50_000),
    };
    if let Some(gong) = gong {
        audio.append(gong);
        if !voice.samples.is_empty() {
            audio.append_silence(AFTER_GONG_MS);
        }
    }
    audio.append(voice);
    audio
}

fn run(
    announcer: Arc<Announcer>,
    mut player: Box<dyn Player>,
    settings: SpeakerSettings,
    clock: Clock,
    receiver: mpsc::Receiver<(Request, Instant)>,
) {
    let gong = settings.gong.as_deref().and_then(|wav| {
        Audio::from_wav(wav)
            .map_err(|error| tracing::warn!(%error, "the gong is not a WAV"))
            .ok()
    });
    let warned = AtomicBool::new(false);
    let mut queue = AnnouncementQueue::new(settings.max_age);
    // Blocks for the next call; ends when the display drops its `Speaker`.
    while let Ok((request, at)) = receiver.recv() {
        queue.push(request, at);
        loop {
            // Calls that came while the last one played join the queue behind it.
            while let Ok((request, at)) = receiver.try_recv() {
                queue.push(request, at);
            }
            let Some(request) = queue.next(clock()) else {
                break;
            };
            let mut voice = announcer.announce(&request.languages, &request.spoken);
            voice.set_volume(settings.volume);
            let audio = compose(gong.as_ref(), &voice);
            if audio.samples.is_empty() {
                continue;
            }
            if let Err(error) = player.play(&audio.to_wav())
                && !warned.swap(true, Ordering::Relaxed)
            {
                tracing::warn!(%error, "cannot play the announcement (no audio?)");
            }
        }
        if queue.dropped() > 0 {
            tracing::debug!(dropped = queue.dropped(), "calls too old to be spoken");
        }
    }
}
