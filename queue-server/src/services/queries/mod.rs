//! Queries: reads that compose storage's rows with the domain's rules for a screen.

pub mod console;
pub mod next_call;
pub mod queues;
pub mod ticket;
