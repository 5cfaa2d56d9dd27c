//! The gong before a call: a two-tone chime synthesised at start (no sound file to license),
//! the same on the wall display and in the browser display's announcement.

use crate::audio::{Audio, RATE};

/// The chime at `volume` percent (1.9 s).
pub fn chime(volume: u8) -> Audio {
    let amplitude = f32::from(volume.min(100)) / 100.0 * 0.6 * f32::from(i16::MAX);
    // Two notes (E5, C5), each ringing out with an exponential decay.
    let notes = [(659.25_f32, 0.0_f32), (523.25, 0.55)];
    let length = (RATE as f32 * 1.9) as usize;
    let samples = (0..length)
        .map(|n| {
            let t = n as f32 / RATE as f32;
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
            (sample * 0.5 * amplitude) as i16
        })
        .collect();
    Audio {
        rate: RATE,
        samples,
    }
}
