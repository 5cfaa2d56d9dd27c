//! Staff sessions and roles.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema
)]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// Security staff: see and answer emergency alarms, nothing else. Below the interpreter,
    /// so that no `at_least` check of another role lets them in.
    Security,
    /// A language mediator (Sprachmittler): sees and takes interpreter requests of their
    /// languages, nothing else. Below staff, so that `at_least(Staff)` leaves them out.
    Interpreter,
    Staff,
    Supervisor,
    Admin,
}

impl Role {
    /// The stored and wire name (one conversion: strum, in step with serde).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `POST /api/v1/session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub name: String,
    pub password: String,
}

/// `PUT /api/v1/session/password`: staff change their own password. Every session of the
/// account ends, the current one too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 10 characters.
    #[schema(min_length = 10)]
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    pub name: String,
    pub role: Role,
    /// Send it as `X-CSRF-Token` with every request that changes something.
    pub csrf_token: String,
}
