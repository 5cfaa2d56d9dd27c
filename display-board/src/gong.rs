//! The gong for a new call: a two-tone chime synthesised as a WAV (no sound file to license)
//! and played by an external player such as `aplay`. A missing player or audio device is
//! logged once and otherwise ignored: a silent board is still a board.

use std::cell::Cell;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const SAMPLE_RATE: u32 = 22_050;
/// Calls arriving together (a replay after a reconnect) ring once.
const MIN_GAP: Duration = Duration::from_millis(1500);

/// The chime at `volume` percent, as WAV bytes.
pub fn chime(volume: u8) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let amplitude = f32::from(volume.min(100)) / 100.0 * 0.6 * f32::from(i16::MAX);
    // Two notes (E5, C5), each ringing out with an exponential decay.
    let notes = [(659.25_f32, 0.0_f32), (523.25, 0.55)];
    let length = (SAMPLE_RATE as f32 * 1.9) as usize;
    let mut cursor = std::io::Cursor::new(Vec::new());
    if let Ok(mut writer) = hound::WavWriter::new(&mut cursor, spec) {
        for n in 0..length {
            let t = n as f32 / SAMPLE_RATE as f32;
            let mut sample = 0.0;
            for (frequency, start) in notes {
                if t >= start {
                    let local = t - start;
                    let envelope = (-3.2 * local).exp() * (local * 200.0).min(1.0);
                    sample += envelope
                        * ((std::f32::consts::TAU * frequency * local).sin()
                            + 0.3 * (std::f32::consts::TAU * 2.0 * frequency * local).sin());
                }
            }
            if writer
                .write_sample((sample * 0.5 * amplitude) as i16)
                .is_err()
            {
                break;
            }
        }
        if let Err(error) = writer.finalize() {
            tracing::warn!(%error, "cannot build the gong sound");
        }
    }
    cursor.into_inner()
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
        let Some((program, arguments)) = self.command.split_first() else {
            return;
        };
        let (program, arguments) = (program.clone(), arguments.to_vec());
        let (sound, warned) = (self.sound.clone(), self.warned.clone());
        let spawned = std::thread::Builder::new()
            .name("lotse-gong".into())
            .spawn(move || {
                if let Err(error) = play(&program, &arguments, &sound)
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

fn play(program: &str, arguments: &[String], sound: &[u8]) -> std::io::Result<()> {
    let mut child = Command::new(program)
        .args(arguments)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(sound)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_is_a_wav_whose_loudness_follows_the_volume() {
        let loud = chime(100);
        let reader = hound::WavReader::new(std::io::Cursor::new(&loud)).expect("a WAV");
        assert_eq!(reader.spec().sample_rate, SAMPLE_RATE);
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
