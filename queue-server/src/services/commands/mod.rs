//! Commands: one function per staff or device action. Each loads what it needs, asks the
//! domain, and writes rows, event and audit entry in the one transaction the storage thread
//! runs it in. Handlers authenticate, call a command and map its error.

pub mod accounts;
pub mod alarm;
pub mod alerts;
pub mod appointments;
pub mod day_end;
pub mod desk;
pub mod devices;
pub mod directory;
pub mod feedback;
pub mod interpreter;
pub mod issue;
pub mod session;
pub mod visit;
pub mod voice_clips;
