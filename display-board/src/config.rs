//! Display configuration: a TOML file, overridable from the command line, with defaults that
//! fit the demo (local server).

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::board::Settings;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisplayConfig {
    pub server_url: String,
    /// A PEM file of the CA that signed the server's HTTPS certificate (the county's PKI);
    /// when set, only it is trusted.
    pub server_ca: Option<std::path::PathBuf>,
    /// The device token from `queue-server device add --kind display`.
    pub device_token: String,
    /// Show only the calls of this zone's desks; none shows every zone (lobby display).
    pub zone: Option<String>,
    /// Languages of the rotating line, in order; empty = all languages of the building.
    pub languages: Vec<String>,
    /// Calls shown large.
    pub current: usize,
    /// Earlier calls shown smaller.
    pub history: usize,
    /// How long a new call pulses.
    pub highlight_seconds: u32,
    pub portrait: bool,
    pub fullscreen: bool,
    pub sound: SoundConfig,
    /// Spoken calls: languages, voices, volume, quiet hours (needs `sound.enabled`).
    pub speech: lotse_voices::SpeechConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SoundConfig {
    pub enabled: bool,
    /// 0–100.
    pub volume: u8,
    /// A program reading a WAV file on standard input, with its arguments.
    pub command: Vec<String>,
}

impl Default for DisplayConfig {
    fn default() -> Self {
        DisplayConfig {
            server_url: "http://127.0.0.1:8080".into(),
            device_token: String::new(),
            server_ca: None,
            zone: None,
            languages: Vec::new(),
            current: 3,
            history: 8,
            highlight_seconds: 12,
            portrait: false,
            fullscreen: false,
            sound: SoundConfig::default(),
            speech: lotse_voices::SpeechConfig::default(),
        }
    }
}

impl Default for SoundConfig {
    fn default() -> Self {
        SoundConfig {
            enabled: true,
            volume: 70,
            command: vec!["aplay".into(), "-q".into(), "-".into()],
        }
    }
}

impl DisplayConfig {
    pub fn load(path: &Path) -> anyhow::Result<DisplayConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let config: DisplayConfig = toml::from_str(&text)
            .with_context(|| format!("{}: invalid display config", path.display()))?;
        config.check().with_context(|| path.display().to_string())?;
        Ok(config)
    }

    /// Limits that keep the board readable.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            (1..=4).contains(&self.current),
            "current must be 1 to 4 (calls shown large)"
        );
        anyhow::ensure!(self.history <= 12, "history must be at most 12");
        anyhow::ensure!(
            (1..=300).contains(&self.highlight_seconds),
            "highlight_seconds must be 1 to 300"
        );
        anyhow::ensure!(self.sound.volume <= 100, "sound.volume must be 0 to 100");
        self.speech.check()?;
        Ok(())
    }

    pub fn settings(&self) -> Settings {
        Settings {
            zone: self.zone.clone(),
            current: self.current,
            history: self.history,
            highlight: chrono::Duration::seconds(i64::from(self.highlight_seconds)),
            languages: self.languages.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_sets_what_it_names_and_keeps_defaults() {
        let config: DisplayConfig = toml::from_str(
            "server_url = \"http://queue:8080\"\nzone = \"floor-1\"\n[sound]\nvolume = 30\n",
        )
        .expect("a valid config");
        assert_eq!(config.zone.as_deref(), Some("floor-1"));
        assert_eq!(config.sound.volume, 30);
        assert!(config.sound.enabled);
        assert_eq!(config.history, 8);
        assert!(config.check().is_ok());
        assert_eq!(config.speech.languages, ["de", "ticket"]);
    }

    #[test]
    fn speech_is_configured_per_language() {
        let config: DisplayConfig = toml::from_str(
            "[speech]
volume = 60
max_age_seconds = 20
quiet_hours = [\"19:00\", \"07:00\"]
languages = [\"de\", \"en\", \"ticket\"]
[speech.voices.en]
backend = \"command\"
command = [\"piper\", \"--model\", \"en.onnx\", \"--output_file\", \"-\"]
",
        )
        .expect("a valid config");
        assert!(config.check().is_ok());
        assert_eq!(config.speech.languages_for(Some("ar")), ["de", "en", "ar"]);
        let bad: DisplayConfig =
            toml::from_str("[speech]\nquiet_hours = [\"7\", \"8\"]\n").expect("parses");
        assert!(bad.check().is_err());
    }

    #[test]
    fn unknown_keys_and_bad_limits_are_refused() {
        assert!(toml::from_str::<DisplayConfig>("zome = \"lobby\"").is_err());
        let config: DisplayConfig = toml::from_str("current = 9").expect("parses");
        assert!(config.check().is_err());
    }
}
