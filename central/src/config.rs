//! The central service's configuration (TOML): the database, the county's buildings with the
//! hash of each one's token, and the central accounts. Validated at start-up; errors name the
//! file and the field.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralConfig {
    /// A libpq connection string or URL.
    pub database_url: String,
    /// The CA certificates (PEM) that signed the database server's certificate: with it the
    /// connections use TLS and refuse a server without it or with another certificate.
    #[serde(default)]
    pub database_ca_file: Option<PathBuf>,
    #[serde(default = "default_pool_size")]
    pub pool_size: usize,
    /// The county's time zone: a pushed day after today there is refused.
    #[serde(default = "default_time_zone", rename = "time_zone")]
    time_zone_name: String,
    /// `time_zone`, parsed.
    #[serde(skip, default = "berlin")]
    pub time_zone: Tz,
    /// A building silent for longer than this shows offline on the overview (it reports
    /// every few seconds).
    #[serde(default = "default_offline_after")]
    pub offline_after_seconds: i64,
    /// County reports computed at once; more wait their turn (`turns.rs`).
    #[serde(default = "default_reports_at_once")]
    pub reports_at_once: usize,
    /// The most legs and visits one county report may have to compute (its buildings' days of
    /// the period and the period as long before it, but those whose sums are kept); a larger
    /// one is refused with what to narrow. The default, 20 million, takes about 13 s here.
    #[serde(default = "default_report_cells_max")]
    pub report_cells_max: u64,
    /// The SHA-256 (hex) of the token that may read `GET /metrics`.
    #[serde(default)]
    pub metrics_token_sha256: Option<String>,
    #[serde(default, rename = "building")]
    pub buildings: Vec<BuildingEntry>,
    #[serde(default, rename = "account")]
    pub accounts: Vec<Account>,
}

fn default_pool_size() -> usize {
    16
}

fn default_reports_at_once() -> usize {
    1
}

fn default_report_cells_max() -> u64 {
    20_000_000
}

fn default_offline_after() -> i64 {
    30
}

fn default_time_zone() -> String {
    "Europe/Berlin".into()
}

fn berlin() -> Tz {
    chrono_tz::Europe::Berlin
}

/// One building of the county.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildingEntry {
    pub id: String,
    pub name: String,
    pub town: String,
    /// The SHA-256 (hex) of the building's token (`lotse-central token` makes both).
    pub token_sha256: String,
}

/// A central account: a county admin sees every building, a supervisor the listed ones.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: String,
    /// An argon2id PHC string (`lotse-central password-hash`).
    pub password_hash: String,
    pub role: Role,
    #[serde(default)]
    pub buildings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CountyAdmin,
    Supervisor,
}

impl Account {
    /// Whether this account may see `building`.
    pub fn sees(&self, building: &str) -> bool {
        self.role == Role::CountyAdmin || self.buildings.iter().any(|b| b == building)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

impl CentralConfig {
    pub fn load(path: &Path) -> Result<CentralConfig, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        CentralConfig::parse(&file, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<CentralConfig, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            file: file.to_owned(),
            message,
        };
        let mut config: CentralConfig = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        config.time_zone = config.time_zone_name.parse().map_err(|_| {
            invalid(format!(
                "time_zone: {:?} is not an IANA time zone",
                config.time_zone_name
            ))
        })?;
        let mut ids = BTreeSet::new();
        let mut hashes = BTreeSet::new();
        for (i, building) in config.buildings.iter().enumerate() {
            if building.id.is_empty()
                || !building
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(invalid(format!(
                    "building[{i}].id: {:?} must be letters, digits, '-' or '_'",
                    building.id
                )));
            }
            if !ids.insert(building.id.as_str()) {
                return Err(invalid(format!(
                    "building[{i}].id: {} is there twice",
                    building.id
                )));
            }
            let hash = building.token_sha256.to_ascii_lowercase();
            if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(invalid(format!(
                    "building[{i}].token_sha256: not a SHA-256 in hex (lotse-central token makes one)"
                )));
            }
            if !hashes.insert(hash) {
                return Err(invalid(format!(
                    "building[{i}].token_sha256: another building has this token"
                )));
            }
        }
        for (i, account) in config.accounts.iter().enumerate() {
            for building in &account.buildings {
                if !ids.contains(building.as_str()) {
                    return Err(invalid(format!(
                        "account[{i}].buildings: no building {building}"
                    )));
                }
            }
        }
        Ok(config)
    }

    /// The building whose token hashes to `sha256` (hex).
    pub fn building_of_token(&self, sha256: &str) -> Option<&BuildingEntry> {
        self.buildings
            .iter()
            .find(|b| b.token_sha256.eq_ignore_ascii_case(sha256))
    }

    pub fn building(&self, id: &str) -> Option<&BuildingEntry> {
        self.buildings.iter().find(|b| b.id == id)
    }

    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// Building names by id.
    pub fn names(&self) -> BTreeMap<&str, &str> {
        self.buildings
            .iter()
            .map(|b| (b.id.as_str(), b.name.as_str()))
            .collect()
    }
}
