//! The rules of visits and desks, pure: no SQL, no HTTP, no clock (time is passed in).
//! This crate's dependencies hold no rusqlite, axum, hyper or tokio, so a rule cannot reach
//! for the database or the network. The server's commands ask these functions what a change
//! means and then write it; its storage only runs SQL.

pub mod accounts;
pub mod alarm;
pub mod alerts;
pub mod appointments;
pub mod audit;
pub mod directory;
pub mod error;
pub mod estimate;
pub mod feedback;
pub mod interpreter;
pub mod issuing;
pub mod language_stats;
pub mod notes;
pub mod outcomes;
pub mod premises;
pub mod routing;
pub mod scope;
pub mod stats;
pub mod stop;
pub mod visit_order;
pub mod voice_clips;
pub mod waiting_line;

pub use audit::AuditAction;
pub use error::DomainError;
pub use premises::Premises;
pub use scope::AgencyScope;
