//! Statistics for the management: the figures (pure, `figures.rs`, `report.rs`) over daily
//! aggregates (`cells.rs`) folded from leg rows (`input.rs`, read by `storage::stats`) or,
//! for days past the retention period, stored (`storage::aggregates`); shown on
//! `/staff/stats`, exported as CSV and XLSX (`export.rs`). Statistics name desks, never
//! staff accounts: desk utilisation (`staffing.rs`) comes from desk shifts that carry no
//! account. A supervisor sees only their agencies' figures (`scope.rs`).

pub mod cells;
pub mod export;
pub mod feedback;
pub mod figures;
pub mod input;
pub mod load;
pub mod report;
pub mod scope;
pub mod staffing;
pub mod tables;

pub use cells::Cells;
pub use input::{Dimension, Filter, Leg, Period};
pub use report::{Report, compute, compute_from_legs};
