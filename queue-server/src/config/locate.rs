//! Field paths and their lines in a TOML document: the shared implementation in
//! `lotse-protocol` (the kiosk's config uses it too).

pub use lotse_protocol::toml_location::{FieldPath, line_of};
