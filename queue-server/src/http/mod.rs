//! The HTTP layer: what the JSON API and the pages share — the error type and its status.

pub mod error;
