//! Mono 16-bit audio in memory: WAV in and out (with `hound`), joining, silence, volume and
//! the loudness measures the tests use.

use std::io::Cursor;

/// The rate announcements are put together at (the gong's rate, espeak-ng's rate).
pub const RATE: u32 = 22_050;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("not a WAV file: {0}")]
    Wav(#[from] hound::Error),
    #[error("unsupported WAV: {0}")]
    Unsupported(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audio {
    pub rate: u32,
    pub samples: Vec<i16>,
}

impl Audio {
    pub fn silence(rate: u32, milliseconds: u32) -> Audio {
        Audio {
            rate,
            samples: vec![0; (u64::from(rate) * u64::from(milliseconds) / 1000) as usize],
        }
    }

    /// Reads a WAV. A stream whose header gives no real length (espeak-ng `--stdout` writes
    /// 0x7ffff000) is read up to its end. Stereo is mixed down; 8/24/32-bit is converted.
    pub fn from_wav(bytes: &[u8]) -> Result<Audio, AudioError> {
        let reader = hound::WavReader::new(Cursor::new(bytes))?;
        let spec = reader.spec();
        let channels = usize::from(spec.channels.max(1));
        let raw: Vec<i32> = match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Int, 8 | 16 | 24 | 32) => {
                let shift = i32::from(spec.bits_per_sample) - 16;
                reader
                    .into_samples::<i32>()
                    .map_while(Result::ok)
                    .map(|s| if shift >= 0 { s >> shift } else { s << -shift })
                    .collect()
            }
            (hound::SampleFormat::Float, 32) => reader
                .into_samples::<f32>()
                .map_while(Result::ok)
                .map(|s| (s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i32)
                .collect(),
            (format, bits) => {
                return Err(AudioError::Unsupported(format!("{format:?} {bits} bit")));
            }
        };
        let samples = raw
            .chunks(channels)
            .map(|frame| {
                let sum: i64 = frame.iter().map(|&s| i64::from(s)).sum();
                (sum / frame.len() as i64).clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16
            })
            .collect();
        Ok(Audio {
            rate: spec.sample_rate,
            samples,
        })
    }

    pub fn to_wav(&self) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: self.rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = Cursor::new(Vec::with_capacity(44 + self.samples.len() * 2));
        // Writing to memory fails only on out-of-memory-like conditions; an empty result
        // then tells the player nothing, which is logged by the caller.
        if let Ok(mut writer) = hound::WavWriter::new(&mut cursor, spec) {
            let mut sixteen = writer.get_i16_writer(self.samples.len() as u32);
            for &sample in &self.samples {
                sixteen.write_sample(sample);
            }
            if sixteen.flush().is_err() || writer.finalize().is_err() {
                return Vec::new();
            }
        }
        cursor.into_inner()
    }

    pub fn duration_seconds(&self) -> f64 {
        if self.rate == 0 {
            return 0.0;
        }
        self.samples.len() as f64 / f64::from(self.rate)
    }

    /// Root mean square, 0.0–1.0 of full scale.
    pub fn rms(&self) -> f64 {
        if self.samples.is_empty() {
            return 0.0;
        }
        let sum: f64 = self
            .samples
            .iter()
            .map(|&s| (f64::from(s) / f64::from(i16::MAX)).powi(2))
            .sum();
        (sum / self.samples.len() as f64).sqrt()
    }

    /// The same sound at `rate` (linear interpolation: speech needs nothing better).
    pub fn resampled(&self, rate: u32) -> Audio {
        if self.rate == rate || self.rate == 0 || self.samples.is_empty() {
            return Audio {
                rate,
                samples: self.samples.clone(),
            };
        }
        let ratio = f64::from(self.rate) / f64::from(rate);
        let length = (self.samples.len() as f64 / ratio) as usize;
        let last = self.samples.len() - 1;
        let samples = (0..length)
            .map(|n| {
                let position = n as f64 * ratio;
                let index = (position as usize).min(last);
                let next = (index + 1).min(last);
                let fraction = position - index as f64;
                (f64::from(self.samples[index]) * (1.0 - fraction)
                    + f64::from(self.samples[next]) * fraction) as i16
            })
            .collect();
        Audio { rate, samples }
    }

    /// Without the near-silence at both ends (engines pad each utterance).
    pub fn trimmed(&self) -> Audio {
        const FLOOR: i16 = 300;
        let loud = |s: &i16| s.unsigned_abs() > FLOOR.unsigned_abs();
        let start = self.samples.iter().position(loud).unwrap_or(0);
        let end = self.samples.iter().rposition(loud).map_or(start, |e| e + 1);
        Audio {
            rate: self.rate,
            samples: self.samples[start..end].to_vec(),
        }
    }

    /// Appends `other` (resampled to this rate if needed).
    pub fn append(&mut self, other: &Audio) {
        if other.rate == self.rate {
            self.samples.extend_from_slice(&other.samples);
        } else {
            self.samples
                .extend_from_slice(&other.resampled(self.rate).samples);
        }
    }

    pub fn append_silence(&mut self, milliseconds: u32) {
        let count = (u64::from(self.rate) * u64::from(milliseconds) / 1000) as usize;
        self.samples.resize(self.samples.len() + count, 0);
    }

    /// Scales to `volume` percent.
    pub fn set_volume(&mut self, volume: u8) {
        let factor = f32::from(volume.min(100)) / 100.0;
        for sample in &mut self.samples {
            *sample = (f32::from(*sample) * factor) as i16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, milliseconds: u32) -> Audio {
        let count = rate * milliseconds / 1000;
        Audio {
            rate,
            samples: (0..count)
                .map(|n| ((n as f32 * 0.05).sin() * 10_000.0) as i16)
                .collect(),
        }
    }

    #[test]
    fn a_wav_round_trips_and_measures() {
        let audio = tone(RATE, 500);
        let back = Audio::from_wav(&audio.to_wav()).expect("a WAV");
        assert_eq!(back, audio);
        assert!((back.duration_seconds() - 0.5).abs() < 0.01);
        assert!(back.rms() > 0.1);
        assert_eq!(Audio::silence(RATE, 100).rms(), 0.0);
    }

    #[test]
    fn a_stream_header_without_length_is_read_to_its_end() {
        let mut bytes = tone(RATE, 200).to_wav();
        // What espeak-ng --stdout writes: RIFF and data sizes it cannot know yet.
        bytes[4..8].copy_from_slice(&0x7fff_f024_u32.to_le_bytes());
        bytes[40..44].copy_from_slice(&0x7fff_f000_u32.to_le_bytes());
        let audio = Audio::from_wav(&bytes).expect("read");
        assert_eq!(audio.samples.len(), (RATE / 5) as usize);
    }

    #[test]
    fn resampling_keeps_the_duration_and_trimming_drops_silence() {
        let audio = tone(16_000, 1000).resampled(RATE);
        assert_eq!(audio.rate, RATE);
        assert!((audio.duration_seconds() - 1.0).abs() < 0.01);
        let mut padded = Audio::silence(RATE, 300);
        padded.append(&tone(RATE, 200));
        padded.append_silence(300);
        assert!((padded.trimmed().duration_seconds() - 0.2).abs() < 0.01);
        padded.set_volume(0);
        assert_eq!(padded.rms(), 0.0);
    }
}
