//! Lotse wire types and typed client: the one place that defines the JSON shapes of the API.
//!
//! The queue server serialises these types, the kiosk, display board and tests deserialise them.
//! Database rows and UI structs are separate types that convert to and from these.

pub mod alarm;
pub mod alert;
pub mod building;
pub mod central;
#[cfg(feature = "client")]
pub mod central_client;
#[cfg(feature = "client")]
pub mod client;
pub mod desk;
pub mod display;
pub mod error;
pub mod event;
#[cfg(feature = "client")]
pub mod event_stream;
pub mod floors;
pub mod interpreter;
pub mod languages;
pub mod limits;
pub mod pictograms;
pub mod plural;
#[cfg(feature = "client")]
pub mod server_ca;
pub mod session;
pub mod ticket;
pub mod toml_location;
pub mod voices;

pub use alarm::{Alarm, AlarmResponder, AlarmState, CloseAlarm};
pub use alert::{Alert, AlertKind, AlertState};
pub use building::*;
#[cfg(feature = "client")]
pub use client::{Client, ClientError, Deadlines};
pub use desk::*;
pub use display::*;
pub use error::{ApiErrorBody, ErrorCode};
pub use event::*;
pub use interpreter::*;
pub use session::*;
pub use ticket::*;
pub use voices::{VoiceClip, VoicePack};

/// The path prefix of every versioned API endpoint.
pub const API_PREFIX: &str = "/api/v1";
