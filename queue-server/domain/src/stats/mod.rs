//! Statistics for the management, pure: one row per leg of a visit (`input.rs`) folded into
//! daily aggregates (`cells.rs`), the figures' definitions (`figures.rs`), the sums of cells
//! that add up across days and buildings (`tally.rs`), the report computed from them
//! (`report.rs`), visitors' feedback (`feedback.rs`), desk utilisation from desk shifts that
//! carry no account (`staffing.rs`) and the tables pages and exports show (`tables.rs`).
//! The server reads the rows, computes and exports (`lotse_queue_server::stats`).

pub mod cells;
pub mod feedback;
pub mod figures;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixture;
pub mod input;
pub mod report;
pub mod staffing;
pub mod tables;
pub mod tally;

pub use cells::Cells;
pub use input::{Dimension, Filter, Leg, Period};
pub use report::{Report, compute, compute_from_legs};
