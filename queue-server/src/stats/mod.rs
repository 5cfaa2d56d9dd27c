//! Statistics for the management: the figures (pure, `figures.rs`, `report.rs`) over leg
//! rows (`input.rs`), read by `storage::stats` and shown on `/staff/stats`, exported as CSV
//! and XLSX (`export.rs`). Statistics name desks, never staff accounts.

pub mod export;
pub mod feedback;
pub mod figures;
pub mod input;
pub mod load;
pub mod report;
pub mod tables;

pub use input::{Dimension, Filter, Leg, Period};
pub use report::{Report, compute};
