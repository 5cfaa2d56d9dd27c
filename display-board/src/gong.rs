//! The gong for a new call: a two-tone chime synthesised as a WAV (no sound file to license)
//! and played by an external player such as `aplay`. A missing player or audio device is
//! logged once and otherwise ignored: a silent board is still a board.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lotse_voices::{CommandPlayer, Player};

/// Calls arriving together (a replay after a reconnect) ring once.
const MIN_GAP: Duration = Duration::from_millis(1500);

/// The chime at `volume` percent, as WAV bytes (synthesised in `lotse-voices`, which also
/// puts it before spoken calls).
pub fn chime(volume: u8) -> Vec<u8> {
    lotse_voices::chime(volume).to_wav()
}

/// Plays the chime through an external command reading WAV on its standard input.
pub struct Gong {
    command: Vec<String>,
    sound: Arc<Vec<u8>>,
    last: Cell<Option<Instant>>,
    warned: Arc<AtomicBool>,
}

impl Gong {
    pub fn new(command: Vec<String>, volume: u8) -> Gong {
        Gong {
            command,
            sound: Arc::new(chime(volume)),
            last: Cell::new(None),
            warned: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Rings unless it rang a moment ago; never blocks the caller.
    pub fn ring(&self) {
        let now = Instant::now();
        if self.last.get().is_some_and(|last| now - last < MIN_GAP) {
            return;
        }
        self.last.set(Some(now));
        let Some(program) = self.command.first().cloned() else {
            return;
        };
        let mut player = CommandPlayer::new(self.command.clone());
        let (sound, warned) = (self.sound.clone(), self.warned.clone());
        let spawned = std::thread::Builder::new()
            .name("lotse-gong".into())
            .spawn(move || {
                if let Err(error) = player.play(&sound)
                    && !warned.swap(true, Ordering::Relaxed)
                {
                    tracing::warn!(%error, %program, "cannot play the gong (no audio?)");
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot start the gong thread");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_is_a_wav_whose_loudness_follows_the_volume() {
        let loud = chime(100);
        let reader = hound::WavReader::new(std::io::Cursor::new(&loud)).expect("a WAV");
        assert_eq!(reader.spec().sample_rate, lotse_voices::audio::RATE);
        let peak = |bytes: &[u8]| {
            hound::WavReader::new(std::io::Cursor::new(bytes))
                .expect("a WAV")
                .into_samples::<i16>()
                .map(|s| s.expect("a sample").unsigned_abs())
                .max()
                .unwrap_or(0)
        };
        let (loud_peak, quiet_peak) = (peak(&loud), peak(&chime(20)));
        assert!(loud_peak > 8_000, "peak {loud_peak}");
        assert!(quiet_peak * 4 < loud_peak, "{quiet_peak} vs {loud_peak}");
        assert_eq!(peak(&chime(0)), 0);
    }

    #[test]
    fn a_missing_player_is_not_fatal() {
        let gong = Gong::new(vec!["/nonexistent/player".into()], 50);
        gong.ring();
        gong.ring();
    }
}
