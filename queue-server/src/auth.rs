//! Who is calling: devices with bearer tokens, staff with session cookies. Token generation
//! and hashing, argon2id passwords, and the role checks endpoints use.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use lotse_protocol::{Building, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::DomainError;
use crate::error::AppError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter
)]
#[strum(serialize_all = "snake_case")]
pub enum DeviceKind {
    Kiosk,
    Display,
    /// An agency's booking system importing appointments.
    Booking,
}

impl DeviceKind {
    /// The stored name (one conversion: strum).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<DeviceKind> {
        text.parse().ok()
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Device {
        kind: DeviceKind,
        name: String,
    },
    Staff {
        name: String,
        role: Role,
        agencies: AgencyScope,
    },
}

impl Caller {
    /// Staff of any role.
    pub fn staff(&self) -> Result<&str, AppError> {
        match self {
            Caller::Staff { name, .. } => Ok(name),
            Caller::Device { .. } => Err(AppError::Forbidden),
        }
    }

    /// Staff with at least `role` (staff < supervisor < admin).
    pub fn at_least(&self, minimum: Role) -> Result<&str, AppError> {
        match self {
            Caller::Staff { name, role, .. } if *role >= minimum => Ok(name),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Staff who may work at `desk`: it serves a service of one of their agencies.
    pub fn staff_at(&self, building: &Building, desk: &str) -> Result<&str, AppError> {
        match self {
            Caller::Staff { name, agencies, .. } => {
                agencies.check_desk(building, desk)?;
                Ok(name)
            }
            Caller::Device { .. } => Err(AppError::Forbidden),
        }
    }

    /// Staff may act on the lines of these services (their agencies'); devices are checked
    /// by their kind elsewhere.
    pub fn check_services<'a>(
        &self,
        building: &Building,
        services: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), AppError> {
        match self {
            Caller::Staff { agencies, .. } => agencies.check_services(building, services),
            Caller::Device { .. } => Ok(()),
        }
    }

    /// A device of one of `kinds`, or any staff member.
    pub fn device_or_staff(&self, kinds: &[DeviceKind]) -> Result<(), AppError> {
        match self {
            Caller::Staff { .. } => Ok(()),
            Caller::Device { kind, .. } if kinds.contains(kind) => Ok(()),
            Caller::Device { .. } => Err(AppError::Forbidden),
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Caller::Staff { .. })
    }
}

/// The agencies a staff account works for. Social-data secrecy: an account reads transfer
/// notes and sits at desks only of its agencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyScope {
    All,
    Only(Vec<String>),
}

impl AgencyScope {
    /// `*` is every agency; otherwise agency ids separated by commas.
    pub fn parse(text: &str) -> AgencyScope {
        if text.trim() == "*" {
            return AgencyScope::All;
        }
        AgencyScope::Only(
            text.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    pub fn to_text(&self) -> String {
        match self {
            AgencyScope::All => "*".to_owned(),
            AgencyScope::Only(ids) => ids.join(","),
        }
    }

    pub fn includes(&self, agency: &str) -> bool {
        match self {
            AgencyScope::All => true,
            AgencyScope::Only(ids) => ids.iter().any(|id| id == agency),
        }
    }

    /// An unknown desk is 404, a desk of other agencies 403.
    pub fn check_desk(&self, building: &Building, desk: &str) -> Result<(), AppError> {
        if building.desk(desk).is_none() {
            Err(DomainError::UnknownDesk(desk.to_owned()).into())
        } else if self.serves_at(building, desk) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Staff put tickets (walk-ins, priority or not) and appointments only into the lines
    /// of their agencies; an unknown service is left to the request checks.
    pub fn check_services<'a>(
        &self,
        building: &Building,
        services: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), AppError> {
        let foreign = services.into_iter().any(|id| {
            building
                .service(id)
                .is_some_and(|service| !self.includes(&service.agency))
        });
        if foreign {
            Err(AppError::Forbidden)
        } else {
            Ok(())
        }
    }

    /// Whether `desk` serves at least one service of these agencies.
    pub fn serves_at(&self, building: &Building, desk: &str) -> bool {
        building.desk(desk).is_some_and(|desk| {
            desk.services.iter().any(|service| {
                building
                    .service(service)
                    .is_some_and(|s| self.includes(&s.agency))
            })
        })
    }
}

/// A new secret token: 256 random bits, URL-safe text.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token. Tokens are random and long, so a plain hash suffices.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// argon2id hash of a password. Slow on purpose: call it in `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Whether `password` matches `stored`. Slow on purpose: call it in `spawn_blocking`.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the user does not exist, so that the answer takes as long
/// as for a real user and does not reveal which names exist.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6H1ZzjbPpHvpXHP6f5Jq3mDQzCwYyeXRHcnL7ue2ZXg"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_tokens_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
        assert_eq!(token_hash("a").len(), 64);
        assert_ne!(new_secret(), new_secret());
    }
}
