//! The Lotse kiosk: visitors pick their language and concerns, get a printed ticket with a QR
//! code, or check in for an appointment. See ARCHITECTURE.md.
//!
//! `flow` is the pure visitor flow; `controller` shows it in the Slint window; `worker` does
//! the network and printer I/O on its own threads.

/// The code Slint generates from `ui/`; its own lints are not ours to fix.
#[allow(
    clippy::all,
    clippy::unwrap_used,
    clippy::todo,
    clippy::dbg_macro,
    unsafe_code
)]
mod generated {
    slint::include_modules!();
}
pub use generated::*;

pub mod app;
pub mod config;
pub mod controller;
pub mod demo_data;
pub mod flow;
pub mod print_test;
pub mod qr;
pub mod read_aloud;
pub mod scanner;
pub mod screenshot;
pub mod spoken;
pub mod texts;
pub mod ticket_print;
#[cfg(test)]
mod translations_check;
pub mod worker;
