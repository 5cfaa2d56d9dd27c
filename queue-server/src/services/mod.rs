//! The service layer under both the JSON API and the pages: commands that change state and
//! queries that read it. The only place that composes the domain's rules, storage's rows,
//! events and audit entries; its errors are [`ServiceError`]s, never an HTTP type.

pub mod commands;
mod error;
pub mod queries;

pub use error::ServiceError;
