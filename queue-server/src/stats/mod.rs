//! Statistics for the management: the figures are the domain's (`lotse_domain::stats`: legs,
//! daily aggregates, definitions, reports, tables), re-exported here; this module reads them
//! from storage and computes (`load.rs`: leg rows via `storage::stats`, days past the
//! retention period from `storage::aggregates`), exports CSV and XLSX (`export.rs`) and says
//! who sees what (`scope.rs`: a supervisor only their agencies' figures). Shown on
//! `/staff/stats`. Statistics name desks, never staff accounts.

pub mod export;
pub mod load;
pub mod scope;

pub use lotse_domain::stats::{
    Cells, Dimension, Filter, Leg, Period, Report, cells, compute, compute_from_legs, feedback,
    figures, input, report, staffing, tables, tally,
};
