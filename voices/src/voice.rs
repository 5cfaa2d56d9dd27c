//! The `Voice` trait (one segment of a script in, audio out) and the engine backends:
//! espeak-ng and any command that reads text on standard input and writes WAV on standard
//! output (e.g. Piper). Recorded clip packs are in `clips.rs`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::audio::{Audio, AudioError};
use crate::phrase::{NumberReading, Segment};

/// Which kind of voice speaks a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Espeak,
    Command,
    Clips,
}

/// How long an engine may take for one segment before it is stopped (a hung engine must
/// not silence the display for good).
pub const ENGINE_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("{program} took longer than {seconds} s and was stopped")]
    Timeout { program: String, seconds: u64 },
    #[error("cannot start {program}: {source}")]
    EngineMissing {
        program: String,
        source: std::io::Error,
    },
    #[error("{program} failed ({status}): {stderr}")]
    EngineFailed {
        program: String,
        status: String,
        stderr: String,
    },
    #[error("{program} wrote no usable audio: {source}")]
    BadAudio { program: String, source: AudioError },
    #[error("clip pack {language}: no clip {key}")]
    MissingClip { language: String, key: String },
    #[error("clip pack {folder}: {problem}")]
    Pack { folder: String, problem: String },
    #[error("no voice for language {0}")]
    NoVoice(String),
}

/// Says segments of a script in one language.
pub trait Voice: Send + Sync {
    fn backend(&self) -> Backend;
    fn language(&self) -> &str;
    /// How this voice can read numbers: engines read words (if the phrase table says the
    /// language's numbers are known), clip packs digits.
    fn reading(&self) -> NumberReading;
    fn say(&self, segment: &Segment) -> Result<Audio, VoiceError>;
}

/// A program that reads the text on standard input and writes a WAV on standard output.
#[derive(Debug, Clone)]
pub struct CommandVoice {
    backend: Backend,
    language: String,
    program: String,
    arguments: Vec<String>,
}

impl CommandVoice {
    /// espeak-ng with its voice for `voice` (`de`, `ar`, …); it reads standard input when
    /// given no text.
    pub fn espeak(program: &str, language: &str, voice: &str) -> CommandVoice {
        CommandVoice {
            backend: Backend::Espeak,
            language: language.to_owned(),
            program: program.to_owned(),
            arguments: vec!["-v".into(), voice.into(), "--stdout".into()],
        }
    }

    /// `command` is the program and its arguments; `None` if it is empty.
    pub fn command(language: &str, command: &[String]) -> Option<CommandVoice> {
        let (program, arguments) = command.split_first()?;
        Some(CommandVoice {
            backend: Backend::Command,
            language: language.to_owned(),
            program: program.clone(),
            arguments: arguments.to_vec(),
        })
    }
}

impl Voice for CommandVoice {
    fn backend(&self) -> Backend {
        self.backend
    }

    fn language(&self) -> &str {
        &self.language
    }

    fn reading(&self) -> NumberReading {
        NumberReading::Words
    }

    fn say(&self, segment: &Segment) -> Result<Audio, VoiceError> {
        let program = || self.program.clone();
        let mut child = Command::new(&self.program)
            .args(&self.arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| VoiceError::EngineMissing {
                program: program(),
                source,
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A program that exits without reading fails below with its own message.
            let _ = stdin.write_all(segment.text.as_bytes());
        }
        // Read both pipes on their own threads so a chatty engine never blocks on a full
        // pipe while we wait for it with a deadline.
        let stdout = child.stdout.take().map(read_all);
        let stderr = child.stderr.take().map(read_all);
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > ENGINE_DEADLINE => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(VoiceError::Timeout {
                        program: program(),
                        seconds: ENGINE_DEADLINE.as_secs(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(source) => {
                    return Err(VoiceError::EngineMissing {
                        program: program(),
                        source,
                    });
                }
            }
        };
        let collect = |reader: Option<std::thread::JoinHandle<Vec<u8>>>| {
            reader.and_then(|r| r.join().ok()).unwrap_or_default()
        };
        let (stdout, stderr) = (collect(stdout), collect(stderr));
        if !status.success() {
            return Err(VoiceError::EngineFailed {
                program: program(),
                status: status.to_string(),
                stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
            });
        }
        Audio::from_wav(&stdout).map_err(|source| VoiceError::BadAudio {
            program: program(),
            source,
        })
    }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        // A broken pipe leaves what was read; the WAV check below judges it.
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase::word;

    #[test]
    fn a_failing_or_silent_command_is_a_typed_error() {
        let failing = CommandVoice::command("en", &["false".into()]).expect("a command");
        assert!(matches!(
            failing.say(&word("k", "hello")),
            Err(VoiceError::EngineFailed { .. })
        ));
        let not_wav = CommandVoice::command("en", &["cat".into()]).expect("a command");
        assert!(matches!(
            not_wav.say(&word("k", "hello")),
            Err(VoiceError::BadAudio { .. })
        ));
        assert!(CommandVoice::command("en", &[]).is_none());
    }
}
