//! The rules of visits and desks, pure: no SQL, no HTTP, no clock (time is passed in).
//! The command layer (`crate::commands`) asks these functions what a change means and then
//! writes it; storage only runs SQL.

pub mod accounts;
pub mod alerts;
pub mod appointments;
pub mod audit;
pub mod error;
pub mod feedback;
pub mod interpreter;
pub mod issuing;
pub mod language_stats;
pub mod outcomes;
pub mod stop;
pub mod voice_clips;

pub use audit::AuditAction;
pub use error::DomainError;
