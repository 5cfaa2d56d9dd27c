//! Queries: reads that compose storage's rows with the domain's rules for a screen.

pub mod console;
